#!/usr/bin/env python3
"""Runs every signature vector file (schemas/<vendor>/signature-vectors.json and
tests/signatures/*.json) through one verifier written with Python's standard library only, set
by the scheme each file states (the `auth` of a vendor file), so a Python team can check its own
verifier against the same vectors the Rust crate passes. The standard library has HMAC but not
ed25519: a file whose scheme is `ed25519` is skipped, and said so (the Node check runs it).
Prints "N passed, M failed, K skipped"; exits 1 on any failure."""

import base64
import binascii
import hashlib
import hmac
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted([*ROOT.glob("schemas/*/signature-vectors.json"), *ROOT.glob("tests/signatures/*.json")])


class Rejected(Exception):
    def __init__(self, code, header):
        super().__init__(code)
        self.code, self.header = code, header


# Prefixes senders write their secrets with (Standard Webhooks'), which base64 would read as
# key bytes when a scheme does not declare them.
FOREIGN_SECRET_PREFIXES = ("whsec_", "whsk_", "whpk_")


def decode_secret(scheme, text):
    """The key: the text without the scheme's prefix, decoded. base64 in either alphabet,
    padding optional, strictly: an invalid secret is refused, not guessed at (base64's decoders
    skip bad characters by default), and so is one that would sign with a key the sender does
    not use: spaces or a line break around it, a foreign prefix on a base64 secret."""
    if text.strip() != text:
        raise ValueError("the secret has a space or a line break before or after it")
    prefix = scheme.get("secret_prefix")
    if prefix and text.startswith(prefix):
        text = text[len(prefix):]
    if scheme["secret_encoding"] == "utf8":
        return text.encode()
    if text.startswith(FOREIGN_SECRET_PREFIXES):
        raise ValueError("the secret starts with a prefix this scheme does not declare")
    padded = text + "=" * (-len(text) % 4)
    if "+" in text or "/" in text:
        return base64.b64decode(padded, validate=True)
    return base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)


def decode_digest(scheme, encoded):
    """The digest of one entry, or None when it is malformed: 32 bytes of HMAC-SHA256."""
    if scheme["digest_encoding"] == "hex":
        return binascii.unhexlify(encoded) if re.fullmatch(r"[0-9a-f]{64}", encoded) else None
    try:
        digest = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        return None
    return digest if len(digest) == 32 else None


def entries(scheme, header):
    """A header's entries: split on spaces and tabs, and on commas when the signature prefix
    has none; a comma ending an entry is a proxy's join."""
    separators = r"[ \t]" if "," in scheme["signature_prefix"] else r"[ \t,]"
    return [entry.removesuffix(",") for entry in filter(None, re.split(separators, header))]


def shares_header(scheme):
    """Whether the timestamp travels in the signature header (Stripe's `t=`)."""
    stamp = scheme.get("timestamp_header")
    return bool(stamp) and stamp.lower() == scheme["signature_header"].lower()


def timestamp_text(scheme, value):
    """The timestamp as sent: the header, or its one entry after `timestamp_prefix`."""
    prefix = scheme.get("timestamp_prefix")
    if not prefix:
        return value
    found = [entry[len(prefix):] for entry in entries(scheme, value) if entry.startswith(prefix)]
    if len(found) != 1:
        raise Rejected("malformed_header", scheme["timestamp_header"])
    return found[0]


def digests(scheme, header):
    """The well-formed entries of the scheme's version; other versions, the timestamp's entry
    and, beside a well-formed entry, malformed ones are skipped."""
    prefix = scheme["signature_prefix"]
    stamp = scheme.get("timestamp_prefix") if shares_header(scheme) else None
    found = []
    for entry in entries(scheme, header):
        if stamp and entry.startswith(stamp):
            continue
        if entry.startswith(prefix):
            found.append(decode_digest(scheme, entry[len(prefix):]))
    well_formed = [d for d in found if d is not None]
    if not well_formed:
        raise Rejected("malformed_header", scheme["signature_header"])
    return well_formed


def signed_content(scheme, id_, timestamp, body):
    """The scheme's template with each placeholder put in place, in one pass."""
    parts = {"id": id_ or "", "timestamp": timestamp or "", "body": body}
    return re.sub(r"\{(id|timestamp|body)\}", lambda m: parts[m.group(1)], scheme["signed_content"]).encode()


def verify(scheme, secrets, id_, timestamp, signature, body, now, tolerance):
    headers = [(scheme.get("id_header"), id_), (scheme.get("timestamp_header"), timestamp),
               (scheme["signature_header"], signature)]
    for name, value in headers:
        if name is None:
            continue
        if value is None:
            raise Rejected("missing_header", name)
        if value == "":
            raise Rejected("malformed_header", name)
    if scheme.get("id_header") and (len(id_.encode()) > 256 or not re.fullmatch(r"[\x21-\x7e]+", id_)):
        raise Rejected("malformed_header", scheme["id_header"])
    stamp = scheme.get("timestamp_header")
    if stamp:
        timestamp = timestamp_text(scheme, timestamp)
    if stamp and (not re.fullmatch(r"[0-9]+", timestamp) or int(timestamp) >= 2**64):
        raise Rejected("malformed_header", stamp)
    given = digests(scheme, signature)
    if stamp and now - int(timestamp) > tolerance:
        raise Rejected("stale_timestamp", stamp)
    if stamp and int(timestamp) - now > tolerance:
        raise Rejected("future_timestamp", stamp)
    message = signed_content(scheme, id_, timestamp, body)
    for secret in secrets:
        expected = hmac.new(decode_secret(scheme, secret), message, hashlib.sha256).digest()
        if any(hmac.compare_digest(expected, digest) for digest in given):
            return
    raise Rejected("no_matching_signature", scheme["signature_header"])


def main():
    total = failed = skipped = 0
    for path in FILES:
        document = json.loads(path.read_text(encoding="utf-8"))
        scheme = document["scheme"]
        if scheme["scheme"] == "ed25519":
            skipped += len(document["vectors"])
            print(f"skipped {path.relative_to(ROOT)}: ed25519 is not in Python's standard library")
            continue
        for v in document["vectors"]:
            total += 1
            try:
                verify(scheme, v["secrets"], v["id"], v["timestamp"], v["signature"], v["body"], v["now"], v["tolerance"])
                got = ("valid", None, None)
            except Rejected as rejected:
                got = ("invalid", rejected.code, rejected.header)
            want = (v["expected"], v["error"], v["header"])
            if got != want:
                failed += 1
                print(f"FAIL {path.relative_to(ROOT)}: {v['name']}: expected {want}, got {got}")
        for refused in document.get("refused_secrets", []):
            total += 1
            try:
                decode_secret(scheme, refused["secret"])
            except (ValueError, binascii.Error):
                continue
            failed += 1
            print(f"FAIL {path.relative_to(ROOT)}: {refused['name']}: the secret was taken")
    print(f"{total - failed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed or total == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
