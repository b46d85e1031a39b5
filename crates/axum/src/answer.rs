//! A receiver's answer as axum's response.

use axum::body::Body;
use axum::response::Response;
use hookschema_receive::Answer;

/// `answer` as a response: its status, its JSON body, and `Retry-After` when it asks for one.
pub fn response(answer: &Answer) -> Response {
    answer.response::<Body>()
}
