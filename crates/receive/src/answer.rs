//! An HTTP answer as data, for any framework to send as its own response.

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};

/// What a receiver answers a request with: a status, a JSON body (`Content-Type:
/// application/json`), and, when the sender should try again later, `Retry-After` in seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Bytes,
    pub retry_after: Option<u32>,
}

impl Answer {
    /// How long a sender is asked to wait before it retries, in seconds.
    pub const RETRY_AFTER: u32 = 5;

    /// 200 with `body`.
    pub(crate) fn ok(body: Bytes) -> Answer {
        Answer {
            status: StatusCode::OK,
            body,
            retry_after: None,
        }
    }

    /// The answer as an `http` response with any body type made from bytes (hyper's
    /// `Full<Bytes>`, axum's `Body`, …): its status, `Content-Type: application/json`, and
    /// `Retry-After` when it asks for one. Every framework on `http` sends this as it is.
    pub fn response<B: From<Bytes>>(&self) -> Response<B> {
        let mut response = Response::new(B::from(self.body.clone()));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_a_json_response_with_retry_after_when_it_asks() {
        let mut answer = Answer::ok(Bytes::from_static(b"{}"));
        let response: Response<Bytes> = answer.response();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        assert!(!response.headers().contains_key(header::RETRY_AFTER));
        assert_eq!(response.body(), "{}");
        answer.status = StatusCode::SERVICE_UNAVAILABLE;
        answer.retry_after = Some(Answer::RETRY_AFTER);
        let response: Response<Bytes> = answer.response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "5");
    }
}
