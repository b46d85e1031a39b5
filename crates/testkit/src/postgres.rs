//! PostgreSQL for the tests that need one: a fresh database on the server `tools/postgres`
//! starts (its URL in `HOOKSCHEMA_TEST_POSTGRES`, as `.ci/run` sets it), so tests share the
//! server, not their tables. Under `CI=true` a missing server fails the test that asks, rather
//! than letting it skip.

use std::time::{SystemTime, UNIX_EPOCH};

/// The variable `.ci/run` puts the test server's URL in.
pub const POSTGRES_VARIABLE: &str = "HOOKSCHEMA_TEST_POSTGRES";

/// The URL of a new, empty database on the test server, or `None` when there is no server
/// (then the caller skips, saying so); under `CI=true`, no server is a failure.
///
/// # Panics
///
/// Under `CI=true` without a server, or when the server refuses to create a database.
pub fn postgres_database() -> Option<String> {
    let Ok(url) = std::env::var(POSTGRES_VARIABLE) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{POSTGRES_VARIABLE} is not set: CI starts PostgreSQL with tools/postgres"
        );
        eprintln!("skipped: no PostgreSQL (set {POSTGRES_VARIABLE}=$(tools/postgres))");
        return None;
    };
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let name = format!("test_{}_{nanos}", std::process::id());
    // The synchronous client runs a runtime of its own: off any async test's.
    let (admin_url, create) = (url.clone(), format!("CREATE DATABASE {name}"));
    std::thread::spawn(move || {
        let mut admin = postgres::Client::connect(&admin_url, postgres::NoTls)
            .expect("the test server accepts connections");
        admin
            .batch_execute(&create)
            .expect("the test server creates a database");
    })
    .join()
    .expect("creating the test database");
    let (base, _) = url.rsplit_once('/').expect("a URL with a database");
    Some(format!("{base}/{name}"))
}
