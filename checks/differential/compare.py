#!/usr/bin/env python3
"""Differential validation: every payload is judged by three validators, ours (Rust,
jsonschema-rs through `hookschema validate`), ajv (ajv.mjs) and Python's jsonschema
(Draft202012Validator, here), each set up as hookschema's README says, and every schema is
checked by each. The payloads:

- every example under schemas/<vendor>/examples/<schema>/, with its verdict from expected.json;
- every schema's own `examples`, which must be valid (this gives the endpoint's answer schemas
  payloads too);
- format-probes.json: edge cases of `date-time` and `uuid`, each put into a valid example.

Fails, naming the payload and the validators, when any verdict differs from another or from the
expected one, or when the instance paths of the errors differ. Prints "N passed, M failed".

Run it after tools/install, from anywhere: python3 checks/differential/compare.py"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(HERE.parent), str(ROOT / "bindings" / "python")]

from fixtures import fixtures  # noqa: E402
from hookschema_webhooks.formats import format_checker  # noqa: E402
from jsonschema import Draft202012Validator  # noqa: E402


def pointer(steps):
    """JSON Pointer (RFC 6901) of a path of keys and indexes."""
    return "".join("/" + str(step).replace("~", "~0").replace("/", "~1") for step in steps)


def set_at(document, path, value):
    """`document` with the value at the JSON Pointer `path` replaced by `value`."""
    *parents, last = [step.replace("~1", "/").replace("~0", "~") for step in path.split("/")[1:]]
    node = document
    for step in parents:
        node = node[int(step) if isinstance(node, list) else step]
    node[int(last) if isinstance(node, list) else last] = value
    return document


def cases(catalog, scratch):
    """(id, schema name, path, expected verdict) for every payload to judge."""
    found = [(f.id, f.schema, f.path, f.valid) for f in fixtures()]
    for entry in catalog["schemas"]:
        schema = json.loads((ROOT / "schemas" / entry["file"]).read_text(encoding="utf-8"))
        for i, example in enumerate(schema.get("examples", [])):
            path = scratch / f"{entry['name'].replace('/', '--')}-example-{i}.json"
            path.write_text(json.dumps(example), encoding="utf-8")
            found.append((f"{entry['name']}/examples/{i}", entry["name"], path, True))
    probes = json.loads((HERE / "format-probes.json").read_text(encoding="utf-8"))
    for probe in probes["probes"]:
        example = ROOT / probe["example"]
        schema = next(f.schema for f in fixtures() if f.path == example)
        for i, case in enumerate(probe["values"]):
            payload = set_at(json.loads(example.read_text(encoding="utf-8")), probe["pointer"], case["value"])
            path = scratch / f"{probe['format']}-{i}.json"
            path.write_text(json.dumps(payload), encoding="utf-8")
            found.append((f"formats/{probe['format']}/{case['value']!r}", schema, path, case["valid"]))
    return found


def python_verdicts(catalog, payloads):
    validators = {}
    for entry in catalog["schemas"]:
        schema = json.loads((ROOT / "schemas" / entry["file"]).read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        validators[entry["name"]] = Draft202012Validator(schema, format_checker=format_checker())
    verdicts = {}
    for case_id, schema, path, _ in payloads:
        try:
            payload = json.loads(path.read_bytes())
        except ValueError:
            verdicts[case_id] = {"valid": False, "paths": [""]}
            continue
        errors = list(validators[schema].iter_errors(payload))
        paths = sorted({pointer(error.absolute_path) for error in errors})
        verdicts[case_id] = {"valid": not errors, "paths": paths}
    return verdicts


def rust_verdicts(payloads):
    verdicts = {}
    by_schema = {}
    for case_id, schema, path, _ in payloads:
        by_schema.setdefault(schema, []).append((case_id, path))
    for schema, entries in by_schema.items():
        command = ["cargo", "run", "--quiet", "--locked", "-p", "hookschema-cli", "--",
                   "validate", "--schema", schema, "--format", "json", *[str(p) for _, p in entries]]
        output = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        if output.returncode not in (0, 1):
            sys.exit(f"hookschema validate failed: {output.stderr}")
        for (case_id, _), line in zip(entries, output.stdout.splitlines(), strict=True):
            report = json.loads(line)
            paths = sorted({error["instance_path"] for error in report["errors"]})
            verdicts[case_id] = {"valid": report["valid"], "paths": paths}
    return verdicts


def ajv_verdicts(payloads):
    request = [{"id": case_id, "schema": schema, "path": str(path)} for case_id, schema, path, _ in payloads]
    output = subprocess.run(["node", str(HERE / "ajv.mjs")], input=json.dumps(request),
                            capture_output=True, text=True, check=True)
    return json.loads(output.stdout)


def main():
    catalog = json.loads((ROOT / "schemas" / "index.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as scratch:
        payloads = cases(catalog, Path(scratch))
        judges = {"rust": rust_verdicts(payloads), "ajv": ajv_verdicts(payloads),
                  "python": python_verdicts(catalog, payloads)}
    passed = failed = 0
    for case_id, _, _, expected_valid in payloads:
        verdicts = {name: judged[case_id] for name, judged in judges.items()}
        problems = []
        validity = {name: v["valid"] for name, v in verdicts.items()}
        if set(validity.values()) != {expected_valid}:
            problems.append("verdicts " + ", ".join(f"{n}={'valid' if v else 'invalid'}" for n, v in validity.items())
                            + f"; expected {'valid' if expected_valid else 'invalid'}")
        paths = {name: v["paths"] for name, v in verdicts.items()}
        if len({tuple(p) for p in paths.values()}) > 1:
            problems.append("error paths " + ", ".join(f"{n}={p}" for n, p in paths.items()))
        if problems:
            failed += 1
            print(f"FAIL {case_id}: {'; '.join(problems)}")
        else:
            passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
