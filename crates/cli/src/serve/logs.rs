//! The receiver's logs: to standard error, filtered by `RUST_LOG`, as text or JSON lines.

use std::io::{self, IsTerminal};
use std::time::SystemTime;

use chrono::{DateTime, SecondsFormat, Utc};
use clap::ValueEnum;
use hookschema_store::Location;
use serde_json::json;
use tracing_subscriber::EnvFilter;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One line an event, for people.
    Text,
    /// One JSON object a line, for a log collector.
    Json,
}

/// Starts logging as `format` says, keeping the events `RUST_LOG` selects (default: `info`).
pub fn init(format: LogFormat) {
    let filter = EnvFilter::builder()
        .with_default_directive(tracing::Level::INFO.into())
        .from_env_lossy();
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr);
    match format {
        LogFormat::Text => logs.with_ansi(io::stderr().is_terminal()).init(),
        LogFormat::Json => logs.json().flatten_event(true).init(),
    }
}

/// Says where the receiver listens, its first line, whatever `RUST_LOG` filters: scripts and
/// tests that ask for port 0 read the port from it, so it has a fixed shape. In text,
/// `hookschema: listening on URL …`; in JSON, an object shaped as the other events, whose
/// `url` field is the URL.
pub fn listening(format: LogFormat, url: &str, routes: &str, store: &Location) {
    match format {
        LogFormat::Text => eprintln!("hookschema: listening on {url} {routes}; storing in {store}"),
        LogFormat::Json => eprintln!(
            "{}",
            json!({
                "timestamp": DateTime::<Utc>::from(SystemTime::now()).to_rfc3339_opts(SecondsFormat::Micros, true),
                "level": "INFO",
                "message": "listening",
                "url": url,
                "routes": routes,
                "store": store.to_string(),
                "target": module_path!(),
            })
        ),
    }
}

/// The line that says where the admin page is, after the one that says where webhooks are.
pub fn admin(format: LogFormat, url: &str) {
    match format {
        LogFormat::Text => eprintln!("hookschema: admin page and operations on {url}"),
        LogFormat::Json => eprintln!(
            "{}",
            json!({
                "timestamp": DateTime::<Utc>::from(SystemTime::now()).to_rfc3339_opts(SecondsFormat::Micros, true),
                "level": "INFO",
                "message": "admin",
                "url": url,
                "target": module_path!(),
            })
        ),
    }
}

/// Logs a panic as an error event, in the log's own format, instead of the default hook's
/// lines: a request that panics is answered 500 and the receiver goes on, and the log says
/// where and why it panicked.
pub fn panics() {
    std::panic::set_hook(Box::new(|panic| {
        let location = panic.location().map(ToString::to_string);
        let message = panic
            .payload()
            .downcast_ref::<&str>()
            .map(|text| (*text).to_owned())
            .or_else(|| panic.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let thread = std::thread::current();
        tracing::error!(
            thread = thread.name().unwrap_or_default(),
            location,
            message,
            "panicked: answered 500 if a request was being handled"
        );
    }));
}
