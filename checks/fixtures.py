"""The example payloads under schemas/<vendor>/examples/<schema>/{valid,invalid}/ and what each
schema's expected.json says of them: the one listing the Python checks share (the Rust tests have
crates/fixtures, the Node checks checks/fixtures.mjs)."""

import json
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Fixture:
    id: str
    """`<vendor>/<schema>/<valid|invalid>/<name>`"""
    schema: str
    path: Path
    valid: bool
    rejected_by: tuple
    """The bindings that refuse this invalid payload (`pydantic`, `typescript`)."""


def fixtures():
    """Every example, in a stable order."""
    found = []
    for folder in sorted((ROOT / "schemas").glob("*/examples/*/")):
        expected_path = folder / "expected.json"
        expected = json.loads(expected_path.read_text(encoding="utf-8")) if expected_path.exists() else {"invalid": {}}
        schema = f"{folder.parents[1].name}/{folder.name}"
        for verdict in ("valid", "invalid"):
            for path in sorted((folder / verdict).glob("*.json")):
                entry = expected["invalid"].get(path.name, {}) if verdict == "invalid" else {}
                if verdict == "invalid" and not entry:
                    raise KeyError(f"{path.relative_to(ROOT)} has no entry in {expected_path.relative_to(ROOT)}")
                found.append(Fixture(f"{schema}/{verdict}/{path.stem}", schema, path,
                                     verdict == "valid", tuple(entry.get("rejected_by", ()))))
    return sorted(found, key=lambda f: f.id)
