// The manual's ajv snippet (docs/src/other-languages.md), run as written in a new project, as a Node team starts: `npm init -y`,
// then the manual's `npm install` line with the package as `npm pack` makes it (what would be
// published: its `files` and `exports`, nothing else of the repository), then the snippet on a
// valid delivery, which it must pass quietly, and on an invalid one, which it must report at its
// JSON Pointer. Prints what failed; exits 1 on any failure.

import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const pkg = join(dirname(fileURLToPath(import.meta.url)), "..");
const root = join(pkg, "..", "..");
const readme = readFileSync(join(root, "docs", "src", "other-languages.md"), "utf8");
const snippet = readme.split("```js\n")[1].split("```")[0];
const install = snippet.split("\n")[0].replace(/^\/\/ /, "").split("   ")[0];
const folder = "./hookschema/bindings/typescript";
if (!install.startsWith("npm init -y && npm install ") || !install.includes(folder)) {
  console.log(`FAIL the manual's snippet does not start with its npm line: ${install}`);
  process.exit(1);
}

const project = mkdtempSync(join(tmpdir(), "hookschema-readme-"));
const run = (command) => execFileSync("sh", ["-c", command], { cwd: project, encoding: "utf8" });
let failed = 0;
try {
  const tarball = run(`npm pack --silent --pack-destination "${project}" "${pkg}"`).trim();
  run(`${install.replace(folder, `./${tarball}`)} --no-audit --no-fund --prefer-offline --loglevel=error`);
  writeFileSync(join(project, "readme.mjs"), snippet);
  const examples = join(root, "schemas", "kaizen", "examples", "webhook-event");
  for (const [payload, reports] of [
    [join(examples, "valid", "completed.json"), false],
    [join(examples, "invalid", "start-time-not-rfc3339.json"), true],
  ]) {
    copyFileSync(payload, join(project, "delivery.json"));
    const printed = run("node readme.mjs");
    if (printed.includes("/data/startTime") !== reports || (!reports && printed)) {
      failed += 1;
      console.log(`FAIL the manual's ajv snippet on ${payload} prints: ${printed || "nothing"}`);
    }
  }
} catch (error) {
  failed += 1;
  console.log(`FAIL ${error.message}\n${error.stdout ?? ""}${error.stderr ?? ""}`);
} finally {
  rmSync(project, { recursive: true, force: true });
}
console.log(failed ? `${failed} failed` : "the manual's ajv snippet runs in a new project");
process.exit(failed ? 1 : 0);
