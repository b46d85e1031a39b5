//! The extractor: a request received by `hookschema-receive`, as axum hands it over.

use std::net::SocketAddr;
use std::ops::{Deref, DerefMut};

use axum::extract::{ConnectInfo, FromRef, FromRequest, Request};
use axum::response::Response;
use hookschema_receive::{Received, Receiver};
use serde::de::DeserializeOwned;

use crate::answer::response;
use crate::rejection::WebhookRejection;

/// An authenticated delivery, decoded into `T`: one of hookschema's models, a type of the
/// caller's own, or `serde::de::IgnoredAny` to keep only the raw body. It derefs to the
/// [`Received`] delivery: `event`, `body` (the raw bytes: store or forward these), `violations`
/// and `id`.
#[derive(Clone, Debug)]
pub struct Delivery<T>(pub Received<T>);

impl<T> Deref for Delivery<T> {
    type Target = Received<T>;

    fn deref(&self) -> &Received<T> {
        &self.0
    }
}

impl<T> DerefMut for Delivery<T> {
    fn deref_mut(&mut self) -> &mut Received<T> {
        &mut self.0
    }
}

impl<T> Delivery<T> {
    /// The answer for a delivery handled now: 200 with the body the vendor file declares.
    pub fn success(&self) -> Response {
        response(&self.0.success())
    }

    /// The answer for a retry of a delivery already handled: 200 with the vendor file's
    /// `duplicate` body.
    pub fn duplicate(&self) -> Response {
        response(&self.0.duplicate())
    }

    /// The delivery, for what `hookschema-receive` does with it.
    pub fn into_inner(self) -> Received<T> {
        self.0
    }
}

#[cfg(feature = "store")]
impl<T> Delivery<T> {
    /// Stores the delivery in `store` and answers once it is on disk: the vendor's success
    /// answer, or its duplicate answer for a retry of a delivery stored before (by any replica
    /// sharing the store); 503 or 500 with `Retry-After` when the store cannot take it, so the
    /// vendor retries. Nothing is acknowledged that is not stored.
    pub async fn store(
        &self,
        store: &hookschema_store::Store,
    ) -> (
        Result<hookschema_store::Stored, hookschema_store::StoreError>,
        Response,
    ) {
        let (stored, answer) = self.0.store(store).await;
        (stored, response(&answer))
    }
}

impl<S, T> FromRequest<S> for Delivery<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send + 'static,
    Receiver<T>: FromRef<S>,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let receiver = Receiver::<T>::from_ref(state);
        let (head, body) = request.into_parts();
        let peer = head
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        let received = receiver.receive(&head, body, peer).await?;
        Ok(Delivery(received))
    }
}
