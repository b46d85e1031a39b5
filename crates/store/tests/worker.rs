//! The manual's worker pattern for PostgreSQL (docs/src/stores.md), run as written against the real server: two
//! workers at once each take rows the other does not, with `FOR UPDATE SKIP LOCKED`, and mark
//! them in `processed_at`; together they take every delivery, once.

use hookschema_store::{Location, Options, Record, Store};

/// The statements of the stores chapter's `sql` block, comments left out.
fn readme_statements() -> Vec<String> {
    let readme = hookschema_fixtures::repository_root().join("docs/src/stores.md");
    let readme = std::fs::read_to_string(readme).unwrap();
    let (_, block) = readme
        .split_once("```sql\n")
        .expect("the stores chapter shows the worker");
    let (block, _) = block.split_once("```").unwrap();
    block
        .lines()
        .filter(|line| !line.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n")
        .split(';')
        .map(|statement| statement.trim().to_owned())
        .filter(|statement| !statement.is_empty())
        .collect()
}

#[test]
fn workers_take_each_delivery_once() {
    let Some(url) = hookschema_testkit::postgres_database() else {
        return;
    };
    let statements = readme_statements();
    assert_eq!(statements.len(), 4, "{statements:?}");
    assert_eq!(statements[0], "BEGIN");
    assert_eq!(statements[3], "COMMIT");
    let (select, update) = (statements[1].clone(), statements[2].clone());

    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let store = Store::open(&Location::Postgres(url.clone()), Options::default()).unwrap();
    runtime.block_on(async {
        for n in 0..250 {
            let body = format!(r#"{{"n": {n}}}"#);
            let record = Record::new(
                "acme",
                None,
                Some(&format!("msg_{n}")),
                body.as_bytes(),
                &[0u8; 0],
            );
            store.put(record.unwrap()).await.unwrap();
        }
        store.close().await;
    });

    // Two workers, each taking batches until none is left, at once.
    let taken: Vec<Vec<i64>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
                    let mut mine = Vec::new();
                    loop {
                        let mut transaction = client.transaction().unwrap();
                        let rows = transaction.query(select.as_str(), &[]).unwrap();
                        let ids: Vec<i64> = rows.iter().map(|row| row.get(0)).collect();
                        if ids.is_empty() {
                            break;
                        }
                        transaction.execute(update.as_str(), &[&ids]).unwrap();
                        transaction.commit().unwrap();
                        mine.extend(ids);
                    }
                    mine
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let mut all: Vec<i64> = taken.concat();
    all.sort_unstable();
    let before = all.len();
    all.dedup();
    assert_eq!(before, all.len(), "a delivery taken twice");
    assert_eq!(all.len(), 250);
}
