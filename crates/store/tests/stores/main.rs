//! Every engine, against the real thing: a delivery is stored once, a retry is a duplicate,
//! before and after the store is opened again, in one group and across groups; the table is
//! created and migrated at open; an export reads back what was stored; and pages of them read
//! as the admin page reads them (`browse`). PostgreSQL runs on the server `tools/postgres`
//! starts (`hookschema_testkit::postgres_database`).

mod browse;

use std::io::Write;

use hookschema_store::{Location, Options, Record, Selection, Store, Stored, export};

/// Every engine's location: SQLite and JSON lines in `dir`, and PostgreSQL when there is one.
fn locations(dir: &std::path::Path) -> Vec<Location> {
    let mut locations = vec![
        Location::Sqlite(dir.join("deliveries.db")),
        Location::Jsonl(Some(dir.join("deliveries.jsonl"))),
    ];
    locations.extend(hookschema_testkit::postgres_database().map(Location::Postgres));
    locations
}

fn record(vendor: &str, id: Option<&str>, body: &str) -> Record {
    Record::new(vendor, None, id, body.as_bytes(), &[0u8; 0]).unwrap()
}

fn exported(location: &Location, selection: &Selection<'_>) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    export(location, selection, &mut out).unwrap();
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_is_stored_once_and_its_retries_are_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    for location in locations(dir.path()) {
        let store = Store::open(&location, Options::default()).unwrap();
        let first = store
            .put(record("acme", Some("msg_1"), r#"{"n": 1}"#))
            .await;
        assert_eq!(first, Ok(Stored::New), "{location}");
        let again = store
            .put(record("acme", Some("msg_1"), r#"{"n": 1}"#))
            .await;
        assert_eq!(again, Ok(Stored::Duplicate), "{location}");
        // Another vendor's id is another delivery; without an id, the body says which.
        let other = store
            .put(record("other", Some("msg_1"), r#"{"n": 1}"#))
            .await;
        assert_eq!(other, Ok(Stored::New), "{location}");
        let no_id = store
            .put(record(
                "plain",
                None,
                r#"{"run": "r1", "status": "running"}"#,
            ))
            .await;
        assert_eq!(no_id, Ok(Stored::New), "{location}");
        let same_body = store
            .put(record("plain", None, r#"{"run":"r1","status":"running"}"#))
            .await;
        assert_eq!(same_body, Ok(Stored::Duplicate), "{location}");
        let next_status = store
            .put(record("plain", None, r#"{"run":"r1","status":"success"}"#))
            .await;
        assert_eq!(next_status, Ok(Stored::New), "{location}");

        // Retries arriving together, in one group or several: one delivery written.
        let store = std::sync::Arc::new(store);
        let mut together = tokio::task::JoinSet::new();
        for _ in 0..32 {
            let store = std::sync::Arc::clone(&store);
            together.spawn(async move {
                store
                    .put(record("acme", Some("msg_2"), r#"{"n": 2}"#))
                    .await
            });
        }
        let outcomes = together.join_all().await;
        let new = outcomes.iter().filter(|o| **o == Ok(Stored::New)).count();
        assert_eq!(new, 1, "{location}: {outcomes:?}");
        assert!(outcomes.iter().all(Result::is_ok));
        let stats = store.close().await;
        assert_eq!(stats.stored, 5, "{location}: {stats:?}");

        // Opened again (a restart): the table is migrated once, and the retries still known.
        let store = Store::open(&location, Options::default()).unwrap();
        let after_restart = store
            .put(record("acme", Some("msg_1"), r#"{"n": 1}"#))
            .await;
        assert_eq!(after_restart, Ok(Stored::Duplicate), "{location}");
        let plain_retry = store
            .put(record("plain", None, r#"{"run":"r1","status":"running"}"#))
            .await;
        assert_eq!(plain_retry, Ok(Stored::Duplicate), "{location}");
        store.check().await.unwrap();
        store.close().await;

        let all = exported(&location, &Selection::default());
        assert_eq!(all.len(), 5, "{location}: {all:?}");
        assert_eq!(all[0]["vendor"], "acme");
        assert_eq!(all[0]["delivery_id"], "msg_1");
        assert_eq!(all[0]["body"], serde_json::json!({"n": 1}));
        assert_eq!(all[0]["errors"], serde_json::json!([]));
        assert!(all[0]["received_at"].as_str().unwrap().ends_with('Z'));
        let ids: Vec<i64> = all.iter().map(|r| r["id"].as_i64().unwrap()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{location}: {ids:?}");
        let after = exported(
            &location,
            &Selection {
                after: Some(ids[1]),
                vendor: None,
            },
        );
        assert_eq!(after.len(), 3, "{location}");
        let plain = exported(
            &location,
            &Selection {
                after: None,
                vendor: Some("plain"),
            },
        );
        assert_eq!(plain.len(), 2, "{location}");
        assert_eq!(plain[0]["delivery_id"], serde_json::Value::Null);
    }
}

#[tokio::test]
async fn a_torn_last_line_is_cut_at_open_and_the_file_reads_line_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deliveries.jsonl");
    let location = Location::Jsonl(Some(path.clone()));
    let store = Store::open(&location, Options::default()).unwrap();
    store
        .put(record("acme", Some("msg_1"), r#"{"n": 1}"#))
        .await
        .unwrap();
    store.close().await;
    // A crash in the middle of a write leaves part of a line.
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(br#"{"vendor":"acme","delivery_id":"msg_2","rec"#)
        .unwrap();
    let store = Store::open(&location, Options::default()).unwrap();
    assert_eq!(
        store
            .put(record("acme", Some("msg_2"), r#"{"n": 2}"#))
            .await,
        Ok(Stored::New)
    );
    store.close().await;
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(text.ends_with('\n'));
}

#[tokio::test]
async fn a_rotated_file_is_let_go_on_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deliveries.jsonl");
    let store = Store::open(&Location::Jsonl(Some(path.clone())), Options::default()).unwrap();
    store
        .put(record("acme", Some("msg_1"), "{}"))
        .await
        .unwrap();
    std::fs::rename(&path, dir.path().join("deliveries.jsonl.1")).unwrap();
    store.reopen().await.unwrap();
    store
        .put(record("acme", Some("msg_2"), "{}"))
        .await
        .unwrap();
    // Remembered across the rotation: still a duplicate.
    assert_eq!(
        store.put(record("acme", Some("msg_1"), "{}")).await,
        Ok(Stored::Duplicate)
    );
    store.close().await;
    let new_file = std::fs::read_to_string(&path).unwrap();
    assert_eq!(new_file.lines().count(), 1, "{new_file}");
    assert!(new_file.contains("msg_2"));
}

#[tokio::test]
async fn a_store_that_cannot_write_says_so_and_stores_nothing() {
    // /dev/full takes no byte: every write fails, as on a full disk.
    let store = Store::open(
        &Location::Jsonl(Some("/dev/full".into())),
        Options::default(),
    )
    .unwrap();
    let refused = store
        .put(record("acme", Some("msg_1"), "{}"))
        .await
        .unwrap_err();
    assert_eq!(refused.kind, hookschema_store::ErrorKind::Failed);
    assert!(refused.message.contains("/dev/full"), "{refused}");
    let stats = store.close().await;
    assert_eq!((stats.stored, stats.failed), (0, 1));
}

#[tokio::test]
async fn an_unreachable_postgres_is_unavailable_not_a_crash() {
    let refused = Store::open(
        &"postgres://nobody@127.0.0.1:1/none".parse().unwrap(),
        Options::default(),
    )
    .unwrap_err();
    assert_eq!(refused.kind, hookschema_store::ErrorKind::Unavailable);
    assert!(refused.message.contains("cannot connect"), "{refused}");
}

/// A JSON-lines store knows every delivery of its file, however many came since: a retry after
/// 100,000 other deliveries is a duplicate, in the same process, after a restart that reads the
/// index, and after one that rebuilds a lost index from the lines.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_json_lines_retry_after_100_000_other_deliveries_is_a_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deliveries.jsonl");
    let location = Location::Jsonl(Some(path.clone()));
    let first = || record("acme", Some("msg_first"), r#"{"n": 0}"#);
    let store = std::sync::Arc::new(Store::open(&location, Options::default()).unwrap());
    assert_eq!(store.put(first()).await, Ok(Stored::New));
    let mut others = tokio::task::JoinSet::new();
    for n in 1..=100_000 {
        let store = std::sync::Arc::clone(&store);
        others.spawn(async move {
            store
                .put(record("acme", Some(&format!("msg_{n}")), r#"{"n": 1}"#))
                .await
        });
    }
    let stored = others.join_all().await;
    assert!(stored.iter().all(|s| *s == Ok(Stored::New)));
    assert_eq!(store.put(first()).await, Ok(Stored::Duplicate));
    store.close().await;
    let index = dir.path().join("deliveries.jsonl.index");
    for restart in ["with its index", "with its index lost"] {
        if restart.ends_with("lost") {
            std::fs::remove_file(&index).unwrap();
        }
        let store = Store::open(&location, Options::default()).unwrap();
        assert_eq!(store.put(first()).await, Ok(Stored::Duplicate), "{restart}");
        let middle = record("acme", Some("msg_50000"), r#"{"n": 1}"#);
        assert_eq!(store.put(middle).await, Ok(Stored::Duplicate), "{restart}");
        store.close().await;
        assert!(index.exists(), "{restart}: the index is written again");
    }
    let lines = std::fs::read_to_string(&path).unwrap().lines().count();
    assert_eq!(lines, 100_001);
}

/// Every file a store creates holds deliveries' bodies: readable by its owner only.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_files_are_created_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let folder_mode = std::fs::metadata(dir.path()).unwrap().permissions().mode();
    let mut seen = Vec::new();
    for location in [
        Location::Sqlite(dir.path().join("deliveries.db")),
        Location::Jsonl(Some(dir.path().join("deliveries.jsonl"))),
    ] {
        let store = Store::open(&location, Options::default()).unwrap();
        store
            .put(record("acme", Some("msg_1"), "{}"))
            .await
            .unwrap();
        // SQLite's -wal and -shm exist while it is open.
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let entry = entry.unwrap();
            let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
            let name = entry.file_name().into_string().unwrap();
            assert_eq!(mode, 0o600, "{name}: {mode:o}");
            seen.push(name);
        }
        store.close().await;
    }
    seen.sort();
    seen.dedup();
    for name in [
        "deliveries.db",
        "deliveries.db-shm",
        "deliveries.db-wal",
        "deliveries.jsonl",
        "deliveries.jsonl.index",
    ] {
        assert!(seen.iter().any(|seen| seen == name), "{name}: {seen:?}");
    }
    let after = std::fs::metadata(dir.path()).unwrap().permissions().mode();
    assert_eq!(after, folder_mode, "the folder's mode is left alone");
}
