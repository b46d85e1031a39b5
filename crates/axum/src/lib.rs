//! axum extractors that receive ComfyDeploy and Kaizen Automation webhooks safely.
//!
//! Receiving a webhook takes three steps, in order, on the raw bytes: authenticate, validate,
//! parse. The extractors here do all three, so the right order is the easy path:
//!
//! 1. read the raw body, refusing a body over the size limit (413) or one that is not JSON by
//!    its `Content-Type` (415);
//! 2. authenticate it: Kaizen's `X-Webhooks-Signature` on the raw bytes, or, for ComfyDeploy,
//!    which does not sign, a shared token in the webhook URL's query string, compared in
//!    constant time (401);
//! 3. validate it strictly and decode it into the models. A delivery that decodes but breaks the
//!    strict schema (a vendor moved on) is accepted with its violations attached, unless the
//!    receiver is strict; one that cannot be decoded at all gets 422, with FastAPI's body for
//!    ComfyDeploy and a JSON list of errors for Kaizen.
//!
//! ```no_run
//! use axum::{Router, routing::post};
//! use hookschema_axum::{Delivery, KaizenConfig, Secret};
//! use hookschema_models::kaizen::KaizenWebhookEvent;
//!
//! async fn kaizen(delivery: Delivery<KaizenWebhookEvent>) -> &'static str {
//!     if let KaizenWebhookEvent::ExecutionComplete(execution) = &delivery.event {
//!         println!("{} finished: {}", execution.id, execution.status);
//!     }
//!     "ok"
//! }
//!
//! # async fn run() {
//! let secret = Secret::decode(&std::env::var("KAIZEN_SECRET").unwrap()).unwrap();
//! let app: Router = Router::new()
//!     .route("/webhooks/kaizen", post(kaizen))
//!     .with_state(KaizenConfig::new(vec![secret]).unwrap());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8787").await.unwrap();
//! axum::serve(listener, app).await.unwrap();
//! # }
//! ```
//!
//! Secrets and tokens never reach a log: rejections are logged with `tracing` by status and
//! reason only, never with the payload.
//!
//! The body limit is the config's (`with_max_body_bytes`); axum's `DefaultBodyLimit` layer does
//! not apply, since the extractor reads the raw body itself. Serving on the open internet also
//! wants timeouts and a bound on connections, which `hookschema serve` shows.

mod auth;
mod body;
mod config;
mod delivery;
mod recent;
mod rejection;
mod webhook;

pub use auth::Authenticate;
pub use config::{
    ComfyDeployConfig, Config, ConfigError, DEFAULT_MAX_BODY_BYTES, KaizenConfig, UrlToken,
};
pub use delivery::Delivery;
pub use recent::{Admission, Claim, RecentIds};
pub use rejection::WebhookRejection;
pub use webhook::Webhook;

/// A Kaizen signing secret, for [`KaizenConfig::new`]: re-exported so that a receiver needs no
/// other hookschema crate to configure one.
pub use hookschema_signature::Secret;
