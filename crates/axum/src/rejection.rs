//! Why an extractor refused a request, as the HTTP answer.

use std::borrow::Cow;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hookschema_catalog::{RejectionBody, RejectionFormat};
use hookschema_validate::Invalid;
use serde::Serialize;

/// A refused delivery. Every variant is answered with a JSON body and logged at the `debug`
/// level (status and reason, never a secret): a refusal is the sender's problem, one line per
/// request of a forger or a broken sender would flood the log, and a receiver counts them in
/// its metrics.
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookRejection {
    /// 401: the signature or token does not authenticate the delivery.
    Unauthorized { reason: String },
    /// 413: the body is larger than the limit.
    PayloadTooLarge { limit: usize },
    /// 415: the `Content-Type` is not JSON.
    UnsupportedMediaType { content_type: Option<String> },
    /// 400: the body could not be read, or a header is malformed.
    BadRequest { reason: String },
    /// 408: the body came too slowly (see `Receiver::with_min_body_rate`).
    TooSlow { reason: String },
    /// 503, with Retry-After: the receiver holds as many bodies as its budget allows.
    Busy { reason: String },
    /// 422: the payload cannot be kept; answered in the webhook's rejection format.
    Unprocessable {
        format: RejectionFormat,
        invalid: Invalid,
    },
}

impl WebhookRejection {
    pub fn status(&self) -> StatusCode {
        match self {
            WebhookRejection::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            WebhookRejection::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            WebhookRejection::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            WebhookRejection::BadRequest { .. } => StatusCode::BAD_REQUEST,
            WebhookRejection::TooSlow { .. } => StatusCode::REQUEST_TIMEOUT,
            WebhookRejection::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            WebhookRejection::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    /// One short line for the log: the reason, or the first violation's pointer and message
    /// and how many there are. Never the payload, which can be large and hold personal data,
    /// and never a secret.
    fn summary(&self) -> String {
        match self {
            WebhookRejection::Unauthorized { reason }
            | WebhookRejection::BadRequest { reason }
            | WebhookRejection::TooSlow { reason }
            | WebhookRejection::Busy { reason } => reason.clone(),
            WebhookRejection::PayloadTooLarge { limit } => format!("body over {limit} bytes"),
            WebhookRejection::UnsupportedMediaType { .. } => {
                "not JSON by its Content-Type".to_owned()
            }
            WebhookRejection::Unprocessable { invalid, .. } => match invalid.violations.first() {
                Some(first) => {
                    let message: String = first.message.chars().take(200).collect();
                    let at = if first.instance_path.is_empty() {
                        "(root)"
                    } else {
                        &first.instance_path
                    };
                    let count = invalid.violations.len();
                    format!("{count} violation(s), first at {at}: {message}")
                }
                None => "invalid".to_owned(),
            },
        }
    }
}

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        let status = self.status();
        tracing::debug!(status = status.as_u16(), reason = %self.summary(), "webhook refused");
        let mut response = (status, Json(self.body())).into_response();
        if matches!(self, WebhookRejection::Busy { .. }) {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("5"),
            );
        }
        response
    }
}

/// A refusal's JSON body, serialised straight to the answer's bytes.
#[derive(Serialize)]
#[serde(untagged)]
enum Body<'a> {
    /// Every refusal but a 422: `{"error": "..."}`.
    Error { error: Cow<'a, str> },
    /// A 422, in the webhook's rejection format.
    Unprocessable(RejectionBody<'a>),
}

impl WebhookRejection {
    /// What the sender is told.
    fn body(&self) -> Body<'_> {
        let error = match self {
            WebhookRejection::Unprocessable { format, invalid } => {
                return Body::Unprocessable(format.body(invalid));
            }
            WebhookRejection::Unauthorized { reason }
            | WebhookRejection::BadRequest { reason }
            | WebhookRejection::TooSlow { reason } => Cow::Borrowed(reason.as_str()),
            WebhookRejection::PayloadTooLarge { limit } => {
                Cow::Owned(format!("the body is larger than {limit} bytes"))
            }
            WebhookRejection::UnsupportedMediaType { content_type } => {
                let shown = match content_type.as_deref() {
                    None => "missing".to_owned(),
                    Some(text) => text.chars().take(100).collect(),
                };
                Cow::Owned(format!("the Content-Type is {shown}, not application/json"))
            }
            WebhookRejection::Busy { reason } => Cow::Owned(format!("{reason}; retry later")),
        };
        Body::Error { error }
    }
}
