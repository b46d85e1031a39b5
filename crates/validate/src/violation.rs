//! One way a payload breaks its schema.

use std::fmt;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde::Serialize;
use serde_json::Value;

/// One way a payload breaks its schema. Serialises as the command line's JSON report
/// prints it: `{"instance_path", "schema_path", "message"}`.
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
        /// 0-based offset, in characters, where parsing stopped, for FastAPI's `loc` (Python's
        /// `json`, which FastAPI uses, does not always stop at the same place).
        offset: usize,
    },
    /// Arrays and objects nest deeper than the limit ([`hookschema_models::MAX_DEPTH`]) at
    /// `instance_path`, which the models cannot read either.
    TooDeep { limit: usize },
    /// The object at `instance_path` names `key` more than once.
    DuplicateKey { key: String },
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
    /// The value matches none of the alternatives of an `anyOf`; why each one failed.
    AnyOf { branches: Vec<Branch> },
    /// The payload keeps the schema but the model type still refused it.
    Decode,
    /// The payload could not be read at all (reported by tools, never by validation).
    Unreadable,
    /// Another keyword, named.
    Other { keyword: String },
}

impl ViolationKind {
    /// Whether the payload is not one unambiguous JSON document (not JSON, nested too deep, a
    /// repeated key): no reading of it can be trusted, so a receiver that keeps drifted
    /// deliveries refuses these.
    pub fn is_malformed(&self) -> bool {
        matches!(
            self,
            ViolationKind::NotJson { .. }
                | ViolationKind::TooDeep { .. }
                | ViolationKind::DuplicateKey { .. }
        )
    }
}

/// One alternative of an `anyOf` and why the value does not match it.
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    /// The alternative's name: its `$defs` entry (`MediaItem`), or its JSON type (`string`).
    pub label: String,
    pub violations: Vec<Violation>,
}

impl Violation {
    pub(crate) fn from_error(error: &jsonschema::ValidationError<'_>) -> Self {
        let instance_path = error.instance_path().to_string();
        let schema_path = error.schema_path().to_string();
        let (message, kind) = match error.kind() {
            ValidationErrorKind::AnyOf { context } => {
                let branches = branches(&schema_path, context);
                (
                    any_of_message(&instance_path, &branches),
                    ViolationKind::AnyOf { branches },
                )
            }
            ValidationErrorKind::Enum { options } => {
                let allowed = options.as_array().cloned().unwrap_or_default();
                let listed: Vec<String> = allowed.iter().map(Value::to_string).collect();
                let message = bounded(
                    format!("{} is not one of {}", error.instance(), listed.join(", ")),
                    || format!("the value is not one of {}", listed.join(", ")),
                );
                (message, ViolationKind::Enum { allowed })
            }
            ValidationErrorKind::Constant { expected_value } => (
                bounded(
                    format!("{} is not {expected_value}", error.instance()),
                    || format!("the value is not {expected_value}"),
                ),
                ViolationKind::Const {
                    expected: Value::clone(expected_value),
                },
            ),
            kind => (
                bounded(error.to_string(), || {
                    error.masked_with("the value").to_string()
                }),
                ViolationKind::from(kind),
            ),
        };
        Violation {
            instance_path,
            schema_path,
            message,
            kind,
        }
    }

    /// The violation for a payload that keeps the schema but that the model type refused.
    pub fn decode(error: hookschema_models::DecodeError) -> Self {
        Violation {
            instance_path: error.pointer,
            schema_path: String::new(),
            message: error.message,
            kind: ViolationKind::Decode,
        }
    }

    /// The violation for `bytes`, which `error` says are not JSON.
    pub fn not_json(error: &serde_json::Error, bytes: &[u8]) -> Self {
        Violation {
            instance_path: String::new(),
            schema_path: String::new(),
            message: format!(
                "not JSON: {} (line {}, column {})",
                hookschema_models::reason(error, bytes),
                error.line(),
                error.column()
            ),
            kind: ViolationKind::NotJson {
                line: error.line(),
                column: error.column(),
                offset: char_offset(bytes, error.line(), error.column()),
            },
        }
    }
}

/// Messages quote the offending value, which can be a whole megabyte of payload: past this,
/// the message leaves the value out.
const MAX_MESSAGE_LEN: usize = 512;

fn bounded(message: String, without_value: impl FnOnce() -> String) -> String {
    if message.len() <= MAX_MESSAGE_LEN {
        message
    } else {
        without_value()
    }
}

/// The alternatives of the `anyOf` at `schema_path`, labelled, with their violations.
fn branches(
    schema_path: &str,
    context: &[Vec<jsonschema::ValidationError<'static>>],
) -> Vec<Branch> {
    context
        .iter()
        .enumerate()
        .map(|(index, errors)| {
            let violations: Vec<Violation> = errors.iter().map(Violation::from_error).collect();
            Branch {
                label: branch_label(schema_path, index, &violations),
                violations,
            }
        })
        .collect()
}

/// A `$ref` alternative's errors sit under its `$defs` entry; an inline one's under
/// `<anyOf>/<index>`, where a type error names its type.
fn branch_label(schema_path: &str, index: usize, violations: &[Violation]) -> String {
    let inline = format!("{schema_path}/{index}/");
    let Some(first) = violations.first() else {
        return index.to_string();
    };
    if first.schema_path.starts_with(&inline) {
        if let ViolationKind::Type { expected } = &first.kind {
            return expected.join(" or ");
        }
        return index.to_string();
    }
    first
        .schema_path
        .strip_prefix("/$defs/")
        .and_then(|rest| rest.split('/').next())
        .map_or_else(|| index.to_string(), str::to_owned)
}

/// The alternative that comes closest, and its deepest violation: one of the value's own type
/// first (an alternative of another type says only that), then the one whose violations reach
/// deepest into the value, then the one with fewest, then the first. Python's `jsonschema`
/// (`best_match`) and FastAPI point people the same way.
fn best_match<'b>(
    instance_path: &str,
    branches: &'b [Branch],
) -> Option<(&'b Branch, &'b Violation)> {
    let depth = |v: &Violation| v.instance_path.matches('/').count();
    let wrong_type = |branch: &Branch| {
        branch.violations.iter().any(|v| {
            matches!(v.kind, ViolationKind::Type { .. }) && v.instance_path == instance_path
        })
    };
    branches
        .iter()
        .filter_map(|branch| {
            let deepest = branch.violations.iter().max_by_key(|v| depth(v))?;
            Some((branch, deepest))
        })
        .min_by_key(|(branch, deep)| {
            (
                wrong_type(branch),
                std::cmp::Reverse(depth(deep)),
                branch.violations.len(),
            )
        })
}

/// `42 is not of type "string" at /filename (MediaItem, the closest of 3 alternatives)`: the
/// best-matching alternative's deepest violation, where it is below the value, and which
/// alternative it is.
fn any_of_message(instance_path: &str, branches: &[Branch]) -> String {
    let Some((branch, deep)) = best_match(instance_path, branches) else {
        return "matches none of the alternatives".to_owned();
    };
    let below = deep
        .instance_path
        .strip_prefix(instance_path)
        .filter(|rest| !rest.is_empty())
        .map(|rest| format!(" at {rest}"))
        .unwrap_or_default();
    format!(
        "{}{below} ({}, the closest of {} alternatives)",
        deep.message,
        branch.label,
        branches.len()
    )
}

/// The character offset of serde_json's 1-based line and byte column in `bytes`.
fn char_offset(bytes: &[u8], line: usize, column: usize) -> usize {
    let line_start: usize = bytes
        .split_inclusive(|b| *b == b'\n')
        .take(line.saturating_sub(1))
        .map(<[u8]>::len)
        .sum();
    let end = (line_start + column.saturating_sub(1)).min(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).chars().count()
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
            ValidationErrorKind::Format { format } => ViolationKind::Format {
                format: format.clone(),
            },
            ValidationErrorKind::Minimum { limit } => ViolationKind::Minimum {
                limit: limit.clone(),
            },
            other => ViolationKind::Other {
                keyword: other.keyword().to_owned(),
            },
        }
    }
}

/// Why a payload was rejected.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    /// Every violation found, up to the schema's limit ([`crate::Schema::limit_violations`]); never
    /// empty.
    pub violations: Vec<Violation>,
    /// Whether the payload may break the schema in more ways than reported: the limit
    /// ([`crate::Schema::limit_violations`]) held some back, or the payload was too large to report
    /// them all (over 16,384 values and keys, about 64 KiB: its first violation only).
    pub more: bool,
    /// The payload as parsed, when it was JSON at all and the schema keeps documents
    /// ([`crate::Schema::without_documents`]): the violations' instance paths point into it
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
