//! Webhook signatures: HMAC-SHA256 over the raw body, the delivery id and a timestamp, as most
//! senders sign (Standard Webhooks and Svix, Kaizen Automation, …), checked in constant time,
//! with secret rotation and a timestamp tolerance.
//!
//! One [`Verifier`] takes any [`HmacScheme`]: which headers carry the id, the timestamp and the
//! signatures, what text is signed (`{id}.{timestamp}.{body}`), how the digest and the secret
//! are written. A vendor is a setting of it, read from its vendor file, not code.
//!
//! Verify the **raw bytes** of the body, before any JSON parsing: a body parsed and serialised
//! again is not the body that was signed, which is the most common webhook verification bug.
//!
//! ```
//! use hookschema_signature::{DigestEncoding, Headers, HmacScheme, SecretEncoding, Verifier};
//!
//! // The Standard Webhooks setting, and that specification's own test vector.
//! let scheme = HmacScheme {
//!     id_header: Some("webhook-id".into()),
//!     timestamp_header: Some("webhook-timestamp".into()),
//!     signature_header: "webhook-signature".into(),
//!     signature_prefix: "v1,".into(),
//!     digest_encoding: DigestEncoding::Base64,
//!     signed_content: "{id}.{timestamp}.{body}".to_owned().try_into().unwrap(),
//!     secret_encoding: SecretEncoding::Base64,
//!     secret_prefix: Some("whsec_".into()),
//!     tolerance_seconds: 300,
//! };
//! let secret = scheme.secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
//! let body = br#"{"test": 2432232314}"#;
//! let signature = scheme.sign(&secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body);
//! assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
//!
//! let headers = Headers {
//!     id: Some(b"msg_p5jXN8AQM9LWM0D4loKWxJek"),
//!     timestamp: Some(b"1614265330"),
//!     signature: Some(signature.as_bytes()),
//! };
//! let verified = Verifier::new(scheme, vec![secret]).verify_at(&headers, body, 1614265360);
//! assert_eq!(verified.unwrap().id.as_deref(), Some("msg_p5jXN8AQM9LWM0D4loKWxJek"));
//! ```
//!
//! A receiver can refuse a plain forgery before reading its body: [`Verifier::precheck`] checks
//! the headers and the timestamp, and the [`Prechecked`] it returns verifies the body once it
//! has come, without reading the headers again.

mod error;
mod headers;
mod scheme;
mod secret;
mod verifier;

pub use error::SignatureError;
pub use headers::{Headers, MAX_ID_LEN, check_id};
pub use scheme::{
    DEFAULT_TOLERANCE_SECS, DigestEncoding, FOREIGN_SECRET_PREFIXES, HmacScheme, SchemeError,
    SecretEncoding, SignedContent,
};
pub use secret::{Secret, SecretError};
pub use verifier::{Prechecked, Verified, Verifier, unix_now};
