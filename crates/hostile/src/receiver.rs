//! Every webhook of the embedded catalog, received over an in-memory connection: raw request
//! bytes in, the response's status out, through hyper's HTTP/1.1 parser and the axum extractor,
//! as a request from the network goes.

use std::sync::LazyLock;

use axum::Router;
use axum::extract::State;
use axum::routing::{MethodFilter, on};
use hookschema_axum::{Delivery, Receiver};
use hookschema_catalog::Catalog;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use serde::de::IgnoredAny;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use hookschema_testkit::sender::credentials;

/// The bodies the receiver takes at most: small, so a fuzzer reaches the limit.
const MAX_BODY_BYTES: usize = 64 * 1024;

static ROUTER: LazyLock<Router> = LazyLock::new(|| {
    let mut router = Router::new();
    for webhook in Catalog::embedded().webhooks() {
        let receiver = Receiver::<IgnoredAny>::new(webhook, credentials(webhook))
            .expect("the harness configures every webhook")
            .with_models()
            .with_tolerance(u64::MAX)
            .with_max_body_bytes(MAX_BODY_BYTES);
        let methods = webhook
            .methods
            .iter()
            .map(|m| MethodFilter::try_from(m.parse::<axum::http::Method>().expect("a method")))
            .map(|m| m.expect("a routable method"))
            .reduce(MethodFilter::or)
            .unwrap_or(MethodFilter::POST);
        let route = Router::new()
            .route(
                &webhook.route,
                on(
                    methods,
                    |State(_): State<Receiver<IgnoredAny>>, _: Delivery<IgnoredAny>| async { "ok" },
                ),
            )
            .with_state(receiver);
        router = router.merge(route);
    }
    router
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

/// The status codes of the responses in `bytes`, read one after another: each a status line and
/// a head, then as many bytes of body as its `Content-Length` says. A body may quote what the
/// request sent (a `Content-Type` refused), status lines included, so bodies are skipped, never
/// searched.
fn statuses(bytes: &[u8]) -> Vec<u16> {
    let mut statuses = Vec::new();
    let mut rest = bytes;
    while let Some(after) = rest.strip_prefix(b"HTTP/1.1 ") {
        let Some(status) = after
            .get(..3)
            .and_then(|code| std::str::from_utf8(code).ok()?.parse().ok())
        else {
            break;
        };
        statuses.push(status);
        let Some(end) = after.windows(4).position(|w| w == b"\r\n\r\n") else {
            break;
        };
        let head = String::from_utf8_lossy(&after[..end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length:"))
            .and_then(|value| value.trim().parse().ok())
            .unwrap_or(0);
        rest = after.get(end + 4 + length..).unwrap_or_default();
    }
    statuses
}
