//! axum extractors that receive webhooks safely, for any webhook a catalog describes
//! (`hookschema-catalog`): hookschema's own vendors, or a folder of your own schemas and vendor
//! files. The receiving itself is `hookschema-receive`'s, which any framework can call; this
//! crate hands it axum's requests and turns its answers into axum's responses.
//!
//! Receiving a webhook takes three steps, in order, on the raw bytes: authenticate, validate,
//! parse. [`Delivery`] does all three, so the right order is the easy path:
//!
//! 1. read the raw body, refusing a body over the size limit (413), one that is not JSON by its
//!    `Content-Type` (415), one that comes too slowly (408) or past the body budget (503);
//! 2. authenticate it as the vendor file says: a signature on the raw bytes (HMAC-SHA256 or
//!    ed25519), or a shared token in the webhook URL's query string, compared in constant time
//!    (401);
//! 3. choose its schema (the webhook's, or the one the event it names dispatches to), validate
//!    it strictly and decode it into `T`. A delivery that decodes but breaks the strict schema
//!    (a vendor moved on) is accepted with its violations attached, unless the receiver is
//!    strict; one that cannot be decoded at all gets 422, in the vendor's rejection format.
//!
//! The webhook's [`Receiver`] sits in the router's state; with several webhooks in one state,
//! each `Receiver<T>` is found by its type through `FromRef`, so `T` may be a type of your own
//! crate:
//!
//! ```no_run
//! use axum::{Router, response::Response, routing::post};
//! use hookschema_axum::{Delivery, Receiver};
//! use hookschema_catalog::Catalog;
//!
//! #[derive(serde::Deserialize)]
//! struct OrderPaid {
//!     order_id: String,
//! }
//!
//! async fn order_paid(delivery: Delivery<OrderPaid>) -> Response {
//!     println!("order {} paid", delivery.event.order_id);
//!     delivery.success()
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let catalog = Catalog::load("schemas".as_ref())?;
//! let webhook = catalog.webhook("acme/order-paid").ok_or("no such webhook")?;
//! // The secret as HOOKSCHEMA_ACME_SECRET holds it.
//! let credentials = webhook.credentials_from_env()?.ok_or("no secret set")?;
//! let receiver = Receiver::<OrderPaid>::new(webhook, credentials)?;
//! let app: Router = Router::new()
//!     .route(&webhook.route, post(order_paid))
//!     .with_state(receiver);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8787").await?;
//! axum::serve(listener, app).await?;
//! # Ok(())
//! # }
//! ```
//!
//! With the `store` feature, [`Delivery::store`] writes the delivery once, durably, in a
//! `hookschema-store` (SQLite, PostgreSQL shared by replicas, JSON lines) and gives the answer:
//! 200 only once it is on disk, the vendor's duplicate answer for a retry stored before.
//! [`RecentIds`] is the in-memory option for one process.
//!
//! Secrets and tokens never reach a log: rejections are logged with `tracing` by status and
//! reason only, never with the payload.
//!
//! The body limit is the receiver's (`with_max_body_bytes`); axum's `DefaultBodyLimit` layer
//! does not apply, since the extractor reads the raw body itself. A body must also come at a
//! minimum rate (`with_min_body_rate`, 408 otherwise). A [`BodyBudget`] shared by the
//! receivers (`with_body_budget`) bounds the bytes of bodies held at once, charged as they
//! arrive, and any one peer's share of them: serve the router with
//! `into_make_service_with_connect_info::<SocketAddr>()` so that requests carry their peer.
//! Serving on the open internet also wants timeouts and a bound on connections that idle ones
//! cannot fill, which `hookschema serve` shows.

mod answer;
mod delivery;
mod rejection;

pub use answer::response;
pub use delivery::Delivery;
pub use rejection::WebhookRejection;

/// The framework-neutral receiver this crate extracts with, and what configuring it takes.
pub use hookschema_receive::{
    Admission, Answer, Auth, BodyBudget, Catalog, CatalogError, Claim, ConfigError, Credentials,
    DEFAULT_BODY_GRACE, DEFAULT_MAX_BODY_BYTES, DEFAULT_MIN_BODY_RATE, Received, Receiver,
    RecentIds, Refusal, Secret, Webhook,
};
