// Batch validation with ajv, as a Node team would write it following hookschema's README:
// compile the schema once (draft 2020-12, ajv-formats with hookschema's strict date-time and
// uuid), then JSON.parse and validate each line (ndjson.mjs). Compilation is part of the timed
// run, as it is of every tool's.
// Usage: node ajv_ndjson.mjs <schema name> <file>
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { strictAjv } from "../checks/ajv.mjs";
import { root } from "../checks/fixtures.mjs";
import { validateLines } from "./ndjson.mjs";

const [name, file] = process.argv.slice(2);
const ajv = strictAjv();
const validate = ajv.compile(JSON.parse(readFileSync(join(root, "schemas", `${name}.schema.json`), "utf8")));
validateLines(file, validate);
