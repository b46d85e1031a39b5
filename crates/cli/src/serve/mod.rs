//! `hookschema serve`: a ready receiver for every webhook of the catalog whose credentials are
//! given, storing each accepted delivery durably before it answers 200.
//!
//! Each webhook is served on the route and methods its vendor file gives, authenticated as it
//! says (a signature, a URL token). Deliveries go to a store (`--store`: SQLite by default,
//! PostgreSQL, or JSON lines), committed in groups; a retry of a delivery already stored (the
//! same delivery id, or for a sender without ids the same body) is acknowledged and not written
//! again. Everything else the extractor of `hookschema-axum` refuses with 401, 413, 415, 422 or
//! 503, in the vendor's format.

mod server;

use std::io::{self, IsTerminal};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{MethodFilter, on};
use clap::Args;
use hookschema_axum::{BodyBudget, DEFAULT_MAX_BODY_BYTES, Delivery, Receiver};
use hookschema_catalog::{Catalog, CredentialKind, Credentials, Webhook};
use hookschema_store::{Location, Options, Store, Stored};
use serde::de::IgnoredAny;
use tower_http::timeout::TimeoutLayer;

use crate::outcome::Outcome;

#[derive(Args)]
pub struct ServeArgs {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8787")]
    addr: SocketAddr,
    /// Where accepted deliveries are stored, durably, before they are acknowledged:
    /// `sqlite:PATH` (one file, embedded), `postgres://…` (one table for many receivers), or
    /// `jsonl:PATH` (one JSON line each; `jsonl:-` is standard output, flushed but not synced).
    #[arg(long, default_value = "sqlite:deliveries.db", value_name = "URL")]
    store: Location,
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
    /// For a `jsonl:` store, which has no index: how many recent deliveries to remember (and
    /// read back from the file at start) to write a retry once.
    #[arg(long, default_value_t = 10_000)]
    remember_ids: usize,
    /// Seconds a request may take, body included, before it gets 408.
    #[arg(long, default_value_t = 30)]
    request_timeout: u64,
    /// Connections served at once; more wait to be accepted.
    #[arg(long, default_value_t = 256)]
    max_connections: usize,
    /// Bytes of accepted deliveries that may wait to be stored; past this, new ones get 503 and
    /// are retried, rather than piling up in memory behind a stalled store.
    #[arg(long, default_value_t = 64 * 1024 * 1024)]
    max_pending_bytes: usize,
    /// Bytes of request bodies being read at once, across all connections; past this, a
    /// request gets 503 with Retry-After before its body is read, so memory stays bounded
    /// however many senders (or forgers) send large bodies at once.
    #[arg(long, default_value_t = 64 * 1024 * 1024)]
    max_inflight_body_bytes: usize,
}

/// Runs the receiver until interrupted (Ctrl-C or SIGTERM); SIGHUP reopens a `jsonl:` store's
/// file, for log rotation.
pub fn run(catalog: &Catalog, args: &ServeArgs) -> Outcome {
    tracing_subscriber::fmt()
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal())
        .with_max_level(tracing::Level::INFO)
        .init();
    let options = Options {
        max_pending_bytes: args.max_pending_bytes,
        remember: args.remember_ids,
    };
    let store = match Store::open(&args.store, options) {
        Ok(store) => Arc::new(store),
        Err(error) => {
            eprintln!("hookschema: cannot open the store {}: {error}", args.store);
            return Outcome::Error;
        }
    };
    let (router, routes) = match build(catalog, args, &store) {
        Ok(built) => built,
        Err(usage) => {
            eprintln!("hookschema: {usage}");
            return Outcome::Error;
        }
    };
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
            "hookschema: listening on http://{} {routes}; storing in {}",
            listener.local_addr()?,
            store.location()
        );
        tokio::spawn(reopen_on_hangup(Arc::clone(&store)));
        let served = server::serve(listener, router, args.max_connections).await;
        // Every delivery in flight has been answered: what it stored is on disk.
        let stats = store.close().await;
        tracing::info!(
            stored = stats.stored,
            duplicates = stats.duplicates,
            failed = stats.failed,
            commits = stats.commits,
            per_commit = format!("{:.1}", stats.per_commit()),
            "stopped"
        );
        served
    });
    match served {
        Ok(()) => Outcome::Valid,
        Err(error) => {
            eprintln!("hookschema: cannot serve on {}: {error}", args.addr);
            Outcome::Error
        }
    }
}

/// Reopens the store's file on every SIGHUP, as log rotation asks.
async fn reopen_on_hangup(store: Arc<Store>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut hangups) = signal(SignalKind::hangup()) else {
            tracing::warn!("cannot listen for SIGHUP: the store's file will not be reopened");
            return;
        };
        while hangups.recv().await.is_some() {
            if let Err(error) = store.reopen().await {
                tracing::error!(%error, "cannot reopen the store");
            }
        }
    }
    #[cfg(not(unix))]
    drop(store);
}

/// The router for every webhook whose credentials are given, and the line that says which
/// routes are on and which off, and why; or why there is nothing to serve.
fn build(
    catalog: &Catalog,
    args: &ServeArgs,
    store: &Arc<Store>,
) -> Result<(Router, String), String> {
    let given = Given::parse(catalog, args)?;
    let budget = BodyBudget::new(args.max_inflight_body_bytes);
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
            .with_body_budget(budget.clone())
            .strict(args.strict);
        if let Some(tolerance) = args.tolerance {
            receiver = receiver.with_tolerance(tolerance);
        }
        let state = Route {
            receiver,
            store: Arc::clone(store),
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
    store: Arc<Store>,
}

impl FromRef<Route> for Receiver<IgnoredAny> {
    fn from_ref(route: &Route) -> Self {
        route.receiver.clone()
    }
}

/// Stores the delivery and answers once it is on disk: 200 with the vendor's answer, or its
/// duplicate answer for a retry of a delivery stored before; 503 or 500 with Retry-After when
/// the store cannot take it, so the vendor retries. Once handed to the store, a delivery is
/// written or refused whole even if its request times out or its client hangs up: a retry then
/// finds it stored, never written twice.
async fn receive(State(route): State<Route>, delivery: Delivery<IgnoredAny>) -> Response {
    let (stored, response) = delivery.store(&route.store).await;
    let (webhook, id) = (
        delivery.webhook(),
        delivery.id.as_deref().unwrap_or_default(),
    );
    match stored {
        Ok(Stored::New) => {
            let drift = delivery.violations.len();
            tracing::info!(webhook, id, drift, "accepted");
        }
        Ok(Stored::Duplicate) => {
            tracing::info!(
                webhook,
                id,
                "retry of a delivery already stored; acknowledged"
            );
        }
        Err(_) => {}
    }
    response
}
