#!/usr/bin/env python3
"""Runs schemas/kaizen/signature-vectors.json through a Kaizen signature verifier written with
Python's standard library only, so a Python team can check its own verifier against the same
vectors the Rust crate passes. Prints "N passed, M failed"; exits 1 on any failure."""

import base64
import binascii
import hashlib
import hmac
import json
import re
import sys
from pathlib import Path

VECTORS = Path(__file__).resolve().parents[2] / "schemas" / "kaizen" / "signature-vectors.json"
V1 = re.compile(r"^[0-9a-f]{64}$")
ENTRY = re.compile(r"^v([0-9]+)=(.*)$")


class Rejected(Exception):
    def __init__(self, code, header):
        super().__init__(code)
        self.code, self.header = code, header


def decode_secret(text):
    """base64url, padding optional; standard base64 when it has + or /. Strict: an invalid
    secret is refused, not guessed at (base64's decoders skip bad characters by default)."""
    text = text.strip()
    padded = text + "=" * (-len(text) % 4)
    if "+" in text or "/" in text:
        return base64.b64decode(padded, validate=True)
    return base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)


def verify(secrets, id_, timestamp, signature, body, now, tolerance):
    headers = (("X-Webhooks-Id", id_), ("X-Webhooks-Timestamp", timestamp), ("X-Webhooks-Signature", signature))
    for name, value in headers:
        if value is None:
            raise Rejected("missing_header", name)
        if value == "":
            raise Rejected("malformed_header", name)
    if len(id_.encode()) > 256 or not id_.isascii() or not id_.isprintable() or " " in id_:
        raise Rejected("malformed_header", "X-Webhooks-Id")
    if not (timestamp.isascii() and timestamp.isdigit()) or int(timestamp) >= 2**64:
        raise Rejected("malformed_header", "X-Webhooks-Timestamp")
    signatures = []
    for entry in filter(None, re.split(r"[ \t,]", signature)):
        match = ENTRY.match(entry)
        if not match:
            raise Rejected("malformed_header", "X-Webhooks-Signature")
        if match.group(1) != "1":
            continue
        if not V1.match(match.group(2)):
            raise Rejected("malformed_header", "X-Webhooks-Signature")
        signatures.append(binascii.unhexlify(match.group(2)))
    if not signatures:
        raise Rejected("malformed_header", "X-Webhooks-Signature")
    if now - int(timestamp) > tolerance:
        raise Rejected("stale_timestamp", "X-Webhooks-Timestamp")
    if int(timestamp) - now > tolerance:
        raise Rejected("future_timestamp", "X-Webhooks-Timestamp")
    message = f"{id_}.{timestamp}.".encode() + body.encode()
    for secret in secrets:
        expected = hmac.new(decode_secret(secret), message, hashlib.sha256).digest()
        if any(hmac.compare_digest(expected, given) for given in signatures):
            return
    raise Rejected("no_matching_signature", "X-Webhooks-Signature")


def main():
    vectors = json.loads(VECTORS.read_text(encoding="utf-8"))["vectors"]
    failed = 0
    for v in vectors:
        try:
            verify(v["secrets"], v["id"], v["timestamp"], v["signature"], v["body"], v["now"], v["tolerance"])
            got = ("valid", None, None)
        except Rejected as rejected:
            got = ("invalid", rejected.code, rejected.header)
        want = (v["expected"], v["error"], v["header"])
        if got != want:
            failed += 1
            print(f"FAIL {v['name']}: expected {want}, got {got}")
    print(f"{len(vectors) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
