//! The `fastapi` rejection format: the 422 body a FastAPI service answers (pydantic v2's errors
//! under `detail`), so a receiver answers a sender whose own API is FastAPI as that API would.
//! `checks/fastapi/` compares it with pydantic on every example of such a sender, and lists
//! where they part, and why.

use hookschema_validate::{Branch, Violation, ViolationKind};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// FastAPI's validation error body: `{"detail": [{"loc", "msg", "type"}]}`, `{}` when there is
/// nothing to say.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HttpValidationError {
    /// The problems found, in the order they were found.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub detail: Vec<ValidationError>,
}

/// One problem in the request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationError {
    /// Where: the request part (`body`), then the keys and array indexes down to the value.
    pub loc: Vec<LocationItem>,
    /// What is wrong, for a person.
    pub msg: String,
    /// The kind of problem, for a program: pydantic's error type.
    #[serde(rename = "type")]
    pub type_: String,
}

/// One step of a `loc`: an object key, or an array index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum LocationItem {
    String(String),
    Integer(i64),
}

/// The FastAPI 422 body for `violations` found in a request body.
///
/// `loc` is `"body"` followed by the instance path's steps: object keys as strings, array
/// indexes as integers (told apart by walking `document`, the parsed payload, when given). As
/// pydantic v2 does, a missing property is named at the end of its `loc`; an `anyOf` reports
/// each alternative under its name (`MediaItem`, `str`, `bool`), and a nullable one reports
/// only the non-null alternative; an empty body is `missing`, and input that is not JSON is
/// `json_invalid` at the character offset where parsing stopped. `type` and `msg` are
/// pydantic's, `msg` without the parser's detail pydantic adds after a comma.
pub fn http_validation_error(
    violations: &[Violation],
    document: Option<&Value>,
) -> HttpValidationError {
    let mut detail = Vec::new();
    let body = [LocationItem::String("body".to_owned())];
    for violation in violations {
        details(violation, document, &body, 0, &mut detail);
    }
    HttpValidationError { detail }
}

/// Appends the entries for `violation`, whose `loc` is `prefix` followed by its instance path
/// minus the first `skip` steps (those are already in `prefix`).
fn details(
    violation: &Violation,
    document: Option<&Value>,
    prefix: &[LocationItem],
    skip: usize,
    out: &mut Vec<ValidationError>,
) {
    let steps = location(&violation.instance_path, document);
    let mut loc: Vec<LocationItem> = prefix.to_vec();
    loc.extend(steps.iter().skip(skip).cloned());
    let entry = |loc: Vec<LocationItem>, kind: &str, msg: String| ValidationError {
        loc,
        msg,
        type_: kind.to_owned(),
    };
    match &violation.kind {
        ViolationKind::AnyOf { branches } => {
            if let Some(value) = nullable(branches) {
                for inner in &value.violations {
                    details(inner, document, &loc, steps.len(), out);
                }
                return;
            }
            for branch in branches {
                let mut branch_loc = loc.clone();
                branch_loc.push(LocationItem::String(python_name(&branch.label).to_owned()));
                for inner in &branch.violations {
                    details(inner, document, &branch_loc, steps.len(), out);
                }
            }
        }
        // An empty body is no body: FastAPI says the body is missing.
        ViolationKind::NotJson {
            line: 1, column: 0, ..
        } => {
            out.push(entry(loc, "missing", "Field required".to_owned()));
        }
        ViolationKind::NotJson { offset, .. } => {
            let position = i64::try_from(*offset).unwrap_or(i64::MAX);
            loc.push(LocationItem::Integer(position));
            out.push(entry(loc, "json_invalid", "JSON decode error".to_owned()));
        }
        ViolationKind::Required { property } => {
            loc.push(LocationItem::String(property.clone()));
            out.push(entry(loc, "missing", "Field required".to_owned()));
        }
        ViolationKind::Type { expected } => {
            let value = document.and_then(|d| d.pointer(&violation.instance_path));
            let (kind, msg) = type_error(expected, value, is_model(&violation.schema_path));
            out.push(entry(loc, kind, msg));
        }
        ViolationKind::Enum { allowed } => {
            out.push(entry(
                loc,
                "enum",
                format!("Input should be {}", choices(allowed)),
            ));
        }
        ViolationKind::Const { expected } => {
            let msg = format!(
                "Input should be {}",
                choices(std::slice::from_ref(expected))
            );
            out.push(entry(loc, "literal_error", msg));
        }
        ViolationKind::Format { format } if format == "date-time" => {
            let msg = "Input should be a valid datetime or date".to_owned();
            out.push(entry(loc, "datetime_from_date_parsing", msg));
        }
        ViolationKind::Format { format } if format == "uuid" => {
            out.push(entry(
                loc,
                "uuid_parsing",
                "Input should be a valid UUID".to_owned(),
            ));
        }
        ViolationKind::Minimum { limit } => {
            let msg = format!("Input should be greater than or equal to {limit}");
            out.push(entry(loc, "greater_than_equal", msg));
        }
        _ => out.push(entry(
            loc,
            "value_error",
            format!("Value error, {}", violation.message),
        )),
    }
}

/// The non-null alternative of `anyOf: [X, {type: null}]`: pydantic's `Optional[X]` reports
/// X's errors alone.
fn nullable(branches: &[Branch]) -> Option<&Branch> {
    match branches {
        [value, null] | [null, value] if null.label == "null" && value.label != "null" => {
            Some(value)
        }
        _ => None,
    }
}

/// pydantic's name for an alternative: its model name, or Python's name for a JSON type.
fn python_name(label: &str) -> &str {
    match label {
        "string" => "str",
        "boolean" => "bool",
        "integer" => "int",
        "number" => "float",
        "array" => "list",
        "object" => "dict",
        other => other,
    }
}

/// Whether the `type` keyword at `schema_path` is an object model's own (the root's, or a
/// `$defs` entry's), rather than a field's: pydantic refuses a non-object differently for a
/// model (`model_attributes_type`) and for a `Dict` field (`dict_type`).
fn is_model(schema_path: &str) -> bool {
    let Some(rest) = schema_path.strip_suffix("/type") else {
        return false;
    };
    rest.is_empty()
        || rest
            .strip_prefix("/$defs/")
            .is_some_and(|name| !name.contains('/'))
}

/// pydantic's error for a value of the wrong JSON type, by the first non-null type expected and
/// the value given: a string where a number or boolean belongs is one pydantic tried to parse.
fn type_error(expected: &[String], value: Option<&Value>, model: bool) -> (&'static str, String) {
    let first = expected.iter().find(|t| *t != "null").map(String::as_str);
    let fractional = value
        .and_then(Value::as_f64)
        .is_some_and(|n| n.fract() != 0.0);
    let string = value.is_some_and(Value::is_string);
    let (kind, what) = match first {
        Some("integer") if fractional => (
            "int_from_float",
            "a valid integer, got a number with a fractional part",
        ),
        Some("integer") if string => (
            "int_parsing",
            "a valid integer, unable to parse string as an integer",
        ),
        Some("number") if string => (
            "float_parsing",
            "a valid number, unable to parse string as a number",
        ),
        Some("boolean") if string => ("bool_parsing", "a valid boolean, unable to interpret input"),
        Some("string") => ("string_type", "a valid string"),
        Some("integer") => ("int_type", "a valid integer"),
        Some("number") => ("float_type", "a valid number"),
        Some("boolean") => ("bool_type", "a valid boolean"),
        Some("array") => ("list_type", "a valid list"),
        Some("object") if model => (
            "model_attributes_type",
            "a valid dictionary or object to extract fields from",
        ),
        Some("object") => ("dict_type", "a valid dictionary"),
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

/// The steps of a JSON Pointer: array indexes as integers, object keys as strings. Without the
/// document, a step that is a number is taken for an index.
fn location(pointer: &str, document: Option<&Value>) -> Vec<LocationItem> {
    let mut current = document;
    pointer
        .split('/')
        .skip(1)
        .map(|raw| {
            let key = raw.replace("~1", "/").replace("~0", "~");
            let index = key.parse::<i64>().ok();
            let step = match (current, index) {
                (Some(Value::Object(_)), _) | (_, None) => LocationItem::String(key.clone()),
                (_, Some(index)) => LocationItem::Integer(index),
            };
            current = match (current, &step) {
                (Some(Value::Object(map)), _) => map.get(&key),
                (Some(Value::Array(items)), LocationItem::Integer(i)) => {
                    usize::try_from(*i).ok().and_then(|i| items.get(i))
                }
                _ => None,
            };
            step
        })
        .collect()
}
