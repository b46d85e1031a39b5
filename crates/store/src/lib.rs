//! Durable storage for received webhooks, so that a receiver acknowledges only what is on disk
//! and writes a retried delivery once, across restarts and across receivers.
//!
//! Three engines, chosen by a [`Location`]:
//!
//! - `sqlite:PATH`, embedded: one file, WAL, every commit synced;
//! - `postgres://…`, for many receivers behind a load balancer sharing one table;
//! - `jsonl:PATH` (or `jsonl:-`), one JSON line per delivery, synced before it is acknowledged.
//!
//! Each keeps one table (or file) of [`Record`]s: id, vendor, the schema it was checked against,
//! delivery id, when it came, the body as received and how it breaks its schema; the table is
//! created and migrated by the store (versioned migrations, run at open). A retry is recognised by its vendor and
//! `dedup_key`: the delivery id, or the SHA-256 of the body for senders that send no id and
//! retry with the same body.
//!
//! Writes are committed in groups ([`Store`]): each caller waits for the commit that covers its
//! record, and one transaction or fsync covers every record waiting, so throughput grows with
//! concurrency.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use hookschema_store::{Location, Options, Record, Store, Stored};
//!
//! let store = Store::open(&"sqlite:deliveries.db".parse::<Location>()?, Options::default())?;
//! let record = Record::new("acme", Some("acme/order"), Some("msg_1"), br#"{"order_id": "ord_1"}"#, &[0u8; 0])?;
//! match store.put(record).await? {
//!     Stored::New => println!("stored; answer 200"),
//!     Stored::Duplicate => println!("a retry; answer 200, nothing written"),
//! }
//! # Ok(())
//! # }
//! ```

mod activity;
mod browse;
mod engine;
mod error;
mod export;
mod jsonl;
mod location;
#[cfg(feature = "postgres")]
mod postgres;
mod private;
mod record;
#[cfg(feature = "sqlite")]
mod sqlite;
mod store;

pub use activity::{Count, counts};
pub use browse::{Filter, Shown, Summary, one, page};
pub use engine::Stored;
pub use error::{ErrorKind, StoreError};
pub use export::{Selection, export, read};
pub use location::{Location, LocationError};
pub use record::{Record, compact};
pub use store::{CommitObserver, Options, Stats, Store};
