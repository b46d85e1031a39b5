//! The receiver's metrics, for `GET /metrics` in Prometheus' text format: deliveries by vendor
//! and outcome, request latency, the store's commit latency and group size, and the bytes of
//! bodies being read.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hookschema_axum::BodyBudget;
use hookschema_catalog::Webhook;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use tracing::Instrument;

/// A response's mark that it acknowledged a retry of a delivery already stored.
#[derive(Clone, Copy)]
pub struct Duplicate;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Delivery {
    vendor: String,
    /// The webhook, `<vendor>/<schema>`: a vendor can send several.
    webhook: String,
    /// `ok`, `duplicate`, or the status refused with: `401`, `413`, `415`, `422`, `5xx`, …
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Route {
    vendor: String,
    webhook: String,
}

/// What the layer around one webhook's route counts into.
#[derive(Clone)]
pub struct Tracked {
    metrics: Arc<Metrics>,
    route: Route,
}

impl Tracked {
    pub fn new(metrics: &Arc<Metrics>, webhook: &Webhook) -> Tracked {
        Tracked {
            metrics: Arc::clone(metrics),
            route: Route {
                vendor: webhook.vendor.clone(),
                webhook: webhook.name().to_owned(),
            },
        }
    }
}

/// Every metric, and the registry that writes them.
pub struct Metrics {
    registry: Registry,
    deliveries: Family<Delivery, Counter>,
    latency: Family<Route, Histogram>,
    commit_seconds: Histogram,
    commit_size: Histogram,
    bodies_in_flight: Gauge,
    budget: BodyBudget,
}

impl Metrics {
    pub fn new(budget: BodyBudget) -> Arc<Metrics> {
        let mut registry = Registry::with_prefix("hookschema");
        let deliveries = Family::<Delivery, Counter>::default();
        registry.register(
            "deliveries",
            "Requests to the webhook routes, by vendor and outcome",
            deliveries.clone(),
        );
        let latency = Family::<Route, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.0001, 2.0, 16))
        });
        registry.register(
            "request_duration_seconds",
            "Time from a webhook request's head to its answer",
            latency.clone(),
        );
        let commit_seconds = Histogram::new(exponential_buckets(0.00005, 2.0, 16));
        registry.register(
            "store_commit_duration_seconds",
            "Time one store commit (a transaction, or an fsync) took",
            commit_seconds.clone(),
        );
        let commit_size = Histogram::new(exponential_buckets(1.0, 2.0, 13));
        registry.register(
            "store_commit_deliveries",
            "Deliveries one store commit carried",
            commit_size.clone(),
        );
        let bodies_in_flight = Gauge::default();
        registry.register(
            "body_bytes_in_flight",
            "Bytes of request bodies being read or held now, within --max-inflight-body-bytes",
            bodies_in_flight.clone(),
        );
        Arc::new(Metrics {
            registry,
            deliveries,
            latency,
            commit_seconds,
            commit_size,
            bodies_in_flight,
            budget,
        })
    }

    /// Counts a store commit: for the store's observer.
    pub fn commit(&self, deliveries: usize, took: Duration) {
        self.commit_seconds.observe(took.as_secs_f64());
        self.commit_size.observe(deliveries as f64);
    }

    /// The metrics in Prometheus' text format.
    fn encode(&self) -> String {
        let in_use = i64::try_from(self.budget.in_use()).unwrap_or(i64::MAX);
        self.bodies_in_flight.set(in_use);
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)
            .expect("writing to a String does not fail");
        text
    }
}

/// The layer around a webhook's route: counts its requests by outcome, times them, and names
/// the webhook in what they log.
pub async fn track(State(tracked): State<Tracked>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    // Every event logged while handling the request names its webhook: the span is at the
    // highest level, so that it is there whatever level RUST_LOG keeps.
    let span = tracing::error_span!("delivery", webhook = tracked.route.webhook.as_str());
    let response = next.run(request).instrument(span).await;
    let status = response.status();
    let outcome = match status {
        StatusCode::OK if response.extensions().get::<Duplicate>().is_some() => "duplicate".into(),
        StatusCode::OK => "ok".into(),
        status if status.is_server_error() => "5xx".into(),
        status => status.as_u16().to_string(),
    };
    let Tracked { metrics, route } = tracked;
    metrics
        .latency
        .get_or_create(&route)
        .observe(started.elapsed().as_secs_f64());
    let Route { vendor, webhook } = route;
    metrics
        .deliveries
        .get_or_create(&Delivery {
            vendor,
            webhook,
            outcome,
        })
        .inc();
    response
}

/// `GET /metrics`.
pub async fn metrics(State(metrics): State<Arc<Metrics>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        metrics.encode(),
    )
        .into_response()
}
