// Runs every signature vector file (schemas/<vendor>/signature-vectors.json and
// tests/signatures/*.json) through one HMAC-SHA256 verifier written with Node's standard library
// only (createHmac, timingSafeEqual), set by the scheme each file states (the `auth` of a vendor
// file), so a Node team can check its own verifier against the vectors the Rust crate passes.
// Prints "N passed, M failed"; exits 1 on any failure.

import { createHmac, timingSafeEqual } from "node:crypto";
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
const FOREIGN_SECRET_PREFIXES = ["whsec_"];
function decodeSecret(scheme, text) {
  if (text.trim() !== text) throw new Error("the secret has a space or a line break before or after it");
  let secret = text;
  if (scheme.secret_prefix && secret.startsWith(scheme.secret_prefix)) secret = secret.slice(scheme.secret_prefix.length);
  if (scheme.secret_encoding === "utf8") return Buffer.from(secret, "utf8");
  if (FOREIGN_SECRET_PREFIXES.some((prefix) => secret.startsWith(prefix))) throw new Error("the secret starts with a prefix this scheme does not declare");
  if (!/^[A-Za-z0-9_+/-]+={0,2}$/.test(secret)) throw new Error("the secret is not base64url or base64");
  return Buffer.from(secret, "base64url");
}

// The digest of one entry, or null when it is malformed.
function decodeDigest(scheme, encoded) {
  if (scheme.digest_encoding === "hex") return /^[0-9a-f]{64}$/.test(encoded) ? Buffer.from(encoded, "hex") : null;
  if (!/^[A-Za-z0-9+/]{43}=$/.test(encoded)) return null;
  return Buffer.from(encoded, "base64");
}

// The well-formed entries of the scheme's version: entries are split on spaces and tabs, and on
// commas when the prefix has none; a comma ending an entry is a proxy's join; other versions
// and, beside a well-formed entry, malformed ones are skipped.
function digests(scheme, header) {
  const prefix = scheme.signature_prefix;
  const separators = prefix.includes(",") ? /[ \t]/ : /[ \t,]/;
  const found = header
    .split(separators)
    .filter(Boolean)
    .map((entry) => entry.replace(/,$/, ""))
    .filter((entry) => entry.startsWith(prefix))
    .map((entry) => decodeDigest(scheme, entry.slice(prefix.length)))
    .filter((digest) => digest !== null);
  if (found.length === 0) throw new Rejected("malformed_header", scheme.signature_header);
  return found;
}

function verify(scheme, { secrets, id, timestamp, signature, body, now, tolerance }) {
  const headers = [[scheme.id_header, id], [scheme.timestamp_header, timestamp], [scheme.signature_header, signature]];
  for (const [name, value] of headers) {
    if (!name) continue;
    if (value === null) throw new Rejected("missing_header", name);
    if (value === "") throw new Rejected("malformed_header", name);
  }
  if (scheme.id_header && !/^[\x21-\x7e]{1,256}$/.test(id)) throw new Rejected("malformed_header", scheme.id_header);
  const stamp = scheme.timestamp_header;
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
    const expected = createHmac("sha256", decodeSecret(scheme, secret)).update(message, "utf8").digest();
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
