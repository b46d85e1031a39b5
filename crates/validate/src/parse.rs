//! Raw bytes to a validated model value, in one call.

use std::fmt;

use hookschema_models::HasSchema;
use serde::de::DeserializeOwned;

use crate::schema::Schema;
use crate::violation::{Violation, ViolationKind};

/// Why a payload was rejected: every violation found, never empty.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid(pub Vec<Violation>);

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.0.iter().map(Violation::to_string).collect();
        f.write_str(&lines.join("; "))
    }
}

impl std::error::Error for Invalid {}

/// Parses `bytes` as JSON, validates it strictly against `T`'s schema, and decodes it into `T`.
pub fn parse<T: HasSchema + DeserializeOwned>(bytes: &[u8]) -> Result<T, Invalid> {
    let instance = Schema::of::<T>().validate_bytes(bytes).map_err(Invalid)?;
    hookschema_models::from_value(instance).map_err(|error| {
        Invalid(vec![Violation {
            instance_path: error.pointer,
            schema_path: String::new(),
            message: error.message,
            kind: ViolationKind::Decode,
        }])
    })
}
