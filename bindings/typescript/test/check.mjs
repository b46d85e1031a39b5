// Every example payload through the generated TypeScript types, as a TypeScript team would use
// them: each fixture becomes a literal that must `satisfies` its root type under `tsc --strict`,
// and is parsed at run time and validated with ajv against the schema this package ships.
// Valid fixtures must pass both; an invalid one must fail the type check exactly when
// `expected.json` lists `typescript` in its `rejected_by` (types cannot tell formats or ranges),
// and must always fail validation. Prints "N passed, M failed"; exits 1 on any failure.

import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, "..");
const root = join(pkg, "..", "..");
const tools = join(root, "tools");
const require = createRequire(join(tools, "package.json"));
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;

const catalog = JSON.parse(readFileSync(join(pkg, "schemas", "index.json"), "utf8"));
const schemas = new Map(
  catalog.schemas.map((entry) => [entry.name, JSON.parse(readFileSync(join(pkg, "schemas", entry.file), "utf8"))]),
);

/** Every fixture: its schema, id, text and what must happen to it. */
function fixtures() {
  const all = [];
  for (const vendor of readdirSync(join(root, "schemas"))) {
    let expected;
    try {
      expected = JSON.parse(readFileSync(join(root, "schemas", vendor, "examples", "expected.json"), "utf8"));
    } catch {
      continue;
    }
    for (const verdict of ["valid", "invalid"]) {
      const dir = join(root, "schemas", vendor, "examples", verdict);
      for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
        const entry = verdict === "invalid" ? expected.invalid[file] : undefined;
        all.push({
          id: `${vendor}/${verdict}/${file.replace(/\.json$/, "")}`,
          schema: expected.schema,
          text: readFileSync(join(dir, file), "utf8"),
          valid: verdict === "valid",
          typeRejects: (entry?.rejected_by ?? []).includes("typescript"),
        });
      }
    }
  }
  return all;
}

const build = join(pkg, "build");
rmSync(build, { recursive: true, force: true });
const all = fixtures();
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
  const index = join(pkg, "src", "index.js").replaceAll("\\", "/");
  writeFileSync(file, `import type { ${type} } from "${index}";\n\nexport const value = ${JSON.stringify(value, null, 2)} satisfies ${type};\n`);
  sources.set(fixture.id, file);
}
writeFileSync(
  join(build, "tsconfig.json"),
  JSON.stringify({ extends: "../tsconfig.json", include: ["fixtures/**/*.ts", "../src/**/*.ts"] }),
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

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
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
console.log(`${all.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
