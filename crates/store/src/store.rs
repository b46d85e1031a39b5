//! The store, committing in groups: a record waits in one queue, and whoever holds the engine
//! commits every record waiting in one transaction, or one fsync. The more deliveries arrive at
//! once, the more each commit carries, so throughput grows with concurrency while every
//! acknowledgement still waits for the disk.
//!
//! Who commits depends on how long a commit takes. While commits are quick (a disk with a
//! write cache, a tmpfs), the request that finds the engine free commits, on its own thread:
//! handing each record to another thread and being woken back cost more than the write did
//! (two cross-thread wakes per commit, about 5 µs a request on two cores). Once a commit takes
//! longer than [`INLINE_BUDGET`], as an fsync on a plain disk does, commits move to the
//! store's writer thread, so that no async worker waits on the disk; they come back after
//! [`QUICK_STREAK`] quick commits there. An engine whose commits gain from larger groups more
//! than the hand-off costs (SQLite's transactions), or that must never run on an async worker
//! (PostgreSQL's client drives a runtime of its own; standard output may be a pipe nobody
//! reads), always commits on the writer thread.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, TryLockError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

use crate::engine::{Engine, Stored};
use crate::error::StoreError;
use crate::location::Location;
use crate::record::Record;

/// Called after each commit with the records it carried and how long it took: for metrics.
pub type CommitObserver = Arc<dyn Fn(usize, std::time::Duration) + Send + Sync>;

/// How a store is run.
#[derive(Clone)]
pub struct Options {
    /// Bytes of records that may wait for the writer; past this, [`Store::put`] answers
    /// [`ErrorKind::Unavailable`](crate::ErrorKind::Unavailable) at once rather than queue
    /// more behind a stalled disk.
    pub max_pending_bytes: usize,
    /// Told of every commit, by the writer, after it.
    pub on_commit: Option<CommitObserver>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_pending_bytes: 64 * 1024 * 1024,
            on_commit: None,
        }
    }
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("max_pending_bytes", &self.max_pending_bytes)
            .field("on_commit", &self.on_commit.is_some())
            .finish()
    }
}

/// The engine of `location`, opened.
fn engine(location: &Location) -> Result<Box<dyn Engine>, StoreError> {
    Ok(match location {
        #[cfg(feature = "sqlite")]
        Location::Sqlite(path) => Box::new(crate::sqlite::Sqlite::open(path)?),
        #[cfg(feature = "postgres")]
        Location::Postgres(url) => Box::new(crate::postgres::Postgres::open(url)?),
        Location::Jsonl(path) => Box::new(crate::jsonl::Jsonl::open(path.as_deref())?),
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

/// The longest a commit may take on an async worker: longer, and commits move to the writer
/// thread. About what validating a body of the largest size checked inline takes.
pub(crate) const INLINE_BUDGET: Duration = Duration::from_micros(500);

/// Commits in a row within [`INLINE_BUDGET`] on the writer thread after which requests commit
/// again themselves.
pub(crate) const QUICK_STREAK: u32 = 32;

/// Commits a request makes for the records waiting before it leaves the rest to the writer: a
/// request answers its sender, it does not write for everybody else for long.
const MAX_ROUNDS: usize = 4;

/// A record to store, the room it holds among those waiting (given back once it is written),
/// and where to say what came of it.
struct Waiting {
    record: Record,
    room: OwnedSemaphorePermit,
    done: oneshot::Sender<Result<Stored, StoreError>>,
}

/// What else the writer does, in its turn after the commits waiting.
enum WriterTask {
    Check(oneshot::Sender<Result<(), StoreError>>),
    Reopen(oneshot::Sender<Result<(), StoreError>>),
    Stop(oneshot::Sender<()>),
}

/// A store of deliveries. Cheap to share; the writer runs until [`Store::close`], or until the
/// store is dropped.
pub struct Store {
    location: Location,
    shared: Arc<Shared>,
    /// Room, in bytes, for records waiting to be written.
    pending: Arc<Semaphore>,
    max_pending: usize,
    writer: Mutex<Option<JoinHandle<()>>>,
}

/// What the store's users and its writer share.
struct Shared {
    queue: Mutex<Queue>,
    /// The writer waits on this for something to do.
    wake: Condvar,
    committer: Mutex<Committer>,
    /// Whether requests commit themselves when the engine is free, rather than call the writer.
    inline: AtomicBool,
    /// Whether the last commit (or probe) succeeded: after one that failed, the store is not
    /// ready until a write succeeds again.
    writing: AtomicBool,
    counts: Counts,
    on_commit: Option<CommitObserver>,
}

/// What waits for the engine.
#[derive(Default)]
struct Queue {
    puts: Vec<Waiting>,
    tasks: Vec<WriterTask>,
    /// The writer has something to do.
    called: bool,
    /// The writer waits on [`Shared::wake`]: calling it takes a notification.
    idle: bool,
    /// No more puts are taken.
    closing: bool,
}

/// The engine, and what it has shown of its speed.
struct Committer {
    engine: Box<dyn Engine>,
    /// Quick commits in a row on the writer thread.
    quick: u32,
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
    /// starts its writer. The engine is opened on a thread of its own: a synchronous driver
    /// never runs on (or blocks) the caller's async runtime.
    pub fn open(location: &Location, options: Options) -> Result<Store, StoreError> {
        let opened = std::thread::scope(|scope| {
            scope
                .spawn(|| engine(location))
                .join()
                .unwrap_or_else(|_| Err(StoreError::failed("opening the store panicked")))
        })?;
        Store::with_engine(location.clone(), opened, options)
    }

    /// A store committing with `engine`, and its writer started.
    fn with_engine(
        location: Location,
        engine: Box<dyn Engine>,
        options: Options,
    ) -> Result<Store, StoreError> {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            wake: Condvar::new(),
            inline: AtomicBool::new(engine.inline()),
            writing: AtomicBool::new(true),
            committer: Mutex::new(Committer { engine, quick: 0 }),
            counts: Counts::default(),
            on_commit: options.on_commit,
        });
        let writer_shared = Arc::clone(&shared);
        let writer = std::thread::Builder::new()
            .name(format!("hookschema-store-{}", location.kind()))
            .spawn(move || writer_shared.write())
            .map_err(|error| StoreError::failed(format!("cannot start the writer: {error}")))?;
        let max_pending = options.max_pending_bytes.clamp(1, Semaphore::MAX_PERMITS);
        Ok(Store {
            location,
            shared,
            pending: Arc::new(Semaphore::new(max_pending)),
            max_pending,
            writer: Mutex::new(Some(writer)),
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
        self.shared.put(Waiting { record, room, done })?;
        answer.await.map_err(|_| stopped())?
    }

    /// Whether the store answers now, and takes writes: after a commit that failed, not until a
    /// write succeeds again (a probe that stores nothing, or the next commit).
    pub async fn check(&self) -> Result<(), StoreError> {
        let (done, answer) = oneshot::channel();
        self.shared.queue_task(WriterTask::Check(done))?;
        answer.await.map_err(|_| stopped())?
    }

    /// Opens a file store's file again (after log rotation moved it); nothing for a database.
    pub async fn reopen(&self) -> Result<(), StoreError> {
        let (done, answer) = oneshot::channel();
        self.shared.queue_task(WriterTask::Reopen(done))?;
        answer.await.map_err(|_| stopped())?
    }

    /// Writes what is waiting, stops the writer and returns what it did.
    pub async fn close(&self) -> Stats {
        let (done, answer) = oneshot::channel();
        if self.shared.queue_task(WriterTask::Stop(done)).is_ok() {
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
        let counts = &self.shared.counts;
        Stats {
            commits: load(&counts.commits),
            stored: load(&counts.stored),
            duplicates: load(&counts.duplicates),
            failed: load(&counts.failed),
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

/// A store dropped without [`Store::close`] still writes what waits, then its writer stops.
impl Drop for Store {
    fn drop(&mut self) {
        let mut queue = self.shared.queue();
        queue.closing = true;
        self.shared.wake_writer(&mut queue);
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

impl Shared {
    /// The queue. A thread that panicked holding it left it whole: every change to it is one
    /// push or one take.
    fn queue(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Tells the writer there is something to do.
    fn wake_writer(&self, queue: &mut Queue) {
        queue.called = true;
        if queue.idle {
            self.wake.notify_one();
        }
    }

    /// Queues `put`, and commits it here if requests commit themselves now.
    fn put(&self, put: Waiting) -> Result<(), StoreError> {
        let inline = self.inline.load(Ordering::Relaxed);
        {
            let mut queue = self.queue();
            if queue.closing {
                return Err(stopped());
            }
            queue.puts.push(put);
            if !inline {
                self.wake_writer(&mut queue);
                return Ok(());
            }
        }
        self.commit_as_request();
        Ok(())
    }

    /// Queues `task` for the writer.
    fn queue_task(&self, task: WriterTask) -> Result<(), StoreError> {
        let mut queue = self.queue();
        if queue.closing {
            return Err(stopped());
        }
        if matches!(task, WriterTask::Stop(_)) {
            queue.closing = true;
        }
        queue.tasks.push(task);
        self.wake_writer(&mut queue);
        Ok(())
    }

    /// A request's commits: when the engine is free, every record waiting, for a few rounds;
    /// when another holds it, nothing, for whoever releases the engine looks at the queue
    /// afterwards (a record queued while it committed found the engine held). What is still
    /// waiting after the rounds is the writer's.
    fn commit_as_request(&self) {
        for _ in 0..MAX_ROUNDS {
            match self.committer.try_lock() {
                Ok(mut committer) => self.commit_waiting(&mut committer, true),
                Err(TryLockError::WouldBlock) => return,
                Err(TryLockError::Poisoned(_)) => return self.lose_engine(),
            };
            let mut queue = self.queue();
            if queue.puts.is_empty() {
                return;
            }
            if !self.inline.load(Ordering::Relaxed) {
                return self.wake_writer(&mut queue);
            }
        }
        let mut queue = self.queue();
        if !queue.puts.is_empty() {
            self.wake_writer(&mut queue);
        }
    }

    /// Commits the records waiting now, if there are any (whether there were).
    fn commit_waiting(&self, committer: &mut Committer, inline: bool) -> bool {
        let mut puts = std::mem::take(&mut self.queue().puts);
        if puts.is_empty() {
            return false;
        }
        while !puts.is_empty() {
            let rest = puts.split_off(puts.len().min(MAX_BATCH));
            let took = commit(committer.engine.as_mut(), puts, self);
            self.choose_committer(committer, took, inline);
            puts = rest;
        }
        true
    }

    /// Moves commits to the writer after one too slow for an async worker, and back after a
    /// streak of quick ones.
    fn choose_committer(&self, committer: &mut Committer, took: Duration, inline: bool) {
        if took > INLINE_BUDGET {
            committer.quick = 0;
            if self.inline.swap(false, Ordering::Relaxed) {
                tracing::debug!(
                    took = ?took,
                    "a commit took longer than {INLINE_BUDGET:?}: committing on the writer thread"
                );
            }
        } else if !inline && committer.engine.inline() && !self.inline.load(Ordering::Relaxed) {
            committer.quick += 1;
            if committer.quick >= QUICK_STREAK {
                committer.quick = 0;
                self.inline.store(true, Ordering::Relaxed);
                tracing::debug!("commits are quick again: requests commit themselves");
            }
        }
    }

    /// The engine is lost (a commit panicked, on a request's thread or the writer's): the store
    /// stops, every record and task waiting is answered that it has, and so is everything
    /// that comes, at once; the writer is called to let go of the engine on its thread.
    fn lose_engine(&self) {
        let (puts, tasks) = {
            let mut queue = self.queue();
            queue.closing = true;
            self.wake_writer(&mut queue);
            (
                std::mem::take(&mut queue.puts),
                std::mem::take(&mut queue.tasks),
            )
        };
        for put in puts {
            let _ = put.done.send(Err(stopped()));
        }
        for task in tasks {
            task.refuse();
        }
    }

    /// Puts the engine away (a stopped one in its place), and drops it on this thread, the
    /// writer's: a synchronous driver's runtime must not be dropped on an async worker.
    fn close_engine(&self) {
        let mut committer = self
            .committer
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let engine = std::mem::replace(&mut committer.engine, Box::new(Closed));
        drop(committer);
        drop(engine);
    }

    /// The writer: commits what it is called for, then runs the tasks; stops once asked, after
    /// the records and tasks waiting, and closes the engine on its own thread.
    fn write(&self) {
        // A panic in a commit or a task stops the store instead of leaving its callers waiting.
        struct Lost<'a>(&'a Shared);
        impl Drop for Lost<'_> {
            fn drop(&mut self) {
                if std::thread::panicking() {
                    self.0.lose_engine();
                    self.0.close_engine();
                }
            }
        }
        let _lost = Lost(self);
        let mut stop = None;
        loop {
            let tasks = {
                let mut queue = self.queue();
                while !queue.called {
                    queue.idle = true;
                    queue = self
                        .wake
                        .wait(queue)
                        .unwrap_or_else(PoisonError::into_inner);
                    queue.idle = false;
                }
                queue.called = false;
                std::mem::take(&mut queue.tasks)
            };
            let Ok(mut committer) = self.committer.lock() else {
                for task in tasks {
                    task.refuse();
                }
                self.lose_engine();
                return self.close_engine();
            };
            while self.commit_waiting(&mut committer, false) {}
            for task in tasks {
                match task {
                    WriterTask::Check(done) => drop(done.send(self.check(&mut committer))),
                    WriterTask::Reopen(done) => drop(done.send(committer.engine.reopen())),
                    WriterTask::Stop(done) => stop = Some(done),
                }
            }
            drop(committer);
            let mut queue = self.queue();
            // Closing, with nothing left (no put or task is queued once it is): the end.
            if queue.closing && queue.puts.is_empty() && queue.tasks.is_empty() {
                drop(queue);
                self.close_engine();
                if let Some(done) = stop {
                    let _ = done.send(());
                }
                return;
            }
            // A record queued while the writer held the engine found it held, and a task or a
            // stop may have come meanwhile: the writer's, in another round.
            if !queue.puts.is_empty() || !queue.tasks.is_empty() || queue.closing {
                queue.called = true;
            }
        }
    }
}

impl Shared {
    /// Whether the engine answers; after a failed commit, whether a write succeeds again.
    fn check(&self, committer: &mut Committer) -> Result<(), StoreError> {
        if self.writing.load(Ordering::Relaxed) {
            return committer.engine.check();
        }
        committer.engine.probe().map_err(|error| {
            StoreError::unavailable(format!("a commit failed, and a write still does: {error}"))
        })?;
        self.wrote(true);
        Ok(())
    }

    /// Notes whether a write succeeded, saying so when that changes.
    fn wrote(&self, succeeded: bool) {
        if self.writing.swap(succeeded, Ordering::Relaxed) != succeeded {
            if succeeded {
                tracing::info!("writes succeed again: ready");
            } else {
                tracing::warn!("a commit failed: not ready until a write succeeds");
            }
        }
    }
}

impl WriterTask {
    /// Answers that the store has stopped.
    fn refuse(self) {
        match self {
            WriterTask::Check(done) | WriterTask::Reopen(done) => drop(done.send(Err(stopped()))),
            WriterTask::Stop(done) => drop(done.send(())),
        }
    }
}

/// The engine of a store that has stopped.
struct Closed;

impl Engine for Closed {
    fn commit(&mut self, _: &[&Record]) -> Result<Vec<Stored>, StoreError> {
        Err(stopped())
    }

    fn check(&mut self) -> Result<(), StoreError> {
        Err(stopped())
    }
}

/// One commit of `puts`, and how long it took. A key met twice in the group is written once:
/// the others are its duplicates, whatever the first comes to.
fn commit(engine: &mut dyn Engine, puts: Vec<Waiting>, shared: &Shared) -> Duration {
    let counts = &shared.counts;
    let started = Instant::now();
    let (slots, outcome, took) = {
        // A group of one, the usual one when requests commit themselves, has nothing to look up.
        let mut first_of: HashMap<(&str, &str), usize> = HashMap::new();
        let mut unique: Vec<&Record> = Vec::with_capacity(puts.len());
        let mut slots: Vec<(usize, bool)> = Vec::with_capacity(puts.len());
        for Waiting { record, .. } in &puts {
            if puts.len() > 1 {
                let key = (record.vendor.as_str(), record.dedup_key.as_str());
                match first_of.entry(key) {
                    Entry::Occupied(first) => {
                        slots.push((*first.get(), true));
                        continue;
                    }
                    Entry::Vacant(first) => {
                        first.insert(unique.len());
                    }
                }
            }
            slots.push((unique.len(), false));
            unique.push(record);
        }
        let outcome = engine.commit(&unique);
        if let Ok(results) = &outcome {
            count_duplicates(engine, &unique, results, &slots);
        }
        let took = started.elapsed();
        if let Some(on_commit) = &shared.on_commit {
            on_commit(unique.len(), took);
        }
        (slots, outcome, took)
    };
    counts.commits.fetch_add(1, Ordering::Relaxed);
    // A commit of retries only may have written nothing: it says nothing of the disk.
    match &outcome {
        Ok(results) if results.contains(&Stored::New) => shared.wrote(true),
        Ok(_) => {}
        Err(_) => shared.wrote(false),
    }
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
    for (Waiting { room, done, .. }, (at, repeated)) in puts.into_iter().zip(slots) {
        let answer = match &outcome {
            Ok(_) if repeated => Ok(Stored::Duplicate),
            Ok(results) => Ok(results[at]),
            Err(error) => Err(error.clone()),
        };
        drop(room);
        // The caller may have stopped waiting; the outcome stands either way.
        let _ = done.send(answer);
    }
    took
}

/// Tells the engine how often each record of a commit came again: once for a retry of a row
/// stored before, and once for each repeat of its key in the group. The count is for people
/// looking at deliveries; failing to write it fails no delivery, and is logged.
fn count_duplicates(
    engine: &mut dyn Engine,
    unique: &[&Record],
    results: &[Stored],
    slots: &[(usize, bool)],
) {
    let mut again: Vec<u64> = results
        .iter()
        .map(|stored| u64::from(*stored == Stored::Duplicate))
        .collect();
    for &(at, repeated) in slots {
        if repeated {
            again[at] += 1;
        }
    }
    let retried: Vec<(&Record, u64)> = unique
        .iter()
        .zip(again)
        .filter(|(_, again)| *again > 0)
        .map(|(record, again)| (*record, again))
        .collect();
    if retried.is_empty() {
        return;
    }
    if let Err(error) = engine.count_duplicates(&retried) {
        tracing::warn!(%error, "cannot count duplicates");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU64;

    /// Each commit's size, and the name of the thread that made it.
    type Commits = Arc<Mutex<Vec<(usize, Option<String>)>>>;

    /// An engine that keeps keys in memory: the grouping and the pacing, without a disk. Each
    /// commit takes `delay` microseconds, and notes its size and the thread it ran on.
    #[derive(Default)]
    struct Counting {
        keys: std::collections::HashSet<String>,
        commits: Commits,
        delay: Arc<AtomicU64>,
        /// Held by a test to keep a commit from ending.
        hold: Arc<Mutex<()>>,
        /// A key whose commit panics.
        panics_on: Option<&'static str>,
        inline: bool,
    }

    impl Engine for Counting {
        fn commit(&mut self, batch: &[&Record]) -> Result<Vec<Stored>, StoreError> {
            std::thread::sleep(Duration::from_micros(self.delay.load(Ordering::Relaxed)));
            drop(self.hold.lock());
            if batch
                .iter()
                .any(|r| Some(r.dedup_key.as_str()) == self.panics_on)
            {
                panic!("a commit that panics");
            }
            let thread = std::thread::current().name().map(str::to_owned);
            self.commits.lock().unwrap().push((batch.len(), thread));
            Ok(batch
                .iter()
                .map(|r| match self.keys.insert(r.dedup_key.clone()) {
                    true => Stored::New,
                    false => Stored::Duplicate,
                })
                .collect())
        }

        fn check(&mut self) -> Result<(), StoreError> {
            drop(self.hold.lock());
            Ok(())
        }

        fn inline(&self) -> bool {
            self.inline
        }
    }

    fn store(engine: Counting) -> Store {
        let location = Location::Jsonl(None);
        Store::with_engine(location, Box::new(engine), Options::default()).unwrap()
    }

    fn record(key: &str) -> Record {
        Record::new("v", None, Some(key), b"{}", &[0u8; 0]).unwrap()
    }

    /// Every record waiting when the engine is free goes into one commit, a key repeated in it
    /// written once, and the room it held is given back.
    #[test]
    fn what_waits_is_committed_together() {
        let engine = Counting::default();
        let commits = Arc::clone(&engine.commits);
        let store = store(engine);
        let mut answers = Vec::new();
        for n in 0..10 {
            let room = Arc::clone(&store.pending).try_acquire_owned().unwrap();
            let (done, answer) = oneshot::channel();
            let record = record(&format!("id_{}", n % 7));
            store
                .shared
                .queue()
                .puts
                .push(Waiting { record, room, done });
            answers.push(answer);
        }
        store.shared.commit_as_request();
        let sizes: Vec<usize> = commits.lock().unwrap().iter().map(|c| c.0).collect();
        assert_eq!(sizes, [7], "one commit, each key once");
        let outcomes: Vec<Stored> = answers
            .into_iter()
            .map(|mut a| a.try_recv().unwrap().unwrap())
            .collect();
        let new = outcomes.iter().filter(|o| **o == Stored::New).count();
        assert_eq!(new, 7, "{outcomes:?}");
        assert_eq!(store.stats().commits, 1);
        assert_eq!(
            store.pending.available_permits(),
            store.max_pending,
            "the room is given back"
        );
    }

    /// Where each of `count` puts was committed: on the writer thread or not.
    fn on_writer(store: &Store, commits: &Commits, count: usize) -> Vec<bool> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let first = commits.lock().unwrap().len();
        for n in 0..count {
            let key = format!("k{first}_{n}");
            assert_eq!(runtime.block_on(store.put(record(&key))), Ok(Stored::New));
        }
        commits.lock().unwrap()[first..]
            .iter()
            .map(|(_, thread)| thread.as_deref() == Some("hookschema-store-jsonl"))
            .collect()
    }

    /// Quick commits are made by the request itself; one slower than the budget moves them to
    /// the writer thread, and a streak of quick ones there brings them back.
    #[test]
    fn slow_commits_move_to_the_writer_and_quick_ones_come_back() {
        let engine = Counting {
            inline: true,
            ..Counting::default()
        };
        let (commits, delay) = (Arc::clone(&engine.commits), Arc::clone(&engine.delay));
        let store = store(engine);
        assert_eq!(
            on_writer(&store, &commits, 1),
            [false],
            "requests commit first"
        );
        // A quick commit may still overrun the budget on a loaded machine, and move commits.
        let inline = store.shared.inline.load(Ordering::Relaxed);
        delay.store(2 * INLINE_BUDGET.as_micros() as u64, Ordering::Relaxed);
        assert_eq!(
            on_writer(&store, &commits, 3),
            [!inline, true, true],
            "the first slow commit is the request's, the next the writer's"
        );
        delay.store(0, Ordering::Relaxed);
        // An overrun restarts the streak, so the way back is looked for over many commits.
        let placed = on_writer(&store, &commits, 50 * QUICK_STREAK as usize);
        let back = placed.iter().position(|writer| !writer);
        assert!(
            back.is_some_and(|at| at >= QUICK_STREAK as usize),
            "back after a streak of quick commits: {back:?}"
        );
    }

    /// An engine that must not run on an async worker always commits on the writer thread.
    #[test]
    fn an_engine_kept_off_async_workers_commits_on_the_writer() {
        let engine = Counting::default();
        let commits = Arc::clone(&engine.commits);
        let store = store(engine);
        assert_eq!(on_writer(&store, &commits, 40), [true; 40]);
    }

    /// Records queued at once by many requests on several workers are all answered: one that
    /// finds the engine held is committed by whoever releases it. Commits take a while, so
    /// that records come while the engine is held.
    #[test]
    fn every_record_is_answered_when_requests_race() {
        let engine = Counting {
            inline: true,
            delay: Arc::new(AtomicU64::new(20)),
            ..Counting::default()
        };
        let store = Arc::new(store(engine));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(4)
            .build()
            .unwrap();
        let outcomes = runtime.block_on(async {
            let mut puts = tokio::task::JoinSet::new();
            for n in 0..2000 {
                let store = Arc::clone(&store);
                puts.spawn(async move { store.put(record(&format!("r{}", n % 1500))).await });
            }
            puts.join_all().await
        });
        let new = outcomes.iter().filter(|o| **o == Ok(Stored::New)).count();
        let duplicates = outcomes
            .iter()
            .filter(|o| **o == Ok(Stored::Duplicate))
            .count();
        assert_eq!((new, duplicates), (1500, 500));
        let stats = runtime.block_on(store.close());
        assert_eq!((stats.stored, stats.duplicates), (1500, 500));
    }

    /// A record queued while the engine is held (by a request's commit, by the writer's check)
    /// finds it held and leaves the record: whoever holds it commits the record once done.
    #[test]
    fn a_record_left_while_the_engine_is_held_is_committed() {
        for by_writer in [false, true] {
            let engine = Counting {
                inline: true,
                ..Counting::default()
            };
            let hold = Arc::clone(&engine.hold);
            let store = Arc::new(store(engine));
            let put = |key: &str| {
                let room = Arc::clone(&store.pending).try_acquire_owned().unwrap();
                let (done, answer) = oneshot::channel();
                (
                    Waiting {
                        record: record(key),
                        room,
                        done,
                    },
                    answer,
                )
            };
            let held = hold.lock().unwrap();
            let (mut checked, mut leader) = (None, None);
            if by_writer {
                let (done, answer) = oneshot::channel();
                store.shared.queue_task(WriterTask::Check(done)).unwrap();
                checked = Some(answer);
                // The writer has taken the task and waits in the check, holding the engine.
                while store.shared.committer.try_lock().is_ok() {
                    std::thread::yield_now();
                }
            } else {
                store.shared.queue().puts.push(put("first").0);
                let leading = Arc::clone(&store);
                leader = Some(std::thread::spawn(move || {
                    leading.shared.commit_as_request()
                }));
                // The leader has taken the first record and waits in its commit.
                while !store.shared.queue().puts.is_empty() {
                    std::thread::yield_now();
                }
            }
            let (second, mut answer) = put("second");
            store.shared.put(second).unwrap();
            drop(held);
            let started = Instant::now();
            let outcome = loop {
                match answer.try_recv() {
                    Ok(outcome) => break outcome,
                    Err(_) if started.elapsed() < Duration::from_secs(10) => {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    Err(error) => panic!("by the writer: {by_writer}: never answered: {error}"),
                }
            };
            assert_eq!(outcome, Ok(Stored::New), "by the writer: {by_writer}");
            if let Some(leader) = leader {
                leader.join().unwrap();
            }
            if let Some(mut checked) = checked {
                assert_eq!(checked.try_recv(), Ok(Ok(())));
            }
        }
    }

    /// A store closed while its writer commits waits for the commit, then stops; and so does
    /// one whose close comes while a check waits.
    #[test]
    fn closing_during_a_commit_ends() {
        let engine = Counting::default();
        let hold = Arc::clone(&engine.hold);
        let store = Arc::new(store(engine));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_time()
            .build()
            .unwrap();
        let held = hold.lock().unwrap();
        let put = runtime.spawn({
            let store = Arc::clone(&store);
            async move { store.put(record("a")).await }
        });
        // The writer has taken the record and waits in its commit.
        while store.shared.committer.try_lock().is_ok() {
            std::thread::yield_now();
        }
        let closing = runtime.spawn({
            let store = Arc::clone(&store);
            async move { store.close().await }
        });
        while !store.shared.queue().closing {
            std::thread::yield_now();
        }
        drop(held);
        let ends = async {
            let within = Duration::from_secs(10);
            let stats = tokio::time::timeout(within, closing).await;
            (tokio::time::timeout(within, put).await, stats)
        };
        let (put, stats) = runtime.block_on(ends);
        assert_eq!(put.expect("the put ends").unwrap(), Ok(Stored::New));
        assert_eq!(stats.expect("close ends").unwrap().stored, 1);
    }

    /// A commit that panics stops the store: its records are refused, and so is what comes,
    /// at once; a check says so and close returns. Whether a request or the writer committed.
    #[test]
    fn a_commit_that_panics_stops_the_store() {
        for inline in [false, true] {
            let engine = Counting {
                inline,
                panics_on: Some("boom"),
                ..Counting::default()
            };
            let store = store(engine);
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_time()
                .build()
                .unwrap();
            let within = Duration::from_secs(10);
            runtime.block_on(async {
                assert_eq!(store.put(record("fine")).await, Ok(Stored::New));
                // A request that commits itself panics with the engine; it runs in a task.
                let store = Arc::new(store);
                let boom = tokio::spawn({
                    let store = Arc::clone(&store);
                    async move { store.put(record("boom")).await }
                });
                let boom = tokio::time::timeout(within, boom).await.expect("answered");
                match boom {
                    Ok(outcome) => assert_eq!(outcome, Err(stopped()), "inline: {inline}"),
                    Err(error) => assert!(inline && error.is_panic(), "{error}"),
                }
                let after = tokio::time::timeout(within, store.put(record("after"))).await;
                assert_eq!(after, Ok(Err(stopped())), "inline: {inline}");
                let checked = tokio::time::timeout(within, store.check()).await;
                assert_eq!(checked, Ok(Err(stopped())), "inline: {inline}");
                tokio::time::timeout(within, store.close())
                    .await
                    .expect("close returns");
            });
        }
    }

    /// Closing writes what waits, then refuses what comes; checks and reopens reach the engine.
    #[test]
    fn close_writes_what_waits_then_refuses() {
        let engine = Counting::default();
        let store = store(engine);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(async {
            assert_eq!(store.check().await, Ok(()));
            assert_eq!(store.reopen().await, Ok(()));
            let (put, stats) = tokio::join!(store.put(record("a")), store.close());
            assert_eq!(put, Ok(Stored::New));
            assert_eq!(stats.stored, 1);
            assert_eq!(store.put(record("b")).await, Err(stopped()));
            assert_eq!(store.check().await, Err(stopped()));
        });
    }

    /// A [`Counting`] engine whose disk is full while its flag is up: commits and probes
    /// fail, reads work.
    struct Full {
        full: Arc<AtomicBool>,
        counting: Counting,
        probes: Arc<AtomicU64>,
    }

    impl Engine for Full {
        fn commit(&mut self, batch: &[&Record]) -> Result<Vec<Stored>, StoreError> {
            if self.full.load(Ordering::Relaxed) {
                return Err(StoreError::failed("no space left"));
            }
            self.counting.commit(batch)
        }

        fn check(&mut self) -> Result<(), StoreError> {
            Ok(())
        }

        fn probe(&mut self) -> Result<(), StoreError> {
            self.probes.fetch_add(1, Ordering::Relaxed);
            self.commit(&[]).map(drop)
        }
    }

    /// After a failed commit the store is not ready, though it answers, until a probe's write
    /// succeeds; a commit of retries only, which writes nothing, does not make it ready.
    #[tokio::test]
    async fn a_failed_commit_makes_it_unready_until_a_write_succeeds() {
        let full = Arc::new(AtomicBool::new(false));
        let probes = Arc::new(AtomicU64::new(0));
        let engine = Full {
            full: Arc::clone(&full),
            counting: Counting::default(),
            probes: Arc::clone(&probes),
        };
        let store = Store::with_engine(Location::Jsonl(None), Box::new(engine), Options::default())
            .unwrap();
        assert_eq!(store.put(record("a")).await, Ok(Stored::New));
        store.check().await.unwrap();
        assert_eq!(
            probes.load(Ordering::Relaxed),
            0,
            "no probe while writes succeed"
        );
        full.store(true, Ordering::Relaxed);
        assert!(store.put(record("b")).await.is_err());
        let unready = store.check().await.unwrap_err();
        assert!(unready.message.contains("no space left"), "{unready}");
        // A retry commits nothing new.
        assert_eq!(
            store.put(record("a")).await.unwrap_err().kind,
            crate::ErrorKind::Failed
        );
        full.store(false, Ordering::Relaxed);
        assert_eq!(store.put(record("a")).await, Ok(Stored::Duplicate));
        assert!(store.check().await.is_ok(), "the probe's write succeeds");
        assert_eq!(probes.load(Ordering::Relaxed), 2);
        full.store(true, Ordering::Relaxed);
        assert!(store.put(record("c")).await.is_err());
        full.store(false, Ordering::Relaxed);
        assert_eq!(store.put(record("c")).await, Ok(Stored::New));
        assert!(store.check().await.is_ok(), "ready again after a commit");
        assert_eq!(probes.load(Ordering::Relaxed), 2, "no probe needed");
        store.close().await;
    }
}
