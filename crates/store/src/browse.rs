//! Looking at deliveries, as a person does: a page of them newest first, filtered by vendor,
//! schema, verdict or a piece of the delivery id, and one delivery whole. On SQLite and
//! PostgreSQL a page is one query on an index (`id`, `(vendor, id)`, `(schema, id)`, the invalid
//! rows' partial index), so it costs the same on a table of a million rows as on one of a
//! hundred; a search in the ids reads rows newest first until the page is full. A JSON lines
//! file has no index: it is read whole.

use std::collections::VecDeque;

use crate::error::StoreError;
use crate::location::Location;
use crate::record::Record;

/// Which deliveries a page shows.
#[derive(Debug, Clone, Default)]
pub struct Filter<'a> {
    /// Only this vendor's.
    pub vendor: Option<&'a str>,
    /// Only those checked against this schema (`github/push-event`).
    pub schema: Option<&'a str>,
    /// Only those checked against one of these schemas: a webhook's, where it dispatches its
    /// events to several. Read along another index (the vendor's, the ids'), not the schema's.
    pub among: Option<&'a [&'a str]>,
    /// Only those that break their schema (`Some(false)`) or only those that do not.
    pub valid: Option<bool>,
    /// Only those whose delivery id contains this text.
    pub id_contains: Option<&'a str>,
    /// Only those stored before this id: the next page's start.
    pub before: Option<i64>,
}

/// One delivery of a page: what a list shows, without the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub id: i64,
    pub vendor: String,
    pub schema: Option<String>,
    pub delivery_id: Option<String>,
    pub received_at: String,
    /// How many ways it breaks its schema.
    pub violations: u64,
    /// The retries acknowledged since it was stored; `None` for a store that does not count
    /// them (JSON lines).
    pub duplicates: Option<u64>,
}

/// One delivery whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub id: i64,
    pub record: Record,
    /// As [`Summary::duplicates`].
    pub duplicates: Option<u64>,
}

/// Up to `limit` deliveries at `location` that `filter` picks, newest first.
pub fn page(
    location: &Location,
    filter: &Filter<'_>,
    limit: usize,
) -> Result<Vec<Summary>, StoreError> {
    off_runtime(|| match location {
        #[cfg(feature = "sqlite")]
        Location::Sqlite(path) => sqlite::page(path, filter, limit),
        #[cfg(feature = "postgres")]
        Location::Postgres(url) => postgres::page(url, filter, limit),
        Location::Jsonl(Some(path)) => jsonl_page(path, filter, limit),
        other => Err(unreadable(other)),
    })
}

/// The delivery stored at `location` under `id`, if there is one.
pub fn one(location: &Location, id: i64) -> Result<Option<Shown>, StoreError> {
    off_runtime(|| match location {
        #[cfg(feature = "sqlite")]
        Location::Sqlite(path) => sqlite::one(path, id),
        #[cfg(feature = "postgres")]
        Location::Postgres(url) => postgres::one(url, id),
        Location::Jsonl(Some(path)) => jsonl_one(path, id),
        other => Err(unreadable(other)),
    })
}

/// Runs `read` on a thread of its own: a synchronous driver must not run on a caller's async
/// runtime.
pub(crate) fn off_runtime<T: Send>(
    read: impl FnOnce() -> Result<T, StoreError> + Send,
) -> Result<T, StoreError> {
    std::thread::scope(|scope| {
        scope
            .spawn(read)
            .join()
            .unwrap_or_else(|_| Err(StoreError::failed("the read stopped")))
    })
}

pub(crate) fn unreadable(location: &Location) -> StoreError {
    match location {
        Location::Jsonl(None) => StoreError::invalid("standard output cannot be read back"),
        other => StoreError::invalid(format!("{} stores are not built in", other.kind())),
    }
}

/// The conditions of `filter` as SQL, with its parameters in order; `param(n)` writes the
/// n-th placeholder (from 1). Only the conditions given are written, so the planner sees the
/// one index that serves them.
/// The column `among` compares; SQLite reads `+schema` as not to be looked up by its index,
/// PostgreSQL plans from statistics and needs no hint.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
const SCHEMA_AMONG: &str = "schema /* among */";

#[cfg(any(feature = "sqlite", feature = "postgres"))]
fn conditions(filter: &Filter<'_>, param: impl Fn(usize) -> String) -> (String, Vec<Param>) {
    let mut sql: Vec<String> = Vec::new();
    let mut params = Vec::new();
    // The placeholder of a new parameter.
    let mut bind = |value: Param| {
        params.push(value);
        param(params.len())
    };
    if let Some(before) = filter.before {
        sql.push(format!("id < {}", bind(Param::Int(before))));
    }
    if let Some(vendor) = filter.vendor {
        sql.push(format!("vendor = {}", bind(Param::Text(vendor.to_owned()))));
    }
    if let Some(schema) = filter.schema {
        sql.push(format!("schema = {}", bind(Param::Text(schema.to_owned()))));
    }
    if let Some(text) = filter.id_contains {
        let text = bind(Param::Text(text.to_owned()));
        sql.push(format!("strpos(delivery_id, {text}) > 0"));
    }
    if let Some(among) = filter.among {
        let listed: Vec<String> = among
            .iter()
            .map(|schema| bind(Param::Text((*schema).to_owned())))
            .collect();
        // `IN (NULL)` holds for no row, as an empty list would.
        let listed = if listed.is_empty() {
            "NULL".to_owned()
        } else {
            listed.join(", ")
        };
        sql.push(format!("{SCHEMA_AMONG} IN ({listed})"));
    }
    let mut sql = sql.join(" AND ");
    // Written as the partial index's own condition, so that it is used.
    let verdict = match filter.valid {
        Some(true) => Some("violations = '[]'"),
        Some(false) => Some("violations <> '[]'"),
        None => None,
    };
    if let Some(verdict) = verdict {
        if !sql.is_empty() {
            sql.push_str(" AND ");
        }
        sql.push_str(verdict);
    }
    if sql.is_empty() {
        sql.push_str("TRUE");
    }
    (sql, params)
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[derive(Debug, Clone)]
enum Param {
    Int(i64),
    Text(String),
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use rusqlite::ToSql;

    use super::*;

    fn failed(error: rusqlite::Error) -> StoreError {
        StoreError::failed(format!("sqlite: {error}"))
    }

    impl ToSql for Param {
        fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
            match self {
                Param::Int(n) => n.to_sql(),
                Param::Text(text) => text.to_sql(),
            }
        }
    }

    pub(super) fn page(
        path: &std::path::Path,
        filter: &Filter<'_>,
        limit: usize,
    ) -> Result<Vec<Summary>, StoreError> {
        let connection = crate::sqlite::reader(path)?;
        // SQLite spells `strpos` `instr`, and compares JSON text as text.
        let (conditions, params) = conditions(filter, |n| format!("?{n}"));
        let conditions = conditions
            .replace("strpos(", "instr(")
            .replace(SCHEMA_AMONG, "+schema");
        let sql = format!(
            "SELECT id, vendor, schema, delivery_id, received_at, \
             json_array_length(violations), duplicates \
             FROM deliveries WHERE {conditions} ORDER BY id DESC LIMIT {limit}"
        );
        let mut query = connection.prepare(&sql).map_err(failed)?;
        let rows = query
            .query_map(rusqlite::params_from_iter(params.iter()), |row| {
                Ok(Summary {
                    id: row.get(0)?,
                    vendor: row.get(1)?,
                    schema: row.get(2)?,
                    delivery_id: row.get(3)?,
                    received_at: row.get(4)?,
                    violations: row.get::<_, i64>(5)?.unsigned_abs(),
                    duplicates: Some(row.get::<_, i64>(6)?.unsigned_abs()),
                })
            })
            .map_err(failed)?;
        rows.collect::<Result<_, _>>().map_err(failed)
    }

    pub(super) fn one(path: &std::path::Path, id: i64) -> Result<Option<Shown>, StoreError> {
        use rusqlite::OptionalExtension;
        let connection = crate::sqlite::reader(path)?;
        connection
            .query_row(
                "SELECT vendor, delivery_id, dedup_key, received_at, body, violations, schema, \
                 headers, duplicates FROM deliveries WHERE id = ?1",
                [id],
                |row| {
                    Ok(Shown {
                        id,
                        record: Record {
                            vendor: row.get(0)?,
                            delivery_id: row.get(1)?,
                            dedup_key: row.get(2)?,
                            received_at: row.get(3)?,
                            body: row.get(4)?,
                            violations: row.get(5)?,
                            schema: row.get(6)?,
                            headers: row.get(7)?,
                        },
                        duplicates: Some(row.get::<_, i64>(8)?.unsigned_abs()),
                    })
                },
            )
            .optional()
            .map_err(failed)
    }
}

#[cfg(feature = "postgres")]
mod postgres {
    use ::postgres::types::ToSql;

    use super::*;

    fn failed(error: ::postgres::Error) -> StoreError {
        StoreError::failed(format!("postgres: {error}"))
    }

    /// `received_at` as the other stores write it: RFC 3339, UTC, in milliseconds.
    const RECEIVED_AT: &str =
        "to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";

    pub(super) fn page(
        url: &str,
        filter: &Filter<'_>,
        limit: usize,
    ) -> Result<Vec<Summary>, StoreError> {
        let mut client = crate::postgres::reader(url)?;
        let (conditions, params) = conditions(filter, |n| format!("${n}"));
        let conditions = conditions.replace("'[]'", "'[]'::jsonb");
        let sql = format!(
            "SELECT id, vendor, schema, delivery_id, {RECEIVED_AT}, \
             jsonb_array_length(violations)::int8, duplicates \
             FROM deliveries WHERE {conditions} ORDER BY id DESC LIMIT {limit}"
        );
        let values: Vec<&(dyn ToSql + Sync)> = params
            .iter()
            .map(|param| match param {
                Param::Int(n) => n as &(dyn ToSql + Sync),
                Param::Text(text) => text as &(dyn ToSql + Sync),
            })
            .collect();
        let rows = client.query(&sql, &values).map_err(failed)?;
        Ok(rows
            .iter()
            .map(|row| Summary {
                id: row.get(0),
                vendor: row.get(1),
                schema: row.get(2),
                delivery_id: row.get(3),
                received_at: row.get(4),
                violations: row.get::<_, i64>(5).unsigned_abs(),
                duplicates: Some(row.get::<_, i64>(6).unsigned_abs()),
            })
            .collect())
    }

    pub(super) fn one(url: &str, id: i64) -> Result<Option<Shown>, StoreError> {
        let mut client = crate::postgres::reader(url)?;
        let sql = format!(
            "SELECT vendor, delivery_id, dedup_key, {RECEIVED_AT}, body, violations::text, \
             schema, headers::text, duplicates FROM deliveries WHERE id = $1"
        );
        let row = client.query_opt(&sql, &[&id]).map_err(failed)?;
        Ok(row.map(|row| Shown {
            id,
            record: Record {
                vendor: row.get(0),
                delivery_id: row.get(1),
                dedup_key: row.get(2),
                received_at: row.get(3),
                body: row.get(4),
                violations: row.get(5),
                schema: row.get(6),
                headers: row.get(7),
            },
            duplicates: Some(row.get::<_, i64>(8).unsigned_abs()),
        }))
    }
}

/// Every line of the file that `filter` picks, keeping the newest `limit`.
fn jsonl_page(
    path: &std::path::Path,
    filter: &Filter<'_>,
    limit: usize,
) -> Result<Vec<Summary>, StoreError> {
    let mut kept: VecDeque<Summary> = VecDeque::with_capacity(limit + 1);
    crate::jsonl::each_line(path, |id, record| {
        if filter.before.is_some_and(|before| id >= before) {
            return Ok(false);
        }
        let violations = serde_json::from_str::<Vec<serde::de::IgnoredAny>>(&record.violations)
            .map_or(0, |list| list.len() as u64);
        let picked = filter.vendor.is_none_or(|v| v == record.vendor)
            && filter
                .schema
                .is_none_or(|s| Some(s) == record.schema.as_deref())
            && filter
                .among
                .is_none_or(|among| record.schema.as_deref().is_some_and(|s| among.contains(&s)))
            && filter.valid.is_none_or(|valid| valid == (violations == 0))
            && filter.id_contains.is_none_or(|text| {
                record
                    .delivery_id
                    .as_deref()
                    .is_some_and(|id| id.contains(text))
            });
        if picked {
            kept.push_front(Summary {
                id,
                vendor: record.vendor,
                schema: record.schema,
                delivery_id: record.delivery_id,
                received_at: record.received_at,
                violations,
                duplicates: None,
            });
            kept.truncate(limit);
        }
        Ok(true)
    })?;
    Ok(kept.into())
}

/// The line `id` of the file (ids are line numbers, from 1).
fn jsonl_one(path: &std::path::Path, id: i64) -> Result<Option<Shown>, StoreError> {
    let mut found = None;
    crate::jsonl::each_line(path, |at, record| {
        if at == id {
            found = Some(Shown {
                id,
                record,
                duplicates: None,
            });
        }
        Ok(at < id)
    })?;
    Ok(found)
}
