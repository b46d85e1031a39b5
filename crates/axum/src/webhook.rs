//! The webhook bodies the extractor knows: how each is authenticated and refused.

use hookschema_models::HasSchema;
use hookschema_models::comfydeploy::WorkflowRunWebhookBody;
use hookschema_models::kaizen::KaizenWebhookEvent;
use hookschema_signature::Verifier;
use hookschema_validate::{Invalid, http_validation_error};
use serde::de::DeserializeOwned;

use crate::auth::Authenticate;
use crate::config::UrlToken;
use crate::rejection::WebhookRejection;

/// A webhook body a [`Delivery`](crate::Delivery) can hold.
pub trait Webhook: HasSchema + DeserializeOwned + Send {
    /// How the vendor's deliveries are authenticated.
    type Auth: Authenticate;

    /// The 422 answer for a delivery that cannot be decoded, in the vendor's shape.
    fn unprocessable(invalid: Invalid) -> WebhookRejection;
}

impl Webhook for KaizenWebhookEvent {
    type Auth = Verifier;

    fn unprocessable(invalid: Invalid) -> WebhookRejection {
        WebhookRejection::InvalidKaizen(invalid.violations)
    }
}

impl Webhook for WorkflowRunWebhookBody {
    type Auth = UrlToken;

    /// FastAPI's body, as ComfyDeploy's own endpoint would answer.
    fn unprocessable(invalid: Invalid) -> WebhookRejection {
        let body = http_validation_error(&invalid.violations, invalid.document.as_ref());
        WebhookRejection::InvalidComfyDeploy(body)
    }
}
