//! What every entry point of hookschema must do with any input: end in a verdict, never a panic,
//! and agree with the others about it. The checks here are shared by the fuzz targets
//! (`fuzz/`), the replay of their seeds and findings in `cargo test`, and the property tests.
//!
//! - [`check_validate`]: strict validation of raw bytes against every schema;
//! - [`check_parse`]: the forgiving models, and what they keep of a payload;
//! - [`check_verify`]: every signing scheme of the catalog, on any headers and body;
//! - [`check_receive`]: a raw HTTP request through the axum extractor of every webhook.
//!
//! Each panics when an invariant breaks: that is what a fuzzer reports.
//!
//! For the tests that talk to `hookschema serve` over real sockets, [`Serve`] runs it as a child
//! process and [`load`] sends it a mixed load and audits what it wrote.

pub mod attack;
pub mod load;
mod postgres;
mod process;
mod receiver;
mod seeds;
pub mod sender;
mod targets;

pub use postgres::{POSTGRES_VARIABLE, postgres_database};
pub use process::{Serve, cpu_seconds};

pub use seeds::{Target, seeds};
pub use sender::{NOW, SECRET, TOKEN};
pub use targets::{check_parse, check_receive, check_validate, check_verify};
