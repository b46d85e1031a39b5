"""Every example payload through the generated pydantic models: valid ones load, and invalid
ones are rejected exactly when `expected.json` lists `pydantic` in their `rejected_by` (pydantic
cannot tell every schema rule, e.g. a `null` for a field that is optional but not nullable)."""

import json
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "bindings" / "python"))

from hookschema_webhooks import SCHEMAS, comfydeploy, kaizen  # noqa: E402

MODELS = {
    "comfydeploy/workflow-run-webhook-body": comfydeploy.WorkflowRunWebhookBody,
    "kaizen/webhook-event": kaizen.KaizenWebhookEvent,
}


def fixtures():
    for expected in sorted((ROOT / "schemas").glob("*/examples/expected.json")):
        catalog = json.loads(expected.read_text(encoding="utf-8"))
        examples = expected.parent
        for path in sorted((examples / "valid").glob("*.json")):
            yield pytest.param(catalog["schema"], path, True, id=f"{examples.parent.name}/valid/{path.stem}")
        for name, entry in sorted(catalog["invalid"].items()):
            rejected = "pydantic" in entry.get("rejected_by", [])
            yield pytest.param(catalog["schema"], examples / "invalid" / name, not rejected,
                               id=f"{examples.parent.name}/invalid/{Path(name).stem}")


@pytest.mark.parametrize("schema,path,loads", list(fixtures()))
def test_fixture(schema, path, loads):
    model = MODELS[schema]
    if loads:
        model.model_validate_json(path.read_bytes())
    else:
        with pytest.raises(ValidationError):
            model.model_validate_json(path.read_bytes())


def test_the_package_ships_its_schemas():
    index = json.loads((SCHEMAS / "index.json").read_text(encoding="utf-8"))
    for entry in index["schemas"]:
        schema = json.loads((SCHEMAS / entry["file"]).read_text(encoding="utf-8"))
        assert schema["$id"] == entry["$id"]
