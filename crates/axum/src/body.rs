//! Reading the raw body: JSON by its `Content-Type`, within the size limit.

use axum::body::Body;
use axum::body::HttpBody as _;
use axum::http::{HeaderMap, header};
use bytes::Bytes;
use http_body_util::{BodyExt, LengthLimitError, Limited};

use crate::rejection::WebhookRejection;

/// The body, whole, if the request says it is JSON and it is at most `limit` bytes.
pub(crate) async fn read_json_body(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<Bytes, WebhookRejection> {
    // Every value: two `Content-Type` headers leave the body's type in doubt, and are refused.
    let mut types = headers.get_all(header::CONTENT_TYPE).iter();
    let (first, more) = (types.next(), types.next().is_some());
    if more || !first.and_then(|v| v.to_str().ok()).is_some_and(is_json) {
        let types: Vec<String> = headers
            .get_all(header::CONTENT_TYPE)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect();
        let content_type = (!types.is_empty()).then(|| types.join(", "));
        return Err(WebhookRejection::UnsupportedMediaType { content_type });
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(WebhookRejection::PayloadTooLarge { limit });
    }
    let mut body = Limited::new(body, limit);
    let mut chunks: Vec<Bytes> = Vec::new();
    // Read until the body says it has ended: with a Content-Length, once its last byte came, not
    // once the connection next finds nothing more to read. A body that came with its head is
    // then read in the request's first poll, and the request may be answered in it.
    while !body.is_end_stream() {
        match body.frame().await {
            None => break,
            Some(Ok(frame)) => chunks.extend(frame.into_data().ok()),
            Some(Err(error)) if error.downcast_ref::<LengthLimitError>().is_some() => {
                return Err(WebhookRejection::PayloadTooLarge { limit });
            }
            Some(Err(error)) => {
                return Err(WebhookRejection::BadRequest {
                    reason: format!("the body could not be read: {error}"),
                });
            }
        }
    }
    Ok(match chunks.len() {
        1 => chunks.swap_remove(0),
        _ => Bytes::from(chunks.concat()),
    })
}

/// `application/json`, or any `+json` type, with or without parameters.
fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
        || essence
            .rsplit_once('+')
            .is_some_and(|(_, suffix)| suffix.eq_ignore_ascii_case("json"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_content_types() {
        for yes in [
            "application/json",
            "Application/JSON; charset=utf-8",
            "application/cloudevents+json",
        ] {
            assert!(super::is_json(yes), "{yes}");
        }
        for no in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "",
            "json",
        ] {
            assert!(!super::is_json(no), "{no}");
        }
    }
}
