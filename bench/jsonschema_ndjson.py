"""Batch validation with Python's jsonschema, as a Python team would write it following
hookschema's README: one Draft202012Validator with hookschema's format checker, then json.loads
and is_valid per line. Prints what `hookschema validate --ndjson --format json` prints that
compare.py checks: {"line": n} per invalid line, then the summary.
Usage: python jsonschema_ndjson.py <schema name> <file>"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bindings" / "python"))

from hookschema_webhooks.formats import format_checker  # noqa: E402
from jsonschema import Draft202012Validator  # noqa: E402

name, path = sys.argv[1:3]
schema = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
validator = Draft202012Validator(schema, format_checker=format_checker())
summary = {"lines": 0, "payloads": 0, "valid": 0, "invalid": 0}
with open(path, encoding="utf-8") as lines:
    for number, line in enumerate(lines, start=1):
        summary["lines"] += 1
        if not line.strip():
            continue
        summary["payloads"] += 1
        try:
            valid = validator.is_valid(json.loads(line))
        except ValueError:
            valid = False
        summary["valid" if valid else "invalid"] += 1
        if not valid:
            print(json.dumps({"line": number}))
print(json.dumps({"summary": summary}))
