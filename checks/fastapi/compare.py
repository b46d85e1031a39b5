#!/usr/bin/env python3
"""Does `hookschema validate --format fastapi` answer as ComfyDeploy's own FastAPI stack does?

ComfyDeploy's body model, as its backend declares it (pydantic v2; see the research notes on
`WorkflowRunWebhookBody`), judges every ComfyDeploy example here the way FastAPI 0.115 does: an
empty body is `missing`, a body that is not JSON `json_invalid` at its offset, and otherwise
pydantic's errors under `body`. Each example's answer must match ours: the same `loc` and
`type` in the same order, and pydantic's `msg` but for the parser's detail that pydantic adds
after a comma (`Input should be a valid UUID, invalid character: …`).

Where our strict schema says more than the vendor's model, or our parser stops elsewhere than
Python's, the difference is listed in KNOWN with why; a listed difference that goes away fails
too, so the list stays true. Prints "N agree, M known differences"; exits 1 on any other.

Run it after tools/install: python3 checks/fastapi/compare.py"""

import json
import subprocess
import sys
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any, Dict, List, Optional, Union
from uuid import UUID

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE.parent))

from fixtures import fixtures  # noqa: E402

SCHEMA = "comfydeploy/workflow-run-webhook-body"

# What our strict schema checks and ComfyDeploy's model does not, or where our JSON parser
# stops elsewhere than Python's: each such example, and why.
KNOWN = {
    "comfydeploy/workflow-run-webhook-body/invalid/negative-progress": "the vendor's `progress: float` has no minimum; our schema has 0",
    "comfydeploy/workflow-run-webhook-body/invalid/timestamp-without-seconds": "pydantic reads `…T12:45Z`; RFC 3339, and our schema, need the seconds",
    "comfydeploy/workflow-run-webhook-body/invalid/unknown-event-type": "`event_type` is not in the vendor's model, which ignores it; our schema lists its values",
    "comfydeploy/workflow-run-webhook-body/invalid/truncated-body": "Python names where the unterminated string began, our parser where the input ended",
}


def schema_enum(name):
    """The string enum `$defs/<name>` of our schema as a Python `Enum`, as the vendor's model
    declares it: the schema holds the same values, so a value added there needs no edit here."""
    schema = json.loads((ROOT / "schemas" / f"{SCHEMA}.schema.json").read_text(encoding="utf-8"))
    values = schema["$defs"][name]["enum"]
    return Enum(name, [(value.upper().replace("-", "_"), value) for value in values], type=str)


WorkflowRunStatus = schema_enum("WorkflowRunStatus")


class MediaItem(BaseModel):
    url: str
    type: str
    filename: str
    is_public: Optional[bool] = None
    subfolder: Optional[str] = None
    upload_duration: Optional[float] = None


class WorkflowRunOutputModel(BaseModel):
    id: UUID
    run_id: UUID
    output_id: Optional[str] = None
    data: Dict[str, List[Union[MediaItem, str, bool]]]
    node_meta: Optional[Any]
    created_at: datetime
    updated_at: datetime
    type: Optional[str] = None
    node_id: Optional[str] = None


class WorkflowRunWebhookBody(BaseModel):
    run_id: str
    status: WorkflowRunStatus
    live_status: Optional[str]
    progress: float = Field(default=0)
    outputs: List[WorkflowRunOutputModel] = []


BODY = TypeAdapter(WorkflowRunWebhookBody)


def fastapi(body):
    """The `detail` FastAPI answers for `body` as (loc, type, msg), as its request handling
    does: no body is missing, JSON that does not parse is json_invalid at Python's offset."""
    if not body:
        return [(("body",), "missing", "Field required")]
    try:
        value = json.loads(body)
    except json.JSONDecodeError as error:
        return [(("body", error.pos), "json_invalid", "JSON decode error")]
    try:
        BODY.validate_python(value)
    except ValidationError as error:
        return [(("body", *e["loc"]), e["type"], e["msg"]) for e in error.errors(include_url=False)]
    return []


def ours(paths):
    command = ["cargo", "run", "--quiet", "--locked", "-p", "hookschema-cli", "--",
               "validate", "--schema", SCHEMA, "--format", "fastapi", *map(str, paths)]
    output = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if output.returncode not in (0, 1):
        sys.exit(f"hookschema validate failed: {output.stderr}")
    return [[(tuple(e["loc"]), e["type"], e["msg"]) for e in json.loads(line).get("detail", [])]
            for line in output.stdout.splitlines()]


def same(mine, theirs):
    """Equal loc and type, and pydantic's msg up to the detail it adds after a comma."""
    return len(mine) == len(theirs) and all(
        m[:2] == t[:2] and (m[2] == t[2] or t[2].startswith(m[2] + ", "))
        for m, t in zip(mine, theirs))


def main():
    examples = [f for f in fixtures() if f.schema == SCHEMA]
    agree = known = 0
    problems = []
    for fixture, mine in zip(examples, ours(f.path for f in examples), strict=True):
        theirs = fastapi(fixture.path.read_bytes())
        if same(mine, theirs):
            if fixture.id in KNOWN:
                problems.append(f"{fixture.id}: now agrees; take it out of KNOWN")
            agree += 1
        elif fixture.id in KNOWN:
            known += 1
        else:
            problems.append(f"{fixture.id}:\n  ours   {mine}\n  FastAPI {theirs}")
    for problem in problems:
        print(f"FAIL {problem}")
    print(f"{agree} agree, {known} known differences, {len(problems)} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
