//! Receiving webhooks safely, for any framework: every webhook a catalog describes
//! (`hookschema-catalog`), hookschema's own vendors or a folder of your own.
//!
//! Receiving a webhook takes three steps, in order, on the raw bytes: authenticate, validate,
//! parse. [`Receiver::receive`] does all three, given a request's head (`http`'s `Parts`) and
//! its body (any `http_body::Body`), so the right order is the easy path:
//!
//! 1. read the raw body, refusing a body over the size limit (413), one that is not JSON by its
//!    `Content-Type` (415), one that comes too slowly (408) or past the body budget (503);
//! 2. authenticate it as the vendor file says: a signature on the raw bytes (HMAC-SHA256 or
//!    ed25519), or a shared token in the URL's query string, compared in constant time (401);
//!    what the head alone can refuse is refused before a byte of the body is read;
//! 3. choose its schema (the webhook's one, or the one the event it names dispatches to),
//!    validate strictly and decode into `T`. A delivery that decodes but breaks the strict
//!    schema (a vendor moved on) is received with its violations attached, unless the receiver
//!    is strict; so is one the generated models cannot decode, when the receiver asks for no
//!    type of its own (`IgnoredAny`: it keeps the raw body) and the vendor file does not say
//!    `"undecodable": "refuse"`, its decode error among its violations. Otherwise one that
//!    cannot be decoded is refused (422) in the vendor's rejection format.
//!
//! The outcome is a [`Received`] delivery, or a [`Refusal`]; either gives its HTTP answer as
//! data ([`Answer`]: status, JSON body, `Retry-After`), and as an `http` response
//! ([`Answer::response`]) that any framework on `http` sends as it is. `hookschema-axum` is
//! this as an axum extractor; `hookschema serve` calls it on hyper directly, as does the
//! twenty-line server of `examples/hyper`; a queue consumer can call it with a head and body of
//! its own making (`examples/queue_consumer.rs`).
//!
//! With the `store` feature, [`Received::store`] writes the delivery once, durably, in a
//! `hookschema-store` (SQLite, PostgreSQL shared by replicas, JSON lines) and gives the answer:
//! 200 only once it is on disk, the vendor's duplicate answer for a retry stored before.
//! [`RecentIds`] is the in-memory option for one process. Secrets and tokens never reach a
//! log.

mod answer;
mod auth;
mod body;
mod budget;
mod delivery_id;
mod received;
mod receiver;
mod recent;
mod refusal;
#[cfg(feature = "store")]
mod stored;

pub use answer::Answer;
pub use budget::BodyBudget;
pub use received::Received;
pub use receiver::{
    ConfigError, DEFAULT_BODY_GRACE, DEFAULT_MAX_BODY_BYTES, DEFAULT_MIN_BODY_RATE, Receiver,
};
pub use recent::{Admission, Claim, RecentIds};
pub use refusal::Refusal;

/// What configuring a receiver takes besides this crate: the catalog of webhooks and their
/// credentials, re-exported so that a receiver needs no other hookschema crate.
pub use hookschema_catalog::{Auth, Catalog, CatalogError, Credentials, RejectionFormat, Webhook};
pub use hookschema_signature::Secret;
/// What a delivery's violations, and a 422's, are made of.
pub use hookschema_validate::{Invalid, Violation};
