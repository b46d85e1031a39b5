//! What every entry point of hookschema must do with any input: end in a verdict, never a panic,
//! and agree with the others about it. The checks here are shared by the fuzz targets
//! (`fuzz/`), the replay of their seeds and findings in `cargo test`, and the property tests.
//!
//! - [`check_validate`]: strict validation of raw bytes against every schema;
//! - [`check_parse`]: the forgiving models, and what they keep of a payload;
//! - [`check_verify`]: every signing scheme of the catalog, on any headers and body;
//! - [`check_receive`]: a raw HTTP request through the axum extractor of every webhook.
//!
//! Each panics when an invariant breaks: that is what a fuzzer reports. The deliveries the seeds
//! are made of come from `hookschema-testkit`'s senders.

mod receiver;
mod seeds;
mod targets;

pub use seeds::{Target, seeds};
pub use targets::{check_parse, check_receive, check_validate, check_verify};
