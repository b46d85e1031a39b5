"""Batch validation in Python, as a Python team would write it with each of three validators,
every one with hookschema's strict `date-time` and `uuid` (hookschema_webhooks.formats): build
the validator once, then json.loads and validate each line. The line loop is shared, so the
three differ only in the validator. Prints what `hookschema validate --ndjson --format json`
prints that compare.py checks: {"line": n} per invalid line, then the summary.

- `jsonschema`: Draft202012Validator with format_checker(), as README.md sets it up.
- `jsonschema-rs`: the jsonschema-rs binding's validator_for (draft 2020-12, from `$schema`),
  formats asserted, unknown formats refused as hookschema refuses them, and the two strict
  format functions given as its custom formats.
- `fastjsonschema`: it implements drafts 4, 6 and 7, not 2020-12. Given a 2020-12 `$schema` it
  falls back to its draft-07 code generator (with draft 2019-09's `uuid` and `duration`
  formats), and any keyword it does not know would be ignored without a word. So the schema is
  checked to use only keywords that mean the same in draft-07 and 2020-12, and given to
  fastjsonschema as draft-07; a schema that uses anything else is refused (exit status 3, the
  reason on stderr), and compare.py reports that rather than a time. hookschema's schemas pass:
  they use `$ref` (beside annotations only), `$defs`, `items` as one schema and draft-07's
  validation keywords.

Usage: python python_ndjson.py <jsonschema|jsonschema-rs|fastjsonschema> <schema name> <file>"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bindings" / "python"))

from hookschema_webhooks.formats import format_checker, is_date_time, is_uuid  # noqa: E402

FORMATS = {"date-time": is_date_time, "uuid": is_uuid}
"""The formats hookschema's schemas use, as hookschema means them."""

CANNOT = 3
"""Exit status of a validator that cannot judge the schema as hookschema does."""

ANNOTATIONS = {"$comment", "title", "description", "examples", "default", "deprecated", "readOnly", "writeOnly"}
"""Keywords that never change a verdict, in either draft."""
SUBSCHEMA = {"additionalProperties", "propertyNames", "not", "if", "then", "else", "contains"}
SUBSCHEMA_MAPS = {"properties", "patternProperties", "$defs", "definitions"}
SUBSCHEMA_LISTS = {"anyOf", "allOf", "oneOf"}
SAME_IN_DRAFT_07 = ANNOTATIONS | SUBSCHEMA | SUBSCHEMA_MAPS | SUBSCHEMA_LISTS | {
    "$schema", "$id", "$ref", "items", "type", "enum", "const", "format", "multipleOf", "maximum",
    "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern",
    "maxItems", "minItems", "uniqueItems", "maxProperties", "minProperties", "required",
}
"""Keywords whose meaning is the same in draft-07 and draft 2020-12, with two conditions the walk
below checks: `items` must be one schema (its array form is a tuple in draft-07 and not allowed
in 2020-12), and `$ref` may have only annotations beside it (draft-07 ignores its siblings,
2020-12 applies them). `$defs` is not a draft-07 keyword, but `$ref`s into it are JSON Pointers,
resolved the same. Everything else (dependentRequired, prefixItems, unevaluatedProperties,
$anchor, $dynamicRef, minContains, …) is refused."""


def draft_07_differences(schema, at="#"):
    """Why `schema` may not mean the same to a draft-07 validator: a list of reasons, empty when
    every keyword it uses means the same in both drafts and every format is one of FORMATS."""
    if isinstance(schema, bool):
        return []
    reasons = []
    for keyword, value in schema.items():
        where = f"{at}/{keyword}"
        if keyword not in SAME_IN_DRAFT_07:
            reasons.append(f"{where}: `{keyword}` is not a draft-07 keyword with the same meaning")
        elif keyword == "$ref" and set(schema) - ANNOTATIONS - {"$ref"}:
            reasons.append(f"{at}: `$ref` beside {sorted(set(schema) - ANNOTATIONS - {'$ref'})}")
        elif keyword == "format" and value not in FORMATS:
            reasons.append(f"{where}: format `{value}` would be fastjsonschema's own")
        elif keyword == "items" and not isinstance(value, (dict, bool)):
            reasons.append(f"{where}: `items` as an array")
        elif keyword in SUBSCHEMA or keyword == "items":
            reasons += draft_07_differences(value, where)
        elif keyword in SUBSCHEMA_MAPS:
            for name, subschema in value.items():
                reasons += draft_07_differences(subschema, f"{where}/{name}")
        elif keyword in SUBSCHEMA_LISTS:
            for i, subschema in enumerate(value):
                reasons += draft_07_differences(subschema, f"{where}/{i}")
    return reasons


def jsonschema_validator(schema):
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema, format_checker=format_checker()).is_valid


def jsonschema_rs_validator(schema):
    import jsonschema_rs

    validator = jsonschema_rs.validator_for(schema, validate_formats=True, ignore_unknown_formats=False,
                                            formats=FORMATS)
    return validator.is_valid


def fastjsonschema_validator(schema):
    import fastjsonschema

    reasons = draft_07_differences(schema)
    if reasons:
        print("fastjsonschema implements drafts 4 to 7, and this schema needs 2020-12: "
              + "; ".join(reasons), file=sys.stderr)
        sys.exit(CANNOT)
    # Defaults are not filled in (use_default): no other validator here changes the payload.
    validate = fastjsonschema.compile({**schema, "$schema": "http://json-schema.org/draft-07/schema#"},
                                      formats=FORMATS, use_default=False)

    def is_valid(payload):
        try:
            validate(payload)
        except fastjsonschema.JsonSchemaValueException:
            return False
        return True

    return is_valid


VALIDATORS = {"jsonschema": jsonschema_validator, "jsonschema-rs": jsonschema_rs_validator,
              "fastjsonschema": fastjsonschema_validator}


def main():
    kind, name, path = sys.argv[1:4]
    schema = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
    is_valid = VALIDATORS[kind](schema)
    summary = {"lines": 0, "payloads": 0, "valid": 0, "invalid": 0}
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            summary["lines"] += 1
            if not line.strip():
                continue
            summary["payloads"] += 1
            try:
                valid = is_valid(json.loads(line))
            except ValueError:
                valid = False
            summary["valid" if valid else "invalid"] += 1
            if not valid:
                print(json.dumps({"line": number}))
    print(json.dumps({"summary": summary}))


if __name__ == "__main__":
    main()
