// The example payloads under schemas/<vendor>/examples/<schema>/{valid,invalid}/ and what each
// schema's expected.json says of them: the one listing the Node checks share (the Rust tests
// have crates/fixtures, the Python checks checks/fixtures.py).

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));

/** Every example, in a stable order: its id (`<vendor>/<schema>/<valid|invalid>/<name>`),
 * schema, path, verdict, and the bindings that refuse it if it is invalid. */
export function fixtures() {
  const found = [];
  for (const vendor of readdirSync(join(root, "schemas")).sort()) {
    const examples = join(root, "schemas", vendor, "examples");
    if (!existsSync(examples)) continue;
    for (const name of readdirSync(examples).sort()) {
      const folder = join(examples, name);
      const expectedPath = join(folder, "expected.json");
      const expected = existsSync(expectedPath)
        ? JSON.parse(readFileSync(expectedPath, "utf8"))
        : { invalid: {} };
      const schema = `${vendor}/${name}`;
      for (const verdict of ["valid", "invalid"]) {
        const dir = join(folder, verdict);
        if (!existsSync(dir)) continue;
        for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
          const entry = verdict === "invalid" ? expected.invalid[file] : {};
          if (!entry) throw new Error(`schemas/${schema.replace("/", "/examples/")}/invalid/${file} has no entry in expected.json`);
          found.push({
            id: `${schema}/${verdict}/${file.replace(/\.json$/, "")}`,
            schema,
            path: join(dir, file),
            valid: verdict === "valid",
            rejectedBy: entry.rejected_by ?? [],
          });
        }
      }
    }
  }
  return found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
