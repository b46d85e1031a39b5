//! Kaizen Automation webhook signatures.
//!
//! Kaizen signs each delivery with three headers: `X-Webhooks-Id` (the delivery's id),
//! `X-Webhooks-Timestamp` (Unix seconds) and `X-Webhooks-Signature` (`v1=<64 lowercase hex>`,
//! or a space-separated list of them while a secret is rotated). The signature is HMAC-SHA256,
//! keyed with the base64url-decoded secret, of `{id}.{timestamp}.{raw body}`.
//!
//! Verify the **raw bytes** of the body, before any JSON parsing: a body parsed and serialised
//! again is not the body that was signed, which is the most common webhook verification bug.
//!
//! ```
//! use hookschema_signature::{Headers, Secret, Verifier, sign};
//!
//! let secret = Secret::decode("dGVzdC1zaWduaW5nLWtleS0wMTIzNDU2Nzg5YWJjZGVm").unwrap();
//! let body = br#"{"type":"execution.complete","data":{"id":"exec_123"}}"#;
//! let signature = sign(&secret, "msg_2f1c9a7e", 1767225600, body);
//! assert_eq!(signature, "v1=acadf1c665ba01b58b334b90a6d17b65e04b16a1a5b72a42d18c6323138e482c");
//!
//! let headers = Headers {
//!     id: Some(b"msg_2f1c9a7e"),
//!     timestamp: Some(b"1767225600"),
//!     signature: Some(signature.as_bytes()),
//! };
//! let verified = Verifier::new(vec![secret]).verify_at(&headers, body, 1767225660).unwrap();
//! assert_eq!(verified.id, "msg_2f1c9a7e");
//! ```

mod error;
mod headers;
mod secret;
mod verifier;

pub use error::SignatureError;
pub use headers::{Headers, MAX_ID_LEN, check_id};
pub use secret::{Secret, SecretError};
pub use verifier::{DEFAULT_TOLERANCE_SECS, Verified, Verifier, sign, unix_now};

/// The delivery's id: stable across retries, so it is the key to deduplicate on.
pub const ID_HEADER: &str = "X-Webhooks-Id";
/// When the delivery was signed, in Unix seconds.
pub const TIMESTAMP_HEADER: &str = "X-Webhooks-Timestamp";
/// `v1=<hex>`, one or more, space-separated.
pub const SIGNATURE_HEADER: &str = "X-Webhooks-Signature";
