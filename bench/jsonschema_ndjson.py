"""Batch validation with Python's jsonschema, as a Python team would write it: one
Draft202012Validator with FORMAT_CHECKER, then json.loads and is_valid per line. Prints the same
summary line as `hookschema validate --ndjson --format json`.
Usage: python jsonschema_ndjson.py <schema name> <file>"""

import json
import sys
from pathlib import Path

from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[1]
name, path = sys.argv[1:3]
schema = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
summary = {"lines": 0, "valid": 0, "invalid": 0}
with open(path, encoding="utf-8") as lines:
    for line in lines:
        if not line.strip():
            continue
        summary["lines"] += 1
        try:
            valid = validator.is_valid(json.loads(line))
        except ValueError:
            valid = False
        summary["valid" if valid else "invalid"] += 1
print(json.dumps({"summary": summary}))
