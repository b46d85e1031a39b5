#!/usr/bin/env python3
"""The receiver's OpenAPI document, checked two ways. openapi-spec-validator checks
schemas/openapi.json against the OpenAPI 3.1 specification; then schemathesis runs against a
live `hookschema serve --strict` of this checkout (given as the first argument), with every
webhook's credentials, so that generated deliveries, valid and invalid, reach validation and
the store: every answer must be documented, with its content type, headers and body schema,
and none may be a 5xx. Bounded: HOOKSCHEMA_OPENAPI_EXAMPLES cases (default 50) per operation and
phase, seed HOOKSCHEMA_OPENAPI_SEED (default 1), so a run is repeatable. The receiver's log must
show deliveries of every webhook stored, else the run proved nothing and fails."""

import base64
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "schemas" / "openapi.json"
TOKEN = "openapi-check-token"
SECRET = base64.b64encode(b"openapi-check-signing-secret-32b").decode()


def credentials():
    """Each webhook's name, and the environment variables and schemathesis auth that give the
    receiver and schemathesis its credentials, from the vendor files."""
    names, env, auth = [], {}, []
    for path in sorted(ROOT.glob("schemas/*/vendor.json")):
        vendor = path.parent.name
        stem = vendor.upper().replace("-", "_")
        for name, webhook in json.loads(path.read_text())["webhooks"].items():
            names.append(f"{vendor}/{name}")
            scheme = webhook["auth"]["scheme"]
            if scheme == "hmac-sha256":
                env[f"HOOKSCHEMA_{stem}_SECRET"] = SECRET
            elif scheme == "url-token":
                env[f"HOOKSCHEMA_{stem}_TOKEN"] = TOKEN
                # The document's security scheme for the vendor's token.
                auth.append(f'[auth.openapi.{vendor}-token]\napi_key = "{TOKEN}"\n')
    return names, env, "\n".join(auth)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "target" / "debug" / "hookschema")
    spec, base_uri = read_from_filename(str(DOCUMENT))
    validate(spec, base_uri=base_uri)
    print(f"{DOCUMENT.relative_to(ROOT)}: a valid OpenAPI 3.1 document")

    names, env, auth = credentials()
    env = {**os.environ, **env}
    with tempfile.TemporaryDirectory() as scratch:
        config = Path(scratch) / "schemathesis.toml"
        config.write_text(auth)
        store = f"sqlite:{Path(scratch) / 'deliveries.db'}"
        server = subprocess.Popen(
            [binary, "serve", "--strict", "--addr", "127.0.0.1:0", "--store", store,
             "--log-format", "json"],
            # Each delivery's own line (`accepted`, `webhook refused`) is at the debug level.
            env={**env, "RUST_LOG": "debug"}, stderr=subprocess.PIPE, text=True)
        first = json.loads(server.stderr.readline())
        # Drained all along: a receiver writing to a full pipe would stall.
        lines = []
        drain = threading.Thread(target=lambda: lines.extend(server.stderr))
        drain.start()
        try:
            run = subprocess.run(
                [str(Path(sys.executable).parent / "schemathesis"), "--config-file", str(config),
                 "run", str(DOCUMENT), "--url", first["url"], "--no-color",
                 "--max-examples", os.environ.get("HOOKSCHEMA_OPENAPI_EXAMPLES", "50"),
                 "--seed", os.environ.get("HOOKSCHEMA_OPENAPI_SEED", "1")],
                env={**env, "SCHEMATHESIS_HOOKS": "hooks", "PYTHONPATH": str(Path(__file__).parent)},
                cwd=scratch)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait()
            drain.join()
    events = [json.loads(line) for line in lines]
    stored = Counter(e["span"]["webhook"] for e in events if e.get("message") == "accepted")
    refused = Counter(e["status"] for e in events if e.get("message") == "webhook refused")
    print(f"the receiver stored {dict(stored)}; refused, by status: {dict(refused)}")
    hollow = [name for name in names if stored[name] == 0]
    if hollow:
        print(f"no delivery of {', '.join(hollow)} got through to the store: the run proves nothing "
              "of them", file=sys.stderr)
        return 1
    if server.returncode != 0:
        print(f"the receiver exited with {server.returncode}", file=sys.stderr)
        return 1
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
