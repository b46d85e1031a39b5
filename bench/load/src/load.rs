//! A load generator for `hookschema serve --strict`: a mix of valid, invalid and forged
//! deliveries of every webhook of the embedded catalog, made from its examples and sent over
//! keep-alive connections on 127.0.0.1, then half the valid ones of webhooks with delivery ids
//! again as their senders' retries. [`LoadPlan::audit`] holds the output against the plan: every
//! valid delivery written exactly once, nothing else written.
//!
//! Shared by the bounded test in `crates/cli/tests/serve/` and the `load` binary that measures
//! throughput and latency for BENCHMARKS.md.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::future::join_all;
use hookschema_catalog::{Catalog, Webhook};
use hookschema_fixtures::Fixture;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use serde_json::Value;
use tokio::net::TcpStream;

use hookschema_testkit::sender::{Request, authentic, forged};

/// What a delivery is, and so what the receiver must answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Authentic and valid: `200 {"status":"ok"}`, written once.
    Valid,
    /// A valid delivery sent again with its id: 200 with the webhook's duplicate answer.
    Retry,
    /// Authentic but breaking the schema (an invalid example): `422`, not written.
    Invalid,
    /// A wrong signature or token: `401`, not written.
    Forged,
}

impl Kind {
    /// The status, and for acknowledgements the answer, `webhook`'s vendor file declares.
    fn expected(self, webhook: &Webhook) -> (u16, Option<&Value>) {
        match self {
            Kind::Valid => (200, Some(&webhook.success.body)),
            Kind::Retry => (200, Some(&webhook.success.duplicate)),
            Kind::Invalid => (422, None),
            Kind::Forged => (401, None),
        }
    }
}

/// One request to send.
#[derive(Debug, Clone)]
struct PlannedRequest {
    kind: Kind,
    /// The webhook it is for, by its index among the catalog's.
    webhook: usize,
    request: Request,
    /// How its record is found in the output: `<vendor>:<delivery id>`, or for a webhook
    /// without ids `<vendor>:<the body's x-load>`. Only valid deliveries are written.
    key: Option<String>,
}

/// The deliveries of one run, in the order they are sent.
#[derive(Debug, Clone)]
pub struct LoadPlan {
    requests_planned: Vec<PlannedRequest>,
}

impl LoadPlan {
    /// `count` deliveries, then the retries: of every ten, six valid, two invalid, two forged,
    /// the webhooks of the embedded catalog in turn; half the valid deliveries of webhooks that
    /// carry ids are retried. Each valid body is an example with `"x-load": "load_<n>"` added
    /// (schemas leave objects open), so each delivery is its own. Signatures are made for `now`
    /// (Unix seconds), so the plan must be sent within the receiver's tolerance of it.
    pub fn new(count: usize, now: u64) -> LoadPlan {
        LoadPlan::named("load", count, now)
    }

    /// [`LoadPlan::new`], its delivery ids (and bodies' `x-load`) `<prefix>_<n>`: plans of other
    /// prefixes never share a delivery, so several can be sent to one store.
    pub fn named(prefix: &str, count: usize, now: u64) -> LoadPlan {
        let fixtures = hookschema_fixtures::all();
        let webhooks: Vec<&Webhook> = Catalog::embedded().webhooks().collect();
        let examples = |webhook: &Webhook, valid: bool| -> Vec<Fixture> {
            fixtures
                .iter()
                .filter(|f| f.schema == webhook.name() && f.is_valid() == valid)
                .cloned()
                .collect()
        };
        let valid: Vec<Vec<Fixture>> = webhooks.iter().map(|w| examples(w, true)).collect();
        let invalid: Vec<Vec<Fixture>> = webhooks.iter().map(|w| examples(w, false)).collect();
        let forgeable: Vec<usize> = (0..webhooks.len())
            .filter(|&w| forged(webhooks[w], "x", now, b"{}").is_some())
            .collect();

        let mut requests_planned = Vec::with_capacity(count + count / 20);
        let mut retries = Vec::new();
        for n in 0..count {
            let id = format!("{prefix}_{n}");
            let round = n / 10;
            let shot = match n % 10 {
                0..=5 => {
                    let w = (round * 6 + n % 10) % webhooks.len();
                    let webhook = webhooks[w];
                    let body = with_load_id(&valid[w][n % valid[w].len()], &id);
                    let key = webhook.delivery_id.is_some().then(|| id.clone());
                    let shot = PlannedRequest {
                        kind: Kind::Valid,
                        webhook: w,
                        request: authentic(webhook, &id, now, &body),
                        key: Some(format!("{}:{}", webhook.vendor, key.unwrap_or(id))),
                    };
                    if shot_retried(webhook, n) {
                        let mut retry = shot.clone();
                        (retry.kind, retry.key) = (Kind::Retry, None);
                        retries.push(retry);
                    }
                    shot
                }
                6 | 7 => {
                    let w = (round * 2 + n % 10) % webhooks.len();
                    let example = &invalid[w][n % invalid[w].len()];
                    PlannedRequest {
                        kind: Kind::Invalid,
                        webhook: w,
                        request: authentic(webhooks[w], &id, now, &example.bytes),
                        key: None,
                    }
                }
                _ => {
                    let w = forgeable[(round * 2 + n % 10) % forgeable.len()];
                    let body = &valid[w][n % valid[w].len()].bytes;
                    PlannedRequest {
                        kind: Kind::Forged,
                        webhook: w,
                        request: forged(webhooks[w], &id, now, body).expect("forgeable"),
                        key: None,
                    }
                }
            };
            requests_planned.push(shot);
        }
        requests_planned.extend(retries);
        LoadPlan { requests_planned }
    }

    /// `count` valid deliveries and nothing else, the webhooks in turn, ids (and bodies'
    /// `x-load`) `<prefix>_<n>` as in [`LoadPlan::named`].
    pub fn valid(prefix: &str, count: usize, now: u64) -> LoadPlan {
        let mut plan = LoadPlan::named(prefix, count * 10 / 6 + 10, now);
        plan.requests_planned
            .retain(|shot| shot.kind == Kind::Valid);
        plan.requests_planned.truncate(count);
        plan
    }

    /// How many requests the plan sends, retries included.
    pub fn len(&self) -> usize {
        self.requests_planned.len()
    }

    /// Whether it sends nothing.
    pub fn is_empty(&self) -> bool {
        self.requests_planned.is_empty()
    }

    /// Sends the plan to `addr` over `connections` keep-alive connections at once, on the
    /// current tokio runtime, and reports what came back. The retries go out after every first
    /// delivery has been answered, as a vendor's would.
    pub async fn send(&self, addr: SocketAddr, connections: usize) -> Report {
        self.send_counting(addr, connections, &AtomicUsize::new(0))
            .await
    }

    /// [`LoadPlan::send`], counting the requests answered in `answered` as they are, so that a test
    /// can act in the middle of the load (kill the receiver, stop its database).
    pub async fn send_counting(
        &self,
        addr: SocketAddr,
        connections: usize,
        answered: &AtomicUsize,
    ) -> Report {
        let first = self
            .requests_planned
            .iter()
            .filter(|s| s.kind != Kind::Retry)
            .count();
        let started = Instant::now();
        let mut outcomes =
            send_all(addr, &self.requests_planned[..first], connections, answered).await;
        outcomes
            .extend(send_all(addr, &self.requests_planned[first..], connections, answered).await);
        let elapsed = started.elapsed();

        let mut report = Report {
            requests: self.requests_planned.len(),
            elapsed,
            latencies: Vec::with_capacity(outcomes.len()),
            answers: BTreeMap::new(),
            wrong: Vec::new(),
            statuses: Vec::with_capacity(outcomes.len()),
        };
        let webhooks: Vec<&Webhook> = Catalog::embedded().webhooks().collect();
        for (shot, outcome) in self.requests_planned.iter().zip(outcomes) {
            let target = &shot.request.target;
            match outcome {
                Ok((status, answer, latency)) => {
                    report.latencies.push(latency);
                    report.statuses.push(Some(status));
                    *report.answers.entry((shot.kind, status)).or_default() += 1;
                    let (want, body) = shot.kind.expected(webhooks[shot.webhook]);
                    let said = serde_json::from_slice::<Value>(&answer).ok();
                    if status != want || body.is_some_and(|b| said.as_ref() != Some(b)) {
                        report.wrong.push(format!(
                            "{:?} {target}: got {status} {}",
                            shot.kind,
                            String::from_utf8_lossy(&answer)
                        ));
                    }
                }
                Err(error) => {
                    report.statuses.push(None);
                    report
                        .wrong
                        .push(format!("{:?} {target}: {error}", shot.kind));
                }
            }
        }
        report.latencies.sort_unstable();
        report
    }

    /// The valid deliveries `report` says were acknowledged (200), to be sent again as their
    /// senders' retries: each must now be answered as a duplicate.
    pub fn retries_of(&self, report: &Report) -> LoadPlan {
        let requests_planned = self
            .requests_planned
            .iter()
            .zip(&report.statuses)
            .filter(|(shot, status)| shot.kind == Kind::Valid && **status == Some(200))
            .map(|(shot, _)| PlannedRequest {
                kind: Kind::Retry,
                key: None,
                ..shot.clone()
            })
            .collect();
        LoadPlan { requests_planned }
    }

    /// What is wrong with `written`, the receiver's output after the plan was sent: a valid
    /// delivery missing or written twice, or anything else written. Empty when all is right.
    pub fn audit(&self, written: &str) -> Vec<String> {
        self.audit_counts(written, |_| 1..=1)
    }

    /// What is wrong with `written` after a run that `report` describes, in which the receiver
    /// may have failed (killed, its store down): every delivery acknowledged with 200 is written
    /// exactly once; one that was not may have been written, once at most (its answer lost);
    /// nothing else is written, and every line is a whole record.
    pub fn audit_acknowledged(&self, written: &str, report: &Report) -> Vec<String> {
        self.audit_counts(written, |n| match report.statuses.get(n) {
            Some(Some(200)) => 1..=1,
            _ => 0..=1,
        })
    }

    /// `written` against how many times each planned valid delivery (by its index) may be
    /// written.
    fn audit_counts(
        &self,
        written: &str,
        allowed: impl Fn(usize) -> std::ops::RangeInclusive<usize>,
    ) -> Vec<String> {
        let mut expected: BTreeMap<&str, (usize, usize)> = self
            .requests_planned
            .iter()
            .enumerate()
            .filter_map(|(n, s)| Some((s.key.as_deref()?, (n, 0))))
            .collect();
        let mut problems = Vec::new();
        for (n, line) in written.lines().enumerate() {
            let key = match serde_json::from_str::<Record>(line) {
                Ok(record) => record.key(),
                Err(e) => {
                    problems.push(format!("line {}: not a record: {e}", n + 1));
                    continue;
                }
            };
            match expected.get_mut(key.as_str()) {
                Some((_, seen)) => *seen += 1,
                None => problems.push(format!("line {}: {key} was not to be written", n + 1)),
            }
        }
        for (key, (n, seen)) in expected {
            if !allowed(n).contains(&seen) {
                problems.push(format!("{key} written {seen} times"));
            }
        }
        problems
    }
}

/// Whether the valid delivery `n` of `webhook` is sent again: half of those of webhooks that
/// carry delivery ids, a retry of which must be recognised.
fn shot_retried(webhook: &Webhook, n: usize) -> bool {
    webhook.delivery_id.is_some() && (n / 10).is_multiple_of(2)
}

/// `example` with `"x-load": id` added at its top, so each delivery is its own.
fn with_load_id(example: &Fixture, id: &str) -> Vec<u8> {
    let mut body: Value = serde_json::from_slice(&example.bytes).expect("examples are JSON");
    body["x-load"] = Value::from(id);
    serde_json::to_vec(&body).expect("a value serialises")
}

/// The fields of an output line that identify its delivery.
#[derive(Deserialize)]
struct Record {
    vendor: String,
    delivery_id: Option<String>,
    body: Value,
}

impl Record {
    fn key(&self) -> String {
        let id = match &self.delivery_id {
            Some(id) => id.as_str(),
            None => self.body["x-load"].as_str().unwrap_or_default(),
        };
        format!("{}:{id}", self.vendor)
    }
}

/// What a request got: status, answer body, time to the whole answer; or why none came.
type Outcome = Result<(u16, Bytes, Duration), String>;

/// Sends `requests_planned` over `connections` connections, each taking the next unsent shot, and returns
/// the outcomes in the requests_planned' order.
async fn send_all(
    addr: SocketAddr,
    requests_planned: &[PlannedRequest],
    connections: usize,
    answered: &AtomicUsize,
) -> Vec<Outcome> {
    let next = AtomicUsize::new(0);
    let workers =
        (0..connections.max(1)).map(|_| connection(addr, requests_planned, &next, answered));
    let mut outcomes: Vec<(usize, Outcome)> =
        join_all(workers).await.into_iter().flatten().collect();
    outcomes.sort_unstable_by_key(|(n, _)| *n);
    outcomes.into_iter().map(|(_, outcome)| outcome).collect()
}

/// One connection: sends the next unsent shot until none is left, reconnecting when the
/// server hangs up.
async fn connection(
    addr: SocketAddr,
    requests_planned: &[PlannedRequest],
    next: &AtomicUsize,
    answered: &AtomicUsize,
) -> Vec<(usize, Outcome)> {
    let mut sent = Vec::new();
    let mut sender = None;
    loop {
        let n = next.fetch_add(1, Ordering::Relaxed);
        let Some(shot) = requests_planned.get(n) else {
            return sent;
        };
        if sender.is_none() {
            sender = match connect(addr).await {
                Ok(ready) => Some(ready),
                Err(error) => {
                    sent.push((n, Err(error)));
                    continue;
                }
            };
        }
        let open = sender.as_mut().expect("connected above");
        let outcome = exchange(open, shot).await;
        answered.fetch_add(1, Ordering::Relaxed);
        if outcome.is_err() {
            sender = None;
        }
        sent.push((n, outcome));
    }
}

async fn connect(addr: SocketAddr) -> Result<http1::SendRequest<Full<Bytes>>, String> {
    let stream = TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let (sender, connection) = http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("handshake: {e}"))?;
    tokio::spawn(connection);
    Ok(sender)
}

async fn exchange(sender: &mut http1::SendRequest<Full<Bytes>>, shot: &PlannedRequest) -> Outcome {
    let mut request = hyper::Request::builder()
        .method(shot.request.method.as_str())
        .uri(shot.request.target.as_str())
        .header("host", "127.0.0.1")
        .header("content-type", "application/json");
    for (name, value) in &shot.request.headers {
        request = request.header(name.as_str(), value);
    }
    let request = request
        .body(Full::new(shot.request.body.clone()))
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    sender.ready().await.map_err(|e| e.to_string())?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let answer = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok((status, answer, started.elapsed()))
}

/// What a run measured.
#[derive(Debug, Clone)]
pub struct Report {
    pub requests: usize,
    pub elapsed: Duration,
    /// Every answered request's latency, sorted.
    pub latencies: Vec<Duration>,
    /// How many requests of each kind got each status.
    pub answers: BTreeMap<(Kind, u16), usize>,
    /// Each request that got another answer than its kind's, or none.
    pub wrong: Vec<String>,
    /// Each request's status, in the plan's order; `None` for one that got no answer.
    pub statuses: Vec<Option<u16>>,
}

impl Report {
    /// Requests answered per second.
    pub fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }

    /// The latency `fraction` of the requests stayed within (0.5 for the median).
    pub fn latency(&self, fraction: f64) -> Duration {
        let last = self.latencies.len().saturating_sub(1);
        let at = ((last as f64) * fraction).round() as usize;
        self.latencies.get(at).copied().unwrap_or_default()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} requests in {:.2} s: {:.0} requests/s; latency p50 {:?}, p99 {:?}, max {:?}",
            self.requests,
            self.elapsed.as_secs_f64(),
            self.per_second(),
            self.latency(0.5),
            self.latency(0.99),
            self.latency(1.0),
        )?;
        for ((kind, status), count) in &self.answers {
            writeln!(f, "  {kind:?}: {count} × {status}")?;
        }
        write!(f, "  wrong answers: {}", self.wrong.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The output a perfect run writes for `plan`: each valid delivery's record, once.
    fn perfect(plan: &LoadPlan) -> Vec<String> {
        plan.requests_planned
            .iter()
            .filter(|shot| shot.kind == Kind::Valid)
            .map(|shot| {
                let (vendor, id) = shot.key.as_deref().unwrap().split_once(':').unwrap();
                let with_id = shot.request.headers.iter().any(|(_, value)| value == id);
                let body: Value = serde_json::from_slice(&shot.request.body).unwrap();
                let delivery_id = if with_id {
                    Value::from(id)
                } else {
                    Value::Null
                };
                serde_json::json!({"vendor": vendor, "delivery_id": delivery_id, "body": body})
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn the_plan_mixes_every_kind_and_retries_after_the_first_deliveries() {
        let plan = LoadPlan::new(40, 0);
        let kinds: Vec<Kind> = plan.requests_planned.iter().map(|s| s.kind).collect();
        let count = |kind| kinds.iter().filter(|k| **k == kind).count();
        let retries = count(Kind::Retry);
        assert_eq!(
            [Kind::Valid, Kind::Invalid, Kind::Forged].map(count),
            [24, 8, 8]
        );
        assert!((1..=12).contains(&retries), "{retries} retries");
        let first_retry = kinds.iter().position(|k| *k == Kind::Retry).unwrap();
        assert!(kinds[first_retry..].iter().all(|k| *k == Kind::Retry));
        assert_eq!(plan.len(), 40 + retries);
        // Every webhook of the catalog is sent valid deliveries.
        let sent: std::collections::BTreeSet<usize> =
            plan.requests_planned.iter().map(|s| s.webhook).collect();
        assert_eq!(sent.len(), Catalog::embedded().webhooks().count());
    }

    #[test]
    fn the_audit_finds_a_missing_a_repeated_and_an_unplanned_record() {
        let plan = LoadPlan::new(20, 0);
        let lines = perfect(&plan);
        assert_eq!(plan.audit(&lines.join("\n")), Vec::<String>::new());

        let mut wrong = lines.clone();
        let missing = wrong.remove(0);
        wrong.push(wrong[0].clone());
        let unplanned =
            serde_json::json!({"vendor": "somebody", "delivery_id": "load_8", "body": {}});
        wrong.push(unplanned.to_string());
        wrong.push("not json".to_owned());
        let problems = plan.audit(&wrong.join("\n"));
        let key: Record = serde_json::from_str(&missing).unwrap();
        assert!(
            problems.contains(&format!("{} written 0 times", key.key())),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.ends_with("written 2 times")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.ends_with("somebody:load_8 was not to be written"))
        );
        assert!(problems.iter().any(|p| p.contains("not a record")));
        assert_eq!(problems.len(), 4, "{problems:?}");
    }
}
