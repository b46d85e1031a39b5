//! Why a delivery is not authentic.

use std::fmt;

/// Why a delivery is not authentic. Each failure has its own variant, so a receiver can answer
/// and log precisely; each names the header at fault, and none carries the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureError {
    /// A signature header is absent.
    MissingHeader { header: String },
    /// A signature header is present but unusable.
    MalformedHeader { header: String, reason: String },
    /// The timestamp is older than the tolerance allows: a replay, or a delivery held up.
    StaleTimestamp {
        header: String,
        timestamp: u64,
        now: u64,
        tolerance: u64,
    },
    /// The timestamp is further in the future than the tolerance allows.
    FutureTimestamp {
        header: String,
        timestamp: u64,
        now: u64,
        tolerance: u64,
    },
    /// No signature in the header matches the body under any of the secrets.
    NoMatchingSignature { header: String },
}

impl SignatureError {
    /// A stable machine-readable name, as the shared test vectors use.
    pub fn code(&self) -> &'static str {
        match self {
            SignatureError::MissingHeader { .. } => "missing_header",
            SignatureError::MalformedHeader { .. } => "malformed_header",
            SignatureError::StaleTimestamp { .. } => "stale_timestamp",
            SignatureError::FutureTimestamp { .. } => "future_timestamp",
            SignatureError::NoMatchingSignature { .. } => "no_matching_signature",
        }
    }

    /// The header at fault.
    pub fn header(&self) -> &str {
        match self {
            SignatureError::MissingHeader { header }
            | SignatureError::MalformedHeader { header, .. }
            | SignatureError::StaleTimestamp { header, .. }
            | SignatureError::FutureTimestamp { header, .. }
            | SignatureError::NoMatchingSignature { header } => header,
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
                header,
                timestamp,
                now,
                tolerance,
            } => write!(
                f,
                "{header} {timestamp} is {} s before now ({now}); the tolerance is {tolerance} s",
                now.abs_diff(*timestamp)
            ),
            SignatureError::FutureTimestamp {
                header,
                timestamp,
                now,
                tolerance,
            } => write!(
                f,
                "{header} {timestamp} is {} s after now ({now}); the tolerance is {tolerance} s",
                timestamp.abs_diff(*now)
            ),
            SignatureError::NoMatchingSignature { header } => write!(
                f,
                "no signature in {header} matches the body under the configured secrets"
            ),
        }
    }
}

impl std::error::Error for SignatureError {}
