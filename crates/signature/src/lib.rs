//! Webhook signatures over the raw body, the delivery id and a timestamp, as senders sign them:
//! HMAC-SHA256 with a shared secret (GitHub, Stripe, Slack, Shopify, Standard Webhooks and Svix,
//! Kaizen Automation, …), checked in constant time, or ed25519 with the sender's public key
//! (Standard Webhooks' `v1a`); with key rotation and a timestamp tolerance.
//!
//! One [`Verifier`] takes any [`SignatureScheme`]: the algorithm, which headers carry the id,
//! the timestamp and the signatures (Stripe's one header carries the timestamp among them),
//! what text is signed (`{id}.{timestamp}.{body}`), how the signature and the key are written.
//! A vendor is a setting of it, read from its vendor file, not code.
//!
//! Verify the **raw bytes** of the body, before any JSON parsing: a body parsed and serialised
//! again is not the body that was signed, which is the most common webhook verification bug.
//!
//! ```
//! use hookschema_signature::{
//!     Algorithm, DigestEncoding, Headers, SecretEncoding, SignatureScheme, Verifier,
//! };
//!
//! // The Standard Webhooks setting, and that specification's own test vector.
//! let scheme = SignatureScheme {
//!     algorithm: Algorithm::HmacSha256,
//!     id_header: Some("webhook-id".into()),
//!     timestamp_header: Some("webhook-timestamp".into()),
//!     signature_header: "webhook-signature".into(),
//!     signature_prefix: "v1,".into(),
//!     digest_encoding: DigestEncoding::Base64,
//!     signed_content: "{id}.{timestamp}.{body}".to_owned().try_into().unwrap(),
//!     secret_encoding: SecretEncoding::Base64,
//!     secret_prefix: Some("whsec_".into()),
//!     signing_key_prefix: None,
//!     timestamp_prefix: None,
//!     tolerance_seconds: 300,
//! };
//! let secret = scheme.secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
//! let body = br#"{"test": 2432232314}"#;
//! let signature = scheme
//!     .sign(&secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
//!     .unwrap();
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

mod ed25519;
mod error;
mod fingerprint;
mod headers;
mod scheme;
mod secret;
mod verifier;

pub use error::SignatureError;
pub use fingerprint::fingerprint;
pub use headers::{Headers, MAX_ID_LEN, check_id};
pub use scheme::{
    Algorithm, DEFAULT_TOLERANCE_SECS, DigestEncoding, FOREIGN_SECRET_PREFIXES, SchemeError,
    SecretEncoding, SignatureScheme, SignedContent,
};
pub use secret::{Secret, SecretError};
pub use verifier::{Prechecked, Verified, Verifier, unix_now};
