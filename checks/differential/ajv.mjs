// Validates every example payload with ajv (draft 2020-12, strict mode, ajv-formats), as a
// Node team would, and prints the verdicts as JSON: {"<vendor>/<valid|invalid>/<name>":
// {"valid": bool, "paths": [instance paths]}}. compare.py sets them beside the Rust and Python
// verdicts. Compiling in strict mode also rejects any schema ajv would not take as written.

import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const root = new URL("../../", import.meta.url).pathname;
const require = createRequire(join(root, "tools", "package.json"));
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const catalog = JSON.parse(readFileSync(join(root, "schemas", "index.json"), "utf8"));
const validators = new Map(
  catalog.schemas.map((entry) => [entry.name, ajv.compile(JSON.parse(readFileSync(join(root, "schemas", entry.file), "utf8")))]),
);

const verdicts = {};
for (const vendor of readdirSync(join(root, "schemas")).sort()) {
  let expected;
  try {
    expected = JSON.parse(readFileSync(join(root, "schemas", vendor, "examples", "expected.json"), "utf8"));
  } catch {
    continue;
  }
  const validate = validators.get(expected.schema);
  for (const verdict of ["valid", "invalid"]) {
    const dir = join(root, "schemas", vendor, "examples", verdict);
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
      const id = `${vendor}/${verdict}/${file.replace(/\.json$/, "")}`;
      let payload;
      try {
        payload = JSON.parse(readFileSync(join(dir, file), "utf8"));
      } catch {
        verdicts[id] = { valid: false, paths: [""] };
        continue;
      }
      const valid = validate(payload);
      const paths = valid ? [] : [...new Set(validate.errors.map((e) => e.instancePath))].sort();
      verdicts[id] = { valid, paths };
    }
  }
}
console.log(JSON.stringify(verdicts));
