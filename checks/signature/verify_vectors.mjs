// Runs schemas/kaizen/signature-vectors.json through a Kaizen signature verifier written with
// Node's standard library only, the way Kaizen's own sample verifies (Buffer.from(secret,
// "base64url"), createHmac, timingSafeEqual), so a Node team can check its own verifier against
// the vectors the Rust crate passes. Prints "N passed, M failed"; exits 1 on any failure.

import { createHmac, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";

const path = new URL("../../schemas/kaizen/signature-vectors.json", import.meta.url);
const { vectors } = JSON.parse(readFileSync(path, "utf8"));

class Rejected extends Error {
  constructor(code, header) {
    super(code);
    this.code = code;
    this.header = header;
  }
}

// Buffer.from(…, "base64url") skips characters it does not know; refuse an invalid secret
// instead of guessing. Both alphabets are accepted, padding optional.
function decodeSecret(text) {
  const secret = text.trim();
  if (!/^[A-Za-z0-9_+/-]+={0,2}$/.test(secret)) throw new Error("the secret is not base64url or base64");
  return Buffer.from(secret, "base64url");
}

function verify({ secrets, id, timestamp, signature, body, now, tolerance }) {
  const headers = [["X-Webhooks-Id", id], ["X-Webhooks-Timestamp", timestamp], ["X-Webhooks-Signature", signature]];
  for (const [name, value] of headers) {
    if (value === null) throw new Rejected("missing_header", name);
    if (value === "") throw new Rejected("malformed_header", name);
  }
  if (!/^[\x21-\x7e]{1,256}$/.test(id)) throw new Rejected("malformed_header", "X-Webhooks-Id");
  if (!/^[0-9]+$/.test(timestamp) || BigInt(timestamp) >= 2n ** 64n) {
    throw new Rejected("malformed_header", "X-Webhooks-Timestamp");
  }
  const signatures = [];
  for (const entry of signature.split(/[ \t,]/).filter(Boolean)) {
    const match = /^v([0-9]+)=(.*)$/.exec(entry);
    if (!match) throw new Rejected("malformed_header", "X-Webhooks-Signature");
    if (match[1] !== "1") continue;
    if (!/^[0-9a-f]{64}$/.test(match[2])) throw new Rejected("malformed_header", "X-Webhooks-Signature");
    signatures.push(Buffer.from(match[2], "hex"));
  }
  if (signatures.length === 0) throw new Rejected("malformed_header", "X-Webhooks-Signature");
  const age = BigInt(now) - BigInt(timestamp);
  if (age > BigInt(tolerance)) throw new Rejected("stale_timestamp", "X-Webhooks-Timestamp");
  if (-age > BigInt(tolerance)) throw new Rejected("future_timestamp", "X-Webhooks-Timestamp");
  for (const secret of secrets) {
    const expected = createHmac("sha256", decodeSecret(secret))
      .update(`${id}.${timestamp}.${body}`, "utf8")
      .digest();
    if (signatures.some((given) => timingSafeEqual(expected, given))) return;
  }
  throw new Rejected("no_matching_signature", "X-Webhooks-Signature");
}

let failed = 0;
for (const vector of vectors) {
  let got;
  try {
    verify(vector);
    got = ["valid", null, null];
  } catch (error) {
    if (!(error instanceof Rejected)) throw error;
    got = ["invalid", error.code, error.header];
  }
  const want = [vector.expected, vector.error, vector.header];
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    failed += 1;
    console.log(`FAIL ${vector.name}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  }
}
console.log(`${vectors.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
