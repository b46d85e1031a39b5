//! Reading deliveries back: every record stored after a given id, as records or as the JSON
//! lines a JSONL store writes, with the id first, so one reader serves every store.

use std::io::Write;

use crate::error::StoreError;
use crate::location::Location;
use crate::record::{Record, push_line};

/// Which deliveries to read.
#[derive(Debug, Clone, Default)]
pub struct Selection<'a> {
    /// Only those stored after this id (a JSONL store's ids are its line numbers, from 1).
    pub after: Option<i64>,
    /// Only this vendor's.
    pub vendor: Option<&'a str>,
}

/// Writes the deliveries at `location` that `selection` picks to `out`, one JSON line each,
/// oldest first: `{"id", "vendor", "schema", "delivery_id", "received_at", "body", "errors"}`
/// and `"headers"` where they were kept. Returns how many. A database is read while receivers write it; what they commit meanwhile
/// may or may not be included.
pub fn export(
    location: &Location,
    selection: &Selection<'_>,
    out: &mut (impl Write + Send),
) -> Result<u64, StoreError> {
    read(location, selection, |id, record| {
        let mut text = Vec::new();
        push_line(Some(id), record, &mut text);
        text.push(b'\n');
        out.write_all(&text)
            .map_err(|error| StoreError::failed(format!("writing: {error}")))
    })
}

/// Hands each delivery at `location` that `selection` picks to `each`, with its id, oldest
/// first, until `each` fails. Returns how many. As [`export`], for a reader of records rather
/// than lines.
pub fn read(
    location: &Location,
    selection: &Selection<'_>,
    mut each: impl FnMut(i64, &Record) -> Result<(), StoreError> + Send,
) -> Result<u64, StoreError> {
    // On a thread of its own: a synchronous driver must not run on a caller's async runtime.
    std::thread::scope(|scope| {
        scope
            .spawn(|| read_here(location, selection, &mut each))
            .join()
            .unwrap_or_else(|_| Err(StoreError::failed("the read stopped")))
    })
}

fn read_here(
    location: &Location,
    selection: &Selection<'_>,
    each: &mut Emit<'_>,
) -> Result<u64, StoreError> {
    let mut read = 0;
    let mut emit = |id: i64, record: &Record| -> Result<(), StoreError> {
        read += 1;
        each(id, record)
    };
    match location {
        #[cfg(feature = "sqlite")]
        Location::Sqlite(path) => sqlite(path, selection, &mut emit)?,
        #[cfg(feature = "postgres")]
        Location::Postgres(url) => postgres(url, selection, &mut emit)?,
        Location::Jsonl(Some(path)) => jsonl(path, selection, &mut emit)?,
        Location::Jsonl(None) => {
            return Err(StoreError::invalid("standard output cannot be read back"));
        }
        #[allow(unreachable_patterns, reason = "an engine left out by its feature")]
        other => {
            return Err(StoreError::invalid(format!(
                "{} stores are not built in",
                other.kind()
            )));
        }
    }
    Ok(read)
}

type Emit<'e> = dyn FnMut(i64, &Record) -> Result<(), StoreError> + 'e;

#[cfg(feature = "sqlite")]
fn sqlite(
    path: &std::path::Path,
    selection: &Selection<'_>,
    emit: &mut Emit<'_>,
) -> Result<(), StoreError> {
    let failed = |error: rusqlite::Error| StoreError::failed(format!("sqlite: {error}"));
    let connection = crate::sqlite::reader(path)?;
    let mut query = connection
        .prepare(
            "SELECT id, vendor, delivery_id, dedup_key, received_at, body, violations, schema, \
             headers FROM deliveries WHERE id > ?1 AND (?2 IS NULL OR vendor = ?2) ORDER BY id",
        )
        .map_err(failed)?;
    let mut rows = query
        .query(rusqlite::params![
            selection.after.unwrap_or(0),
            selection.vendor
        ])
        .map_err(failed)?;
    while let Some(row) = rows.next().map_err(failed)? {
        let record = Record {
            vendor: row.get(1).map_err(failed)?,
            delivery_id: row.get(2).map_err(failed)?,
            dedup_key: row.get(3).map_err(failed)?,
            received_at: row.get(4).map_err(failed)?,
            body: row.get(5).map_err(failed)?,
            violations: row.get(6).map_err(failed)?,
            schema: row.get(7).map_err(failed)?,
            headers: row.get(8).map_err(failed)?,
        };
        emit(row.get(0).map_err(failed)?, &record)?;
    }
    Ok(())
}

#[cfg(feature = "postgres")]
fn postgres(url: &str, selection: &Selection<'_>, emit: &mut Emit<'_>) -> Result<(), StoreError> {
    use postgres::fallible_iterator::FallibleIterator;
    let failed = |error: postgres::Error| StoreError::failed(format!("postgres: {error}"));
    let mut client = crate::postgres::reader(url)?;
    let after = selection.after.unwrap_or(0);
    let params: [&(dyn postgres::types::ToSql + Sync); 2] = [&after, &selection.vendor];
    let mut rows = client
        .query_raw(
            "SELECT id, vendor, delivery_id, dedup_key, \
             to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), \
             body, violations::text, schema, headers::text \
             FROM deliveries WHERE id > $1 AND ($2::text IS NULL OR vendor = $2) ORDER BY id",
            params,
        )
        .map_err(failed)?;
    while let Some(row) = rows.next().map_err(failed)? {
        let record = Record {
            vendor: row.get(1),
            delivery_id: row.get(2),
            dedup_key: row.get(3),
            received_at: row.get(4),
            body: row.get(5),
            violations: row.get(6),
            schema: row.get(7),
            headers: row.get(8),
        };
        emit(row.get(0), &record)?;
    }
    Ok(())
}

fn jsonl(
    path: &std::path::Path,
    selection: &Selection<'_>,
    emit: &mut Emit<'_>,
) -> Result<(), StoreError> {
    let after = selection.after.unwrap_or(0);
    crate::jsonl::each_line(path, |id, record| {
        if id > after && selection.vendor.is_none_or(|v| v == record.vendor) {
            emit(id, &record)?;
        }
        Ok(true)
    })
}
