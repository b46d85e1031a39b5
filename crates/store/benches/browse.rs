//! What the admin page's reads cost on a store of a million deliveries: a page of 51 rows
//! (newest first; by vendor; by schema; by webhook, two of a vendor's three schemas; the invalid
//! ones; from the middle of the table; a search in the ids), one delivery whole, and the last day's counts. The store is SQLite, filled first
//! (`HOOKSCHEMA_BENCH_ROWS`, default 1,000,000, in the temporary directory) with deliveries of
//! 3 vendors and 9 schemas, 2 % invalid, received over 30 days: 33,000 a day.

use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use hookschema_store::{Filter, Location, Options, Record, Store, counts, one, page};

/// A Kaizen `execution.complete`, as such a sender writes it.
const BODY: &str = r#"{"type":"execution.complete","data":{"id":"exec_8f3a","status":"Completed","startTime":"2025-09-15T14:02:11Z","endTime":"2025-09-15T14:02:19Z","workflow":{"id":"wf_1","name":"Nightly sync of the accounts"}}}"#;
const DAYS: i64 = 30;

/// The `n`-th of `rows` deliveries: its vendor and schema, its verdict, when it came.
fn record(n: u64, rows: u64, start: chrono::DateTime<chrono::Utc>) -> Record {
    let vendor = ["acme", "kaizen", "github"][(n % 3) as usize];
    let schema = format!("{vendor}/event-{}", n % 9 / 3);
    let violations: &[&str] = if n.is_multiple_of(50) {
        &["/data/status: not one of the statuses"]
    } else {
        &[]
    };
    let id = format!("msg_{n:09}");
    let mut record = Record::new(
        vendor,
        Some(&schema),
        Some(&id),
        BODY.as_bytes(),
        &violations,
    )
    .expect("a record")
    .with_headers([("content-type", "application/json"), ("x-id", id.as_str())]);
    let offset = chrono::Duration::milliseconds(
        (n as i64) * DAYS * 86_400_000 / i64::try_from(rows).expect("rows fit"),
    );
    record.received_at = (start + offset).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    record
}

fn fill(location: &Location, rows: u64) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let store = Arc::new(Store::open(location, Options::default()).expect("the store opens"));
    let now = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now());
    let start = now - chrono::Duration::days(DAYS);
    runtime.block_on(async {
        // In waves of puts at once, so that commits carry large groups.
        for wave in (0..rows).step_by(2048) {
            let mut puts = tokio::task::JoinSet::new();
            for n in wave..(wave + 2048).min(rows) {
                let store = Arc::clone(&store);
                puts.spawn(async move { store.put(record(n, rows, start)).await });
            }
            for stored in puts.join_all().await {
                stored.expect("stored");
            }
        }
    });
    runtime.block_on(store.close());
}

fn browse(c: &mut Criterion) {
    let rows: u64 = std::env::var("HOOKSCHEMA_BENCH_ROWS")
        .ok()
        .and_then(|rows| rows.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let location = Location::Sqlite(dir.path().join("deliveries.db"));
    let filled = std::time::Instant::now();
    fill(&location, rows);
    eprintln!("{rows} deliveries stored in {:.1?}", filled.elapsed());

    let mut group = c.benchmark_group(format!("browse/sqlite/{rows}"));
    let webhook: &[&str] = &["github/event-0", "github/event-1"];
    let pages: [(&str, Filter<'_>); 6] = [
        ("page/newest", Filter::default()),
        (
            "page/vendor",
            Filter {
                vendor: Some("kaizen"),
                ..Filter::default()
            },
        ),
        (
            "page/schema",
            Filter {
                schema: Some("github/event-1"),
                ..Filter::default()
            },
        ),
        (
            "page/webhook",
            Filter {
                vendor: Some("github"),
                among: Some(webhook),
                ..Filter::default()
            },
        ),
        (
            "page/invalid",
            Filter {
                valid: Some(false),
                ..Filter::default()
            },
        ),
        (
            "page/middle",
            Filter {
                before: Some(i64::try_from(rows / 2).expect("rows fit")),
                ..Filter::default()
            },
        ),
    ];
    for (name, filter) in &pages {
        group.bench_function(*name, |b| {
            b.iter(|| assert_eq!(page(&location, filter, 51).expect("a page").len(), 51));
        });
    }
    // A piece of an id that few deliveries have: rows are read newest first until the page is
    // full, 300,000 of them in a million.
    group.sample_size(10);
    let searched = Filter {
        id_contains: Some("0000"),
        ..Filter::default()
    };
    group.bench_function("page/id-search", |b| {
        b.iter(|| page(&location, &searched, 51).expect("a page"));
    });
    group.sample_size(100);
    let middle = i64::try_from(rows / 2).expect("rows fit");
    group.bench_function("one", |b| {
        b.iter(|| assert!(one(&location, middle).expect("a read").is_some()));
    });
    let day_ago = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now())
        - chrono::Duration::days(1);
    let since = day_ago.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    group.sample_size(20);
    group.bench_function("counts/last-day", |b| {
        b.iter(|| assert!(!counts(&location, &since).expect("counts").is_empty()));
    });
    group.finish();
}

criterion_group!(benches, browse);
criterion_main!(benches);
