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

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = match &self {
            WebhookRejection::Unauthorized { reason } => json!({ "error": reason }),
            WebhookRejection::PayloadTooLarge { limit } => {
                json!({ "error": format!("the body is larger than {limit} bytes") })
            }
            WebhookRejection::UnsupportedMediaType { content_type } => json!({
                "error": format!(
                    "the Content-Type is {}, not application/json",
                    content_type.as_deref().unwrap_or("missing")
                )
            }),
            WebhookRejection::BadRequest { reason } => json!({ "error": reason }),
            WebhookRejection::InvalidComfyDeploy(body) => json!(body),
            WebhookRejection::InvalidKaizen(errors) => json!({ "errors": errors }),
        };
        tracing::warn!(status = status.as_u16(), body = %body, "webhook refused");
        (status, Json(body)).into_response()
    }
}
