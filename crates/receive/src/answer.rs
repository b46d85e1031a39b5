//! An HTTP answer as data, for any framework to send as its own response.

use bytes::Bytes;
use http::StatusCode;

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
}
