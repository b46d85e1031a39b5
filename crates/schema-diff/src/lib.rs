//! What changed between two versions of a JSON Schema, each change classified as compatible (a
//! payload valid before is valid after: a new optional field, a widened type, a new enum value)
//! or breaking (a valid payload may now be refused, or a consumer loses something it relied on:
//! a new required field, a removed enum value, a narrowed type, a removed field), and the
//! version a schema's `$id` must carry for it.
//!
//! Two commands judge with it: `cargo xtask schema-diff`, the release gate, and `hookschema
//! drift`, which proposes only what this calls compatible.
//!
//! ```
//! use hookschema_schema_diff::{Severity, diff};
//! use serde_json::json;
//!
//! let old = json!({"type": "object", "properties": {"status": {"enum": ["queued", "done"]}}});
//! let new = json!({"type": "object", "properties": {"status": {"enum": ["queued", "done", "failed"]}}});
//! let changes = diff(&old, &new);
//! assert_eq!(changes.len(), 1);
//! assert_eq!(changes[0].severity, Severity::Compatible);
//! ```

mod version;
mod walk;

use std::fmt;

pub use version::{Version, show, version, version_problem};
pub use walk::{QUIRK, diff};

/// How far a change reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Compatible,
    Breaking,
}

/// One change, at a JSON Pointer into the new schema (the old one for removals).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub severity: Severity,
    pub at: String,
    pub what: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Compatible => "compatible",
            Severity::Breaking => "breaking  ",
        };
        let at = if self.at.is_empty() {
            "(root)"
        } else {
            &self.at
        };
        write!(f, "{severity}  {at}: {}", self.what)
    }
}
