//! What storing one delivery costs the request that stores it in a JSON lines store:
//! `Store::put` of a new record, committed on the spot by the request's own thread (a group of
//! one, as requests commit when the engine is free). The write's and the sync's cost depend on
//! the disk under the temporary directory: `TMPDIR=/dev/shm` leaves the store's own work (the
//! line, the dedup keys, the queue, the write and sync calls); a disk adds its fsync.
//!
//! SQLite is not here: its commits run on the store's writer thread, so one put after another
//! times two thread wake-ups more than the store; `bench/load.sh` and `bench/floor.sh` measure
//! it under a load, where commits carry groups.

use std::sync::atomic::{AtomicU64, Ordering};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use hookschema_store::{Location, Options, Record, Store};

/// A Kaizen `execution.complete`, as such a sender writes it.
const BODY: &[u8] = br#"{"type":"execution.complete","data":{"id":"exec_8f3a","status":"Completed","startTime":"2025-09-15T14:02:11Z","endTime":"2025-09-15T14:02:19Z","workflow":{"id":"wf_1","name":"Nightly sync of the accounts"},"steps":[{"name":"fetch","status":"Completed"},{"name":"transform","status":"Completed"},{"name":"load","status":"Completed"}]}}"#;

fn put(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let location: Location = format!("jsonl:{}", dir.path().join("deliveries.jsonl").display())
        .parse()
        .expect("a store location");
    let store = Store::open(&location, Options::default()).expect("the store opens");
    let next = AtomicU64::new(0);
    c.bench_function("put/jsonl", |b| {
        b.iter_batched(
            || {
                let id = format!("msg_{:012}", next.fetch_add(1, Ordering::Relaxed));
                Record::new(
                    "kaizen",
                    Some("kaizen/webhook-event"),
                    Some(&id),
                    BODY,
                    &[(); 0],
                )
                .expect("a record")
            },
            |record| runtime.block_on(store.put(record)).expect("stored"),
            BatchSize::SmallInput,
        );
    });
    runtime.block_on(store.close());
}

criterion_group!(benches, put);
criterion_main!(benches);
