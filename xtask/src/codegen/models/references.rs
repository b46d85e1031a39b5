//! The `$ref`s of a schema, as the generator follows them.

use serde_json::Value;

/// Every `$ref` under `value`, in order. Extension keywords (`x-…`, such as Stripe's
/// `x-expansionResources`) are annotations, whose references no type follows.
pub fn references(value: &Value) -> Vec<&str> {
    let mut found = Vec::new();
    collect(value, &mut found);
    found
}

/// The `$defs` entry `reference` names, if it names one: `#/$defs/<name>` or a place inside it.
pub fn def_name(reference: &str) -> Option<&str> {
    let rest = reference.strip_prefix("#/$defs/")?;
    Some(rest.split('/').next().unwrap_or(rest))
}

fn collect<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
    match value {
        Value::Object(object) => {
            for (key, child) in object {
                match (key.as_str(), child) {
                    ("$ref", Value::String(reference)) => found.push(reference),
                    (key, _) if key.starts_with("x-") => {}
                    _ => collect(child, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect(item, found)),
        _ => {}
    }
}
