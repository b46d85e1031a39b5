//! SQLite, the embedded default: one database file in WAL mode, every commit synced
//! (`synchronous = FULL`), and `UNIQUE (vendor, dedup_key)` to write a retry once, across
//! restarts.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, params};

use crate::engine::{Engine, Stored};
use crate::error::StoreError;
use crate::record::Record;

mod migrations {
    refinery::embed_migrations!("migrations/sqlite");
}

pub(crate) struct Sqlite {
    path: std::path::PathBuf,
    /// The connection, while it works. After a failed commit (a full disk, an I/O error) it is
    /// closed, and the next commit opens a new one: a connection that failed mid-transaction
    /// may not recover by itself, and a new one does once the disk has room again.
    connection: Option<Connection>,
    /// A commit failed: once writes succeed again, the WAL is checkpointed and truncated. Left
    /// as it is, it would keep the size it grew to while it could not be checkpointed, and
    /// take back the room just freed.
    truncate_wal: bool,
}

/// How long a statement waits for another process holding the database (an export reading it).
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

impl Sqlite {
    /// Opens `path`, creating it, and brings its table to the current version.
    pub(crate) fn open(path: &Path) -> Result<Sqlite, StoreError> {
        let shown = path.display();
        // SQLite would create the database 0644, and gives its `-wal` and `-shm` files the
        // database's mode: created here first, readable by its owner only, all three are.
        crate::private::options()
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|error| StoreError::failed(format!("cannot create {shown}: {error}")))?;
        let mut connection = Connection::open(path)
            .map_err(|error| StoreError::failed(format!("cannot open {shown}: {error}")))?;
        configure(&connection).map_err(|error| StoreError::failed(format!("{shown}: {error}")))?;
        migrations::migrations::runner()
            .run(&mut connection)
            .map_err(|error| StoreError::failed(format!("{shown}: migrating: {error}")))?;
        Ok(Sqlite {
            path: path.to_path_buf(),
            connection: Some(connection),
            truncate_wal: false,
        })
    }

    fn connection(&mut self) -> Result<&mut Connection, StoreError> {
        if self.connection.is_none() {
            let shown = self.path.display();
            let connection = Connection::open(&self.path)
                .map_err(|error| StoreError::failed(format!("cannot open {shown}: {error}")))?;
            configure(&connection)
                .map_err(|error| StoreError::failed(format!("{shown}: {error}")))?;
            self.connection = Some(connection);
        }
        Ok(self.connection.as_mut().expect("opened above"))
    }

    /// Notes how a write went: after a failure, the connection is let go (the next write opens
    /// another), and once writes succeed again the WAL is truncated.
    fn wrote<T>(&mut self, outcome: Result<T, StoreError>) -> Result<T, StoreError> {
        if outcome.is_err() {
            self.connection = None;
            self.truncate_wal = true;
        } else if self.truncate_wal
            && let Some(connection) = &self.connection
        {
            // (busy, frames in the WAL, frames checkpointed): busy while a reader holds an
            // older snapshot, in which case the next write tries again.
            let checkpoint = connection.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
                row.get::<_, i64>(0)
            });
            match checkpoint {
                Ok(0) => {
                    self.truncate_wal = false;
                    tracing::info!(file = %self.path.display(), "WAL checkpointed and truncated");
                }
                Ok(_) => tracing::debug!("WAL not truncated yet: a reader holds it"),
                Err(error) => tracing::warn!(%error, "cannot truncate the WAL"),
            }
        }
        outcome
    }
}

/// WAL, so that readers never block the writer; every commit synced to disk before it returns.
fn configure(connection: &Connection) -> rusqlite::Result<()> {
    connection.busy_timeout(BUSY_TIMEOUT)?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "FULL")?;
    Ok(())
}

impl Engine for Sqlite {
    fn commit(&mut self, batch: &[&Record]) -> Result<Vec<Stored>, StoreError> {
        let outcome = self
            .connection()
            .and_then(|connection| insert(connection, batch));
        self.wrote(outcome)
    }

    /// A transaction has a fixed cost (the WAL's frames, their sync, its locks) that a larger
    /// group shares: on the writer thread, records gather while it commits (2.6 a commit at 32
    /// connections on a tmpfs), while requests committing themselves commit one or two (1.3),
    /// which cost more than the hand-off saves (3 µs a request, measured).
    fn inline(&self) -> bool {
        false
    }

    fn count_duplicates(&mut self, retried: &[(&Record, u64)]) -> Result<(), StoreError> {
        let outcome = self
            .connection()
            .and_then(|connection| count(connection, retried));
        self.wrote(outcome)
    }

    fn check(&mut self) -> Result<(), StoreError> {
        self.connection()?
            .query_row("SELECT count(*) FROM deliveries WHERE 0", [], |_| Ok(()))
            .map_err(|error| StoreError::unavailable(format!("sqlite: {error}")))
    }

    /// The probe table's one row written again, with 64 KiB of room: a commit of more pages
    /// than a delivery's, which on a full disk the WAL's free frames (those of a commit rolled
    /// back) do not take.
    fn probe(&mut self) -> Result<(), StoreError> {
        let now = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()).to_rfc3339();
        let outcome = self.connection().and_then(|connection| {
            connection
                .execute(
                    "INSERT INTO probe (id, at, room) VALUES (1, ?1, zeroblob(65536)) \
                     ON CONFLICT (id) DO UPDATE SET at = excluded.at, room = excluded.room",
                    [now],
                )
                .map(drop)
                .map_err(|error| StoreError::failed(format!("sqlite: {error}")))
        });
        self.wrote(outcome)
    }
}

/// Inserts `batch` in one transaction: for each record, whether it was new, that is whether its
/// insert changed a row (a retry's `ON CONFLICT DO NOTHING` changes none). `RETURNING id` would
/// say the same through a temporary table of the returned rows, which SQLite builds for every
/// statement.
fn insert(connection: &mut Connection, batch: &[&Record]) -> Result<Vec<Stored>, StoreError> {
    let failed = |error: rusqlite::Error| StoreError::failed(format!("sqlite: {error}"));
    let transaction = connection.transaction().map_err(failed)?;
    let mut stored = Vec::with_capacity(batch.len());
    {
        let mut insert = transaction
            .prepare_cached(
                "INSERT INTO deliveries \
                 (vendor, delivery_id, dedup_key, received_at, body, violations, schema, headers) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
                 ON CONFLICT (vendor, dedup_key) DO NOTHING",
            )
            .map_err(failed)?;
        for record in batch {
            let changed = insert
                .execute(params![
                    record.vendor,
                    record.delivery_id,
                    record.dedup_key,
                    record.received_at,
                    record.body,
                    record.violations,
                    record.schema,
                    record.headers
                ])
                .map_err(failed)?;
            stored.push(if changed == 1 {
                Stored::New
            } else {
                Stored::Duplicate
            });
        }
    }
    transaction.commit().map_err(failed)?;
    Ok(stored)
}

/// Adds each record's count of retries to its row's `duplicates`, in one transaction.
fn count(connection: &mut Connection, retried: &[(&Record, u64)]) -> Result<(), StoreError> {
    let failed = |error: rusqlite::Error| StoreError::failed(format!("sqlite: {error}"));
    let transaction = connection.transaction().map_err(failed)?;
    {
        let mut update = transaction
            .prepare_cached(
                "UPDATE deliveries SET duplicates = duplicates + ?3 \
                 WHERE vendor = ?1 AND dedup_key = ?2",
            )
            .map_err(failed)?;
        for (record, again) in retried {
            let again = i64::try_from(*again).unwrap_or(i64::MAX);
            update
                .execute(params![record.vendor, record.dedup_key, again])
                .map_err(failed)?;
        }
    }
    transaction.commit().map_err(failed)
}

/// A connection that only reads, for exports while a receiver writes.
pub(crate) fn reader(path: &Path) -> Result<Connection, StoreError> {
    let connection = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|error| StoreError::failed(format!("cannot open {}: {error}", path.display())))?;
    connection
        .busy_timeout(BUSY_TIMEOUT)
        .map_err(|error| StoreError::failed(error.to_string()))?;
    Ok(connection)
}
