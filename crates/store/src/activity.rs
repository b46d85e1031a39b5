//! Deliveries counted by hour, schema and verdict, since a given time: what arrived lately, at
//! a glance. On SQLite and PostgreSQL the rows since then are found without an index on the
//! time: ids grow with it, so the first id at or after it is a binary search on the primary
//! key (a few dozen look-ups on a table of millions), and only the rows after it are counted. A
//! JSON lines file is read whole.

use crate::browse::{off_runtime, unreadable};
use crate::error::StoreError;
use crate::location::Location;

/// How many deliveries of one schema and verdict were stored in one hour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    /// The hour, `YYYY-MM-DDTHH` (UTC).
    pub hour: String,
    pub schema: Option<String>,
    /// Whether they kept their schema.
    pub valid: bool,
    pub deliveries: u64,
}

/// The deliveries at `location` received at or after `since` (RFC 3339, UTC, as records write
/// it), counted by hour, schema and verdict, oldest hour first.
pub fn counts(location: &Location, since: &str) -> Result<Vec<Count>, StoreError> {
    let mut counts = off_runtime(|| match location {
        #[cfg(feature = "sqlite")]
        Location::Sqlite(path) => sqlite(path, since),
        #[cfg(feature = "postgres")]
        Location::Postgres(url) => postgres(url, since),
        Location::Jsonl(Some(path)) => jsonl(path, since),
        other => Err(unreadable(other)),
    })?;
    counts.sort_by(|a, b| (&a.hour, &a.schema, a.valid).cmp(&(&b.hour, &b.schema, b.valid)));
    Ok(counts)
}

/// The first id whose row was received at or after `since`, given `at(id)`: the first row
/// with an id at or after `id`, with when it was received. Rows are stored in the order they
/// come, so their times grow with their ids (within the milliseconds a commit's group spans).
#[cfg(any(feature = "sqlite", feature = "postgres"))]
fn first_since(
    since: &str,
    mut at: impl FnMut(i64) -> Result<Option<(i64, String)>, StoreError>,
) -> Result<i64, StoreError> {
    let (mut low, mut high) = (0_i64, i64::MAX);
    while low < high {
        let middle = low + (high - low) / 2;
        match at(middle)? {
            Some((id, received_at)) if received_at.as_str() < since => low = id + 1,
            // A row since then, or no row from `middle` on.
            _ => high = middle,
        }
    }
    Ok(low)
}

#[cfg(feature = "sqlite")]
fn sqlite(path: &std::path::Path, since: &str) -> Result<Vec<Count>, StoreError> {
    use rusqlite::OptionalExtension;
    let failed = |error: rusqlite::Error| StoreError::failed(format!("sqlite: {error}"));
    let connection = crate::sqlite::reader(path)?;
    let mut first = connection
        .prepare("SELECT id, received_at FROM deliveries WHERE id >= ?1 ORDER BY id LIMIT 1")
        .map_err(failed)?;
    let from = first_since(since, |id| {
        first
            .query_row([id], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()
            .map_err(failed)
    })?;
    let mut query = connection
        .prepare(
            "SELECT substr(received_at, 1, 13), schema, violations = '[]', count(*) \
             FROM deliveries WHERE id >= ?1 GROUP BY 1, 2, 3",
        )
        .map_err(failed)?;
    let rows = query
        .query_map([from], |row| {
            Ok(Count {
                hour: row.get(0)?,
                schema: row.get(1)?,
                valid: row.get(2)?,
                deliveries: row.get::<_, i64>(3)?.unsigned_abs(),
            })
        })
        .map_err(failed)?;
    rows.collect::<Result<_, _>>().map_err(failed)
}

#[cfg(feature = "postgres")]
fn postgres(url: &str, since: &str) -> Result<Vec<Count>, StoreError> {
    let failed = |error: postgres::Error| StoreError::failed(format!("postgres: {error}"));
    let mut client = crate::postgres::reader(url)?;
    let from = first_since(since, |id| {
        let row = client
            .query_opt(
                "SELECT id, to_char(received_at AT TIME ZONE 'UTC', \
                 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') \
                 FROM deliveries WHERE id >= $1 ORDER BY id LIMIT 1",
                &[&id],
            )
            .map_err(failed)?;
        Ok(row.map(|row| (row.get(0), row.get(1))))
    })?;
    let rows = client
        .query(
            "SELECT to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24'), schema, \
             violations = '[]'::jsonb, count(*) \
             FROM deliveries WHERE id >= $1 GROUP BY 1, 2, 3",
            &[&from],
        )
        .map_err(failed)?;
    Ok(rows
        .iter()
        .map(|row| Count {
            hour: row.get(0),
            schema: row.get(1),
            valid: row.get(2),
            deliveries: row.get::<_, i64>(3).unsigned_abs(),
        })
        .collect())
}

fn jsonl(path: &std::path::Path, since: &str) -> Result<Vec<Count>, StoreError> {
    let mut counts: std::collections::HashMap<(String, Option<String>, bool), u64> =
        std::collections::HashMap::new();
    crate::jsonl::each_line(path, |_, record| {
        if record.received_at.as_str() >= since {
            let hour = record.received_at.get(..13).unwrap_or_default().to_owned();
            let valid = record.violations == "[]";
            *counts.entry((hour, record.schema, valid)).or_default() += 1;
        }
        Ok(true)
    })?;
    Ok(counts
        .into_iter()
        .map(|((hour, schema, valid), deliveries)| Count {
            hour,
            schema,
            valid,
            deliveries,
        })
        .collect())
}
