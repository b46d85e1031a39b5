//! A receiver for both vendors, served over an in-memory connection: raw request bytes in, the
//! response's status out, through hyper's HTTP/1.1 parser and the axum extractors, as a request
//! from the network goes.

use std::sync::LazyLock;

use axum::Router;
use axum::routing::post;
use hookschema_axum::{ComfyDeployConfig, Delivery, KaizenConfig};
use hookschema_models::comfydeploy::WorkflowRunWebhookBody;
use hookschema_models::kaizen::KaizenWebhookEvent;
use hookschema_signature::{Secret, sign};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The Kaizen signing secret the receiver trusts (base64url).
pub const SECRET: &str = "dGVzdC1zaWduaW5nLWtleS0wMTIzNDU2Nzg5YWJjZGVm";
/// The ComfyDeploy URL token the receiver trusts.
pub const TOKEN: &str = "hostile-url-token";
/// When the seeds were signed, in Unix seconds. The receiver accepts any timestamp, so that a
/// signed seed stays valid: time is the one input a fuzzer cannot send.
pub const NOW: u64 = 1_767_225_600;
/// The bodies the receiver takes at most: small, so a fuzzer reaches the limit.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// Where Kaizen deliveries go.
const KAIZEN_PATH: &str = "/kaizen";

static ROUTER: LazyLock<Router> = LazyLock::new(|| {
    let secret = Secret::decode(SECRET).expect("the harness secret decodes");
    let kaizen = KaizenConfig::new(vec![secret])
        .expect("one secret")
        .with_tolerance(u64::MAX)
        .with_max_body_bytes(MAX_BODY_BYTES);
    let comfydeploy = ComfyDeployConfig::new(TOKEN)
        .expect("a token")
        .with_max_body_bytes(MAX_BODY_BYTES);
    Router::new()
        .route(
            KAIZEN_PATH,
            post(|_: Delivery<KaizenWebhookEvent>| async { "ok" }),
        )
        .with_state(kaizen)
        .merge(
            Router::new()
                .route(
                    "/comfydeploy",
                    post(|_: Delivery<WorkflowRunWebhookBody>| async { "ok" }),
                )
                .with_state(comfydeploy),
        )
});

thread_local! {
    static RUNTIME: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime for the in-memory receiver");
}

/// Serves `request`, raw bytes as they came off a socket, and returns the status of every
/// response, in order (a connection may carry several requests, or none that parses).
pub(crate) fn serve(request: &[u8]) -> Vec<u16> {
    RUNTIME.with(|runtime| {
        runtime.block_on(async {
            let (mut client, server) = tokio::io::duplex(64 * 1024);
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .serve_connection(
                    TokioIo::new(server),
                    TowerToHyperService::new(ROUTER.clone()),
                );
            let exchange = async {
                // The server may answer and hang up before it read everything.
                let _ = client.write_all(request).await;
                let _ = client.shutdown().await;
                let mut response = Vec::new();
                let _ = client.read_to_end(&mut response).await;
                response
            };
            let (_, response) = tokio::join!(connection, exchange);
            statuses(&response)
        })
    })
}

/// The status codes of the responses in `bytes`.
fn statuses(bytes: &[u8]) -> Vec<u16> {
    let text = String::from_utf8_lossy(bytes);
    text.split("HTTP/1.1 ")
        .skip(1)
        .filter_map(|response| response.get(..3)?.parse().ok())
        .collect()
}

/// A Kaizen delivery of `body` as raw request bytes, signed for `id` at `timestamp` (Unix
/// seconds: [`NOW`] for the in-memory receiver, the present for a `hookschema serve`).
pub fn kaizen_request(id: &str, timestamp: u64, body: &[u8]) -> Vec<u8> {
    let secret = Secret::decode(SECRET).expect("the harness secret decodes");
    let signature = sign(&secret, id, timestamp, body);
    let head = format!(
        "POST {KAIZEN_PATH} HTTP/1.1\r\nHost: receiver\r\nContent-Type: application/json\r\n\
         X-Webhooks-Id: {id}\r\nX-Webhooks-Timestamp: {timestamp}\r\nX-Webhooks-Signature: {signature}\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    [head.as_bytes(), body].concat()
}

/// A ComfyDeploy delivery of `body` as raw request bytes, with the URL token.
pub fn comfydeploy_request(body: &[u8]) -> Vec<u8> {
    let head = format!(
        "POST /comfydeploy?token={TOKEN} HTTP/1.1\r\nHost: receiver\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    [head.as_bytes(), body].concat()
}
