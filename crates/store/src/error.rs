//! Why a delivery was not stored.

use std::fmt;

/// Why a delivery was not stored. Either way it is not acknowledged, so the sender retries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    pub kind: ErrorKind,
    pub message: String,
}

/// What a receiver answers, by what went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The store cannot be reached, or is too far behind: try again later (503).
    Unavailable,
    /// The store refused the write (a full disk, an I/O error): 500.
    Failed,
    /// The record itself cannot be stored: a defect, not the store's state.
    Invalid,
}

impl StoreError {
    pub(crate) fn unavailable(message: impl Into<String>) -> Self {
        StoreError {
            kind: ErrorKind::Unavailable,
            message: message.into(),
        }
    }

    pub(crate) fn failed(message: impl Into<String>) -> Self {
        StoreError {
            kind: ErrorKind::Failed,
            message: message.into(),
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        StoreError {
            kind: ErrorKind::Invalid,
            message: message.into(),
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoreError {}
