//! Looking at deliveries on every engine: pages newest first, each filter, the next page from
//! where one ends, one delivery whole with its headers, and the retries counted on the row
//! (SQLite and PostgreSQL; a JSON lines file does not count them).

use hookschema_store::{Filter, Location, Options, Record, Store, Summary, counts, one, page};

use crate::locations;

fn record(vendor: &str, schema: &str, id: &str, violations: &[&str]) -> Record {
    let body = format!(r#"{{"id": "{id}"}}"#);
    Record::new(vendor, Some(schema), Some(id), body.as_bytes(), &violations)
        .unwrap()
        .with_headers([("Content-Type", "application/json"), ("X-Id", id)])
}

fn ids(summaries: &[Summary]) -> Vec<&str> {
    summaries
        .iter()
        .map(|s| s.delivery_id.as_deref().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_newest_first_filtered_and_one_delivery_is_whole() {
    let dir = tempfile::tempdir().unwrap();
    for location in locations(dir.path()) {
        let store = Store::open(&location, Options::default()).unwrap();
        let sent = [
            record("acme", "acme/order", "ord_1", &[]),
            record("acme", "acme/refund", "ref_1", &["/amount: below 0"]),
            record("kite", "kite/run", "run_1", &[]),
            record("acme", "acme/order", "ord_2", &[]),
            record("kite", "kite/run", "run_2", &["/status: not one of"]),
        ];
        for record in sent {
            store.put(record).await.unwrap();
        }
        // Two retries of ord_1, one by one.
        for _ in 0..2 {
            store
                .put(record("acme", "acme/order", "ord_1", &[]))
                .await
                .unwrap();
        }
        store.close().await;

        let all = page(&location, &Filter::default(), 10).unwrap();
        assert_eq!(
            ids(&all),
            ["run_2", "ord_2", "run_1", "ref_1", "ord_1"],
            "{location}"
        );
        assert_eq!(all[0].violations, 1, "{location}");
        assert_eq!(all[0].schema.as_deref(), Some("kite/run"), "{location}");

        let filtered = |filter: Filter<'_>| ids(&page(&location, &filter, 10).unwrap()).join(" ");
        let acme = Filter {
            vendor: Some("acme"),
            ..Filter::default()
        };
        assert_eq!(filtered(acme), "ord_2 ref_1 ord_1", "{location}");
        let orders = Filter {
            schema: Some("acme/order"),
            ..Filter::default()
        };
        assert_eq!(filtered(orders), "ord_2 ord_1", "{location}");
        let among = Filter {
            among: Some(&["acme/refund", "kite/run"]),
            ..Filter::default()
        };
        assert_eq!(filtered(among), "run_2 run_1 ref_1", "{location}");
        let acme_among = Filter {
            vendor: Some("acme"),
            among: Some(&["acme/refund", "kite/run"]),
            ..Filter::default()
        };
        assert_eq!(filtered(acme_among), "ref_1", "{location}");
        let none = Filter {
            among: Some(&[]),
            ..Filter::default()
        };
        assert_eq!(filtered(none), "", "{location}");
        let invalid = Filter {
            valid: Some(false),
            ..Filter::default()
        };
        assert_eq!(filtered(invalid), "run_2 ref_1", "{location}");
        let valid_kite = Filter {
            vendor: Some("kite"),
            valid: Some(true),
            ..Filter::default()
        };
        assert_eq!(filtered(valid_kite), "run_1", "{location}");
        let searched = Filter {
            id_contains: Some("_2"),
            ..Filter::default()
        };
        assert_eq!(filtered(searched), "run_2 ord_2", "{location}");

        // The next page starts where one ends.
        let first = page(&location, &Filter::default(), 2).unwrap();
        let next = Filter {
            before: Some(first[1].id),
            ..Filter::default()
        };
        assert_eq!(
            ids(&page(&location, &next, 2).unwrap()),
            ["run_1", "ref_1"],
            "{location}"
        );

        let oldest = all.last().unwrap();
        let shown = one(&location, oldest.id).unwrap().unwrap();
        assert_eq!(shown.record.delivery_id.as_deref(), Some("ord_1"));
        assert_eq!(shown.record.body, r#"{"id":"ord_1"}"#);
        let headers: serde_json::Value =
            serde_json::from_str(shown.record.headers.as_deref().unwrap()).unwrap();
        assert_eq!(
            headers,
            serde_json::json!({"content-type": "application/json", "x-id": "ord_1"}),
            "{location}"
        );
        let counted = !matches!(location, Location::Jsonl(_));
        let expected = counted.then_some(2);
        assert_eq!(shown.duplicates, expected, "{location}");
        assert_eq!(oldest.duplicates, expected, "{location}");
        assert_eq!(one(&location, 1_000_000).unwrap(), None, "{location}");

        // Counted by hour, schema and verdict: all of them since a day ago, none since later.
        let day_ago = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now())
            - chrono::Duration::days(1);
        let since = day_ago.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let counted = counts(&location, &since).unwrap();
        let tally = |schema: &str, valid: bool| -> u64 {
            counted
                .iter()
                .filter(|c| c.schema.as_deref() == Some(schema) && c.valid == valid)
                .map(|c| c.deliveries)
                .sum()
        };
        assert_eq!(tally("acme/order", true), 2, "{location}: {counted:?}");
        assert_eq!(tally("acme/refund", false), 1, "{location}");
        assert_eq!(tally("kite/run", true), 1, "{location}");
        assert_eq!(tally("kite/run", false), 1, "{location}");
        let hour = &shown.record.received_at[..13];
        assert!(
            counted
                .iter()
                .all(|c| c.hour.as_str() >= &since[..13] && c.hour.len() == hour.len())
        );
        let later = (chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now())
            + chrono::Duration::hours(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        assert_eq!(counts(&location, &later).unwrap(), [], "{location}");
    }
}

/// Retries that arrive together, in one commit's group, are counted as retries stored before
/// are.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_in_one_group_are_counted_too() {
    let dir = tempfile::tempdir().unwrap();
    for location in locations(dir.path()) {
        if matches!(location, Location::Jsonl(_)) {
            continue;
        }
        let store = std::sync::Arc::new(Store::open(&location, Options::default()).unwrap());
        let mut together = tokio::task::JoinSet::new();
        for _ in 0..32 {
            let store = std::sync::Arc::clone(&store);
            together
                .spawn(async move { store.put(record("acme", "acme/order", "ord_9", &[])).await });
        }
        together.join_all().await;
        let stored = page(&location, &Filter::default(), 10).unwrap();
        assert_eq!(stored.len(), 1, "{location}");
        assert_eq!(stored[0].duplicates, Some(31), "{location}");
    }
}
