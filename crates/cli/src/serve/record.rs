//! One accepted delivery, as the JSON line `hookschema serve` writes.

use std::io;
use std::time::SystemTime;

use chrono::{DateTime, SecondsFormat, Utc};
use hookschema_axum::Delivery;
use hookschema_validate::Violation;
use serde::Serialize;
use serde_json::value::RawValue;

#[derive(Serialize)]
struct Record<'a> {
    vendor: &'a str,
    delivery_id: Option<&'a str>,
    received_at: String,
    /// The body as received: the sender's own JSON text, on one line.
    body: Box<RawValue>,
    /// How the body breaks the strict schema, if it does.
    errors: &'a [Violation],
}

/// The line for `delivery`, without its newline. The body is the text received, only the
/// whitespace between its tokens taken out: numbers keep every digit, strings their escapes,
/// objects their key order.
pub fn line<T>(delivery: &Delivery<T>) -> io::Result<Vec<u8>> {
    let text = String::from_utf8(compact(&delivery.body)).map_err(io::Error::other)?;
    let record = Record {
        vendor: delivery.vendor(),
        delivery_id: delivery.id.as_deref(),
        received_at: DateTime::<Utc>::from(SystemTime::now())
            .to_rfc3339_opts(SecondsFormat::Millis, true),
        body: RawValue::from_string(text)?,
        errors: &delivery.violations,
    };
    Ok(serde_json::to_vec(&record)?)
}

/// `json` without the whitespace outside its strings. The extractor has validated it, so a
/// string's end is the first quote not escaped by a backslash.
fn compact(json: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
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

#[cfg(test)]
mod tests {
    use super::compact;

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
}
