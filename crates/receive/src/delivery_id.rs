//! A delivery's id, where its vendor file says it is: a header (the signature's own, or one the
//! sender sends unsigned), or a JSON Pointer into the body.

use hookschema_catalog::{DeliveryId, string_at};
use hookschema_signature::check_id;
use http::HeaderMap;
use http::HeaderName;

use crate::refusal::Refusal;

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
        headers: &HeaderMap,
        signed: Option<String>,
        body: &[u8],
    ) -> Result<Option<String>, Refusal> {
        let (text, at) = match self {
            IdSource::Header { signed: true, .. } => return Ok(signed),
            IdSource::Header { name, shown, .. } => match headers.get(name) {
                Some(value) => (value.as_bytes().to_vec(), format!("header {shown}")),
                None => return Ok(None),
            },
            IdSource::Pointer(pointer) => match string_at(body, pointer) {
                Some(value) => (value.into_bytes(), format!("the body's {pointer}")),
                None => return Ok(None),
            },
        };
        check_id(&text).map_err(|reason| Refusal::BadRequest {
            reason: format!("malformed delivery id in {at}: {reason}"),
        })?;
        Ok(String::from_utf8(text).ok())
    }
}
