// The example payloads under schemas/<vendor>/examples/{valid,invalid}/ and what expected.json
// says of each: the one listing the Node checks share (the Rust tests have crates/fixtures, the
// Python checks checks/fixtures.py).

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Every example, in a stable order: its id (`<vendor>/<valid|invalid>/<name>`), schema, path,
 * verdict, and the bindings that refuse it if it is invalid. */
export function fixtures() {
  const found = [];
  for (const vendor of readdirSync(join(root, "schemas")).sort()) {
    const examples = join(root, "schemas", vendor, "examples");
    if (!existsSync(join(examples, "expected.json"))) continue;
    const expected = JSON.parse(readFileSync(join(examples, "expected.json"), "utf8"));
    for (const verdict of ["valid", "invalid"]) {
      const dir = join(examples, verdict);
      for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
        const entry = verdict === "invalid" ? expected.invalid[file] : {};
        if (!entry) throw new Error(`schemas/${vendor}/examples/invalid/${file} has no entry in expected.json`);
        found.push({
          id: `${vendor}/${verdict}/${file.replace(/\.json$/, "")}`,
          schema: expected.schema,
          path: join(dir, file),
          valid: verdict === "valid",
          rejectedBy: entry.rejected_by ?? [],
        });
      }
    }
  }
  return found;
}
