//! Verifying and signing.

use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::error::SignatureError;
use crate::headers::{Headers, Parsed};
use crate::secret::Secret;

/// How far a timestamp may be from now, either way, by default: five minutes. Kaizen documents
/// no window; this is the common choice (Standard Webhooks, Stripe).
pub const DEFAULT_TOLERANCE_SECS: u64 = 300;

/// Checks deliveries against one or more secrets. More than one lets a receiver accept both the
/// old and the new secret while it is rotated.
#[derive(Debug, Clone)]
pub struct Verifier {
    secrets: Vec<Secret>,
    tolerance: u64,
}

/// What a verification established about the delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// `X-Webhooks-Id`: the delivery's id, the same on every retry.
    pub id: String,
    /// `X-Webhooks-Timestamp`, in Unix seconds.
    pub timestamp: u64,
}

impl Verifier {
    /// A verifier accepting signatures made with any of `secrets`. With none, no delivery
    /// verifies.
    pub fn new(secrets: Vec<Secret>) -> Self {
        Verifier {
            secrets,
            tolerance: DEFAULT_TOLERANCE_SECS,
        }
    }

    /// Accept timestamps up to `seconds` from now, either way.
    pub fn with_tolerance(mut self, seconds: u64) -> Self {
        self.tolerance = seconds;
        self
    }

    /// Verifies the delivery against the system clock.
    pub fn verify(&self, headers: &Headers<'_>, body: &[u8]) -> Result<Verified, SignatureError> {
        self.verify_at(headers, body, unix_now())
    }

    /// Everything but the signature itself, against the system clock: the headers are present
    /// and well formed, and the timestamp within the tolerance. A receiver can refuse a forgery
    /// this plain before reading its body.
    pub fn precheck(&self, headers: &Headers<'_>) -> Result<(), SignatureError> {
        self.check_timestamp(&headers.parse()?, unix_now())
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
        let parsed = headers.parse()?;
        self.check_timestamp(&parsed, now)?;
        let matched = self.secrets.iter().any(|secret| {
            let expected = mac(secret, parsed.id, parsed.timestamp_text, body);
            parsed
                .signatures
                .iter()
                .any(|signature| bool::from(signature.ct_eq(&expected)))
        });
        if !matched {
            return Err(SignatureError::NoMatchingSignature);
        }
        Ok(Verified {
            id: String::from_utf8_lossy(parsed.id).into_owned(),
            timestamp: parsed.timestamp,
        })
    }

    fn check_timestamp(&self, parsed: &Parsed<'_>, now: u64) -> Result<(), SignatureError> {
        let (timestamp, tolerance) = (parsed.timestamp, self.tolerance);
        if now.saturating_sub(timestamp) > tolerance {
            return Err(SignatureError::StaleTimestamp {
                timestamp,
                now,
                tolerance,
            });
        }
        if timestamp.saturating_sub(now) > tolerance {
            return Err(SignatureError::FutureTimestamp {
                timestamp,
                now,
                tolerance,
            });
        }
        Ok(())
    }
}

/// The system clock in Unix seconds (0 before 1970).
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// The `X-Webhooks-Signature` value Kaizen would send: `v1=<hex>`. For tests, and for tools
/// that send signed deliveries to a receiver.
pub fn sign(secret: &Secret, id: &str, timestamp: u64, body: &[u8]) -> String {
    let timestamp = timestamp.to_string();
    format!(
        "v1={}",
        hex::encode(mac(secret, id.as_bytes(), timestamp.as_bytes(), body))
    )
}

/// HMAC-SHA256 of `{id}.{timestamp}.{body}`.
fn mac(secret: &Secret, id: &[u8], timestamp: &[u8], body: &[u8]) -> [u8; 32] {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.key()).expect("HMAC takes keys of any length");
    for part in [id, b".", timestamp, b".", body] {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}
