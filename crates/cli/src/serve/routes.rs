//! What the receiver answers each request with: a webhook's deliveries by its endpoint, found
//! by the request's path in a map and received by `hookschema-receive`; everything else (the
//! operations routes, unknown paths) by axum's router.
//!
//! The webhooks are dispatched outside the router because they are what a receiver serves at
//! load: the router clones a boxed service and boxes a future or two per request, and its
//! middleware as many again, where a look-up in a map and one future do.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hookschema_catalog::Webhook;
use hookschema_drift::Watch;
use hookschema_receive::{Received, Receiver};
use hookschema_store::{Store, Stored};
use hyper::service::Service;
use hyper_util::service::TowerToHyperService;
use serde::de::IgnoredAny;

use super::metrics::{self, Duplicate, RouteCounts};

/// Every route the receiver serves.
pub struct Routes {
    /// Each webhook's endpoint, by its path.
    webhooks: HashMap<String, Endpoint>,
    /// The operations routes, and the answer to any other path.
    others: TowerToHyperService<Router>,
}

impl Routes {
    pub fn new(webhooks: HashMap<String, Endpoint>, others: Router) -> Routes {
        Routes {
            webhooks,
            others: TowerToHyperService::new(others),
        }
    }

    /// The answer to `request`.
    pub async fn answer(&self, request: Request) -> Response {
        match self.webhooks.get(request.uri().path()) {
            Some(endpoint) => endpoint.answer(request).await,
            None => match self.others.call(request).await {
                Ok(response) => response,
                Err(never) => match never {},
            },
        }
    }
}

/// One webhook's route: the methods its deliveries come with, what its handler holds, and what
/// it counts into.
pub struct Endpoint {
    methods: Vec<Method>,
    /// `methods`, as a 405 names them.
    allow: HeaderValue,
    receiver: Receiver<IgnoredAny>,
    store: Arc<Store>,
    tracked: RouteCounts,
    /// Where stored deliveries drift from their schema.
    watch: Arc<Watch>,
}

impl Endpoint {
    /// The endpoint of `webhook`, authenticating and checking deliveries with `receiver` and
    /// storing them in `store`; or why its methods cannot be served.
    pub fn new(
        webhook: &Webhook,
        receiver: Receiver<IgnoredAny>,
        store: Arc<Store>,
        tracked: RouteCounts,
    ) -> Result<Endpoint, String> {
        // The vendor schema gives every webhook one method at least (POST by default).
        let methods: Vec<Method> = webhook
            .methods
            .iter()
            .map(|method| {
                method
                    .parse::<Method>()
                    .map_err(|error| format!("{}: method {method}: {error}", webhook.name()))
            })
            .collect::<Result<_, _>>()?;
        let allow = methods
            .iter()
            .map(Method::as_str)
            .collect::<Vec<_>>()
            .join(",");
        let allow = HeaderValue::from_str(&allow)
            .map_err(|error| format!("{}: methods {allow}: {error}", webhook.name()))?;
        Ok(Endpoint {
            methods,
            allow,
            receiver,
            store,
            tracked,
            watch: Arc::new(Watch::new()),
        })
    }

    /// The answer to a request on the webhook's path: 405 for a method it is not sent with,
    /// else the receiver's refusal or what storing the delivery gave; counted and timed.
    async fn answer(&self, request: Request) -> Response {
        let handled = async {
            if !self.methods.contains(request.method()) {
                let allow = [(header::ALLOW, self.allow.clone())];
                return (StatusCode::METHOD_NOT_ALLOWED, allow).into_response();
            }
            let (head, body) = request.into_parts();
            let peer = head
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip());
            match self.receiver.receive(&head, body, peer).await {
                Ok(received) => self.receive(received).await,
                Err(refusal) => {
                    let answer = refusal.answer();
                    // A target of their own, so that `RUST_LOG=hookschema::refusals=debug`
                    // shows why deliveries are refused without the rest of the debug lines.
                    tracing::debug!(
                        target: "hookschema::refusals",
                        status = answer.status.as_u16(),
                        reason = %refusal.summary(),
                        "refused"
                    );
                    answer.response::<Body>()
                }
            }
        };
        metrics::track(&self.tracked, handled).await
    }
}

impl Endpoint {
    /// Stores the delivery and answers once it is on disk: 200 with the vendor's answer, or
    /// its duplicate answer for a retry of a delivery stored before; 503 or 500 with
    /// Retry-After when the store cannot take it, so the vendor retries. Once handed to the
    /// store, a delivery is written or refused whole even if its request times out or its
    /// client hangs up: a retry then finds it stored, never written twice. A delivery stored
    /// is then watched for drift.
    async fn receive(&self, delivery: Received<IgnoredAny>) -> Response {
        let (stored, answer) = delivery.store(&self.store).await;
        let mut response = answer.response::<Body>();
        // A vendor without delivery ids logs none.
        let id = delivery.id.as_deref();
        match stored {
            Ok(Stored::New) => {
                let drift = delivery.violations.len();
                tracing::debug!(id, drift, "accepted");
                self.watch(delivery);
            }
            Ok(Stored::Duplicate) => {
                tracing::debug!(id, "retry of a delivery already stored; acknowledged");
                response.extensions_mut().insert(Duplicate);
            }
            Err(_) => {}
        }
        response
    }

    /// Counts where a stored delivery drifts from its schema, and says so the first time a
    /// place drifts. A large body is looked at off the async workers, after the answer.
    fn watch(&self, delivery: Received<IgnoredAny>) {
        let Some(schema) = delivery.schema.clone() else {
            return;
        };
        let (watch, tracked) = (Arc::clone(&self.watch), self.tracked.clone());
        let webhook = delivery.webhook().to_owned();
        let small = delivery.body.len() <= INLINE_DRIFT_BYTES;
        let look = move || {
            for drifted in watch.drifted(&schema, &delivery.body) {
                tracked.drifted(&drifted.location, drifted.kind);
                if drifted.first {
                    tracing::warn!(
                        webhook,
                        location = drifted.location,
                        kind = drifted.kind,
                        "schema drift, first seen here: {} (`hookschema drift` proposes the \
                         schema change)",
                        drifted.detail
                    );
                }
            }
        };
        if small {
            look();
        } else {
            tokio::task::spawn_blocking(look);
        }
    }
}

/// Bodies up to this size are looked at for drift where they were received.
const INLINE_DRIFT_BYTES: usize = 64 * 1024;
