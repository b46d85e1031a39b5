//! Why a delivery is not authentic.

use std::fmt;

/// Why a delivery is not authentic. Each failure has its own variant, so a receiver can answer
/// and log precisely; none of them carries the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureError {
    /// A signature header is absent.
    MissingHeader { header: &'static str },
    /// A signature header is present but unusable.
    MalformedHeader {
        header: &'static str,
        reason: String,
    },
    /// The timestamp is older than the tolerance allows: a replay, or a delivery held up.
    StaleTimestamp {
        timestamp: u64,
        now: u64,
        tolerance: u64,
    },
    /// The timestamp is further in the future than the tolerance allows.
    FutureTimestamp {
        timestamp: u64,
        now: u64,
        tolerance: u64,
    },
    /// No signature in the header matches the body under any of the secrets.
    NoMatchingSignature,
}

impl SignatureError {
    /// A stable machine-readable name, as the shared test vectors use.
    pub fn code(&self) -> &'static str {
        match self {
            SignatureError::MissingHeader { .. } => "missing_header",
            SignatureError::MalformedHeader { .. } => "malformed_header",
            SignatureError::StaleTimestamp { .. } => "stale_timestamp",
            SignatureError::FutureTimestamp { .. } => "future_timestamp",
            SignatureError::NoMatchingSignature => "no_matching_signature",
        }
    }

    /// The header at fault, if one is.
    pub fn header(&self) -> Option<&'static str> {
        match self {
            SignatureError::MissingHeader { header }
            | SignatureError::MalformedHeader { header, .. } => Some(header),
            SignatureError::StaleTimestamp { .. } | SignatureError::FutureTimestamp { .. } => {
                Some(crate::TIMESTAMP_HEADER)
            }
            SignatureError::NoMatchingSignature => Some(crate::SIGNATURE_HEADER),
        }
    }
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignatureError::MissingHeader { header } => write!(f, "missing header {header}"),
            SignatureError::MalformedHeader { header, reason } => {
                write!(f, "malformed header {header}: {reason}")
            }
            SignatureError::StaleTimestamp {
                timestamp,
                now,
                tolerance,
            } => write!(
                f,
                "{} {timestamp} is {} s before now ({now}); the tolerance is {tolerance} s",
                crate::TIMESTAMP_HEADER,
                now.abs_diff(*timestamp)
            ),
            SignatureError::FutureTimestamp {
                timestamp,
                now,
                tolerance,
            } => write!(
                f,
                "{} {timestamp} is {} s after now ({now}); the tolerance is {tolerance} s",
                crate::TIMESTAMP_HEADER,
                timestamp.abs_diff(*now)
            ),
            SignatureError::NoMatchingSignature => write!(
                f,
                "no signature in {} matches the body under the configured secrets",
                crate::SIGNATURE_HEADER
            ),
        }
    }
}

impl std::error::Error for SignatureError {}
