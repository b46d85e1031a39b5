"""The manual's Python snippet (docs/src/other-languages.md), run as written from the repository's root (it reads files there),
with this package importable as after `pip install ./bindings/python`; and once more with an
invalid payload, which it must report at its JSON Pointer."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
VALID = "schemas/kaizen/examples/webhook-event/valid/completed.json"


def snippet():
    readme = (ROOT / "docs" / "src" / "other-languages.md").read_text(encoding="utf-8")
    return readme.split("```python\n")[1].split("```")[0]


@pytest.mark.parametrize("payload,printed", [
    (VALID, ""),
    ("schemas/kaizen/examples/webhook-event/invalid/start-time-not-rfc3339.json", "/data/startTime "),
])
def test_the_readme_snippet_runs_as_written(payload, printed):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "bindings" / "python"))
    result = subprocess.run([sys.executable, "-c", snippet().replace(VALID, payload)], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=True)
    assert result.stdout.startswith(printed) and (printed or not result.stdout), result.stdout
