// Runs every signature vector file (schemas/<vendor>/signature-vectors.json and
// tests/signatures/*.json) through one verifier written with Node's standard library only
// (createHmac and timingSafeEqual for HMAC-SHA256, verify for ed25519), set by the scheme each
// file states (the `auth` of a vendor file), so a Node team can check its own verifier against
// the vectors the Rust crate passes. Prints "N passed, M failed"; exits 1 on any failure.

import { createHmac, createPublicKey, timingSafeEqual, verify as verifySignature } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const files = [
  ...readdirSync(join(root, "schemas"))
    .map((vendor) => join(root, "schemas", vendor, "signature-vectors.json"))
    .filter((path) => existsSync(path)),
  ...readdirSync(join(root, "tests", "signatures")).map((file) => join(root, "tests", "signatures", file)),
].sort();

class Rejected extends Error {
  constructor(code, header) {
    super(code);
    this.code = code;
    this.header = header;
  }
}

// The key: the text without surrounding whitespace or the scheme's prefix, decoded.
// Buffer.from(…, "base64url") skips characters it does not know; refuse an invalid secret
// instead of guessing. Both alphabets are accepted, padding optional.
// A secret that would sign with a key the sender does not use is refused too: spaces or a line
// break around it, and on a base64 secret a prefix other senders write theirs with (Standard
// Webhooks' `whsec_`) that the scheme does not declare, which base64url would read as key bytes.
const FOREIGN_SECRET_PREFIXES = ["whsec_", "whsk_", "whpk_"];
function decodeSecret(scheme, text) {
  if (text.trim() !== text) throw new Error("the secret has a space or a line break before or after it");
  let secret = text;
  if (scheme.secret_prefix && secret.startsWith(scheme.secret_prefix)) secret = secret.slice(scheme.secret_prefix.length);
  if (scheme.secret_encoding === "utf8") return Buffer.from(secret, "utf8");
  if (FOREIGN_SECRET_PREFIXES.some((prefix) => secret.startsWith(prefix))) throw new Error("the secret starts with a prefix this scheme does not declare");
  if (!/^[A-Za-z0-9_+/-]+={0,2}$/.test(secret)) throw new Error("the secret is not base64url or base64");
  return Buffer.from(secret, "base64url");
}

// The signature of one entry, or null when it is malformed: 32 bytes of HMAC-SHA256, 64 of
// ed25519.
function decodeDigest(scheme, encoded) {
  const ed25519 = scheme.scheme === "ed25519";
  if (scheme.digest_encoding === "hex") return /^[0-9a-f]{64}$/.test(encoded) && !ed25519 ? Buffer.from(encoded, "hex") : null;
  const base64 = ed25519 ? /^[A-Za-z0-9+/]{86}==$/ : /^[A-Za-z0-9+/]{43}=$/;
  return base64.test(encoded) ? Buffer.from(encoded, "base64") : null;
}

// A header's entries: split on spaces and tabs, and on commas when the signature prefix has
// none; a comma ending an entry is a proxy's join.
function entries(scheme, header) {
  const separators = scheme.signature_prefix.includes(",") ? /[ \t]/ : /[ \t,]/;
  return header.split(separators).filter(Boolean).map((entry) => entry.replace(/,$/, ""));
}

// Whether the timestamp travels in the signature header (Stripe's `t=`).
const sharesHeader = (scheme) => !!scheme.timestamp_header && scheme.timestamp_header.toLowerCase() === scheme.signature_header.toLowerCase();

// The timestamp as sent: the header, or its one entry after `timestamp_prefix`.
function timestampText(scheme, value) {
  const prefix = scheme.timestamp_prefix;
  if (!prefix) return value;
  const found = entries(scheme, value).filter((entry) => entry.startsWith(prefix));
  if (found.length !== 1) throw new Rejected("malformed_header", scheme.timestamp_header);
  return found[0].slice(prefix.length);
}

// The well-formed entries of the scheme's version; other versions, the timestamp's entry and,
// beside a well-formed entry, malformed ones are skipped.
function digests(scheme, header) {
  const prefix = scheme.signature_prefix;
  const stamp = sharesHeader(scheme) ? scheme.timestamp_prefix : null;
  const found = entries(scheme, header)
    .filter((entry) => !(stamp && entry.startsWith(stamp)))
    .filter((entry) => entry.startsWith(prefix))
    .map((entry) => decodeDigest(scheme, entry.slice(prefix.length)))
    .filter((digest) => digest !== null);
  if (found.length === 0) throw new Rejected("malformed_header", scheme.signature_header);
  return found;
}

// An ed25519 public key of 32 raw bytes, as Node takes one: wrapped in its SubjectPublicKeyInfo.
const publicKey = (raw) => createPublicKey({ key: Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), raw]), format: "der", type: "spki" });

function verify(scheme, { secrets, id, timestamp: sent, signature, body, now, tolerance }) {
  let timestamp = sent;
  const headers = [[scheme.id_header, id], [scheme.timestamp_header, timestamp], [scheme.signature_header, signature]];
  for (const [name, value] of headers) {
    if (!name) continue;
    if (value === null) throw new Rejected("missing_header", name);
    if (value === "") throw new Rejected("malformed_header", name);
  }
  if (scheme.id_header && !/^[\x21-\x7e]{1,256}$/.test(id)) throw new Rejected("malformed_header", scheme.id_header);
  const stamp = scheme.timestamp_header;
  if (stamp) timestamp = timestampText(scheme, timestamp);
  if (stamp && (!/^[0-9]+$/.test(timestamp) || BigInt(timestamp) >= 2n ** 64n)) throw new Rejected("malformed_header", stamp);
  const given = digests(scheme, signature);
  if (stamp) {
    const age = BigInt(now) - BigInt(timestamp);
    if (age > BigInt(tolerance)) throw new Rejected("stale_timestamp", stamp);
    if (-age > BigInt(tolerance)) throw new Rejected("future_timestamp", stamp);
  }
  const parts = { id: id ?? "", timestamp: timestamp ?? "", body };
  const message = scheme.signed_content.replace(/\{(id|timestamp|body)\}/g, (_, part) => parts[part]);
  for (const secret of secrets) {
    const key = decodeSecret(scheme, secret);
    if (scheme.scheme === "ed25519") {
      if (given.some((signature) => verifySignature(null, Buffer.from(message, "utf8"), publicKey(key), signature))) return;
      continue;
    }
    const expected = createHmac("sha256", key).update(message, "utf8").digest();
    if (given.some((digest) => timingSafeEqual(expected, digest))) return;
  }
  throw new Rejected("no_matching_signature", scheme.signature_header);
}

let total = 0;
let failed = 0;
for (const file of files) {
  const { scheme, vectors, refused_secrets: refusedSecrets = [] } = JSON.parse(readFileSync(file, "utf8"));
  for (const refused of refusedSecrets) {
    total += 1;
    let taken = true;
    try {
      decodeSecret(scheme, refused.secret);
    } catch {
      taken = false;
    }
    if (taken) {
      failed += 1;
      console.log(`FAIL ${file.slice(root.length)}: ${refused.name}: the secret was taken`);
    }
  }
  for (const vector of vectors) {
    total += 1;
    let got;
    try {
      verify(scheme, vector);
      got = ["valid", null, null];
    } catch (error) {
      if (!(error instanceof Rejected)) throw error;
      got = ["invalid", error.code, error.header];
    }
    const want = [vector.expected, vector.error, vector.header];
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      failed += 1;
      console.log(`FAIL ${file.slice(root.length)}: ${vector.name}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    }
  }
}
console.log(`${total - failed} passed, ${failed} failed`);
process.exit(failed || total === 0 ? 1 : 0);
