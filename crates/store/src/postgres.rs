//! PostgreSQL, for many receivers behind a load balancer: they share one table, and
//! `INSERT … ON CONFLICT DO NOTHING` on `UNIQUE (vendor, dedup_key)` writes a retry that reaches
//! two receivers at once once; the other waits for the winner's commit and answers duplicate.
//! Commits are synchronous (`synchronous_commit = on`, whatever the server's default).

use postgres::{Client, NoTls};

use crate::engine::{Engine, Stored};
use crate::error::StoreError;
use crate::record::Record;

mod migrations {
    refinery::embed_migrations!("migrations/postgres");
}

pub(crate) struct Postgres {
    url: String,
    /// The connection, while it works; a lost one is made again at the next commit, so the
    /// receiver recovers when the server comes back, without a restart.
    client: Option<Client>,
}

/// Every record of a group in one statement: one round trip and one commit, whatever the
/// group's size. `UNNEST` keeps the arrays' order, and the group is sorted by key, so two
/// receivers inserting overlapping groups lock the keys in the same order and never deadlock.
const INSERT: &str = "INSERT INTO deliveries \
    (vendor, delivery_id, dedup_key, received_at, body, violations, schema, headers) \
    SELECT v, d, k, r::timestamptz, b, x::jsonb, s, h::jsonb \
    FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], \
        $7::text[], $8::text[]) AS t(v, d, k, r, b, x, s, h) \
    ON CONFLICT (vendor, dedup_key) DO NOTHING \
    RETURNING vendor, dedup_key";

/// Each retried row's count of duplicates raised, in one statement.
const COUNT: &str = "UPDATE deliveries SET duplicates = duplicates + t.n \
    FROM UNNEST($1::text[], $2::text[], $3::int8[]) AS t(v, k, n) \
    WHERE vendor = t.v AND dedup_key = t.k";

impl Postgres {
    /// Connects to `url` and brings the table to the current version.
    pub(crate) fn open(url: &str) -> Result<Postgres, StoreError> {
        let mut client = connect(url)?;
        migrations::migrations::runner()
            .run(&mut client)
            .map_err(|error| StoreError::failed(format!("postgres: migrating: {error}")))?;
        Ok(Postgres {
            url: url.to_owned(),
            client: Some(client),
        })
    }

    fn client(&mut self) -> Result<&mut Client, StoreError> {
        if self.client.is_none() {
            self.client = Some(connect(&self.url)?);
        }
        Ok(self.client.as_mut().expect("connected above"))
    }

    /// The error of a statement: the server unreachable (drop the connection, 503), or a
    /// refusal (500).
    fn failure(&mut self, error: &postgres::Error) -> StoreError {
        if error.is_closed() || error.as_db_error().is_none() {
            self.client = None;
            StoreError::unavailable(format!("postgres: {error}"))
        } else {
            StoreError::failed(format!("postgres: {error}"))
        }
    }
}

fn connect(url: &str) -> Result<Client, StoreError> {
    let mut client = Client::connect(url, NoTls)
        .map_err(|error| StoreError::unavailable(format!("postgres: cannot connect: {error}")))?;
    client
        .batch_execute("SET synchronous_commit = on")
        .map_err(|error| StoreError::unavailable(format!("postgres: {error}")))?;
    Ok(client)
}

impl Engine for Postgres {
    /// The client drives a runtime of its own, which must not run on an async worker; and a
    /// commit is a round trip to the server.
    fn inline(&self) -> bool {
        false
    }

    fn commit(&mut self, batch: &[&Record]) -> Result<Vec<Stored>, StoreError> {
        let mut order: Vec<usize> = (0..batch.len()).collect();
        order.sort_by_key(|&i| (&batch[i].vendor, &batch[i].dedup_key));
        let column = |field: fn(&Record) -> &str| -> Vec<&str> {
            order.iter().map(|&i| field(batch[i])).collect()
        };
        let vendors = column(|r| &r.vendor);
        let ids: Vec<Option<&str>> = order
            .iter()
            .map(|&i| batch[i].delivery_id.as_deref())
            .collect();
        let keys = column(|r| &r.dedup_key);
        let received = column(|r| &r.received_at);
        let bodies = column(|r| &r.body);
        let violations = column(|r| &r.violations);
        let schemas: Vec<Option<&str>> =
            order.iter().map(|&i| batch[i].schema.as_deref()).collect();
        let headers: Vec<Option<&str>> =
            order.iter().map(|&i| batch[i].headers.as_deref()).collect();
        let result = self.client()?.query(
            INSERT,
            &[
                &vendors,
                &ids,
                &keys,
                &received,
                &bodies,
                &violations,
                &schemas,
                &headers,
            ],
        );
        let rows = match result {
            Ok(rows) => rows,
            Err(error) => return Err(self.failure(&error)),
        };
        let inserted: std::collections::HashSet<(String, String)> = rows
            .iter()
            .map(|row| (row.get::<_, String>(0), row.get::<_, String>(1)))
            .collect();
        Ok(batch
            .iter()
            .map(|record| {
                let key = (record.vendor.clone(), record.dedup_key.clone());
                if inserted.contains(&key) {
                    Stored::New
                } else {
                    Stored::Duplicate
                }
            })
            .collect())
    }

    /// In key order, as commits lock rows, so that two receivers never deadlock.
    fn count_duplicates(&mut self, retried: &[(&Record, u64)]) -> Result<(), StoreError> {
        let mut sorted = retried.to_vec();
        sorted.sort_by_key(|(record, _)| (&record.vendor, &record.dedup_key));
        let vendors: Vec<&str> = sorted.iter().map(|(r, _)| r.vendor.as_str()).collect();
        let keys: Vec<&str> = sorted.iter().map(|(r, _)| r.dedup_key.as_str()).collect();
        let again: Vec<i64> = sorted
            .iter()
            .map(|(_, n)| i64::try_from(*n).unwrap_or(i64::MAX))
            .collect();
        let result = self.client()?.execute(COUNT, &[&vendors, &keys, &again]);
        result.map(drop).map_err(|error| self.failure(&error))
    }

    fn check(&mut self) -> Result<(), StoreError> {
        let result = self.client()?.simple_query("SELECT 1");
        match result {
            Ok(_) => Ok(()),
            Err(error) => Err(self.failure(&error)),
        }
    }
}

/// A connection for reading, for exports.
pub(crate) fn reader(url: &str) -> Result<Client, StoreError> {
    connect(url)
}
