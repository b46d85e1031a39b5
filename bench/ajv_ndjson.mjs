// Batch validation with ajv, as a Node team would write it: compile the schema once (draft
// 2020-12, ajv-formats), then JSON.parse and validate each line. Prints the same summary line as
// `hookschema validate --ndjson --format json`. Usage: node ajv_ndjson.mjs <schema name> <file>
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const root = new URL("../", import.meta.url).pathname;
const require = createRequire(join(root, "tools", "package.json"));
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;

const [name, file] = process.argv.slice(2);
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(join(root, "schemas", `${name}.schema.json`), "utf8")));

const summary = { lines: 0, valid: 0, invalid: 0 };
for (const line of readFileSync(file, "utf8").split("\n")) {
  if (!line.trim()) continue;
  summary.lines += 1;
  let valid;
  try {
    valid = validate(JSON.parse(line));
  } catch {
    valid = false;
  }
  if (valid) {
    summary.valid += 1;
  } else {
    summary.invalid += 1;
  }
}
console.log(JSON.stringify({ summary }));
