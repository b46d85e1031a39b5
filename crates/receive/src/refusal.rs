//! Why a receiver refused a request, and the HTTP answer that says so.

use std::borrow::Cow;

use hookschema_catalog::{RejectionBody, RejectionFormat};
use hookschema_validate::Invalid;
use http::StatusCode;
use serde::Serialize;

use crate::answer::Answer;

/// A refused delivery. Every variant is answered ([`Refusal::answer`]) with a JSON body. This
/// crate logs none: a caller that logs one should log it at the `debug` level, and only its
/// [`summary`](Refusal::summary) (status and reason, never a secret or the payload), since a
/// refusal is the sender's problem and one line per request of a forger or a broken sender
/// would flood the log; a receiver counts them in its metrics.
#[derive(Debug)]
#[non_exhaustive]
pub enum Refusal {
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

impl Refusal {
    pub fn status(&self) -> StatusCode {
        match self {
            Refusal::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Refusal::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Refusal::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Refusal::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Refusal::TooSlow { .. } => StatusCode::REQUEST_TIMEOUT,
            Refusal::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Refusal::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    /// One short line for the log: the reason, or the first violation's pointer and message
    /// and how many there are. Never the payload, which can be large and hold personal data,
    /// and never a secret.
    pub fn summary(&self) -> String {
        match self {
            Refusal::Unauthorized { reason }
            | Refusal::BadRequest { reason }
            | Refusal::TooSlow { reason }
            | Refusal::Busy { reason } => reason.clone(),
            Refusal::PayloadTooLarge { limit } => format!("body over {limit} bytes"),
            Refusal::UnsupportedMediaType { .. } => "not JSON by its Content-Type".to_owned(),
            Refusal::Unprocessable { invalid, .. } => match invalid.violations.first() {
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

impl Refusal {
    /// The answer: its status, its JSON body, and `Retry-After` when the sender should retry.
    pub fn answer(&self) -> Answer {
        Answer {
            status: self.status(),
            body: serde_json::to_vec(&self.body())
                .expect("a refusal's body serialises")
                .into(),
            retry_after: matches!(self, Refusal::Busy { .. }).then_some(Answer::RETRY_AFTER),
        }
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

impl Refusal {
    /// What the sender is told.
    fn body(&self) -> Body<'_> {
        let error = match self {
            Refusal::Unprocessable { format, invalid } => {
                return Body::Unprocessable(format.body(invalid));
            }
            Refusal::Unauthorized { reason }
            | Refusal::BadRequest { reason }
            | Refusal::TooSlow { reason } => Cow::Borrowed(reason.as_str()),
            Refusal::PayloadTooLarge { limit } => {
                Cow::Owned(format!("the body is larger than {limit} bytes"))
            }
            Refusal::UnsupportedMediaType { content_type } => {
                let shown = match content_type.as_deref() {
                    None => "missing".to_owned(),
                    Some(text) => text.chars().take(100).collect(),
                };
                Cow::Owned(format!("the Content-Type is {shown}, not application/json"))
            }
            Refusal::Busy { reason } => Cow::Owned(format!("{reason}; retry later")),
        };
        Body::Error { error }
    }
}
