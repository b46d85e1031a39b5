//! `hookschema serve` end to end, as a process over real HTTP on 127.0.0.1: each kind of
//! delivery (`deliveries`), durability against every store's real engine (`durability`), the
//! hostile-input corpus (`hostile`), a bounded mixed load (`load`), and what operators use:
//! health, metrics, logs, TLS (`operations`).

mod admin;
mod attacks;
mod deliveries;
mod drift;
mod durability;
mod hostile;
mod load;
mod operations;

use std::path::Path;
use std::time::Duration;

use hookschema_catalog::{Catalog, Webhook};
use hookschema_testkit::Serve;
use hookschema_testkit::sender::{Request, authentic};
use hookschema_testkit::unix_now;
use serde::Deserialize;
use serde_json::Value;

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

/// Answer status and body as JSON.
fn answer_of(response: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> (u16, Value) {
    let mut response = response.expect("the server answers");
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The server's metrics, as text.
fn metrics(server: &Serve) -> String {
    agent()
        .get(format!("{}/metrics", server.base()))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap()
}

/// The embedded catalog's webhook called `name`.
fn webhook(name: &str) -> &'static Webhook {
    Catalog::embedded().webhook(name).unwrap()
}

/// Sends `request` with `content_type`; the answer's status and body.
fn deliver(server: &Serve, request: &Request, content_type: &str) -> (u16, Value) {
    let url = format!("{}{}", server.base(), request.target);
    let mut builder = ureq::http::Request::builder()
        .method(request.method.as_str())
        .uri(url)
        .header("Content-Type", content_type);
    for (name, value) in &request.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let request = builder.body(request.body.to_vec()).unwrap();
    answer_of(agent().run(request))
}

/// A Kaizen delivery of `sent`, signed as `signed` with the harness's secret.
fn kaizen(server: &Serve, id: &str, timestamp: u64, signed: &[u8], sent: &[u8]) -> (u16, Value) {
    let mut request = authentic(webhook("kaizen/webhook-event"), id, timestamp, signed);
    request.body = sent.to_vec().into();
    deliver(server, &request, "application/json")
}

fn comfydeploy(server: &Serve, token: &str, content_type: &str, body: &[u8]) -> (u16, Value) {
    answer_of(
        agent()
            .post(format!("{}/comfydeploy?token={token}", server.base()))
            .header("Content-Type", content_type)
            .send(body),
    )
}

/// The records `hookschema serve` wrote to `out`. A record holds its body one level down, so a
/// body nested to the limit (127 levels) makes a line one deeper than serde_json reads by
/// default: the recursion limit is lifted here, as a Rust reader of the output must.
fn written(out: &Path) -> Vec<Value> {
    std::fs::read_to_string(out)
        .unwrap()
        .lines()
        .map(|line| {
            let mut reader = serde_json::Deserializer::from_str(line);
            reader.disable_recursion_limit();
            Value::deserialize(&mut reader).expect("one JSON object per line")
        })
        .collect()
}
