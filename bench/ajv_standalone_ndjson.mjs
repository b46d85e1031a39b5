// Batch validation with ajv's standalone code (ajv_standalone_build.mjs generated it, untimed):
// import the generated module, whose `validate` needs no ajv at run time, then JSON.parse and
// validate each line (ndjson.mjs), as ajv_ndjson.mjs does.
// Usage: node ajv_standalone_ndjson.mjs <generated .mjs> <file>
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

import { validateLines } from "./ndjson.mjs";

const [module, file] = process.argv.slice(2);
const { validate } = await import(pathToFileURL(resolve(module)).href);
validateLines(file, validate);
