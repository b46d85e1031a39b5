//! Why the extractor refused a request, as axum's response.

use std::ops::Deref;

use axum::response::{IntoResponse, Response};
use hookschema_receive::Refusal;

use crate::answer::response;

/// A refused delivery ([`Refusal`], which it derefs to), answered with its JSON body and
/// logged at the `debug` level: status and reason, never a secret or the payload.
#[derive(Debug)]
pub struct WebhookRejection(pub Refusal);

impl From<Refusal> for WebhookRejection {
    fn from(refusal: Refusal) -> Self {
        WebhookRejection(refusal)
    }
}

impl Deref for WebhookRejection {
    type Target = Refusal;

    fn deref(&self) -> &Refusal {
        &self.0
    }
}

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        let answer = self.0.answer();
        tracing::debug!(status = answer.status.as_u16(), reason = %self.0.summary(), "webhook refused");
        response(&answer)
    }
}
