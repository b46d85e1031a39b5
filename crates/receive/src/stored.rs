//! A delivery written once, durably: the answer a receiver gives only when its store says the
//! delivery is on disk.

use hookschema_store::{ErrorKind, Record, Store, StoreError, Stored};
use hookschema_validate::Schema;
use http::StatusCode;

use crate::answer::Answer;
use crate::received::Received;

impl<T> Received<T> {
    /// The record of this delivery, to store: vendor, schema, id, the raw body, its
    /// violations, and its headers of record ([`of_record`]).
    pub fn record(&self) -> Result<Record, StoreError> {
        let record = Record::new(
            self.vendor(),
            self.schema.as_ref().map(Schema::name),
            self.id.as_deref(),
            &self.body,
            &self.violations,
        )?;
        Ok(record.with_headers(of_record(self.headers())))
    }

    /// Stores the delivery in `store` and answers once it is on disk: the vendor's success
    /// answer, or its duplicate answer for a retry of a delivery stored before (by any replica
    /// sharing the store); 503 or 500 with `Retry-After` when the store cannot take it, so the
    /// vendor retries. Nothing is acknowledged that is not stored.
    pub async fn store(&self, store: &Store) -> (Result<Stored, StoreError>, Answer) {
        let stored = match self.record() {
            Ok(record) => store.put(record).await,
            Err(error) => Err(error),
        };
        let answer = match &stored {
            Ok(Stored::New) => self.success(),
            Ok(Stored::Duplicate) => self.duplicate(),
            Err(error) => not_stored(self.webhook(), error),
        };
        (stored, answer)
    }
}

/// The answer to a delivery the store did not take: the vendor must retry it.
fn not_stored(webhook: &str, error: &StoreError) -> Answer {
    let (status, said) = match error.kind {
        ErrorKind::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "the store is unavailable"),
        ErrorKind::Failed | ErrorKind::Invalid => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "cannot store the delivery",
        ),
    };
    tracing::error!(webhook, %error, status = status.as_u16(), "delivery not stored");
    let body = serde_json::json!({ "error": format!("{said}; retry later") });
    Answer {
        status,
        body: body.to_string().into(),
        retry_after: Some(Answer::RETRY_AFTER),
    }
}

/// The headers a person looking at a delivery sees: all the request's but those that carry
/// credentials of the receiver's own (`Authorization`, `Cookie`, `Proxy-Authorization`) and a
/// value that is not text. A signature is kept: it proves nothing without the secret, and says
/// which key signed.
fn of_record(headers: &http::HeaderMap) -> impl Iterator<Item = (&str, &str)> {
    use http::header::{AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION};
    headers
        .iter()
        .filter(|(name, _)| ![AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION].contains(name))
        .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_receivers_own_credentials_are_not_of_record() {
        let mut headers = http::HeaderMap::new();
        headers.insert("content-type", "application/json".parse().unwrap());
        headers.insert("authorization", "Bearer secret".parse().unwrap());
        headers.insert("cookie", "session=secret".parse().unwrap());
        headers.insert("webhook-signature", "v1,c2ln".parse().unwrap());
        headers.insert("x-bytes", http::HeaderValue::from_bytes(b"\xff").unwrap());
        let kept: Vec<(&str, &str)> = of_record(&headers).collect();
        assert_eq!(
            kept,
            [
                ("content-type", "application/json"),
                ("webhook-signature", "v1,c2ln")
            ]
        );
    }
}
