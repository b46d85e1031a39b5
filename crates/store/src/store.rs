//! The store: one writer thread per store, committing in groups. Handlers hand it their record
//! and wait for the commit that covers it; the writer takes every record waiting when it is
//! free, and one transaction, or one fsync, covers them all: the more deliveries arrive at
//! once, the more each commit carries, so throughput grows with concurrency while every
//! acknowledgement still waits for the disk.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;

use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, oneshot};

use crate::error::StoreError;
use crate::location::Location;
use crate::record::Record;

/// What storing a delivery came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// Stored now, on disk.
    New,
    /// A retry of a delivery stored before (the same vendor and key): nothing written.
    Duplicate,
}

/// Called after each commit with the records it carried and how long it took: for metrics.
pub type CommitObserver = Arc<dyn Fn(usize, std::time::Duration) + Send + Sync>;

/// How a store is run.
#[derive(Clone)]
pub struct Options {
    /// Bytes of records that may wait for the writer; past this, [`Store::put`] answers
    /// [`ErrorKind::Unavailable`](crate::ErrorKind::Unavailable) at once rather than queue
    /// more behind a stalled disk.
    pub max_pending_bytes: usize,
    /// For JSON lines, which have no index: how many recent keys are remembered (and read back
    /// from the file's tail at start) to write a retry once.
    pub remember: usize,
    /// Told of every commit, by the writer, after it.
    pub on_commit: Option<CommitObserver>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_pending_bytes: 64 * 1024 * 1024,
            remember: 10_000,
            on_commit: None,
        }
    }
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("max_pending_bytes", &self.max_pending_bytes)
            .field("remember", &self.remember)
            .field("on_commit", &self.on_commit.is_some())
            .finish()
    }
}

/// An engine: stores a group of records in one commit.
pub(crate) trait Engine: Send + 'static {
    /// Stores every record of `batch`, whose keys are all different, in one commit: for each,
    /// whether it was new; all or nothing.
    fn commit(&mut self, batch: &[&Record]) -> Result<Vec<Stored>, StoreError>;

    /// Whether the store answers (a readiness probe).
    fn check(&mut self) -> Result<(), StoreError>;

    /// Opens the file again, for log rotation; nothing for a database.
    fn reopen(&mut self) -> Result<(), StoreError> {
        Ok(())
    }
}

/// The engine of `location`, opened.
fn engine(location: &Location, options: &Options) -> Result<Box<dyn Engine>, StoreError> {
    Ok(match location {
        #[cfg(feature = "sqlite")]
        Location::Sqlite(path) => Box::new(crate::sqlite::Sqlite::open(path)?),
        #[cfg(feature = "postgres")]
        Location::Postgres(url) => Box::new(crate::postgres::Postgres::open(url)?),
        Location::Jsonl(path) => Box::new(crate::jsonl::Jsonl::open(
            path.as_deref(),
            options.remember,
        )?),
        #[allow(unreachable_patterns, reason = "an engine left out by its feature")]
        other => {
            return Err(StoreError::invalid(format!(
                "{} stores are not built in: enable the `{}` feature",
                other.kind(),
                other.kind()
            )));
        }
    })
}

/// The most records one commit carries.
const MAX_BATCH: usize = 4096;

/// A record to store, the room it holds among those waiting (given back once it is written),
/// and where to say what came of it.
type Put = (
    Record,
    OwnedSemaphorePermit,
    oneshot::Sender<Result<Stored, StoreError>>,
);

enum Job {
    Put(Put),
    Check(oneshot::Sender<Result<(), StoreError>>),
    Reopen(oneshot::Sender<Result<(), StoreError>>),
    Stop(oneshot::Sender<()>),
}

/// A store of deliveries. Cheap to share; the writer runs until [`Store::close`].
pub struct Store {
    location: Location,
    jobs: mpsc::UnboundedSender<Job>,
    /// Room, in bytes, for records waiting to be written.
    pending: Arc<Semaphore>,
    max_pending: usize,
    counts: Arc<Counts>,
    writer: std::sync::Mutex<Option<JoinHandle<()>>>,
}

/// What the writer has done.
#[derive(Debug, Default)]
struct Counts {
    commits: AtomicU64,
    stored: AtomicU64,
    duplicates: AtomicU64,
    failed: AtomicU64,
}

/// What a store has done since it was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// Commits made: transactions, or fsyncs.
    pub commits: u64,
    /// Deliveries stored.
    pub stored: u64,
    /// Retries recognised, and not written.
    pub duplicates: u64,
    /// Deliveries a failed commit did not store.
    pub failed: u64,
}

impl Stats {
    /// Deliveries stored per commit, on average.
    pub fn per_commit(&self) -> f64 {
        if self.commits == 0 {
            0.0
        } else {
            self.stored as f64 / self.commits as f64
        }
    }
}

impl Store {
    /// Opens the store at `location`: creates and migrates a database, or recovers a file, and
    /// starts its writer. The engine lives on the writer's thread, opened there too: a
    /// synchronous driver never runs on (or blocks) the caller's async runtime.
    pub fn open(location: &Location, options: Options) -> Result<Store, StoreError> {
        let (jobs, mut queue) = mpsc::unbounded_channel();
        let counts = Arc::new(Counts::default());
        let writer_counts = Arc::clone(&counts);
        let (opened, outcome) = std::sync::mpsc::channel();
        let to_open = location.clone();
        let max_pending = options.max_pending_bytes.clamp(1, Semaphore::MAX_PERMITS);
        let on_commit = options.on_commit.clone();
        let writer = std::thread::Builder::new()
            .name(format!("hookschema-store-{}", location.kind()))
            .spawn(move || {
                let mut engine = match engine(&to_open, &options) {
                    Ok(engine) => {
                        let _ = opened.send(Ok(()));
                        engine
                    }
                    Err(error) => {
                        let _ = opened.send(Err(error));
                        return;
                    }
                };
                let writer = Writer {
                    counts: &writer_counts,
                    on_commit: on_commit.as_ref(),
                };
                while let Some(job) = queue.blocking_recv() {
                    if !run(engine.as_mut(), job, &mut queue, &writer) {
                        break;
                    }
                }
            })
            .map_err(|error| StoreError::failed(format!("cannot start the writer: {error}")))?;
        outcome
            .recv()
            .unwrap_or_else(|_| Err(StoreError::failed("the writer stopped while opening")))?;
        Ok(Store {
            location: location.clone(),
            jobs,
            pending: Arc::new(Semaphore::new(max_pending)),
            max_pending,
            counts,
            writer: std::sync::Mutex::new(Some(writer)),
        })
    }

    /// Where it stores.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// Stores `record` and returns once the commit that covers it is on disk: a delivery is
    /// acknowledged only then. Completes even if the caller stops waiting: the record is
    /// written or refused as a whole, never left half.
    pub async fn put(&self, record: Record) -> Result<Stored, StoreError> {
        let room = self.reserve(record.body.len() + record.violations.len())?;
        let (done, answer) = oneshot::channel();
        self.jobs
            .send(Job::Put((record, room, done)))
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// Whether the store answers now.
    pub async fn check(&self) -> Result<(), StoreError> {
        let (done, answer) = oneshot::channel();
        self.jobs.send(Job::Check(done)).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// Opens a file store's file again (after log rotation moved it); nothing for a database.
    pub async fn reopen(&self) -> Result<(), StoreError> {
        let (done, answer) = oneshot::channel();
        self.jobs.send(Job::Reopen(done)).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// Writes what is waiting, stops the writer and returns what it did.
    pub async fn close(&self) -> Stats {
        let (done, answer) = oneshot::channel();
        if self.jobs.send(Job::Stop(done)).is_ok() {
            let _ = answer.await;
        }
        let writer = self.writer.lock().map(|mut w| w.take()).unwrap_or_default();
        if let Some(writer) = writer {
            let _ = writer.join();
        }
        self.stats()
    }

    /// What the store has done so far.
    pub fn stats(&self) -> Stats {
        let load = |count: &AtomicU64| count.load(Ordering::Relaxed);
        Stats {
            commits: load(&self.counts.commits),
            stored: load(&self.counts.stored),
            duplicates: load(&self.counts.duplicates),
            failed: load(&self.counts.failed),
        }
    }

    /// Room for `bytes` among the records waiting; a record larger than all the room takes it.
    fn reserve(&self, bytes: usize) -> Result<OwnedSemaphorePermit, StoreError> {
        let permits = u32::try_from(bytes.clamp(1, self.max_pending)).unwrap_or(u32::MAX);
        Arc::clone(&self.pending)
            .try_acquire_many_owned(permits)
            .map_err(|_| StoreError::unavailable("busy storing deliveries"))
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("location", &self.location)
            .finish()
    }
}

fn stopped() -> StoreError {
    StoreError::unavailable("the store has stopped")
}

/// What the writer reports to.
struct Writer<'w> {
    counts: &'w Counts,
    on_commit: Option<&'w CommitObserver>,
}

/// Runs `job`, and with a put every put waiting behind it, as one commit. `false` once asked to
/// stop.
fn run(
    engine: &mut dyn Engine,
    job: Job,
    queue: &mut mpsc::UnboundedReceiver<Job>,
    writer: &Writer<'_>,
) -> bool {
    let first = match job {
        Job::Put(put) => put,
        Job::Check(done) => {
            let _ = done.send(engine.check());
            return true;
        }
        Job::Reopen(done) => {
            let _ = done.send(engine.reopen());
            return true;
        }
        Job::Stop(done) => {
            let _ = done.send(());
            return false;
        }
    };
    let mut puts = vec![first];
    let mut after = None;
    while puts.len() < MAX_BATCH {
        match queue.try_recv() {
            Ok(Job::Put(put)) => puts.push(put),
            // Anything else waits for this commit, in its turn.
            Ok(other) => {
                after = Some(other);
                break;
            }
            Err(_) => break,
        }
    }
    commit(engine, puts, writer);
    match after {
        Some(job) => run(engine, job, queue, writer),
        None => true,
    }
}

/// One commit of `puts`. A key met twice in the group is written once: the others are its
/// duplicates, whatever the first comes to.
fn commit(engine: &mut dyn Engine, puts: Vec<Put>, writer: &Writer<'_>) {
    let counts = writer.counts;
    let started = std::time::Instant::now();
    let (slots, outcome) = {
        let mut first_of: HashMap<(&str, &str), usize> = HashMap::new();
        let mut unique: Vec<&Record> = Vec::new();
        let mut slots: Vec<(usize, bool)> = Vec::with_capacity(puts.len());
        for (record, _, _) in &puts {
            let key = (record.vendor.as_str(), record.dedup_key.as_str());
            match first_of.get(&key) {
                Some(&at) => slots.push((at, true)),
                None => {
                    first_of.insert(key, unique.len());
                    slots.push((unique.len(), false));
                    unique.push(record);
                }
            }
        }
        let outcome = engine.commit(&unique);
        if let Some(on_commit) = writer.on_commit {
            on_commit(unique.len(), started.elapsed());
        }
        (slots, outcome)
    };
    counts.commits.fetch_add(1, Ordering::Relaxed);
    match &outcome {
        Ok(results) => {
            let new = results.iter().filter(|r| **r == Stored::New).count() as u64;
            counts.stored.fetch_add(new, Ordering::Relaxed);
            let duplicates = puts.len() as u64 - new;
            counts.duplicates.fetch_add(duplicates, Ordering::Relaxed);
        }
        Err(error) => {
            tracing::error!(%error, deliveries = puts.len(), "a commit failed");
            let failed = puts.len() as u64;
            counts.failed.fetch_add(failed, Ordering::Relaxed);
        }
    }
    for ((_, room, done), (at, repeated)) in puts.into_iter().zip(slots) {
        let answer = match &outcome {
            Ok(_) if repeated => Ok(Stored::Duplicate),
            Ok(results) => Ok(results[at]),
            Err(error) => Err(error.clone()),
        };
        drop(room);
        // The caller may have stopped waiting; the outcome stands either way.
        let _ = done.send(answer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An engine that keeps keys in memory and counts its commits: the grouping alone, without
    /// a disk.
    #[derive(Default)]
    struct Counting {
        keys: std::collections::HashSet<String>,
        groups: Vec<usize>,
    }

    impl Engine for Counting {
        fn commit(&mut self, batch: &[&Record]) -> Result<Vec<Stored>, StoreError> {
            self.groups.push(batch.len());
            Ok(batch
                .iter()
                .map(|r| match self.keys.insert(r.dedup_key.clone()) {
                    true => Stored::New,
                    false => Stored::Duplicate,
                })
                .collect())
        }

        fn check(&mut self) -> Result<(), StoreError> {
            Ok(())
        }
    }

    /// Every record waiting when the writer is free goes into one commit, a key repeated in it
    /// written once; a job that is not a put waits its turn after the commit.
    #[test]
    fn what_waits_is_committed_together() {
        let (jobs, mut queue) = mpsc::unbounded_channel();
        let pending = Arc::new(Semaphore::new(1 << 20));
        let mut answers = Vec::new();
        for n in 0..10 {
            let record =
                Record::new("v", Some(&format!("id_{}", n % 7)), b"{}", &[0u8; 0]).unwrap();
            let room = Arc::clone(&pending).try_acquire_owned().unwrap();
            let (done, answer) = oneshot::channel();
            jobs.send(Job::Put((record, room, done))).unwrap();
            answers.push(answer);
        }
        let (checked, check) = oneshot::channel();
        jobs.send(Job::Check(checked)).unwrap();
        let mut engine = Counting::default();
        let counts = Counts::default();
        let first = queue.try_recv().unwrap();
        let writer = Writer {
            counts: &counts,
            on_commit: None,
        };
        assert!(run(&mut engine, first, &mut queue, &writer));
        assert_eq!(engine.groups, [7], "one commit, each key once");
        let outcomes: Vec<Stored> = answers
            .into_iter()
            .map(|mut a| a.try_recv().unwrap().unwrap())
            .collect();
        let new = outcomes.iter().filter(|o| **o == Stored::New).count();
        assert_eq!(new, 7, "{outcomes:?}");
        assert_eq!(check.blocking_recv(), Ok(Ok(())));
        assert_eq!(counts.commits.load(Ordering::Relaxed), 1);
        assert_eq!(
            pending.available_permits(),
            1 << 20,
            "the room is given back"
        );
    }
}
