//! Authenticating a delivery, per vendor: what can be checked from the request head before the
//! body is read, then the rest on the raw body.

use std::borrow::Cow;

use axum::http::HeaderMap;
use axum::http::request::Parts;
use hookschema_signature::{
    Headers, ID_HEADER, SIGNATURE_HEADER, SignatureError, TIMESTAMP_HEADER, Verifier,
};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::config::UrlToken;
use crate::rejection::WebhookRejection;

/// A way to authenticate a delivery.
pub trait Authenticate: Send + Sync {
    /// What the request head alone can refuse, before the body is read, so that a plain forgery
    /// costs the receiver no body.
    fn precheck(&self, parts: &Parts) -> Result<(), WebhookRejection>;

    /// The rest, on the raw body: `Ok` with the delivery's id, if the vendor sends one.
    fn authenticate(&self, parts: &Parts, body: &[u8]) -> Result<Option<String>, WebhookRejection>;
}

/// Kaizen's `X-Webhooks-*` headers: present, well formed and timely before the body is read,
/// then the signature on the raw body.
impl Authenticate for Verifier {
    fn precheck(&self, parts: &Parts) -> Result<(), WebhookRejection> {
        let values = HeaderValues::read(&parts.headers)?;
        self.precheck(&values.headers()).map_err(unauthorized)
    }

    fn authenticate(&self, parts: &Parts, body: &[u8]) -> Result<Option<String>, WebhookRejection> {
        let values = HeaderValues::read(&parts.headers)?;
        let verified = self.verify(&values.headers(), body).map_err(unauthorized)?;
        Ok(Some(verified.id))
    }
}

fn unauthorized(error: SignatureError) -> WebhookRejection {
    WebhookRejection::Unauthorized {
        reason: error.to_string(),
    }
}

/// The signature headers' values. A repeated id or timestamp is refused, since either would be
/// ambiguous; repeated signature headers are read as one list, as a proxy would join them.
struct HeaderValues<'a> {
    id: Option<&'a [u8]>,
    timestamp: Option<&'a [u8]>,
    signature: Option<Cow<'a, [u8]>>,
}

impl<'a> HeaderValues<'a> {
    fn read(headers: &'a HeaderMap) -> Result<Self, WebhookRejection> {
        let single = |name: &'static str| {
            let mut values = headers.get_all(name).iter();
            let first = values.next().map(|v| v.as_bytes());
            match values.next() {
                None => Ok(first),
                Some(_) => Err(unauthorized(SignatureError::MalformedHeader {
                    header: name,
                    reason: "sent more than once".to_owned(),
                })),
            }
        };
        let signatures: Vec<&[u8]> = headers
            .get_all(SIGNATURE_HEADER)
            .iter()
            .map(|v| v.as_bytes())
            .collect();
        let signature = match signatures.as_slice() {
            [] => None,
            [only] => Some(Cow::Borrowed(*only)),
            several => Some(Cow::Owned(several.join(&b' '))),
        };
        Ok(HeaderValues {
            id: single(ID_HEADER)?,
            timestamp: single(TIMESTAMP_HEADER)?,
            signature,
        })
    }

    fn headers(&self) -> Headers<'_> {
        Headers {
            id: self.id,
            timestamp: self.timestamp,
            signature: self.signature.as_deref(),
        }
    }
}

/// The URL's token parameter must be the configured token: all of it is in the head, so the
/// body of a request without it is never read. Digests of both are compared in constant time,
/// so neither the token nor its length leaks through timing.
impl Authenticate for UrlToken {
    fn precheck(&self, parts: &Parts) -> Result<(), WebhookRejection> {
        let query = parts.uri.query().unwrap_or_default();
        let given = form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| *name == self.parameter)
            .map(|(_, value)| Sha256::digest(value.as_bytes()));
        let problem = match given {
            Some(digest) if bool::from(digest.as_slice().ct_eq(&self.digest)) => return Ok(()),
            Some(_) => "wrong",
            None => "missing",
        };
        Err(WebhookRejection::Unauthorized {
            reason: format!("the `{}` query parameter is {problem}", self.parameter),
        })
    }

    fn authenticate(&self, _: &Parts, _: &[u8]) -> Result<Option<String>, WebhookRejection> {
        Ok(None)
    }
}
