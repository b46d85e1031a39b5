//! A receiver's answer as axum's response.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use hookschema_receive::Answer;

/// `answer` as a response: its status, its JSON body, and `Retry-After` when it asks for one.
pub fn response(answer: &Answer) -> Response {
    let json = HeaderValue::from_static("application/json");
    let mut response = (
        answer.status,
        [(header::CONTENT_TYPE, json)],
        answer.body.clone(),
    )
        .into_response();
    if let Some(seconds) = answer.retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}
