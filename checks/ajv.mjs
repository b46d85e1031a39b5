// ajv as hookschema's README sets it up: draft 2020-12, strict mode, every error, ajv-formats,
// and `date-time` and `uuid` as hookschema means them. The one setup the Node checks and the
// benchmark share; the README's snippet shows the same, and the TypeScript tests run it.

import { createRequire } from "node:module";
import { join } from "node:path";

import { root } from "./fixtures.mjs";

const require = createRequire(join(root, "tools", "package.json"));
const { Ajv2020 } = require("ajv/dist/2020");
const addFormats = require("ajv-formats").default;
// Through the package's own export map, as its users import it.
const { useStrictFormats } = await import(require.resolve("@hookschema/webhooks/formats"));

/** A new ajv, set up as the README says. */
export function strictAjv() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  useStrictFormats(ajv);
  ajv.addKeyword("x-hookschema-quirk");
  return ajv;
}
