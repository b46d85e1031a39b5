//! Schemas that stay true: what senders really send, turned into a reviewed schema change.
//!
//! A receiver that is not strict keeps deliveries that break their schema, with their
//! violations, and every delivery may carry keys no schema declares (objects are open, so a
//! new field is valid and still news). This crate reads such deliveries beside their schema
//! ([`observe`]), groups what it finds by schema location ([`SchemaDrift`]), and proposes the
//! smallest widening that accepts all of it ([`propose`]):
//!
//! - a new value of an enum (with the questions the vendor file's meanings ask of it);
//! - a new optional property, typed from every value seen (type, `format` where every value has
//!   it, `null` where one came, an object's own properties, an array's items);
//! - `null` where a null came, `integer` widened to `number`, a bound loosened to what was seen,
//!   a required property made optional;
//! - a broken `format` or `pattern`, and a type change that is no widening, reported and never
//!   patched.
//!
//! Each widening is checked before it is proposed: every example keeps its verdict and
//! `schema-diff` calls it compatible; then the whole patch must accept every delivery it was
//! drawn from, and the `$id` version moves as `schema-diff` requires. [`write`] edits the
//! schema file in place ([`Op::apply`] touches only the nodes it changes) and adds examples
//! made from real deliveries, [`redact`]ed if asked. While receiving, [`Watch`] says where a
//! delivery drifts and whether that place is new.
//!
//! ```
//! use hookschema_drift::{Context, Delivery, Keywords, SchemaDrift, Status, propose};
//! use serde_json::json;
//!
//! let text = r#"{"$id": "https://example.com/run/1.0.0.json", "type": "object",
//!     "properties": {"status": {"enum": ["queued", "done"]}}}"#;
//! let mut drift = SchemaDrift::new("acme/run", text).unwrap();
//! let body = json!({"status": "failed"});
//! drift.add(Delivery { id: "1".into(), received_at: None, body }, &mut Keywords::default());
//! let proposal = propose(&drift, &Context::default()).unwrap();
//! assert_eq!(proposal.entries[0].status, Status::Proposed);
//! assert!(proposal.patched.unwrap().contains(r#""enum": ["queued", "done", "failed"]"#));
//! assert_eq!(proposal.version, Some(("1.0.0".into(), "1.1.0".into())));
//! ```

mod edit;
mod examples;
mod finding;
mod gather;
mod keywords;
mod observe;
mod plan;
mod redact;
mod report;
mod shape;
mod watch;
mod write;

pub use edit::Op;
pub use examples::{Examples, Verdicts};
pub use finding::{Finding, Kind};
pub use gather::{Delivery, Group, SchemaDrift};
pub use keywords::Keywords;
pub use observe::observe;
pub use plan::{Context, Entry, Example, Proposal, Status, propose};
pub use redact::redact;
pub use report::text;
pub use watch::{Drifted, Watch};
pub use write::{Written, write};
