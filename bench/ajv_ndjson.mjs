// Batch validation with ajv, as a Node team would write it following hookschema's README:
// compile the schema once (draft 2020-12, ajv-formats with hookschema's strict date-time and
// uuid), then JSON.parse and validate each line. Prints what `hookschema validate --ndjson
// --format json` prints that compare.py checks: {"line": n} per invalid line, then the summary.
// Usage: node ajv_ndjson.mjs <schema name> <file>
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { strictAjv } from "../checks/ajv.mjs";
import { root } from "../checks/fixtures.mjs";

const [name, file] = process.argv.slice(2);
const ajv = strictAjv();
const validate = ajv.compile(JSON.parse(readFileSync(join(root, "schemas", `${name}.schema.json`), "utf8")));

const summary = { lines: 0, payloads: 0, valid: 0, invalid: 0 };
const report = [];
const text = readFileSync(file, "utf8");
(text.endsWith("\n") ? text.slice(0, -1) : text)
  .split("\n")
  .forEach((line, index) => {
    summary.lines += 1;
    if (!line.trim()) return;
    summary.payloads += 1;
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
      report.push(JSON.stringify({ line: index + 1 }));
    }
  });
report.push(JSON.stringify({ summary }));
console.log(report.join("\n"));
