//! Raw bytes to a validated model value, in one call.

use std::fmt;

use hookschema_models::{DecodeError, HasSchema, SchemaFile};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::schema::Schema;
use crate::violation::Violation;

/// Why a payload was rejected.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    /// Every violation found, up to the schema's limit ([`Schema::limit_violations`]); never
    /// empty.
    pub violations: Vec<Violation>,
    /// Whether the payload may break the schema in more ways than reported: the limit
    /// ([`Schema::limit_violations`]) held some back, or the payload was too large to report
    /// them all (over 16,384 values and keys, about 64 KiB: its first violation only).
    pub more: bool,
    /// The payload as parsed, when it was JSON at all and the schema keeps documents
    /// ([`Schema::without_documents`]): the violations' instance paths point into it
    /// (FastAPI's `loc` needs it to tell array indexes from object keys).
    pub document: Option<Value>,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.violations.iter().map(Violation::to_string).collect();
        f.write_str(&lines.join("; "))?;
        if self.more {
            f.write_str("; and more")?;
        }
        Ok(())
    }
}

impl std::error::Error for Invalid {}

impl Invalid {
    /// Whether the payload is not one unambiguous JSON document, rather than JSON that breaks the
    /// schema (see [`crate::ViolationKind::is_malformed`]).
    pub fn is_malformed(&self) -> bool {
        self.violations.iter().any(|v| v.kind.is_malformed())
    }
}

/// Parses `bytes` as JSON, validates it strictly against `T`'s schema, and decodes it into `T`.
/// A payload that breaks the schema gets the strict validator's violations, even when the
/// models could decode it; one that the models cannot decode though the schema allows it gets
/// the decoding error.
///
/// The bytes are read twice: once strictly into the tape validation walks, once by serde into
/// `T`, which serde cannot decode from a tape. The bytes keep the sender's key order, so an
/// event envelope decodes its `data` in one pass, with exact error paths, when `type` comes
/// first as vendors send it.
pub fn parse<T: HasSchema + DeserializeOwned>(bytes: &[u8]) -> Result<T, Invalid> {
    let schema = Schema::of::<T>();
    match hookschema_models::from_slice(bytes) {
        Ok(value) => schema.validate_bytes(bytes).map(|()| value),
        Err(error) => Err(refusal(&schema, bytes, error)),
    }
}

/// [`parse`]'s verdict on `bytes` for an embedded schema's models, without their type: for a
/// check that runs every schema.
pub fn parse_verdict(file: &SchemaFile, bytes: &[u8]) -> Result<(), Invalid> {
    let schema = Schema::named(file.name).expect("an embedded schema file is embedded");
    match (file.decode)(bytes) {
        Ok(()) => schema.validate_bytes(bytes),
        Err(error) => Err(refusal(&schema, bytes, error)),
    }
}

/// Why bytes the models cannot decode are refused: the strict validator's violations, or the
/// decoding error when the schema found none.
fn refusal(schema: &Schema, bytes: &[u8], error: DecodeError) -> Invalid {
    if let Err(invalid) = schema.validate_bytes(bytes) {
        return invalid;
    }
    Invalid {
        violations: vec![Violation::decode(error)],
        more: false,
        document: serde_json::from_slice(bytes).ok(),
    }
}
