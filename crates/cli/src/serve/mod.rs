//! `hookschema serve`: a ready receiver for every webhook of the catalog whose credentials are
//! given, storing each accepted delivery durably before it answers 200.
//!
//! Each webhook is served on the route and methods its vendor file gives, authenticated as it
//! says (a signature, a URL token). Deliveries go to a store (`--store`: SQLite by default,
//! PostgreSQL, or JSON lines), committed in groups; a retry of a delivery already stored (the
//! same delivery id, or for a sender without ids the same body) is acknowledged and not written
//! again. Everything else `hookschema-receive` refuses with 401, 408, 413, 415, 422 or 503,
//! in the vendor's format.
//!
//! Beside the webhooks, for operations: `GET /healthz` (the process serves), `GET /readyz` (the
//! store answers and takes writes) and `GET /metrics` (Prometheus' text format); with
//! `--admin-addr`, these move to a port of their own with a page of what arrived ([`admin`]).

mod admin;
mod connections;
mod framing;
mod logs;
mod metrics;
mod routes;
mod server;
mod tap;

use std::collections::HashMap;
use std::net::ToSocketAddrs;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use clap::Args;
use hookschema_catalog::{Catalog, CredentialKind, Credentials, Webhook};
use hookschema_receive::{BodyBudget, DEFAULT_MAX_BODY_BYTES, Receiver};
use hookschema_store::{Location, Options, Store};
use serde_json::json;

use crate::defaults;
use crate::outcome::Outcome;
use logs::LogFormat;
use metrics::Metrics;
use routes::{Endpoint, Routes};

/// The routes a receiver serves for operations, which no webhook may take.
const OPERATIONS_ROUTES: [&str; 3] = ["/healthz", "/readyz", "/metrics"];
/// Connections the admin port serves at once: a few people and a scraper.
const ADMIN_CONNECTIONS: usize = 16;
/// How long `/readyz` waits for the store.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Args)]
#[command(
    long_about = "Receive webhooks: one route per webhook of the catalog whose credentials are \
                  given, each delivery authenticated, validated and stored durably before it is \
                  answered 200.\n\nBeside the webhooks: GET /healthz (200 while the process \
                  serves), GET /readyz (200 while the store answers and takes writes, else 503) \
                  and GET /metrics \
                  (Prometheus' text format). Stops on SIGTERM or Ctrl-C once the deliveries in \
                  flight are stored; SIGHUP reopens a jsonl: store's file.",
    after_help = "Credentials come from HOOKSCHEMA_<VENDOR>_SECRET and HOOKSCHEMA_<VENDOR>_TOKEN \
                  (or --secret and --token); a webhook without them is left off, and says so \
                  at start and when called. Logs go to standard error, filtered by RUST_LOG \
                  (default: info, which logs a summary per webhook every --log-summary seconds; \
                  debug adds a line per request)."
)]
pub struct ServeArgs {
    /// The address to listen on, HOST:PORT; HOST is an IP address or a name (`localhost:8787`,
    /// `[::]:443`). Port 0 takes a free port, named in the first line written.
    #[arg(long, default_value = "127.0.0.1:8787", value_name = "HOST:PORT")]
    addr: String,
    /// Serve HTTPS with this certificate chain (PEM, the server's certificate first), as
    /// vendors call `https://` URLs; needs --tls-key. Without it, serve plain HTTP, for a
    /// TLS-terminating proxy in front.
    #[arg(long, requires = "tls_key", value_name = "PEM")]
    tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM: PKCS#8, PKCS#1 or SEC1).
    #[arg(long, requires = "tls_cert", value_name = "PEM")]
    tls_key: Option<PathBuf>,
    /// Where accepted deliveries are stored, durably, before they are acknowledged:
    /// `sqlite:PATH` (one file, embedded), `postgres://…` (one table for many receivers), or
    /// `jsonl:PATH` (one JSON line each; `jsonl:-` is standard output, flushed but not synced).
    #[arg(long, default_value = defaults::STORE, env = "HOOKSCHEMA_STORE", value_name = "URL")]
    store: Location,
    /// A vendor's signing secret, as `VENDOR=SECRET`; repeat for several vendors, and for one
    /// vendor's old and new secrets while rotating. Default: `HOOKSCHEMA_<VENDOR>_SECRET` (and
    /// `HOOKSCHEMA_<VENDOR>_SECRET_2`, … while rotating), which is better: a command line is
    /// visible to other users of the machine.
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
    /// Bytes of request bodies held at once, across all connections, each byte charged as it
    /// arrives; past this, a request gets 503 with Retry-After, so memory stays bounded however
    /// many senders (or forgers) send large bodies at once.
    #[arg(long, default_value_t = 64 * 1024 * 1024)]
    max_inflight_body_bytes: usize,
    /// Bytes of request bodies any one peer (an IPv4 address, an IPv6 /64) may hold at once
    /// (default: a quarter of --max-inflight-body-bytes); past this, its requests get 503, so
    /// bodies from one place cannot take the room every other sender needs. Behind a proxy,
    /// every request comes from the proxy's address: give it the whole budget.
    #[arg(long, value_name = "BYTES")]
    max_inflight_body_bytes_per_peer: Option<usize>,
    /// The slowest a body may come, in bytes a second on average, once 2 s have passed since
    /// its head; slower, or a pause of over 2 s, gets 408 (0: as slowly as the sender likes,
    /// until --request-timeout).
    #[arg(long, default_value_t = hookschema_receive::DEFAULT_MIN_BODY_RATE, value_name = "BYTES")]
    min_body_rate: u64,
    /// How logs are written to standard error: `text` for people, `json` (one object a line)
    /// for a log collector. Which events are written is `RUST_LOG`'s (default `info`;
    /// `debug` adds a line per request, each connection's errors and TLS handshakes).
    #[arg(long, value_enum, default_value_t = LogFormat::Text, env = "HOOKSCHEMA_LOG_FORMAT")]
    log_format: LogFormat,
    /// Every this many seconds, log one line per webhook called meanwhile: deliveries stored,
    /// duplicates, refused, failed (0: never). Each delivery's own line is at the `debug`
    /// level (`RUST_LOG=debug`): at load, one line per request costs more than the delivery.
    #[arg(long, default_value_t = 60, value_name = "SECONDS")]
    log_summary: u64,
    /// Serve the operations routes (/healthz, /readyz, /metrics) and a read-only page of the
    /// stored deliveries on this address, HOST:PORT, instead of the webhook port. The page asks
    /// for the token in HOOKSCHEMA_ADMIN_TOKEN (a bearer token, or its login form); without one,
    /// only a loopback address is allowed.
    #[arg(long, value_name = "HOST:PORT")]
    admin_addr: Option<String>,
    /// Check the configuration (catalog, credentials, address, TLS files, store, its
    /// migrations included), say what would be served, and exit without listening: 0 when it
    /// would start.
    #[arg(long)]
    check: bool,
}

/// Runs the receiver until interrupted (Ctrl-C or SIGTERM); SIGHUP reopens a `jsonl:` store's
/// file, for log rotation.
pub fn run(catalog: &Catalog, folder: Option<&std::path::Path>, args: &ServeArgs) -> Outcome {
    logs::init(args.log_format);
    match start(catalog, folder, args) {
        Ok(()) => Outcome::Valid,
        // Said as every other command says why it stopped, or as one more event for a log
        // collector.
        Err(error) => {
            match args.log_format {
                logs::LogFormat::Text => eprintln!("hookschema: {error}"),
                logs::LogFormat::Json => tracing::error!("{error}"),
            }
            Outcome::Error
        }
    }
}

/// Starts the receiver of `catalog` (read from `folder`, when it was given) and serves until
/// it is stopped.
fn start(
    catalog: &Catalog,
    folder: Option<&std::path::Path>,
    args: &ServeArgs,
) -> Result<(), String> {
    // Name resolution first, so that a bad address fails before the store is touched.
    let resolved: Vec<_> = args
        .addr
        .to_socket_addrs()
        .map_err(|error| format!("--addr {}: {error}; give HOST:PORT", args.addr))?
        .collect();
    let admin_token = std::env::var(admin::TOKEN_VARIABLE)
        .ok()
        .filter(|token| !token.is_empty());
    let admin_addrs: Option<Vec<_>> = match &args.admin_addr {
        Some(addr) => {
            let resolved: Vec<_> = addr
                .to_socket_addrs()
                .map_err(|error| format!("--admin-addr {addr}: {error}; give HOST:PORT"))?
                .collect();
            admin::refuse_without_token(&resolved, admin_token.as_deref())?;
            Some(resolved)
        }
        None => None,
    };
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(server::tls(cert, key)?),
        _ => None,
    };
    let mut budget = BodyBudget::new(args.max_inflight_body_bytes);
    if let Some(share) = args.max_inflight_body_bytes_per_peer {
        budget = budget.with_peer_share(share);
    }
    let metrics = Metrics::new(budget.clone());
    let observer = Arc::clone(&metrics);
    let options = Options {
        max_pending_bytes: args.max_pending_bytes,
        on_commit: Some(Arc::new(move |deliveries, took| {
            observer.commit(deliveries, took)
        })),
    };
    let store = Store::open(&args.store, options)
        .map(Arc::new)
        .map_err(|error| format!("cannot open the store {}: {error}", args.store))?;
    let (served, routes, tracked, operations) = build(catalog, args, &store, &metrics, budget)?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    if args.check {
        let addrs: Vec<String> = resolved.iter().map(ToString::to_string).collect();
        println!(
            "hookschema: would listen on {scheme}://{} {routes}; storing in {}",
            addrs.join(" or "),
            store.location()
        );
        return Ok(());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Deliveries decode on these threads: the deepest generated model fits this stack.
        .thread_stack_size(hookschema_models::DECODE_STACK_BYTES)
        .build()
        .map_err(|error| format!("cannot start: {error}"))?;
    logs::panics();
    runtime.block_on(async {
        let listener = server::listen(&resolved)
            .map_err(|error| format!("cannot listen on {}: {error}", args.addr))?;
        let url = format!(
            "{scheme}://{}",
            listener.local_addr().map_err(|error| error.to_string())?
        );
        let admin = match (&admin_addrs, operations) {
            (Some(addrs), Some(operations)) => {
                let listener = server::listen(addrs)
                    .map_err(|error| format!("cannot listen on --admin-addr: {error}"))?;
                let url = format!(
                    "{scheme}://{}",
                    listener.local_addr().map_err(|e| e.to_string())?
                );
                let router = admin::router(
                    catalog,
                    folder,
                    store.location(),
                    admin_token.as_deref(),
                    operations,
                );
                // The webhook port's server, with its deadlines, limits and TLS: a stalled or
                // hostile client of the admin port is treated as one of the webhooks'.
                let routes = Routes::new(HashMap::new(), router);
                let serving = server::serve(
                    listener,
                    routes,
                    ADMIN_CONNECTIONS,
                    tls.clone(),
                    Arc::clone(&metrics),
                );
                tokio::spawn(serving);
                Some(url)
            }
            _ => None,
        };
        // Tests and scripts read the real port from this line when asked for port 0.
        logs::listening(args.log_format, &url, &routes, store.location());
        if let Some(admin) = admin {
            logs::admin(args.log_format, &admin);
        }
        tokio::spawn(reopen_on_hangup(Arc::clone(&store)));
        if args.log_summary > 0 {
            let every = Duration::from_secs(args.log_summary);
            tokio::spawn(metrics::summarize(tracked, every));
        }
        server::serve(listener, served, args.max_connections, tls, metrics).await;
        // Every delivery in flight has been answered: what it stored is on disk.
        let stats = store.close().await;
        tracing::info!(
            stored = stats.stored,
            duplicates = stats.duplicates,
            failed = stats.failed,
            commits = stats.commits,
            deliveries_per_commit = format!("{:.1}", stats.per_commit()),
            "stopped"
        );
        Ok(())
    })
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

/// What [`build`] makes: the routes of the webhook port, the line that says which webhooks are
/// on and which off, each route's counters, and the operations routes when they go to the admin
/// port.
type Built = (Routes, String, Vec<metrics::RouteCounts>, Option<Router>);

/// The routes of every webhook whose credentials are given and of the operations (on the
/// webhook port, unless `--admin-addr` takes them), the line that says which webhooks are on
/// and which off, and why, and each route's counters; or why there is nothing to serve.
fn build(
    catalog: &Catalog,
    args: &ServeArgs,
    store: &Arc<Store>,
    metrics: &Arc<Metrics>,
    budget: BodyBudget,
) -> Result<Built, String> {
    let given = GivenCredentials::parse(catalog, args)?;
    let timeout = Duration::from_secs(args.request_timeout.max(1));
    let mut webhooks = HashMap::new();
    let mut counted = Vec::new();
    let (mut on_routes, mut off_routes) = (Vec::new(), Vec::new());
    let mut off = HashMap::new();
    for webhook in catalog.webhooks() {
        if OPERATIONS_ROUTES.contains(&webhook.route.as_str()) {
            return Err(format!(
                "{}: the route {} is the receiver's own; give the webhook another",
                webhook.name(),
                webhook.route
            ));
        }
        let Some(credentials) = given.credentials(webhook)? else {
            let variable = webhook.credential_variable().unwrap_or_default();
            off_routes.push(format!("{} ({variable} not set)", webhook.route));
            off.insert(
                webhook.route.clone(),
                format!("{} is off: {variable} is not set", webhook.name()),
            );
            continue;
        };
        let mut receiver = Receiver::new(webhook, credentials)
            .map_err(|error| error.to_string())?
            .with_models()
            .with_max_body_bytes(args.max_body_bytes)
            .with_body_budget(budget.clone())
            .with_min_body_rate(args.min_body_rate, hookschema_receive::DEFAULT_BODY_GRACE)
            .strict(args.strict);
        if let Some(tolerance) = args.tolerance {
            receiver = receiver.with_tolerance(tolerance);
        }
        let tracked = metrics::RouteCounts::new(metrics, webhook, timeout);
        counted.push(tracked.clone());
        let endpoint = Endpoint::new(webhook, receiver, Arc::clone(store), tracked)?;
        webhooks.insert(webhook.route.clone(), endpoint);
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
    let operations: Router = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz).with_state(Arc::clone(store)))
        .route(
            "/metrics",
            get(metrics::metrics).with_state(Arc::clone(metrics)),
        );
    let others = Router::new().fallback(not_found).with_state(Arc::new(off));
    let (others, admin) = if args.admin_addr.is_some() {
        (others, Some(operations))
    } else {
        (others.merge(operations), None)
    };
    Ok((Routes::new(webhooks, others), routes, counted, admin))
}

/// The credentials given on the command line, by vendor.
struct GivenCredentials<'a> {
    secrets: Vec<(&'a str, &'a str)>,
    tokens: Vec<(&'a str, &'a str)>,
}

impl<'a> GivenCredentials<'a> {
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
        Ok(GivenCredentials {
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
        let source = format!("{flag} {}=…", webhook.vendor);
        let texts: Vec<(&str, &str)> = given
            .iter()
            .filter(|(vendor, _)| *vendor == webhook.vendor)
            .map(|(_, text)| (source.as_str(), *text))
            .collect();
        let found = if texts.is_empty() {
            webhook.credentials_from_env()
        } else {
            webhook.credentials(&texts).map(Some)
        };
        found.map_err(|error| error.to_string())
    }
}

/// `GET /healthz`: 200 while the process serves.
async fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

/// `GET /readyz`: 200 while the store answers and takes writes (after a failed commit, not
/// until a write succeeds again), 503 (which takes the replica out of a load
/// balancer's rotation) while it does not.
/// A store stalled behind a commit that does not end (a full pipe, a locked table) is not
/// ready either: it gets [`READY_TIMEOUT`] to answer.
async fn readyz(State(store): State<Arc<Store>>) -> Response {
    let error = match tokio::time::timeout(READY_TIMEOUT, store.check()).await {
        Ok(Ok(())) => return Json(json!({ "status": "ok" })).into_response(),
        Ok(Err(error)) => error.to_string(),
        Err(_) => format!("the store did not answer within {READY_TIMEOUT:?}"),
    };
    tracing::warn!(error, "not ready");
    let body = json!({ "status": "unavailable", "error": error });
    (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
}

/// Any other request: 404, logged with why when its path is that of a webhook left off.
async fn not_found(
    State(off): State<Arc<HashMap<String, String>>>,
    method: Method,
    uri: Uri,
) -> Response {
    let path = uri.path();
    // The sender is told only that nothing is here; the log says why.
    match off.get(path) {
        Some(why) => tracing::warn!(%method, path, "{why}: answered 404"),
        None => tracing::debug!(%method, path, "no route: answered 404"),
    }
    let error = format!("no webhook is received on {path}");
    (StatusCode::NOT_FOUND, Json(json!({ "error": error }))).into_response()
}
