//! Why an extractor refused a request, as the HTTP answer.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hookschema_models::comfydeploy::HttpValidationError;
use hookschema_validate::Violation;
use serde_json::json;

/// A refused delivery. Every variant is logged (status and reason, never a secret) and answered
/// with a JSON body.
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookRejection {
    /// 401: the signature or token does not authenticate the delivery.
    Unauthorized { reason: String },
    /// 413: the body is larger than the limit.
    PayloadTooLarge { limit: usize },
    /// 415: the `Content-Type` is not JSON.
    UnsupportedMediaType { content_type: Option<String> },
    /// 400: the body could not be read.
    BadRequest { reason: String },
    /// 422, ComfyDeploy: FastAPI's validation error body.
    InvalidComfyDeploy(HttpValidationError),
    /// 422, Kaizen: `{"errors": [{"instance_path", "schema_path", "message"}]}`.
    InvalidKaizen(Vec<Violation>),
}

impl WebhookRejection {
    pub fn status(&self) -> StatusCode {
        match self {
            WebhookRejection::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            WebhookRejection::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            WebhookRejection::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            WebhookRejection::BadRequest { .. } => StatusCode::BAD_REQUEST,
            WebhookRejection::InvalidComfyDeploy(_) | WebhookRejection::InvalidKaizen(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
        }
    }
}

impl WebhookRejection {
    /// One short line for the log: the reason, or the first violation and how many there are.
    /// Never the payload, which can be large and hold personal data, and never a secret.
    fn summary(&self) -> String {
        let first = |instance_path: &str, message: &str, count: usize| {
            let message: String = message.chars().take(200).collect();
            format!("{count} violation(s), first at {instance_path:?}: {message}")
        };
        match self {
            WebhookRejection::Unauthorized { reason } | WebhookRejection::BadRequest { reason } => {
                reason.clone()
            }
            WebhookRejection::PayloadTooLarge { limit } => format!("body over {limit} bytes"),
            WebhookRejection::UnsupportedMediaType { .. } => {
                "not JSON by its Content-Type".to_owned()
            }
            WebhookRejection::InvalidComfyDeploy(body) => match body.detail.first() {
                Some(entry) => first(&format!("{:?}", entry.loc), &entry.msg, body.detail.len()),
                None => "invalid".to_owned(),
            },
            WebhookRejection::InvalidKaizen(violations) => match violations.first() {
                Some(v) => first(&v.instance_path, &v.message, violations.len()),
                None => "invalid".to_owned(),
            },
        }
    }
}

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = match &self {
            WebhookRejection::Unauthorized { reason } => json!({ "error": reason }),
            WebhookRejection::PayloadTooLarge { limit } => {
                json!({ "error": format!("the body is larger than {limit} bytes") })
            }
            WebhookRejection::UnsupportedMediaType { content_type } => {
                let shown = match content_type.as_deref() {
                    None => "missing".to_owned(),
                    Some(text) => text.chars().take(100).collect(),
                };
                json!({ "error": format!("the Content-Type is {shown}, not application/json") })
            }
            WebhookRejection::BadRequest { reason } => json!({ "error": reason }),
            WebhookRejection::InvalidComfyDeploy(body) => json!(body),
            WebhookRejection::InvalidKaizen(errors) => json!({ "errors": errors }),
        };
        tracing::warn!(status = status.as_u16(), reason = %self.summary(), "webhook refused");
        (status, Json(body)).into_response()
    }
}
