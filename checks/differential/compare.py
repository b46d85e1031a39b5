#!/usr/bin/env python3
"""Differential validation: every example payload is judged by three validators, ours (Rust,
jsonschema-rs through `hookschema validate`), ajv (ajv.mjs) and Python's jsonschema
(Draft202012Validator with FORMAT_CHECKER, here), and every schema is checked by each. Fails,
naming the fixture and the validators, when any verdict differs from another or from
expected.json, or when the instance paths of the errors differ. Prints "N passed, M failed".

Run it after tools/install, from anywhere: python3 checks/differential/compare.py"""

import json
import subprocess
import sys
from pathlib import Path

from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "tools"


def fixtures():
    """(id, schema name, path, expected verdict) for every example."""
    for expected_path in sorted((ROOT / "schemas").glob("*/examples/expected.json")):
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        examples = expected_path.parent
        vendor = examples.parent.name
        for verdict in ("valid", "invalid"):
            for path in sorted((examples / verdict).glob("*.json")):
                yield f"{vendor}/{verdict}/{path.stem}", expected["schema"], path, verdict == "valid"


def python_verdicts(catalog):
    validators = {}
    for entry in catalog["schemas"]:
        schema = json.loads((ROOT / "schemas" / entry["file"]).read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        validators[entry["name"]] = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    verdicts = {}
    for fixture_id, schema, path, _ in fixtures():
        try:
            payload = json.loads(path.read_bytes())
        except ValueError:
            verdicts[fixture_id] = {"valid": False, "paths": [""]}
            continue
        errors = list(validators[schema].iter_errors(payload))
        paths = sorted({"".join(f"/{step}" for step in error.absolute_path) for error in errors})
        verdicts[fixture_id] = {"valid": not errors, "paths": paths}
    return verdicts


def rust_verdicts():
    verdicts = {}
    by_schema = {}
    for fixture_id, schema, path, _ in fixtures():
        by_schema.setdefault(schema, []).append((fixture_id, path))
    for schema, entries in by_schema.items():
        command = ["cargo", "run", "--quiet", "--locked", "-p", "hookschema-cli", "--",
                   "validate", "--schema", schema, "--format", "json", *[str(p) for _, p in entries]]
        output = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        if output.returncode not in (0, 1):
            sys.exit(f"hookschema validate failed: {output.stderr}")
        for (fixture_id, _), line in zip(entries, output.stdout.splitlines(), strict=True):
            report = json.loads(line)
            paths = sorted({error["instance_path"] for error in report["errors"]})
            verdicts[fixture_id] = {"valid": report["valid"], "paths": paths}
    return verdicts


def ajv_verdicts():
    output = subprocess.run(["node", str(ROOT / "checks" / "differential" / "ajv.mjs")],
                            capture_output=True, text=True, check=True)
    return json.loads(output.stdout)


def main():
    catalog = json.loads((ROOT / "schemas" / "index.json").read_text(encoding="utf-8"))
    judges = {"rust": rust_verdicts(), "ajv": ajv_verdicts(), "python": python_verdicts(catalog)}
    passed = failed = 0
    for fixture_id, _, _, expected_valid in fixtures():
        verdicts = {name: judged[fixture_id] for name, judged in judges.items()}
        problems = []
        validity = {name: v["valid"] for name, v in verdicts.items()}
        if set(validity.values()) != {expected_valid}:
            problems.append("verdicts " + ", ".join(f"{n}={'valid' if v else 'invalid'}" for n, v in validity.items())
                            + f"; expected.json says {'valid' if expected_valid else 'invalid'}")
        paths = {name: v["paths"] for name, v in verdicts.items()}
        if len({tuple(p) for p in paths.values()}) > 1:
            problems.append("error paths " + ", ".join(f"{n}={p}" for n, p in paths.items()))
        if problems:
            failed += 1
            print(f"FAIL {fixture_id}: {'; '.join(problems)}")
        else:
            passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
