//! Strict validation of webhook bodies against hookschema's JSON Schemas (draft 2020-12).
//!
//! Each schema is compiled once, on first use, and reused for every payload. Formats
//! (`date-time`, `uuid`) are assertions, as hookschema's schemas mean them. Every violation is reported, each
//! with the JSON Pointer of the offending value, the schema keyword that rejected it, and a
//! message.
//!
//! ```
//! use hookschema_validate::Schema;
//!
//! let schema = Schema::named("comfydeploy/workflow-run-webhook-body").unwrap();
//! let invalid = schema.validate_bytes(br#"{"run_id": "r1", "status": "later"}"#).unwrap_err();
//! let paths: Vec<&str> = invalid.violations.iter().map(|v| v.instance_path.as_str()).collect();
//! assert_eq!(paths, ["", "/status"]); // `live_status` is missing; `later` is no status
//! ```
//!
//! [`parse`] goes from raw bytes to a validated model type in one call.

mod parse;
mod schema;
mod violation;
mod wellformed;

pub use parse::{parse, parse_verdict};
pub use schema::{Folder, Schema, SchemaError, UnknownSchema};
pub use violation::{Branch, Invalid, Violation, ViolationKind};
pub use wellformed::wellformed;
