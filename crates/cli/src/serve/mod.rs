//! `hookschema serve`: a ready receiver for every webhook of the catalog whose credentials are
//! given, writing each accepted delivery as one JSON line.
//!
//! Each webhook is served on the route and methods its vendor file gives, authenticated as it
//! says (a signature, a URL token); a retry of a delivery already written (same delivery id,
//! among the last `--remember-ids`) is acknowledged and not written again. Everything else the
//! extractor of `hookschema-axum` refuses with 401, 413, 415 or 422, in the vendor's format.

mod record;
mod server;
mod sink;

use std::io::{self, IsTerminal};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::{FromRef, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, on};
use clap::Args;
use hookschema_axum::{Admission, Claim, DEFAULT_MAX_BODY_BYTES, Delivery, Receiver, RecentIds};
use hookschema_catalog::{Catalog, CredentialKind, Credentials, Webhook};
use serde::de::IgnoredAny;
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
    /// A vendor's signing secret, as `VENDOR=SECRET` (several secrets separated by commas while
    /// rotating); repeat for several vendors. Default: `HOOKSCHEMA_<VENDOR>_SECRET`, which is
    /// better: a command line is visible to other users of the machine.
    #[arg(long = "secret", value_name = "VENDOR=SECRET")]
    secrets: Vec<String>,
    /// A vendor's URL token, as `VENDOR=TOKEN`; repeat for several vendors. Default:
    /// `HOOKSCHEMA_<VENDOR>_TOKEN`.
    #[arg(long = "token", value_name = "VENDOR=TOKEN")]
    tokens: Vec<String>,
    /// The largest body accepted, in bytes; larger ones get 413.
    #[arg(long, default_value_t = DEFAULT_MAX_BODY_BYTES)]
    max_body_bytes: usize,
    /// How far a signature's timestamp may be from now, in seconds, either way (default: each
    /// vendor file's).
    #[arg(long)]
    tolerance: Option<u64>,
    /// Refuse (422) deliveries that decode but break the strict schema, instead of keeping them
    /// with their errors.
    #[arg(long)]
    strict: bool,
    /// How many recent delivery ids to remember per webhook, to write a retried delivery once.
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
pub fn run(catalog: &Catalog, args: &ServeArgs) -> Outcome {
    let (router, routes) = match build(catalog, args) {
        Ok(built) => built,
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
        eprintln!(
            "hookschema: listening on http://{} {routes}",
            listener.local_addr()?
        );
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

/// The router for every webhook whose credentials are given, and the line that says which
/// routes are on and which off, and why; or why there is nothing to serve.
fn build(catalog: &Catalog, args: &ServeArgs) -> Result<(Router, String), String> {
    let given = Given::parse(catalog, args)?;
    let sink = Arc::new(Sink::open(&args.out, args.max_pending_bytes)?);
    let mut router = Router::new();
    let (mut on_routes, mut off_routes) = (Vec::new(), Vec::new());
    for webhook in catalog.webhooks() {
        let Some(credentials) = given.credentials(webhook)? else {
            let variable = webhook.credential_variable().unwrap_or_default();
            off_routes.push(format!("{} ({variable} not set)", webhook.route));
            continue;
        };
        let mut receiver = Receiver::new(webhook, credentials)
            .map_err(|error| error.to_string())?
            .with_models()
            .with_max_body_bytes(args.max_body_bytes)
            .strict(args.strict);
        if let Some(tolerance) = args.tolerance {
            receiver = receiver.with_tolerance(tolerance);
        }
        let state = Route {
            receiver,
            sink: Arc::clone(&sink),
            recent: webhook
                .delivery_id
                .as_ref()
                .map(|_| Arc::new(RecentIds::new(args.remember_ids))),
        };
        let methods = methods(webhook)?;
        router = router.merge(
            Router::new()
                .route(&webhook.route, on(methods, receive))
                .with_state(state),
        );
        let unauthenticated = if webhook.credential_kind() == CredentialKind::None {
            ", no authentication"
        } else {
            ""
        };
        on_routes.push(format!(
            "{} {} ({}{unauthenticated})",
            webhook.methods.join("|"),
            webhook.route,
            webhook.name()
        ));
    }
    if on_routes.is_empty() {
        return Err(format!(
            "nothing to receive: {}; give them with --secret or --token, or their environment \
             variables",
            off_routes.join(", ")
        ));
    }
    let mut routes = format!("on: {}", on_routes.join(", "));
    if !off_routes.is_empty() {
        routes.push_str(&format!("; off: {}", off_routes.join(", ")));
    }
    let timeout = Duration::from_secs(args.request_timeout.max(1));
    let router = router.layer(TimeoutLayer::with_status_code(
        StatusCode::REQUEST_TIMEOUT,
        timeout,
    ));
    Ok((router, routes))
}

/// The credentials given on the command line, by vendor.
struct Given<'a> {
    secrets: Vec<(&'a str, &'a str)>,
    tokens: Vec<(&'a str, &'a str)>,
}

impl<'a> Given<'a> {
    fn parse(catalog: &Catalog, args: &'a ServeArgs) -> Result<Self, String> {
        let split = |flag: &str, values: &'a [String]| -> Result<Vec<(&'a str, &'a str)>, String> {
            values
                .iter()
                .map(|value| {
                    let (vendor, text) = value
                        .split_once('=')
                        .ok_or_else(|| format!("--{flag} takes VENDOR={}", flag.to_uppercase()))?;
                    if catalog.vendor(vendor).is_none() {
                        return Err(format!("--{flag}: no vendor file for `{vendor}`"));
                    }
                    Ok((vendor, text))
                })
                .collect()
        };
        Ok(Given {
            secrets: split("secret", &args.secrets)?,
            tokens: split("token", &args.tokens)?,
        })
    }

    /// The webhook's credentials: from the command line, else its environment variable;
    /// `None` when neither gives them.
    fn credentials(&self, webhook: &Webhook) -> Result<Option<Credentials>, String> {
        let (flag, given) = match webhook.credential_kind() {
            CredentialKind::Secret => ("--secret", &self.secrets),
            CredentialKind::Token => ("--token", &self.tokens),
            CredentialKind::None => return Ok(Some(Credentials::None)),
        };
        let texts: Vec<&str> = given
            .iter()
            .filter(|(vendor, _)| *vendor == webhook.vendor)
            .map(|(_, text)| *text)
            .collect();
        let found = if texts.is_empty() {
            webhook.credentials_from_env()
        } else {
            let source = format!("{flag} {}=…", webhook.vendor);
            webhook.credentials(&texts.join(","), &source).map(Some)
        };
        found.map_err(|error| error.to_string())
    }
}

/// The methods a webhook's deliveries come with.
fn methods(webhook: &Webhook) -> Result<MethodFilter, String> {
    webhook
        .methods
        .iter()
        .map(|method| {
            MethodFilter::try_from(
                method
                    .parse::<axum::http::Method>()
                    .map_err(|error| error.to_string())?,
            )
            .map_err(|error| format!("{}: method {method}: {error}", webhook.name()))
        })
        .reduce(|a, b| Ok(a?.or(b?)))
        .unwrap_or(Ok(MethodFilter::POST))
}

/// What one route's handler holds.
#[derive(Clone)]
struct Route {
    receiver: Receiver<IgnoredAny>,
    sink: Arc<Sink>,
    /// The ids already written, for a webhook whose deliveries carry one.
    recent: Option<Arc<RecentIds>>,
}

impl FromRef<Route> for Receiver<IgnoredAny> {
    fn from_ref(route: &Route) -> Self {
        route.receiver.clone()
    }
}

async fn receive(State(route): State<Route>, delivery: Delivery<IgnoredAny>) -> Response {
    let id = delivery.id.as_deref().unwrap_or_default();
    let claim = match (&route.recent, &delivery.id) {
        (Some(recent), Some(id)) => {
            match recent.admit(id) {
                Admission::New(claim) => Some(claim),
                Admission::Duplicate => {
                    tracing::info!(
                        webhook = delivery.webhook(),
                        id,
                        "retry of a delivery already written; acknowledged"
                    );
                    return delivery.duplicate();
                }
                Admission::InFlight => {
                    // Its first attempt is still being written; whether that succeeds is not known.
                    tracing::info!(
                        webhook = delivery.webhook(),
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
            }
        }
        _ => None,
    };
    match store(&route.sink, &delivery, claim).await {
        Ok(()) => {
            tracing::info!(
                webhook = delivery.webhook(),
                id,
                drift = delivery.violations.len(),
                "accepted"
            );
            delivery.success()
        }
        // The claim was dropped unfinished: the vendor's retry gets another chance.
        Err(error) => error.into_response(),
    }
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
    delivery: &Delivery<T>,
    claim: Option<Claim>,
) -> Result<(), NotStored> {
    let line = record::line(delivery).map_err(NotStored::Failed)?;
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
