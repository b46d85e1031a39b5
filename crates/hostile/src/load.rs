//! A load generator for `hookschema serve --strict`: a mix of valid, invalid and forged
//! deliveries from both vendors, sent over keep-alive connections on 127.0.0.1, then half the
//! valid Kaizen ones again as the vendor's retries. [`Plan::audit`] holds the output against the
//! plan: every valid delivery written exactly once, nothing else written.
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
use hookschema_fixtures::Fixture;
use hookschema_signature::{Secret, sign};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use serde_json::Value;
use tokio::net::TcpStream;

use crate::{SECRET, TOKEN};

/// What a delivery is, and so what the receiver must answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Authentic and valid: `200 {"status":"ok"}`, written once.
    Valid,
    /// A valid Kaizen delivery sent again with its id: `200 {"status":"duplicate"}`.
    Retry,
    /// Authentic but breaking the schema (an invalid example): `422`, not written.
    Invalid,
    /// A wrong signature or token: `401`, not written.
    Forged,
}

impl Kind {
    /// The status and, for acknowledgements, the `status` field of the answer.
    fn expected(self) -> (u16, Option<&'static str>) {
        match self {
            Kind::Valid => (200, Some("ok")),
            Kind::Retry => (200, Some("duplicate")),
            Kind::Invalid => (422, None),
            Kind::Forged => (401, None),
        }
    }
}

/// One request to send.
#[derive(Debug, Clone)]
struct Shot {
    kind: Kind,
    /// Path and query.
    target: String,
    headers: Vec<(&'static str, String)>,
    body: Bytes,
    /// How its record is found in the output: `kaizen:<delivery id>` or
    /// `comfydeploy:<run_id>`. Only valid deliveries are written.
    key: Option<String>,
}

/// The deliveries of one run, in the order they are sent.
#[derive(Debug, Clone)]
pub struct Plan {
    shots: Vec<Shot>,
}

impl Plan {
    /// `count` deliveries, then the retries: of every ten, six valid (the two vendors in turn),
    /// two invalid, two forged; half the valid Kaizen deliveries are retried. Kaizen signatures
    /// are made for `now` (Unix seconds), so the plan must be sent within the receiver's
    /// tolerance of it.
    pub fn new(count: usize, now: u64) -> Plan {
        let fixtures = hookschema_fixtures::all();
        let pick = |vendor: &str, valid: bool| -> Vec<Fixture> {
            fixtures
                .iter()
                .filter(|f| f.vendor == vendor && f.is_valid() == valid)
                .cloned()
                .collect()
        };
        let (kaizen_valid, kaizen_invalid) = (pick("kaizen", true), pick("kaizen", false));
        let (comfy_valid, comfy_invalid) = (pick("comfydeploy", true), pick("comfydeploy", false));
        let secret = Secret::decode(SECRET).expect("the harness secret decodes");
        let kaizen = |id: String, body: Bytes, signed: &[u8], kind: Kind| {
            let signature = sign(&secret, &id, now, signed);
            Shot {
                kind,
                target: "/kaizen".to_owned(),
                headers: vec![
                    ("x-webhooks-id", id.clone()),
                    ("x-webhooks-timestamp", now.to_string()),
                    ("x-webhooks-signature", signature),
                ],
                body,
                key: (kind == Kind::Valid).then(|| format!("kaizen:{id}")),
            }
        };
        let comfydeploy = |token: &str, body: Bytes, key: Option<String>, kind: Kind| Shot {
            kind,
            target: format!("/comfydeploy?token={token}"),
            headers: Vec::new(),
            body,
            key,
        };

        let mut shots = Vec::with_capacity(count + count / 20);
        let mut retries = Vec::new();
        for n in 0..count {
            let id = format!("load_{n}");
            let nth =
                |examples: &[Fixture]| Bytes::from(examples[n % examples.len()].bytes.clone());
            let shot = match n % 10 {
                0 | 2 | 4 => {
                    let body = nth(&kaizen_valid);
                    let shot = kaizen(id, body.clone(), &body, Kind::Valid);
                    if n % 4 == 0 {
                        let mut retry = shot.clone();
                        (retry.kind, retry.key) = (Kind::Retry, None);
                        retries.push(retry);
                    }
                    shot
                }
                1 | 3 | 5 => {
                    let run_id = format!("load-run-{n}");
                    let body = with_run_id(&comfy_valid[n % comfy_valid.len()], &run_id);
                    comfydeploy(
                        TOKEN,
                        body,
                        Some(format!("comfydeploy:{run_id}")),
                        Kind::Valid,
                    )
                }
                6 => {
                    let body = nth(&kaizen_invalid);
                    kaizen(id, body.clone(), &body, Kind::Invalid)
                }
                7 => comfydeploy(TOKEN, nth(&comfy_invalid), None, Kind::Invalid),
                8 => {
                    // Signed for other bytes than those sent: the body was tampered with.
                    let body = nth(&kaizen_valid);
                    kaizen(id, body, b"{}", Kind::Forged)
                }
                _ => comfydeploy("not-the-token", nth(&comfy_valid), None, Kind::Forged),
            };
            shots.push(shot);
        }
        shots.extend(retries);
        Plan { shots }
    }

    /// How many requests the plan sends, retries included.
    pub fn len(&self) -> usize {
        self.shots.len()
    }

    /// Whether it sends nothing.
    pub fn is_empty(&self) -> bool {
        self.shots.is_empty()
    }

    /// Sends the plan to `addr` over `connections` keep-alive connections at once, on the
    /// current tokio runtime, and reports what came back. The retries go out after every first
    /// delivery has been answered, as a vendor's would.
    pub async fn send(&self, addr: SocketAddr, connections: usize) -> Report {
        let first = self.shots.iter().filter(|s| s.kind != Kind::Retry).count();
        let started = Instant::now();
        let mut outcomes = send_all(addr, &self.shots[..first], connections).await;
        outcomes.extend(send_all(addr, &self.shots[first..], connections).await);
        let elapsed = started.elapsed();

        let mut report = Report {
            requests: self.shots.len(),
            elapsed,
            latencies: Vec::with_capacity(outcomes.len()),
            answers: BTreeMap::new(),
            wrong: Vec::new(),
        };
        for (shot, outcome) in self.shots.iter().zip(outcomes) {
            match outcome {
                Ok((status, answer, latency)) => {
                    report.latencies.push(latency);
                    *report.answers.entry((shot.kind, status)).or_default() += 1;
                    let (want, field) = shot.kind.expected();
                    let said = serde_json::from_slice::<Value>(&answer)
                        .ok()
                        .and_then(|v| v["status"].as_str().map(str::to_owned));
                    if status != want || field.is_some_and(|f| said.as_deref() != Some(f)) {
                        report.wrong.push(format!(
                            "{:?} {}: got {status} {}",
                            shot.kind,
                            shot.target,
                            String::from_utf8_lossy(&answer)
                        ));
                    }
                }
                Err(error) => report
                    .wrong
                    .push(format!("{:?} {}: {error}", shot.kind, shot.target)),
            }
        }
        report.latencies.sort_unstable();
        report
    }

    /// What is wrong with `written`, the receiver's output after the plan was sent: a valid
    /// delivery missing or written twice, or anything else written. Empty when all is right.
    pub fn audit(&self, written: &str) -> Vec<String> {
        let mut expected: BTreeMap<&str, usize> = self
            .shots
            .iter()
            .filter_map(|s| s.key.as_deref())
            .map(|key| (key, 0))
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
                Some(seen) => *seen += 1,
                None => problems.push(format!("line {}: {key} was not to be written", n + 1)),
            }
        }
        for (key, seen) in expected {
            if seen != 1 {
                problems.push(format!("{key} written {seen} times"));
            }
        }
        problems
    }
}

/// `example` with its `run_id` set to `run_id`: each ComfyDeploy delivery is then its own.
fn with_run_id(example: &Fixture, run_id: &str) -> Bytes {
    let mut body: Value = serde_json::from_slice(&example.bytes).expect("examples are JSON");
    body["run_id"] = Value::from(run_id);
    Bytes::from(serde_json::to_vec(&body).expect("a value serialises"))
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
            None => self.body["run_id"].as_str().unwrap_or_default(),
        };
        format!("{}:{id}", self.vendor)
    }
}

/// What a request got: status, answer body, time to the whole answer; or why none came.
type Outcome = Result<(u16, Bytes, Duration), String>;

/// Sends `shots` over `connections` connections, each taking the next unsent shot, and returns
/// the outcomes in the shots' order.
async fn send_all(addr: SocketAddr, shots: &[Shot], connections: usize) -> Vec<Outcome> {
    let next = AtomicUsize::new(0);
    let workers = (0..connections.max(1)).map(|_| connection(addr, shots, &next));
    let mut outcomes: Vec<(usize, Outcome)> =
        join_all(workers).await.into_iter().flatten().collect();
    outcomes.sort_unstable_by_key(|(n, _)| *n);
    outcomes.into_iter().map(|(_, outcome)| outcome).collect()
}

/// One connection: sends the next unsent shot until none is left, reconnecting when the
/// server hangs up.
async fn connection(addr: SocketAddr, shots: &[Shot], next: &AtomicUsize) -> Vec<(usize, Outcome)> {
    let mut sent = Vec::new();
    let mut sender = None;
    loop {
        let n = next.fetch_add(1, Ordering::Relaxed);
        let Some(shot) = shots.get(n) else {
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

async fn exchange(sender: &mut http1::SendRequest<Full<Bytes>>, shot: &Shot) -> Outcome {
    let mut request = hyper::Request::post(shot.target.as_str())
        .header("host", "127.0.0.1")
        .header("content-type", "application/json");
    for (name, value) in &shot.headers {
        request = request.header(*name, value);
    }
    let request = request
        .body(Full::new(shot.body.clone()))
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
    fn perfect(plan: &Plan) -> Vec<String> {
        plan.shots
            .iter()
            .filter_map(|shot| {
                let (vendor, id) = shot.key.as_deref()?.split_once(':')?;
                let (delivery_id, body) = match vendor {
                    "kaizen" => (Value::from(id), serde_json::json!({})),
                    _ => (Value::Null, serde_json::json!({ "run_id": id })),
                };
                let record =
                    serde_json::json!({"vendor": vendor, "delivery_id": delivery_id, "body": body});
                Some(record.to_string())
            })
            .collect()
    }

    #[test]
    fn the_plan_mixes_every_kind_and_retries_after_the_first_deliveries() {
        let plan = Plan::new(40, 0);
        let kinds: Vec<Kind> = plan.shots.iter().map(|s| s.kind).collect();
        let count = |kind| kinds.iter().filter(|k| **k == kind).count();
        assert_eq!(
            [Kind::Valid, Kind::Invalid, Kind::Forged, Kind::Retry].map(count),
            [24, 8, 8, 6]
        );
        let first_retry = kinds.iter().position(|k| *k == Kind::Retry).unwrap();
        assert!(kinds[first_retry..].iter().all(|k| *k == Kind::Retry));
        assert_eq!(plan.len(), 46);
    }

    #[test]
    fn the_audit_finds_a_missing_a_repeated_and_an_unplanned_record() {
        let plan = Plan::new(20, 0);
        let lines = perfect(&plan);
        assert_eq!(plan.audit(&lines.join("\n")), Vec::<String>::new());

        let mut wrong = lines.clone();
        let missing = wrong.remove(0);
        wrong.push(wrong[0].clone());
        wrong.push(r#"{"vendor":"kaizen","delivery_id":"load_8","body":{}}"#.to_owned());
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
                .any(|p| p.ends_with("kaizen:load_8 was not to be written"))
        );
        assert!(problems.iter().any(|p| p.contains("not a record")));
        assert_eq!(problems.len(), 4, "{problems:?}");
    }
}
