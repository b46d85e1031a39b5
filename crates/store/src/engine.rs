//! What every engine (SQLite, PostgreSQL, JSON lines) does for the store, which commits in
//! groups on top of it, and what storing one delivery comes to.

use crate::error::StoreError;
use crate::record::Record;

/// What storing a delivery came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// Stored now, on disk.
    New,
    /// A retry of a delivery stored before (the same vendor and key): nothing written.
    Duplicate,
}

/// An engine: stores a group of records in one commit.
pub(crate) trait Engine: Send + 'static {
    /// Stores every record of `batch`, whose keys are all different, in one commit: for each,
    /// whether it was new; all or nothing.
    fn commit(&mut self, batch: &[&Record]) -> Result<Vec<Stored>, StoreError>;

    /// Whether the store answers (a readiness probe).
    fn check(&mut self) -> Result<(), StoreError>;

    /// Adds to the stored rows' count of duplicates: each record of `retried` (stored before,
    /// or in this commit) came again this many times. Nothing for a store that keeps no count
    /// (a JSON lines file, which only appends).
    fn count_duplicates(&mut self, retried: &[(&Record, u64)]) -> Result<(), StoreError> {
        let _ = retried;
        Ok(())
    }

    /// After a commit failed: whether a write succeeds again, by a write that stores no
    /// delivery (a full disk lets a read succeed but not a write). By default, a check.
    fn probe(&mut self) -> Result<(), StoreError> {
        self.check()
    }

    /// Opens the file again, for log rotation; nothing for a database.
    fn reopen(&mut self) -> Result<(), StoreError> {
        Ok(())
    }

    /// Whether a commit may run on the thread of the request that waits for it, an async
    /// worker, while commits are quick: not for an engine whose calls must stay off async
    /// runtimes, or which may block for as long as its reader pleases.
    fn inline(&self) -> bool {
        true
    }
}
