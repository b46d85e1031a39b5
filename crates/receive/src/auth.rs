//! Authenticating a delivery: what can be checked from the request head before the body is
//! read, then the rest on the raw body; and the delivery's id.

use std::borrow::Cow;

use hookschema_signature::{Headers, Prechecked, SignatureError, fingerprint};
use http::request::Parts;
use http::{HeaderMap, HeaderName};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::receiver::{Authenticator, Signed, UrlToken};
use crate::refusal::Refusal;

impl Authenticator {
    /// The values of the signature headers a signed webhook reads; `None` for another.
    pub(crate) fn header_values<'h>(
        &self,
        headers: &'h HeaderMap,
    ) -> Result<Option<HeaderValues<'h>>, Refusal> {
        match self {
            Authenticator::Hmac(signed) => HeaderValues::read(headers, signed).map(Some),
            Authenticator::UrlToken(_) | Authenticator::None => Ok(None),
        }
    }

    /// What the request head alone can refuse, before the body is read, so that a plain forgery
    /// costs the receiver no body: signature headers (their `values`) missing, malformed or
    /// stale; a URL token missing or wrong. A signature's check is kept for
    /// [`authenticate`](Self::authenticate) to finish on the body.
    pub(crate) fn precheck<'v>(
        &'v self,
        parts: &Parts,
        values: Option<&'v HeaderValues<'_>>,
    ) -> Result<Option<Prechecked<'v, 'v>>, Refusal> {
        match (self, values) {
            (Authenticator::Hmac(signed), Some(values)) => signed
                .verifier
                .precheck(&values.headers())
                .map(Some)
                .map_err(unauthorized),
            (Authenticator::Hmac(_), None) => Err(unread()),
            (Authenticator::UrlToken(token), _) => token.check(parts).map(|()| None),
            (Authenticator::None, _) => Ok(None),
        }
    }

    /// The rest, on the raw body: `Ok` with the signed delivery id, when the scheme signs one.
    pub(crate) fn authenticate(
        &self,
        prechecked: Option<&Prechecked<'_, '_>>,
        body: &[u8],
    ) -> Result<Option<String>, Refusal> {
        match (self, prechecked) {
            (Authenticator::Hmac(_), Some(prechecked)) => match prechecked.verify(body) {
                Ok(verified) => Ok(verified.id),
                Err(error @ SignatureError::NoMatchingSignature { .. }) => {
                    Err(Refusal::Unauthorized {
                        reason: format!(
                            "{error}; the body received is {}: if that is not what was \
                             signed (`hookschema sign` prints it), the body changed on the way \
                             (`curl -d` drops newlines: send it with `--data-binary`)",
                            fingerprint(body)
                        ),
                    })
                }
                Err(error) => Err(unauthorized(error)),
            },
            (Authenticator::Hmac(_), None) => Err(unread()),
            (Authenticator::UrlToken(_) | Authenticator::None, _) => Ok(None),
        }
    }
}

/// A signed webhook's request whose signature headers were not read: refused, never let in.
fn unread() -> Refusal {
    Refusal::Unauthorized {
        reason: "the signature headers were not read".to_owned(),
    }
}

fn unauthorized(error: SignatureError) -> Refusal {
    Refusal::Unauthorized {
        reason: error.to_string(),
    }
}

/// The signature headers' values, read once for both checks. A repeated id or timestamp is
/// refused, since either would be ambiguous; repeated signature headers are read as one list, as
/// a proxy would join them.
pub(crate) struct HeaderValues<'a> {
    id: Option<&'a [u8]>,
    timestamp: Option<&'a [u8]>,
    signature: Option<Cow<'a, [u8]>>,
}

impl<'a> HeaderValues<'a> {
    fn read(headers: &'a HeaderMap, signed: &Signed) -> Result<Self, Refusal> {
        // Errors name a header as the vendor file spells it.
        let single = |key: &Option<HeaderName>, name: &Option<String>| {
            let (Some(key), Some(name)) = (key, name) else {
                return Ok(None);
            };
            let mut values = headers.get_all(key).iter();
            let first = values.next().map(|v| v.as_bytes());
            match values.next() {
                None => Ok(first),
                Some(_) => Err(unauthorized(SignatureError::MalformedHeader {
                    header: name.clone(),
                    reason: "sent more than once".to_owned(),
                })),
            }
        };
        let scheme = signed.verifier.scheme();
        let signatures: Vec<&[u8]> = headers
            .get_all(&signed.signature)
            .iter()
            .map(|v| v.as_bytes())
            .collect();
        let signature = match signatures.as_slice() {
            [] => None,
            [only] => Some(Cow::Borrowed(*only)),
            several => Some(Cow::Owned(several.join(&b' '))),
        };
        Ok(HeaderValues {
            id: single(&signed.id, &scheme.id_header)?,
            timestamp: single(&signed.timestamp, &scheme.timestamp_header)?,
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

impl UrlToken {
    /// The URL's token parameter must be the configured token: all of it is in the head, so the
    /// body of a request without it is never read. Digests of both are compared in constant
    /// time, so neither the token nor its length leaks through timing.
    fn check(&self, parts: &Parts) -> Result<(), Refusal> {
        let query = parts.uri.query().unwrap_or_default();
        let given = form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| *name == self.parameter)
            .map(|(_, value)| Sha256::digest(value.as_bytes()));
        let problem = match given {
            Some(digest) if bool::from(digest.as_slice().ct_eq(&self.digest)) => return Ok(()),
            Some(_) => "wrong",
            None => "missing",
        };
        Err(Refusal::Unauthorized {
            reason: format!("the `{}` query parameter is {problem}", self.parameter),
        })
    }
}
