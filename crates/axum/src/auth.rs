//! Authenticating a delivery, per vendor, before anything is parsed.

use axum::http::request::Parts;
use hookschema_signature::{Headers, ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, Verifier};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::config::UrlToken;
use crate::rejection::WebhookRejection;

/// A way to authenticate a delivery from its request head and raw body.
pub trait Authenticate: Send + Sync {
    /// `Ok` with the delivery's id, if the vendor sends one; 401 otherwise.
    fn authenticate(&self, parts: &Parts, body: &[u8]) -> Result<Option<String>, WebhookRejection>;
}

/// Kaizen's `X-Webhooks-*` headers, on the raw body.
impl Authenticate for Verifier {
    fn authenticate(&self, parts: &Parts, body: &[u8]) -> Result<Option<String>, WebhookRejection> {
        let header = |name: &str| parts.headers.get(name).map(|value| value.as_bytes());
        let headers = Headers {
            id: header(ID_HEADER),
            timestamp: header(TIMESTAMP_HEADER),
            signature: header(SIGNATURE_HEADER),
        };
        match self.verify(&headers, body) {
            Ok(verified) => Ok(Some(verified.id)),
            Err(error) => Err(WebhookRejection::Unauthorized {
                reason: error.to_string(),
            }),
        }
    }
}

/// The URL's token parameter must be the configured token. Digests of both are compared in
/// constant time, so neither the token nor its length leaks through timing.
impl Authenticate for UrlToken {
    fn authenticate(&self, parts: &Parts, _: &[u8]) -> Result<Option<String>, WebhookRejection> {
        let query = parts.uri.query().unwrap_or_default();
        let given = form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| *name == self.parameter)
            .map(|(_, value)| Sha256::digest(value.as_bytes()));
        let problem = match given {
            Some(digest) if bool::from(digest.as_slice().ct_eq(&self.digest)) => return Ok(None),
            Some(_) => "wrong",
            None => "missing",
        };
        Err(WebhookRejection::Unauthorized {
            reason: format!("the `{}` query parameter is {problem}", self.parameter),
        })
    }
}
