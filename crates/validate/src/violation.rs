//! One way a payload breaks its schema.

use std::fmt;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde::Serialize;
use serde_json::Value;

/// One way a payload breaks its schema. Serialises as the contract's
/// `{"instance_path", "schema_path", "message"}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    /// JSON Pointer to the offending value in the payload; `""` is the whole payload.
    pub instance_path: String,
    /// JSON Pointer to the keyword in the schema that rejected it.
    pub schema_path: String,
    /// What is wrong, for a person.
    pub message: String,
    /// What is wrong, for a program.
    #[serde(skip)]
    pub kind: ViolationKind,
}

/// What a [`Violation`] is about, with the details a program needs to act on it (for instance to
/// write FastAPI's error body).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ViolationKind {
    /// The input is not JSON at all.
    NotJson {
        /// 1-based line where parsing stopped.
        line: usize,
        /// 1-based column where parsing stopped.
        column: usize,
    },
    /// A required property is missing from the object at `instance_path`.
    Required { property: String },
    /// The value has the wrong JSON type.
    Type { expected: Vec<String> },
    /// The value is not one of the listed values.
    Enum { allowed: Vec<Value> },
    /// The value is not the one value allowed.
    Const { expected: Value },
    /// The string does not have the asserted format (`date-time`, `uuid`).
    Format { format: String },
    /// The number is below the minimum.
    Minimum { limit: Value },
    /// The value matches none of the alternatives of an `anyOf`.
    AnyOf,
    /// The payload keeps the schema but the model type still refused it.
    Decode,
    /// Another keyword, named.
    Other { keyword: String },
}

impl Violation {
    pub(crate) fn from_error(error: &jsonschema::ValidationError<'_>) -> Self {
        Violation {
            instance_path: error.instance_path().to_string(),
            schema_path: error.schema_path().to_string(),
            message: error.to_string(),
            kind: ViolationKind::from(error.kind()),
        }
    }

    /// The violation for input that is not JSON at all.
    pub fn not_json(error: &serde_json::Error) -> Self {
        Violation {
            instance_path: String::new(),
            schema_path: String::new(),
            message: format!("not JSON: {error}"),
            kind: ViolationKind::NotJson {
                line: error.line(),
                column: error.column(),
            },
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.instance_path.is_empty() {
            "(root)"
        } else {
            &self.instance_path
        };
        write!(f, "{at}: {}", self.message)?;
        if !self.schema_path.is_empty() {
            write!(f, " (schema {})", self.schema_path)?;
        }
        Ok(())
    }
}

impl From<&ValidationErrorKind> for ViolationKind {
    fn from(kind: &ValidationErrorKind) -> Self {
        match kind {
            ValidationErrorKind::Required { property } => ViolationKind::Required {
                property: property
                    .as_str()
                    .map_or_else(|| property.to_string(), str::to_owned),
            },
            ValidationErrorKind::Type { kind } => ViolationKind::Type {
                expected: match kind {
                    TypeKind::Single(ty) => vec![ty.to_string()],
                    TypeKind::Multiple(types) => types.iter().map(|t| t.to_string()).collect(),
                },
            },
            ValidationErrorKind::Enum { options } => ViolationKind::Enum {
                allowed: options.as_array().cloned().unwrap_or_default(),
            },
            ValidationErrorKind::Constant { expected_value } => ViolationKind::Const {
                expected: Value::clone(expected_value),
            },
            ValidationErrorKind::Format { format } => ViolationKind::Format {
                format: format.clone(),
            },
            ValidationErrorKind::Minimum { limit } => ViolationKind::Minimum {
                limit: limit.clone(),
            },
            ValidationErrorKind::AnyOf { .. } => ViolationKind::AnyOf,
            other => ViolationKind::Other {
                keyword: other.keyword().to_owned(),
            },
        }
    }
}
