//! The receiver's metrics, for `GET /metrics` in Prometheus' text format: deliveries by vendor
//! and outcome, request latency, the store's commit latency and group size, and the bytes of
//! bodies being read.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use hookschema_catalog::Webhook;
use hookschema_receive::BodyBudget;
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
struct Drift {
    webhook: String,
    /// `<schema>#<JSON Pointer>`: where in which schema.
    location: String,
    /// `undeclared`, `enum`, `null`, `fraction`, `bound`, `missing`, `format`, `pattern` or
    /// `breaking`.
    kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Route {
    vendor: String,
    webhook: String,
}

/// The outcomes a webhook route answers with, counted without a look-up in the family's map:
/// a request to count is then two atomic additions, not a lock and three strings. Any other
/// status (405, say) is counted through the family.
const OUTCOMES: [&str; 10] = [
    "ok",
    "duplicate",
    "400",
    "401",
    "405",
    "408",
    "413",
    "415",
    "422",
    "5xx",
];

/// What one webhook's route counts into, and how long its requests may take.
#[derive(Clone)]
pub struct RouteCounts(Arc<Counts>);

struct Counts {
    metrics: Arc<Metrics>,
    route: Route,
    /// [`OUTCOMES`]' counters for this route, in that order.
    outcomes: [Counter; OUTCOMES.len()],
    latency: Histogram,
    timeout: Duration,
}

impl RouteCounts {
    pub fn new(metrics: &Arc<Metrics>, webhook: &Webhook, timeout: Duration) -> RouteCounts {
        let route = Route {
            vendor: webhook.vendor.clone(),
            webhook: webhook.name().to_owned(),
        };
        let outcomes = OUTCOMES.map(|outcome| metrics.counter(&route, outcome));
        let latency = metrics.latency.get_or_create(&route).clone();
        RouteCounts(Arc::new(Counts {
            metrics: Arc::clone(metrics),
            route,
            outcomes,
            latency,
            timeout,
        }))
    }

    /// The counter of `outcome` for this route.
    fn count(&self, outcome: &str) {
        let counts = &self.0;
        match OUTCOMES.iter().position(|known| *known == outcome) {
            Some(at) => counts.outcomes[at].inc(),
            None => counts.metrics.counter(&counts.route, outcome).inc(),
        };
    }

    /// Counts a stored delivery that drifts from its schema at `location`.
    pub fn drifted(&self, location: &str, kind: &str) {
        let counts = &self.0;
        counts
            .metrics
            .schema_drift
            .get_or_create(&Drift {
                webhook: counts.route.webhook.clone(),
                location: location.to_owned(),
                kind: kind.to_owned(),
            })
            .inc();
    }

    /// How many requests this route answered so far: stored, duplicates, refused (4xx),
    /// failed (5xx), by [`OUTCOMES`]' counters.
    fn tally(&self) -> Tally {
        let mut tally = Tally::default();
        for (outcome, counter) in OUTCOMES.iter().zip(&self.0.outcomes) {
            let slot = match *outcome {
                "ok" => &mut tally.stored,
                "duplicate" => &mut tally.duplicates,
                "5xx" => &mut tally.failed,
                _ => &mut tally.refused,
            };
            *slot += counter.get();
        }
        tally
    }
}

/// A route's answers, counted by what they did.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
struct Tally {
    stored: u64,
    duplicates: u64,
    refused: u64,
    failed: u64,
}

impl Tally {
    fn since(self, before: Tally) -> Tally {
        Tally {
            stored: self.stored - before.stored,
            duplicates: self.duplicates - before.duplicates,
            refused: self.refused - before.refused,
            failed: self.failed - before.failed,
        }
    }
}

/// Logs, every `interval`, one INFO line per webhook that was called in it: how many
/// deliveries it stored, acknowledged as duplicates, refused and failed. Each delivery has its
/// own DEBUG line; at load, a line per request would cost the receiver more than the delivery
/// does, and bury what an operator looks for.
pub async fn summarize(routes: Vec<RouteCounts>, interval: Duration) {
    let mut last: Vec<Tally> = vec![Tally::default(); routes.len()];
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        for (route, last) in routes.iter().zip(&mut last) {
            let now = route.tally();
            let Tally {
                stored,
                duplicates,
                refused,
                failed,
            } = now.since(*last);
            *last = now;
            if stored + duplicates + refused + failed > 0 {
                tracing::info!(
                    webhook = route.0.route.webhook.as_str(),
                    stored,
                    duplicates,
                    refused,
                    failed,
                    "deliveries in the last {} s",
                    interval.as_secs_f64()
                );
            }
        }
    }
}

/// Every metric, and the registry that writes them.
pub struct Metrics {
    registry: Registry,
    deliveries: Family<Delivery, Counter>,
    schema_drift: Family<Drift, Counter>,
    latency: Family<Route, Histogram>,
    commit_seconds: Histogram,
    commit_size: Histogram,
    bodies_in_flight: Gauge,
    budget: BodyBudget,
    shed: Counter,
    panicked: Counter,
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
        let schema_drift = Family::<Drift, Counter>::default();
        registry.register(
            "schema_drift",
            "Stored deliveries that break their schema or carry keys it does not declare, by \
             webhook, schema location and kind (`hookschema drift` proposes the change)",
            schema_drift.clone(),
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
        let shed = Counter::default();
        registry.register(
            "connections_shed",
            "Connections closed to make room for a new one at --max-connections: each had \
             waited longer on its client than any other",
            shed.clone(),
        );
        let panicked = Counter::default();
        registry.register(
            "requests_panicked",
            "Requests whose handling panicked, answered 500 (a bug: the log has the panic)",
            panicked.clone(),
        );
        Arc::new(Metrics {
            registry,
            deliveries,
            schema_drift,
            latency,
            commit_seconds,
            commit_size,
            bodies_in_flight,
            budget,
            shed,
            panicked,
        })
    }

    /// The deliveries counter of `outcome` on `route`.
    fn counter(&self, route: &Route, outcome: &str) -> Counter {
        self.deliveries
            .get_or_create(&Delivery {
                vendor: route.vendor.clone(),
                webhook: route.webhook.clone(),
                outcome: outcome.to_owned(),
            })
            .clone()
    }

    /// Counts a connection closed to make room.
    pub fn shed(&self) {
        self.shed.inc();
    }

    /// Counts a request that panicked.
    pub fn panicked(&self) {
        self.panicked.inc();
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

/// Around a webhook's request being `handled`: answers 408 if it takes longer than the route's
/// timeout, counts the route's requests by outcome, times them, and names the webhook in what
/// they log. The deadline's timer is set only if the request has to wait: most complete in the
/// first poll (the body came with the head, the commit was made on the spot), and a timer set
/// and cancelled for each of them would cost as much as the metrics.
pub async fn track(tracked: &RouteCounts, handled: impl Future<Output = Response>) -> Response {
    let started = Instant::now();
    // Every event logged while handling the request names its webhook: the debug events by
    // this span, which costs nothing when RUST_LOG leaves debug out; the warnings and errors
    // by a field of their own.
    let span = tracing::debug_span!("delivery", webhook = tracked.0.route.webhook.as_str());
    // `timeout` polls the request before its timer, which it registers only when the request
    // is not done.
    let timeout = tracked.0.timeout;
    let response = match tokio::time::timeout(timeout, handled.instrument(span)).await {
        Ok(response) => response,
        Err(_) => {
            let error = format!("the request did not come within {} s", timeout.as_secs());
            let body = axum::Json(serde_json::json!({ "error": error }));
            (StatusCode::REQUEST_TIMEOUT, body).into_response()
        }
    };
    let status = response.status();
    let outcome = match status {
        StatusCode::OK if response.extensions().get::<Duplicate>().is_some() => "duplicate",
        StatusCode::OK => "ok",
        status if status.is_server_error() => "5xx",
        // The code's three digits, without allocating them.
        _ => status.as_str(),
    };
    tracked.count(outcome);
    tracked.0.latency.observe(started.elapsed().as_secs_f64());
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
