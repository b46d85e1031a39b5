"""Every example payload through the generated pydantic models: valid ones load, each schema's
own `examples` too, and invalid ones are rejected exactly when `expected.json` lists `pydantic`
in their `rejected_by` (pydantic cannot tell every schema rule, e.g. a `null` for a field that is
optional but not nullable)."""

import json
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

ROOT = Path(__file__).resolve().parents[3]
sys.path[:0] = [str(ROOT / "bindings" / "python"), str(ROOT / "checks")]

import hookschema_webhooks  # noqa: E402
from fixtures import fixtures  # noqa: E402
from hookschema_webhooks import SCHEMAS  # noqa: E402

# Each schema's root model, by the catalog: `<vendor>/<name>` -> `hookschema_webhooks.<vendor>.<title>`.
CATALOG = json.loads((SCHEMAS / "index.json").read_text(encoding="utf-8"))["schemas"]
MODELS = {entry["name"]: getattr(getattr(hookschema_webhooks, entry["name"].split("/")[0]), entry["title"])
          for entry in CATALOG}


def payloads():
    for fixture in fixtures():
        loads = fixture.valid or "pydantic" not in fixture.rejected_by
        yield pytest.param(fixture.schema, fixture.path.read_bytes(), loads, id=fixture.id)
    for entry in CATALOG:
        schema = json.loads((SCHEMAS / entry["file"]).read_text(encoding="utf-8"))
        for i, example in enumerate(schema.get("examples", [])):
            yield pytest.param(entry["name"], json.dumps(example).encode(), True, id=f"{entry['name']}/examples/{i}")


@pytest.mark.parametrize("schema,payload,loads", list(payloads()))
def test_payload(schema, payload, loads):
    model = MODELS[schema]
    if loads:
        model.model_validate_json(payload)
    else:
        with pytest.raises(ValidationError):
            model.model_validate_json(payload)


def test_the_package_ships_its_schemas():
    index = json.loads((SCHEMAS / "index.json").read_text(encoding="utf-8"))
    for entry in index["schemas"]:
        schema = json.loads((SCHEMAS / entry["file"]).read_text(encoding="utf-8"))
        assert schema["$id"] == entry["$id"]
