//! The compiled validators, one per embedded schema, built once.

use std::fmt;
use std::sync::{LazyLock, OnceLock};

use hookschema_models::{HasSchema, SCHEMAS, SchemaFile};
use serde_json::Value;

use crate::parse::Invalid;
use crate::violation::Violation;

/// One lazily compiled validator per schema in [`SCHEMAS`], in the same order.
static VALIDATORS: LazyLock<Vec<OnceLock<jsonschema::Validator>>> =
    LazyLock::new(|| SCHEMAS.iter().map(|_| OnceLock::new()).collect());

/// An embedded schema with its compiled validator. Cheap to copy; compiling happens once per
/// process, the first time a schema is used.
#[derive(Clone, Copy)]
pub struct Schema {
    file: &'static SchemaFile,
    validator: &'static jsonschema::Validator,
    max_violations: usize,
}

/// A schema name that is not one of the embedded schemas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownSchema(pub String);

impl fmt::Display for UnknownSchema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let known: Vec<&str> = SCHEMAS.iter().map(|s| s.name).collect();
        write!(
            f,
            "unknown schema `{}`; known: {}",
            self.0,
            known.join(", ")
        )
    }
}

impl std::error::Error for UnknownSchema {}

impl Schema {
    /// The schema called `name`: its path under `schemas/` without `.schema.json`.
    pub fn named(name: &str) -> Result<Schema, UnknownSchema> {
        SCHEMAS
            .iter()
            .position(|file| file.name == name)
            .map(Schema::at)
            .ok_or_else(|| UnknownSchema(name.to_owned()))
    }

    /// The schema the model type `T` was generated from.
    pub fn of<T: HasSchema>() -> Schema {
        Schema::named(T::SCHEMA.name).expect("every generated type's schema is embedded")
    }

    /// Every embedded schema, ordered by name.
    pub fn all() -> impl Iterator<Item = Schema> {
        (0..SCHEMAS.len()).map(Schema::at)
    }

    fn at(index: usize) -> Schema {
        let file = SCHEMAS[index];
        let validator = VALIDATORS[index].get_or_init(|| compile(file));
        Schema {
            file,
            validator,
            max_violations: usize::MAX,
        }
    }

    /// Report at most `max` violations per payload. A hostile payload can break a schema a
    /// million times (`[1, 1, 1, …]` where objects belong); a receiver needs the first few.
    pub fn limit_violations(mut self, max: usize) -> Schema {
        self.max_violations = max.max(1);
        self
    }

    /// The embedded schema file: name, `$id`, title and text.
    pub fn file(&self) -> &'static SchemaFile {
        self.file
    }

    /// Whether `instance` keeps the schema. Faster than [`Schema::validate`] when the reasons
    /// are not needed.
    pub fn is_valid(&self, instance: &Value) -> bool {
        self.validator.is_valid(instance)
    }

    /// Every way `instance` breaks the schema (up to the limit, if one is set); empty when it is
    /// valid.
    pub fn validate(&self, instance: &Value) -> Vec<Violation> {
        self.validator
            .iter_errors(instance)
            .take(self.max_violations)
            .map(|error| Violation::from_error(&error))
            .collect()
    }

    /// Parses `bytes` as JSON and validates it, returning the parsed document when it is valid.
    /// Input that is not JSON is one [`crate::ViolationKind::NotJson`] violation.
    pub fn validate_bytes(&self, bytes: &[u8]) -> Result<Value, Invalid> {
        let document: Value = serde_json::from_slice(bytes).map_err(|error| Invalid {
            violations: vec![Violation::not_json(&error, bytes)],
            document: None,
        })?;
        if self.is_valid(&document) {
            return Ok(document);
        }
        Err(Invalid {
            violations: self.validate(&document),
            document: Some(document),
        })
    }
}

impl fmt::Debug for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Schema").field(&self.file.name).finish()
    }
}

/// Compiles an embedded schema. Every embedded schema compiles: the test suite proves it, so a
/// failure here is a build defect, not bad input.
fn compile(file: &SchemaFile) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(file.text)
        .unwrap_or_else(|e| panic!("embedded schema {} is not JSON: {e}", file.name));
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .should_ignore_unknown_formats(false)
        .build(&schema)
        .unwrap_or_else(|e| panic!("embedded schema {} does not compile: {e}", file.name))
}
