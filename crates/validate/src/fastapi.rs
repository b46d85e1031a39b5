//! FastAPI's 422 body (`comfydeploy/http-validation-error`) for a list of violations, so a Rust
//! receiver can answer ComfyDeploy exactly as ComfyDeploy's own FastAPI stack would.

use hookschema_models::comfydeploy::{HttpValidationError, LocationItem, ValidationError};
use serde_json::Value;

use crate::violation::{Violation, ViolationKind};

/// The FastAPI 422 body for `violations` found in a request body.
///
/// `loc` is `"body"` followed by the instance path's steps: object keys as strings, array
/// indexes as integers (told apart by walking `instance`, the parsed payload, when given). A
/// missing property is named at the end of its `loc`, as pydantic does. `type` and `msg` follow
/// pydantic v2's error types.
pub fn http_validation_error(
    violations: &[Violation],
    instance: Option<&Value>,
) -> HttpValidationError {
    HttpValidationError {
        detail: violations
            .iter()
            .map(|violation| detail(violation, instance))
            .collect(),
    }
}

fn detail(violation: &Violation, instance: Option<&Value>) -> ValidationError {
    let mut loc = vec![LocationItem::String("body".to_owned())];
    loc.extend(location(&violation.instance_path, instance));
    let (kind, msg) = match &violation.kind {
        ViolationKind::NotJson { .. } => ("json_invalid", "JSON decode error".to_owned()),
        ViolationKind::Required { property } => {
            loc.push(LocationItem::String(property.clone()));
            ("missing", "Field required".to_owned())
        }
        ViolationKind::Type { expected } => type_error(expected),
        ViolationKind::Enum { allowed } => {
            ("enum", format!("Input should be {}", choices(allowed)))
        }
        ViolationKind::Const { expected } => (
            "literal_error",
            format!(
                "Input should be {}",
                choices(std::slice::from_ref(expected))
            ),
        ),
        ViolationKind::Format { format } if format == "date-time" => (
            "datetime_from_date_parsing",
            "Input should be a valid datetime or date".to_owned(),
        ),
        ViolationKind::Format { format } if format == "uuid" => {
            ("uuid_parsing", "Input should be a valid UUID".to_owned())
        }
        ViolationKind::Minimum { limit } => (
            "greater_than_equal",
            format!("Input should be greater than or equal to {limit}"),
        ),
        _ => ("value_error", format!("Value error, {}", violation.message)),
    };
    ValidationError {
        loc,
        msg,
        type_: kind.to_owned(),
    }
}

/// pydantic's error for a value of the wrong JSON type, by the first non-null type expected.
fn type_error(expected: &[String]) -> (&'static str, String) {
    let first = expected.iter().find(|t| *t != "null").map(String::as_str);
    let (kind, what) = match first {
        Some("string") => ("string_type", "a valid string"),
        Some("integer") => ("int_type", "a valid integer"),
        Some("number") => ("float_type", "a valid number"),
        Some("boolean") => ("bool_type", "a valid boolean"),
        Some("array") => ("list_type", "a valid list"),
        Some("object") => (
            "model_attributes_type",
            "a valid dictionary or object to extract fields from",
        ),
        _ => ("none_required", "None"),
    };
    (kind, format!("Input should be {what}"))
}

/// `'a', 'b' or 'c'`, as pydantic lists the allowed values.
fn choices(values: &[Value]) -> String {
    let quoted: Vec<String> = values
        .iter()
        .map(|v| match v {
            Value::String(s) => format!("'{s}'"),
            other => other.to_string(),
        })
        .collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// The steps of a JSON Pointer, with array indexes as integers.
fn location(pointer: &str, instance: Option<&Value>) -> Vec<LocationItem> {
    let mut current = instance;
    pointer
        .split('/')
        .skip(1)
        .map(|raw| {
            let key = raw.replace("~1", "/").replace("~0", "~");
            match (current, key.parse::<i64>()) {
                (Some(Value::Array(items)), Ok(index)) => {
                    current = usize::try_from(index).ok().and_then(|i| items.get(i));
                    LocationItem::Integer(index)
                }
                (Some(Value::Object(map)), _) => {
                    current = map.get(&key);
                    LocationItem::String(key)
                }
                // Without the document, a number can only be an index: keys in these schemas
                // are never numeric except in free-form maps.
                (None, Ok(index)) => LocationItem::Integer(index),
                (_, _) => {
                    current = None;
                    LocationItem::String(key)
                }
            }
        })
        .collect()
}
