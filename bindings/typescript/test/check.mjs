// Every example payload through the generated TypeScript types, as a TypeScript team would use
// them: each fixture becomes a literal that must `satisfies` its root type under `tsc --strict`,
// and is parsed at run time and validated with ajv against the schema this package ships.
// Valid fixtures must pass both; an invalid one must fail the type check exactly when
// `expected.json` lists `typescript` in its `rejected_by` (types cannot tell formats or ranges),
// and must always fail validation. The package is then imported at run time, by its name, as its
// users import it: its `schemas` must be the files it ships. Prints "N passed, M failed"; exits 1
// on any failure.

import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";

import { strictAjv } from "../../../checks/ajv.mjs";
import { fixtures } from "../../../checks/fixtures.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, "..");
const root = join(pkg, "..", "..");
const tools = join(root, "tools");

const catalog = JSON.parse(readFileSync(join(pkg, "schemas", "index.json"), "utf8"));
const schemas = new Map(
  catalog.schemas.map((entry) => [entry.name, JSON.parse(readFileSync(join(pkg, "schemas", entry.file), "utf8"))]),
);

const build = join(pkg, "build");
rmSync(build, { recursive: true, force: true });
const all = fixtures().map((fixture) => ({
  ...fixture,
  text: readFileSync(fixture.path, "utf8"),
  typeRejects: fixture.rejectedBy.includes("typescript"),
}));
const sources = new Map();
for (const fixture of all) {
  let value;
  try {
    value = JSON.parse(fixture.text);
  } catch {
    continue; // Not JSON: TypeScript rejects it at `JSON.parse`, before any type applies.
  }
  const type = schemas.get(fixture.schema).title;
  const file = join(build, "fixtures", `${fixture.id}.ts`);
  mkdirSync(dirname(file), { recursive: true });
  const index = join(pkg, "dist", "index.js").replaceAll("\\", "/");
  writeFileSync(file, `import type { ${type} } from "${index}";\n\nexport const value = ${JSON.stringify(value, null, 2)} satisfies ${type};\n`);
  sources.set(fixture.id, file);
}
writeFileSync(
  join(build, "tsconfig.json"),
  JSON.stringify({ extends: "../tsconfig.json", include: ["fixtures/**/*.ts", "../dist/**/*.d.ts", "../formats.d.ts"] }),
);

let diagnostics = "";
try {
  execFileSync(join(tools, "node_modules", ".bin", "tsc"), ["-p", join(build, "tsconfig.json"), "--pretty", "false"], {
    encoding: "utf8",
  });
} catch (error) {
  diagnostics = `${error.stdout ?? ""}${error.stderr ?? ""}`;
}
const rejectedByTypes = new Set(
  [...sources].filter(([, file]) => diagnostics.includes(file.slice(build.length + 1).replaceAll("\\", "/"))).map(([id]) => id),
);
const outsideFixtures = diagnostics.split("\n").filter((line) => /error TS\d+/.test(line) && !line.includes("fixtures/"));

const ajv = strictAjv();
const validators = new Map([...schemas].map(([name, schema]) => [name, ajv.compile(schema)]));

let failed = 0;
const fail = (message) => {
  failed += 1;
  console.log(`FAIL ${message}`);
};
for (const line of outsideFixtures) fail(`tsc: ${line}`);
for (const fixture of all) {
  const typed = sources.has(fixture.id) && !rejectedByTypes.has(fixture.id);
  const wantTyped = fixture.valid || !fixture.typeRejects;
  if (typed !== wantTyped) {
    fail(`${fixture.id}: the type check ${typed ? "accepts" : "rejects"} it; expected.json says it ${wantTyped ? "accepts" : "rejects"}`);
  }
  let parsed;
  try {
    parsed = validators.get(fixture.schema)(JSON.parse(fixture.text));
  } catch {
    parsed = false;
  }
  if (parsed !== fixture.valid) fail(`${fixture.id}: the run-time parse says ${parsed ? "valid" : "invalid"}`);
}
// The package at run time, as its users import it: its `schemas` are the files it ships.
const runtime = await import("@hookschema/webhooks");
for (const [name, schema] of schemas) {
  if (!isDeepStrictEqual(runtime.schemas[name], schema)) fail(`schemas["${name}"] differs from its file`);
}
if (Object.keys(runtime.schemas).length !== schemas.size) fail("`schemas` holds another set of schemas");

console.log(`${all.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
