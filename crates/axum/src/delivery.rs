//! The extractor: raw body, authentication, strict validation, forgiving decoding.

use axum::extract::{FromRef, FromRequest, Request};
use bytes::Bytes;
use hookschema_validate::{Invalid, Schema, Violation};

use crate::auth::Authenticate;
use crate::body::read_json_body;
use crate::config::Config;
use crate::rejection::WebhookRejection;
use crate::webhook::Webhook;

/// An authenticated delivery, decoded into the model type `T`.
#[derive(Debug, Clone)]
pub struct Delivery<T> {
    /// The payload, decoded by the forgiving models.
    pub event: T,
    /// The raw body, exactly as received and authenticated: store or forward this, not `event`
    /// serialised again.
    pub body: Bytes,
    /// How the payload breaks the strict schema: empty unless the vendor has moved on (a new
    /// status, a new event type), which a receiver may want to report.
    pub violations: Vec<Violation>,
    /// The delivery's id, the same on every retry, where the vendor sends one (Kaizen's
    /// `X-Webhooks-Id`); the key to deduplicate on.
    pub id: Option<String>,
}

impl<S, T> FromRequest<S> for Delivery<T>
where
    S: Send + Sync,
    T: Webhook + 'static,
    Config<T::Auth>: FromRef<S>,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let config = Config::<T::Auth>::from_ref(state);
        let (parts, body) = request.into_parts();
        config.auth.precheck(&parts)?;
        let body = read_json_body(&parts.headers, body, config.max_body_bytes).await?;
        let id = config.auth.authenticate(&parts, &body)?;
        let strict = config.strict;
        let checked = if body.len() <= INLINE_BYTES {
            validate_and_decode(body, strict, id)
        } else {
            // Long enough to hold up other requests: off the async workers.
            tokio::task::spawn_blocking(move || validate_and_decode(body, strict, id))
                .await
                .map_err(|error| WebhookRejection::BadRequest {
                    reason: format!("the delivery could not be checked: {error}"),
                })?
        };
        checked.map_err(T::unprocessable)
    }
}

/// Bodies up to this size are validated where they are read; larger ones on a blocking thread.
const INLINE_BYTES: usize = 64 * 1024;

/// The violations kept per delivery: enough to say what is wrong, bounded however broken the
/// payload.
const MAX_VIOLATIONS: usize = 100;

/// Validates `body` strictly and decodes it. A payload that decodes is kept, with its
/// violations, unless `strict` or it is malformed (nested too deep, a key repeated: what it says
/// depends on who reads it); one that does not decode is refused with every violation found (the
/// decoder's, when the schema found none).
fn validate_and_decode<T: Webhook>(
    body: Bytes,
    strict: bool,
    id: Option<String>,
) -> Result<Delivery<T>, Invalid> {
    let schema = Schema::of::<T>().limit_violations(MAX_VIOLATIONS);
    let invalid = schema.validate_bytes(&body).err();
    match (hookschema_models::from_slice::<T>(&body), invalid) {
        (Ok(event), None) => Ok(Delivery {
            event,
            body,
            violations: Vec::new(),
            id,
        }),
        (Ok(event), Some(invalid)) if !strict && !invalid.is_malformed() => Ok(Delivery {
            event,
            body,
            violations: invalid.violations,
            id,
        }),
        (Ok(_) | Err(_), Some(invalid)) => Err(invalid),
        (Err(error), None) => Err(Invalid {
            violations: vec![Violation::decode(error)],
            more: false,
            document: serde_json::from_slice(&body).ok(),
        }),
    }
}
