//! A delivery's id, where its vendor file says it is: a header (the signature's own, or one the
//! sender sends unsigned), or a JSON Pointer into the body.

use std::collections::HashMap;

use axum::http::HeaderName;
use axum::http::request::Parts;
use hookschema_catalog::DeliveryId;
use hookschema_signature::check_id;
use serde_json::value::RawValue;

use crate::rejection::WebhookRejection;

/// Where a webhook's deliveries carry their id, ready to read.
#[derive(Clone, Debug)]
pub(crate) enum IdSource {
    /// A header, its name parsed once; `signed` when it is the one the signature covers.
    Header {
        name: HeaderName,
        shown: String,
        signed: bool,
    },
    /// A JSON Pointer into the body.
    Pointer(String),
}

impl IdSource {
    /// Where `id` says, for a webhook whose signature reads the id in `signed_header`, if any.
    pub(crate) fn new(id: &DeliveryId, signed_header: Option<&str>) -> Result<Self, String> {
        Ok(match id {
            DeliveryId::Header(header) => IdSource::Header {
                name: HeaderName::from_bytes(header.as_bytes())
                    .map_err(|_| format!("`{header}` is not a header name"))?,
                shown: header.clone(),
                signed: signed_header.is_some_and(|signed| signed.eq_ignore_ascii_case(header)),
            },
            DeliveryId::Pointer(pointer) => IdSource::Pointer(pointer.clone()),
        })
    }

    /// The id: the signature's (`signed`, already checked), a header's, or the body's value at
    /// the pointer; `None` when the delivery carries none. A malformed id is a bad request.
    pub(crate) fn read(
        &self,
        parts: &Parts,
        signed: Option<String>,
        body: &[u8],
    ) -> Result<Option<String>, WebhookRejection> {
        let (text, at) = match self {
            IdSource::Header { signed: true, .. } => return Ok(signed),
            IdSource::Header { name, shown, .. } => match parts.headers.get(name) {
                Some(value) => (value.as_bytes().to_vec(), format!("header {shown}")),
                None => return Ok(None),
            },
            IdSource::Pointer(pointer) => match value_at(body, pointer) {
                Some(value) => (value.into_bytes(), format!("the body's {pointer}")),
                None => return Ok(None),
            },
        };
        check_id(&text).map_err(|reason| WebhookRejection::BadRequest {
            reason: format!("malformed delivery id in {at}: {reason}"),
        })?;
        Ok(String::from_utf8(text).ok())
    }
}

/// The string, or the integer's digits, at `pointer` (RFC 6901) in the JSON `body`; `None`
/// when there is none there (or the body is not JSON, which validation then refuses).
fn value_at(body: &[u8], pointer: &str) -> Option<String> {
    let mut value: &RawValue = serde_json::from_slice(body).ok()?;
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        let text = value.get();
        value = match text.as_bytes().first()? {
            b'{' => serde_json::from_str::<HashMap<String, &RawValue>>(text)
                .ok()?
                .remove(&token)?,
            b'[' => *serde_json::from_str::<Vec<&RawValue>>(text)
                .ok()?
                .get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    let text = value.get();
    match text.as_bytes().first()? {
        b'"' => serde_json::from_str(text).ok(),
        b'-' | b'0'..=b'9' if text.bytes().all(|b| b == b'-' || b.is_ascii_digit()) => {
            Some(text.to_owned())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pointer_finds_a_string_or_an_integer_at_any_depth() {
        let body = br#"{"id": "evt_1", "data": {"object": {"n": 42, "a/b": ["x", 1.5]}}}"#;
        assert_eq!(value_at(body, "/id").as_deref(), Some("evt_1"));
        assert_eq!(value_at(body, "/data/object/n").as_deref(), Some("42"));
        assert_eq!(value_at(body, "/data/object/a~1b/0").as_deref(), Some("x"));
        for nothing in ["/data/object/a~1b/1", "/missing", "/data", "/id/0"] {
            assert_eq!(value_at(body, nothing), None, "{nothing}");
        }
        assert_eq!(value_at(b"not json", "/id"), None);
    }
}
