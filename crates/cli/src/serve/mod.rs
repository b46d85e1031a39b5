//! `hookschema serve`: a ready receiver for both vendors, writing each accepted delivery as one
//! JSON line.
//!
//! `POST /kaizen` verifies the signature and answers 200; a retry of a delivery already written
//! (same `X-Webhooks-Id`, among the last `--remember-ids`) is acknowledged and not written again.
//! `POST /comfydeploy?token=…` checks the URL token and answers `{"status": "ok"}`; `GET` is
//! accepted too, because ComfyDeploy's sender retries as GET with the same body. Everything
//! else the extractors of `hookschema-axum` refuse with 401, 413, 415 or 422.

mod record;
mod server;
mod sink;

use std::io::{self, IsTerminal};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{FromRef, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use clap::Args;
use hookschema_axum::{
    Admission, Claim, ComfyDeployConfig, DEFAULT_MAX_BODY_BYTES, Delivery, KaizenConfig, RecentIds,
};
use hookschema_models::comfydeploy::{WorkflowRunWebhookBody, WorkflowRunWebhookResponse};
use hookschema_models::kaizen::KaizenWebhookEvent;
use hookschema_signature::DEFAULT_TOLERANCE_SECS;
use tower_http::timeout::TimeoutLayer;

use self::sink::Sink;
use crate::outcome::Outcome;

#[derive(Args)]
pub struct ServeArgs {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8787")]
    addr: SocketAddr,
    /// Where accepted deliveries go, one JSON line each, appended; `-` is standard output.
    #[arg(long, default_value = "-")]
    out: PathBuf,
    /// Kaizen's signing secret (base64url); repeat, or separate with commas, to accept an old
    /// and a new one while rotating. Without it, `/kaizen` is not served.
    #[arg(
        long = "kaizen-secret",
        env = "HOOKSCHEMA_KAIZEN_SECRET",
        hide_env_values = true,
        value_delimiter = ','
    )]
    kaizen_secrets: Vec<String>,
    /// The token ComfyDeploy's webhook URL carries as `?token=…`. Without it, `/comfydeploy` is
    /// not served.
    #[arg(long, env = "HOOKSCHEMA_COMFYDEPLOY_TOKEN", hide_env_values = true)]
    comfydeploy_token: Option<String>,
    /// The largest body accepted, in bytes; larger ones get 413.
    #[arg(long, default_value_t = DEFAULT_MAX_BODY_BYTES)]
    max_body_bytes: usize,
    /// How far a Kaizen timestamp may be from now, in seconds, either way.
    #[arg(long, default_value_t = DEFAULT_TOLERANCE_SECS)]
    tolerance: u64,
    /// Refuse (422) deliveries that decode but break the strict schema, instead of keeping them
    /// with their errors.
    #[arg(long)]
    strict: bool,
    /// How many recent Kaizen delivery ids to remember, to write a retried delivery once.
    #[arg(long, default_value_t = 10_000)]
    remember_ids: usize,
    /// Seconds a request may take, body included, before it gets 408.
    #[arg(long, default_value_t = 30)]
    request_timeout: u64,
    /// Connections served at once; more wait to be accepted.
    #[arg(long, default_value_t = 256)]
    max_connections: usize,
    /// Bytes of accepted deliveries that may wait to be written to `--out`; past this, new ones
    /// get 503 and are retried, rather than piling up in memory behind a stalled output.
    #[arg(long, default_value_t = 64 * 1024 * 1024)]
    max_pending_bytes: usize,
}

/// Runs the receiver until interrupted (Ctrl-C or SIGTERM).
pub fn run(args: &ServeArgs) -> Outcome {
    let router = match build(args) {
        Ok(router) => router,
        Err(usage) => {
            eprintln!("hookschema: {usage}");
            return Outcome::Error;
        }
    };
    tracing_subscriber::fmt()
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal())
        .with_max_level(tracing::Level::INFO)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("hookschema: cannot start: {error}");
            return Outcome::Error;
        }
    };
    let served = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr).await?;
        // Tests and scripts read the real port from this line when asked for port 0.
        eprintln!("hookschema: listening on http://{}", listener.local_addr()?);
        server::serve(listener, router, args.max_connections).await
    });
    match served {
        Ok(()) => Outcome::Valid,
        Err(error) => {
            eprintln!("hookschema: cannot serve on {}: {error}", args.addr);
            Outcome::Error
        }
    }
}

/// The router for the configured vendors, or why there is nothing to serve.
fn build(args: &ServeArgs) -> Result<Router, String> {
    if args.kaizen_secrets.is_empty() && args.comfydeploy_token.is_none() {
        return Err("nothing to receive: give --kaizen-secret or --comfydeploy-token (or their environment variables)".to_owned());
    }
    let kaizen_secrets = crate::secrets::decode(&args.kaizen_secrets)?;
    let sink = Arc::new(Sink::open(&args.out, args.max_pending_bytes)?);
    let mut router = Router::new();
    if !kaizen_secrets.is_empty() {
        let config = KaizenConfig::new(kaizen_secrets)
            .map_err(|error| error.to_string())?
            .with_tolerance(args.tolerance)
            .with_max_body_bytes(args.max_body_bytes)
            .strict(args.strict);
        let state = KaizenState {
            config,
            sink: Arc::clone(&sink),
            recent: Arc::new(RecentIds::new(args.remember_ids)),
        };
        router = router.merge(
            Router::new()
                .route("/kaizen", post(kaizen))
                .with_state(state),
        );
    }
    if let Some(token) = &args.comfydeploy_token {
        let config = ComfyDeployConfig::new(token)
            .map_err(|error| error.to_string())?
            .with_max_body_bytes(args.max_body_bytes)
            .strict(args.strict);
        let state = ComfyDeployState { config, sink };
        let route = post(comfydeploy).get(comfydeploy);
        router = router.merge(Router::new().route("/comfydeploy", route).with_state(state));
    }
    let timeout = Duration::from_secs(args.request_timeout.max(1));
    Ok(router.layer(TimeoutLayer::with_status_code(
        StatusCode::REQUEST_TIMEOUT,
        timeout,
    )))
}

#[derive(Clone)]
struct KaizenState {
    config: KaizenConfig,
    sink: Arc<Sink>,
    recent: Arc<RecentIds>,
}

impl FromRef<KaizenState> for KaizenConfig {
    fn from_ref(state: &KaizenState) -> Self {
        state.config.clone()
    }
}

#[derive(Clone)]
struct ComfyDeployState {
    config: ComfyDeployConfig,
    sink: Arc<Sink>,
}

impl FromRef<ComfyDeployState> for ComfyDeployConfig {
    fn from_ref(state: &ComfyDeployState) -> Self {
        state.config.clone()
    }
}

async fn kaizen(
    State(state): State<KaizenState>,
    delivery: Delivery<KaizenWebhookEvent>,
) -> Response {
    let id = delivery.id.clone().unwrap_or_default();
    let claim = match state.recent.admit(&id) {
        Admission::New(claim) => claim,
        Admission::Duplicate => {
            tracing::info!(
                vendor = "kaizen",
                id,
                "retry of a delivery already written; acknowledged"
            );
            return ok("duplicate");
        }
        Admission::InFlight => {
            // Its first attempt is still being written; whether that succeeds is not known.
            tracing::info!(
                vendor = "kaizen",
                id,
                "retry while the first attempt is in flight"
            );
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "5")],
                Json(serde_json::json!({"error": "this delivery is being handled; retry later"})),
            )
                .into_response();
        }
    };
    match store(&state.sink, "kaizen", &delivery, Some(claim)).await {
        Ok(()) => {
            tracing::info!(
                vendor = "kaizen",
                id,
                drift = delivery.violations.len(),
                "accepted"
            );
            ok("ok")
        }
        // The claim was dropped unfinished: Kaizen's retry gets another chance.
        Err(error) => error.into_response(),
    }
}

async fn comfydeploy(
    State(state): State<ComfyDeployState>,
    delivery: Delivery<WorkflowRunWebhookBody>,
) -> Response {
    match store(&state.sink, "comfydeploy", &delivery, None).await {
        Ok(()) => {
            let (run, status) = (&delivery.event.run_id, delivery.event.status.as_str());
            tracing::info!(
                vendor = "comfydeploy",
                run,
                status,
                drift = delivery.violations.len(),
                "accepted"
            );
            ok("ok")
        }
        Err(error) => error.into_response(),
    }
}

/// 200 with `{"status": …}`: ComfyDeploy's declared answer, and Kaizen's acknowledgement.
fn ok(status: &str) -> Response {
    Json(WorkflowRunWebhookResponse {
        status: status.to_owned(),
    })
    .into_response()
}

/// Why a delivery was not stored; either way the vendor retries it.
enum NotStored {
    /// The output is too far behind: 503, retry later.
    Busy,
    /// The line could not be written: 500.
    Failed(io::Error),
}

impl IntoResponse for NotStored {
    fn into_response(self) -> Response {
        match self {
            NotStored::Busy => {
                tracing::warn!("the output is behind; delivery turned away");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(header::RETRY_AFTER, "5")],
                    Json(serde_json::json!({"error": "busy storing deliveries; retry later"})),
                )
                    .into_response()
            }
            NotStored::Failed(error) => {
                tracing::error!(%error, "cannot write the delivery");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Json(serde_json::json!({"error": "cannot store the delivery"})),
                )
                    .into_response()
            }
        }
    }
}

/// Writes the delivery's line, then finishes its `claim`, on a task of its own: once begun,
/// storing completes even if the request is dropped (a timeout, a client that hung up), so a
/// retry finds the delivery written, never written twice. `Ok` once the line is flushed;
/// turned away when the lines waiting to be written are already too many bytes.
async fn store<T>(
    sink: &Arc<Sink>,
    vendor: &'static str,
    delivery: &Delivery<T>,
    claim: Option<Claim>,
) -> Result<(), NotStored> {
    let line = record::line(vendor, delivery).map_err(NotStored::Failed)?;
    let room = sink.reserve(line.len()).ok_or(NotStored::Busy)?;
    let sink = Arc::clone(sink);
    let stored = tokio::spawn(async move {
        let written = sink.write(line).await;
        drop(room);
        written?;
        if let Some(claim) = claim {
            claim.done();
        }
        Ok(())
    });
    stored
        .await
        .unwrap_or_else(|error| Err(io::Error::other(error)))
        .map_err(NotStored::Failed)
}
