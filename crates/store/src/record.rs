//! One delivery as it is stored, and as a JSON line.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::StoreError;

/// A delivery to store: who sent it, the schema it was checked against, its id if the sender
/// gives one, when it came, the body as received, and how it breaks its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The vendor's folder name.
    pub vendor: String,
    /// The name of the schema the body was checked against (`kaizen/webhook-event`,
    /// `github/push-event`): the one its event was dispatched to, where a webhook has several.
    /// `None` for an event without a schema, and in records stored before schemas were kept.
    pub schema: Option<String>,
    /// The delivery's id, as the sender sent it.
    pub delivery_id: Option<String>,
    /// What makes a retry a retry: the delivery id, or `sha256:<hex>` of the body for a sender
    /// without ids, which retries a delivery with the same body.
    pub dedup_key: String,
    /// When it was received: RFC 3339, UTC, in milliseconds.
    pub received_at: String,
    /// The body as received, but for the whitespace between its tokens: every digit, escape and
    /// key order as sent.
    pub body: String,
    /// How the body breaks the strict schema, as a JSON array (`[]` when it does not).
    pub violations: String,
    /// The request's headers of record, as a JSON object of names (lowercase) and values:
    /// what a person debugging a delivery looks at. `None` when they were not given (and in
    /// records stored before they were kept).
    pub headers: Option<String>,
}

impl Record {
    /// The record of a delivery received now, checked against the schema named `schema`.
    /// `body` must be one JSON document (the receiver checked it); `violations` serialise to a
    /// JSON array.
    pub fn new(
        vendor: &str,
        schema: Option<&str>,
        delivery_id: Option<&str>,
        body: &[u8],
        violations: &impl Serialize,
    ) -> Result<Record, StoreError> {
        let body = String::from_utf8(compact(body))
            .map_err(|_| StoreError::invalid("the body is not UTF-8"))?;
        let violations = serde_json::to_string(violations)
            .map_err(|error| StoreError::invalid(format!("the violations: {error}")))?;
        let dedup_key = match delivery_id {
            Some(id) => id.to_owned(),
            None => format!("sha256:{}", hex::encode(Sha256::digest(body.as_bytes()))),
        };
        Ok(Record {
            vendor: vendor.to_owned(),
            schema: schema.map(str::to_owned),
            delivery_id: delivery_id.map(str::to_owned),
            dedup_key,
            received_at: DateTime::<Utc>::from(std::time::SystemTime::now())
                .to_rfc3339_opts(SecondsFormat::Millis, true),
            body,
            violations,
            headers: None,
        })
    }

    /// The record with the request's headers of record: `headers`' names and values, in
    /// order, as a JSON object (a name sent twice keeps its last value).
    pub fn with_headers<'h>(
        mut self,
        headers: impl IntoIterator<Item = (&'h str, &'h str)>,
    ) -> Record {
        let object: serde_json::Map<String, serde_json::Value> = headers
            .into_iter()
            .map(|(name, value)| (name.to_ascii_lowercase(), value.into()))
            .collect();
        self.headers = Some(serde_json::Value::Object(object).to_string());
        self
    }

    /// The record as one JSON line, without its newline:
    /// `{"vendor", "schema", "delivery_id", "received_at", "body", "errors"}` and `"headers"`
    /// where it has them, the body as stored.
    pub fn line(&self) -> String {
        let mut line = Vec::new();
        push_line(None, self, &mut line);
        String::from_utf8(line).expect("a record's fields are UTF-8")
    }
}

/// Appends the JSON line of `record` to `out`, with its `id` first when it has one (as `export`
/// writes it). The body and the violations are JSON already ([`Record::new`] made them so, and
/// a store gives back what it was given): they are copied as they are, not parsed again, which
/// for a receiver's every delivery would cost as much as its validation.
pub(crate) fn push_line(id: Option<i64>, record: &Record, out: &mut Vec<u8>) {
    out.reserve(record.body.len() + record.violations.len() + 160);
    out.push(b'{');
    if let Some(id) = id {
        out.extend_from_slice(format!("\"id\":{id},").as_bytes());
    }
    out.extend_from_slice(b"\"vendor\":");
    push_string(&record.vendor, out);
    out.extend_from_slice(b",\"schema\":");
    match &record.schema {
        Some(schema) => push_string(schema, out),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"delivery_id\":");
    match &record.delivery_id {
        Some(id) => push_string(id, out),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"received_at\":");
    push_string(&record.received_at, out);
    out.extend_from_slice(b",\"body\":");
    out.extend_from_slice(record.body.as_bytes());
    out.extend_from_slice(b",\"errors\":");
    out.extend_from_slice(record.violations.as_bytes());
    if let Some(headers) = &record.headers {
        out.extend_from_slice(b",\"headers\":");
        out.extend_from_slice(headers.as_bytes());
    }
    out.push(b'}');
}

/// `text` as a JSON string, escaped as serde_json escapes it, written in place.
fn push_string(text: &str, out: &mut Vec<u8>) {
    serde_json::to_writer(out, text).expect("a str serialises into a Vec");
}

/// `json` without the whitespace outside its strings. The receiver has validated it, so a
/// string's end is the first quote not escaped by a backslash. Strings, most of a payload's
/// bytes, are copied whole, their end found with `memchr`; only the bytes between them are
/// looked at one by one.
pub fn compact(json: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len());
    let mut at = 0;
    while let Some(&byte) = json.get(at) {
        match byte {
            b' ' | b'\t' | b'\n' | b'\r' => at += 1,
            b'"' => {
                let end = string_end(json, at + 1);
                out.extend_from_slice(&json[at..end]);
                at = end;
            }
            _ => {
                out.push(byte);
                at += 1;
            }
        }
    }
    out
}

/// Where the string whose text starts at `from` ends, past its closing quote; the end of `json`
/// when it is not closed.
fn string_end(json: &[u8], mut from: usize) -> usize {
    while let Some(found) = json
        .get(from..)
        .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
    {
        match json[from + found] {
            // The escaped byte is skipped, a quote as any other.
            b'\\' => from += found + 2,
            _ => return from + found + 1,
        }
    }
    json.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_whitespace_between_tokens_goes() {
        let sent =
            b"{\n  \"a b\" : [1 , 18446744073709551616.50],\r\n\t\"q\\\" \\\\\": \"x \\n y\"\n}";
        let kept = compact(sent);
        assert_eq!(
            String::from_utf8(kept).unwrap(),
            r#"{"a b":[1,18446744073709551616.50],"q\" \\":"x \n y"}"#
        );
    }

    /// Text that is not whole JSON (compact is public) is kept as it is, never read past.
    #[test]
    fn an_unclosed_string_or_escape_is_kept() {
        assert_eq!(compact(b"[1, \"a b"), b"[1,\"a b");
        assert_eq!(compact(b"\"a\\"), b"\"a\\");
        assert_eq!(compact(b"\"a\\\" b\" , 2"), b"\"a\\\" b\",2");
    }

    /// The same as reading one byte at a time, on every prefix of a text with escapes, quotes
    /// and whitespace in and out of strings.
    #[test]
    fn agrees_with_a_byte_by_byte_reading() {
        fn byte_by_byte(json: &[u8]) -> Vec<u8> {
            let (mut out, mut in_string, mut escaped) = (Vec::new(), false, false);
            for &byte in json {
                if in_string {
                    match (escaped, byte) {
                        (true, _) => escaped = false,
                        (false, b'\\') => escaped = true,
                        (false, b'"') => in_string = false,
                        _ => {}
                    }
                } else if byte == b'"' {
                    in_string = true;
                } else if matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
                    continue;
                }
                out.push(byte);
            }
            out
        }
        let text = b" { \"a \\\\\" : [ \"\\\" x\\n\" ,\t1 ] ,\r\n \"\\\\\":\"\\u00e9 \\\\\" } ";
        for end in 0..=text.len() {
            assert_eq!(compact(&text[..end]), byte_by_byte(&text[..end]), "{end}");
        }
    }

    /// A sender without ids retries with the same body: the same key, however it spaced it.
    #[test]
    fn without_an_id_the_key_is_the_bodys_digest() {
        let a = Record::new("v", None, None, br#"{"a": 1}"#, &[0; 0]).unwrap();
        let b = Record::new("v", None, None, br#"{"a":1}"#, &[0; 0]).unwrap();
        let c = Record::new("v", None, None, br#"{"a":2}"#, &[0; 0]).unwrap();
        assert_eq!(a.dedup_key, b.dedup_key);
        assert_ne!(a.dedup_key, c.dedup_key);
        assert!(a.dedup_key.starts_with("sha256:"));
        let with_id = Record::new("v", Some("v/e"), Some("msg_1"), br#"{"a":1}"#, &[0; 0]).unwrap();
        assert_eq!(with_id.dedup_key, "msg_1");
        assert_eq!(
            with_id.line(),
            format!(
                r#"{{"vendor":"v","schema":"v/e","delivery_id":"msg_1","received_at":"{}","body":{{"a":1}},"errors":[]}}"#,
                with_id.received_at
            )
        );
    }
}
