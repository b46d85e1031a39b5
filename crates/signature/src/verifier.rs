//! Verifying and signing.

use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::error::SignatureError;
use crate::headers::{Headers, Parsed};
use crate::scheme::{Algorithm, DigestEncoding, SignatureScheme};
use crate::secret::{Secret, SecretError};

/// Checks deliveries signed under one scheme against one or more keys (HMAC secrets, or
/// ed25519 public keys). More than one lets a receiver accept both the old and the new key
/// while it is rotated.
#[derive(Debug, Clone)]
pub struct Verifier {
    scheme: SignatureScheme,
    secrets: Vec<Secret>,
}

/// What a verification established about the delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The delivery's id, the same on every retry, when the scheme reads one.
    pub id: Option<String>,
    /// When it was signed, in Unix seconds, when the scheme reads a timestamp.
    pub timestamp: Option<u64>,
}

impl Verifier {
    /// A verifier of `scheme` accepting signatures made with any of `secrets`. With none, no
    /// delivery verifies.
    pub fn new(scheme: SignatureScheme, secrets: Vec<Secret>) -> Self {
        Verifier { scheme, secrets }
    }

    /// Accept timestamps up to `seconds` from now, either way, whatever the scheme says.
    pub fn with_tolerance(mut self, seconds: u64) -> Self {
        self.scheme.tolerance_seconds = seconds;
        self
    }

    pub fn scheme(&self) -> &SignatureScheme {
        &self.scheme
    }

    /// Verifies the delivery against the system clock.
    pub fn verify(&self, headers: &Headers<'_>, body: &[u8]) -> Result<Verified, SignatureError> {
        self.verify_at(headers, body, unix_now())
    }

    /// Everything but the signature itself, against the system clock: the headers are present
    /// and well formed, and the timestamp within the tolerance. A receiver can refuse a forgery
    /// this plain before reading its body, then finish with [`Prechecked::verify`] on the body
    /// without reading the headers again.
    pub fn precheck<'a>(
        &self,
        headers: &Headers<'a>,
    ) -> Result<Prechecked<'_, 'a>, SignatureError> {
        let parsed = headers.parse(&self.scheme)?;
        self.check_timestamp(&parsed, unix_now())?;
        Ok(Prechecked {
            verifier: self,
            parsed,
        })
    }

    /// Verifies the delivery as if the time were `now` (Unix seconds): the headers are present
    /// and well formed, the timestamp within the tolerance, and a signature matches under one
    /// of the secrets. `body` must be the raw bytes received.
    pub fn verify_at(
        &self,
        headers: &Headers<'_>,
        body: &[u8],
        now: u64,
    ) -> Result<Verified, SignatureError> {
        let parsed = headers.parse(&self.scheme)?;
        self.check_timestamp(&parsed, now)?;
        self.signed(&parsed, body)
    }

    /// Whether a signature of `parsed` matches `body` under one of the keys.
    fn signed(&self, parsed: &Parsed<'_>, body: &[u8]) -> Result<Verified, SignatureError> {
        let id = parsed.id.unwrap_or_default();
        let matched = match self.scheme.algorithm {
            Algorithm::HmacSha256 => self.secrets.iter().any(|secret| {
                let expected = mac(&self.scheme, secret, id, parsed.timestamp_text, body);
                parsed
                    .signatures
                    .iter()
                    .any(|signature| bool::from(signature.as_bytes().ct_eq(&expected)))
            }),
            Algorithm::Ed25519 => {
                let content = self.scheme.content(id, parsed.timestamp_text, body);
                self.secrets.iter().any(|public| {
                    parsed.signatures.iter().any(|signature| {
                        crate::ed25519::verify(public.key(), &content, signature.as_bytes())
                    })
                })
            }
        };
        if !matched {
            return Err(SignatureError::NoMatchingSignature {
                header: self.scheme.signature_header.clone(),
            });
        }
        Ok(Verified {
            id: parsed.id.map(|id| String::from_utf8_lossy(id).into_owned()),
            timestamp: parsed.timestamp,
        })
    }

    fn check_timestamp(&self, parsed: &Parsed<'_>, now: u64) -> Result<(), SignatureError> {
        // A scheme without a timestamp cannot tell a replay; one with a timestamp must be
        // within the tolerance.
        let (Some(timestamp), Some(header)) = (parsed.timestamp, &self.scheme.timestamp_header)
        else {
            return Ok(());
        };
        let tolerance = self.scheme.tolerance_seconds;
        let header = header.clone();
        if now.saturating_sub(timestamp) > tolerance {
            return Err(SignatureError::StaleTimestamp {
                header,
                timestamp,
                now,
                tolerance,
            });
        }
        if timestamp.saturating_sub(now) > tolerance {
            return Err(SignatureError::FutureTimestamp {
                header,
                timestamp,
                now,
                tolerance,
            });
        }
        Ok(())
    }
}

/// A delivery's signature headers, found well formed and timely by [`Verifier::precheck`]
/// before its body was read.
pub struct Prechecked<'v, 'a> {
    verifier: &'v Verifier,
    parsed: Parsed<'a>,
}

impl Prechecked<'_, '_> {
    /// Verifies the delivery on its raw `body`: the timestamp against the clock again (reading
    /// the body took time), and a signature against the secrets.
    pub fn verify(&self, body: &[u8]) -> Result<Verified, SignatureError> {
        self.verifier.check_timestamp(&self.parsed, unix_now())?;
        self.verifier.signed(&self.parsed, body)
    }
}

impl SignatureScheme {
    /// The signature header's entry a sender of this scheme writes for `body` sent with `id`
    /// at `timestamp` (those the scheme does not sign are ignored), with `key` (see
    /// [`SignatureScheme::signing_key`]): for tests, and for tools that send signed deliveries
    /// to a receiver.
    pub fn sign(
        &self,
        key: &Secret,
        id: &str,
        timestamp: u64,
        body: &[u8],
    ) -> Result<String, SecretError> {
        let timestamp = timestamp.to_string();
        let signature = match self.algorithm {
            Algorithm::HmacSha256 => {
                mac(self, key, id.as_bytes(), timestamp.as_bytes(), body).to_vec()
            }
            Algorithm::Ed25519 => {
                let content = self.content(id.as_bytes(), timestamp.as_bytes(), body);
                crate::ed25519::sign(key.key(), &content)?.to_vec()
            }
        };
        let encoded = match self.digest_encoding {
            DigestEncoding::Hex => hex::encode(signature),
            DigestEncoding::Base64 => {
                use base64::Engine;
                base64::engine::general_purpose::STANDARD.encode(signature)
            }
        };
        Ok(format!("{}{encoded}", self.signature_prefix))
    }

    /// The headers a sender of this scheme sends with `body`, signed with each of `keys`, as
    /// (name, value) pairs: the id and the timestamp when the scheme has them, and the
    /// signatures, one entry per key. A timestamp carried in the signature header
    /// ([`SignatureScheme::timestamp_prefix`]) is its first entry, the entries then separated
    /// by commas, as Stripe writes them; otherwise by spaces.
    pub fn headers(
        &self,
        keys: &[Secret],
        id: &str,
        timestamp: u64,
        body: &[u8],
    ) -> Result<Vec<(String, String)>, SecretError> {
        let mut signatures = keys
            .iter()
            .map(|key| self.sign(key, id, timestamp, body))
            .collect::<Result<Vec<_>, _>>()?;
        let mut headers = Vec::new();
        if let Some(header) = &self.id_header {
            headers.push((header.clone(), id.to_owned()));
        }
        let timestamp_entry = format!(
            "{}{timestamp}",
            self.timestamp_prefix.as_deref().unwrap_or("")
        );
        let shared = self
            .timestamp_header
            .as_deref()
            .is_some_and(|header| header.eq_ignore_ascii_case(&self.signature_header));
        if shared {
            signatures.insert(0, timestamp_entry);
            headers.push((self.signature_header.clone(), signatures.join(",")));
        } else {
            if let Some(header) = &self.timestamp_header {
                headers.push((header.clone(), timestamp_entry));
            }
            headers.push((self.signature_header.clone(), signatures.join(" ")));
        }
        Ok(headers)
    }

    /// The signed content, whole: what ed25519 signs (HMAC takes it piece by piece).
    fn content(&self, id: &[u8], timestamp: &[u8], body: &[u8]) -> Vec<u8> {
        let mut content = Vec::with_capacity(body.len() + id.len() + timestamp.len() + 16);
        self.signed_content
            .feed(id, timestamp, body, |part| content.extend_from_slice(part));
        content
    }
}

/// The system clock in Unix seconds (0 before 1970).
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// HMAC-SHA256 of the scheme's signed content.
fn mac(
    scheme: &SignatureScheme,
    secret: &Secret,
    id: &[u8],
    timestamp: &[u8],
    body: &[u8],
) -> [u8; 32] {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.key()).expect("HMAC takes keys of any length");
    scheme
        .signed_content
        .feed(id, timestamp, body, |part| mac.update(part));
    mac.finalize().into_bytes().into()
}
