// Judges payloads with ajv (draft 2020-12, strict mode, ajv-formats with hookschema's strict
// date-time and uuid), as a Node team would following hookschema's README. Reads the payloads
// from standard input as [{"id", "schema", "path"}] and prints the verdicts as JSON:
// {"<id>": {"valid": bool, "paths": [instance paths]}}. compare.py sets them beside the Rust
// and Python verdicts. Compiling in strict mode also rejects any schema ajv would not take as
// written.

import { readFileSync } from "node:fs";
import { join } from "node:path";

import { strictAjv } from "../ajv.mjs";
import { root } from "../fixtures.mjs";

const ajv = strictAjv();
const catalog = JSON.parse(readFileSync(join(root, "schemas", "index.json"), "utf8"));
const validators = new Map(
  catalog.schemas.map((entry) => [entry.name, ajv.compile(JSON.parse(readFileSync(join(root, "schemas", entry.file), "utf8")))]),
);

/** The errors but those inside the alternatives of a failed `anyOf`: ajv lists them beside it,
 * while the Rust and Python validators report them as its reasons, nested. */
function topLevel(errors) {
  const alternatives = errors.filter((e) => e.keyword === "anyOf").map((e) => e.instancePath);
  const within = (path, at) => path === at || path.startsWith(`${at}/`);
  return errors.filter((e) => e.keyword === "anyOf" || !alternatives.some((at) => within(e.instancePath, at)));
}

const verdicts = {};
for (const { id, schema, path } of JSON.parse(readFileSync(0, "utf8"))) {
  let payload;
  try {
    payload = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    verdicts[id] = { valid: false, paths: [""] };
    continue;
  }
  const validate = validators.get(schema);
  const valid = validate(payload);
  const paths = valid ? [] : [...new Set(topLevel(validate.errors).map((e) => e.instancePath))].sort();
  verdicts[id] = { valid, paths };
}
console.log(JSON.stringify(verdicts));
