// Generates ajv's standalone validation code for one schema, once, before anything is timed:
// the module a Node team would ship when it precompiles its validators (ajv/dist/standalone, ES
// module output). ajv is set up as checks/ajv.mjs's strictAjv() sets it up (draft 2020-12,
// strict, every error, ajv-formats, hookschema's strict date-time and uuid), plus the code
// options standalone output needs.
//
// Standalone code cannot carry the format functions themselves: it names them through
// `code.formats`, an expression the module must define. ajv-formats would make that
// `require("ajv-formats/dist/formats").fullFormats`, which both fails in an ES module and names
// ajv-formats' lax date-time and uuid instead of hookschema's. So the module gets a preamble
// that defines `require` (for that and for any runtime helper ajv's code requires) and builds
// `hookschemaFormats` exactly as ajv's formats were built: every ajv-formats format, then
// useStrictFormats over it. The preamble names files of tools/node_modules by absolute URL, so
// the module works wherever it is written (compare.py writes it to a temporary directory).
// Usage: node ajv_standalone_build.mjs <schema name> <output .mjs>
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

import { root } from "../checks/fixtures.mjs";

const tools = join(root, "tools", "package.json");
const require = createRequire(tools);
const { Ajv2020, _ } = require("ajv/dist/2020");
const addFormats = require("ajv-formats").default;
const standaloneCode = require("ajv/dist/standalone").default;
const formatsModule = require.resolve("@hookschema/webhooks/formats");
const { useStrictFormats } = await import(pathToFileURL(formatsModule));

const [name, output] = process.argv.slice(2);
const ajv = new Ajv2020({
  strict: true,
  allErrors: true,
  code: { source: true, esm: true, formats: _`hookschemaFormats` },
});
addFormats(ajv);
useStrictFormats(ajv);
ajv.addKeyword("x-hookschema-quirk");
const validate = ajv.compile(JSON.parse(readFileSync(join(root, "schemas", `${name}.schema.json`), "utf8")));

const preamble = [
  `import { createRequire } from "node:module";`,
  `import { useStrictFormats } from ${JSON.stringify(pathToFileURL(formatsModule).href)};`,
  `const require = createRequire(${JSON.stringify(pathToFileURL(tools).href)});`,
  `const hookschemaFormats = { ...require("ajv-formats/dist/formats").fullFormats };`,
  `useStrictFormats({ addFormat: (format, definition) => { hookschemaFormats[format] = definition; } });`,
].join("\n");
writeFileSync(output, `${preamble}\n${standaloneCode(ajv, validate)}\n`);
