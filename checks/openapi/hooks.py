"""schemathesis hooks for checks/openapi/run: a webhook signed with `hmac-sha256` gets its
deliveries signed as its vendor file says, with the secret the receiver was given, so that the
generated payloads get past authentication and reach validation and the store (unsigned, every
one would be a 401). The signing is the standard-library verifier's of checks/signature."""

import base64
import hashlib
import hmac
import json
import os
import sys
import time
import uuid
from pathlib import Path

import schemathesis
from schemathesis.core import NotSet

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "checks" / "signature"))
from verify_vectors import decode_secret, signed_content  # noqa: E402


def signed_routes():
    """Each route of a signed webhook: its vendor's environment variable and its scheme."""
    routes = {}
    for path in sorted(ROOT.glob("schemas/*/vendor.json")):
        vendor = path.parent.name
        for webhook in json.loads(path.read_text())["webhooks"].values():
            if webhook["auth"]["scheme"] == "hmac-sha256":
                variable = f"HOOKSCHEMA_{vendor.upper().replace('-', '_')}_SECRET"
                routes[webhook["route"]] = (variable, webhook["auth"])
    return routes


SIGNED = signed_routes()


@schemathesis.hook
def before_call(context, case, kwargs):
    found = SIGNED.get(case.operation.path)
    if found is None or case.headers is None:
        return
    variable, scheme = found
    names = [scheme.get(name) for name in ("id_header", "timestamp_header", "signature_header")]
    if any(name and name not in case.headers for name in names):
        return  # a header left out on purpose, to see it refused: left out
    # The body is sent as these bytes, exactly: what is signed.
    if isinstance(case.body, NotSet):
        body = b""
    elif isinstance(case.body, bytes):
        body = case.body
    else:
        body = json.dumps(case.body, allow_nan=False).encode()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return  # not text: sent unsigned, and refused as such
    kwargs["data"] = body
    case.headers["Content-Type"] = case.media_type or "application/json"
    id_ = f"msg_{uuid.uuid4().hex}"
    timestamp = str(int(time.time()))
    if scheme.get("id_header"):
        case.headers[scheme["id_header"]] = id_
    if scheme.get("timestamp_header"):
        case.headers[scheme["timestamp_header"]] = timestamp
    key = decode_secret(scheme, os.environ[variable].split(",")[0])
    content = signed_content(scheme, id_, timestamp, text)
    digest = hmac.new(key, content, hashlib.sha256).digest()
    encoded = digest.hex() if scheme["digest_encoding"] == "hex" else base64.b64encode(digest).decode()
    case.headers[scheme["signature_header"]] = scheme["signature_prefix"] + encoded
