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
