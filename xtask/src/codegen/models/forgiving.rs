//! The schema as the models read it: what a string must look like is validation's to say. A
//! `pattern`, a `minLength` or a `maxLength` would make typify write a newtype that refuses the
//! string (and needs `regress` for the pattern), and a format other than `date-time` and `uuid`
//! a type the vendor may not keep to; a model that refused what the strict validator only
//! reports would lose a delivery. An `enum` of no string (GitHub's `"locked": {"enum": [true]}`)
//! is left to validation too: the field is its JSON type. A property that is always null
//! (`"type": "null"`) is any JSON value: a `null` that writes back `null`, and a value the
//! vendor starts sending there one day decodes (typify's `()` refused it). So the generator's working copy drops
//! them; the schema file keeps them, and validation asserts them.

use serde_json::Value;

/// The keywords of a string schema dropped from the working copy.
const STRING_CONSTRAINTS: &[&str] = &["pattern", "minLength", "maxLength"];
/// The formats the models type: the rest are strings.
const TYPED_FORMATS: &[&str] = &["date-time", "uuid"];
/// Keywords whose value is data, not schemas, and is left as it is.
const DATA: &[&str] = &["enum", "const", "default", "examples"];

/// Drops, from every string schema in `schema`, what only validation should assert.
pub fn loosen(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            let string = match map.get("type") {
                Some(Value::String(one)) => one == "string",
                Some(Value::Array(types)) => types.iter().any(|t| t == "string"),
                _ => false,
            };
            if string {
                for keyword in STRING_CONSTRAINTS {
                    map.remove(*keyword);
                }
                let typed = map
                    .get("format")
                    .and_then(Value::as_str)
                    .is_some_and(|format| TYPED_FORMATS.contains(&format));
                if !typed {
                    map.remove("format");
                }
            }
            // A property always null (not a union's `null` branch, which makes an `Option`).
            for property in map
                .get_mut("properties")
                .and_then(Value::as_object_mut)
                .into_iter()
                .flat_map(|properties| properties.values_mut())
            {
                if property.get("type").and_then(Value::as_str) == Some("null")
                    && let Some(property) = property.as_object_mut()
                {
                    property.remove("type");
                }
            }
            let no_string = map
                .get("enum")
                .and_then(Value::as_array)
                .is_some_and(|values| !values.iter().any(Value::is_string));
            if no_string && let Some(Value::Array(values)) = map.remove("enum") {
                map.entry("type").or_insert_with(|| json_types(&values));
            }
            for (key, child) in map.iter_mut() {
                if !DATA.contains(&key.as_str()) {
                    loosen(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(loosen),
        _ => {}
    }
}

/// The JSON types of `values`, as a `type` keyword.
fn json_types(values: &[Value]) -> Value {
    let mut types: Vec<&str> = values
        .iter()
        .map(|value| match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_f64() => "number",
            Value::Number(_) => "integer",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        })
        .collect();
    types.sort_unstable();
    types.dedup();
    match types[..] {
        [one] => Value::from(one),
        _ => Value::from(types),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn string_constraints_and_enums_of_no_string_go_and_typed_formats_stay() {
        let mut schema = json!({"properties": {
            "id": {"type": "string", "pattern": "^a", "minLength": 1, "format": "uri"},
            "at": {"type": ["string", "null"], "format": "date-time", "maxLength": 30},
            "n": {"type": "integer", "minimum": 0},
            "e": {"type": "string", "enum": ["a"], "examples": [{"type": "string", "pattern": "kept"}]},
            "locked": {"type": "boolean", "enum": [true]},
            "level": {"enum": [1, 2, null]},
            "always": {"type": "null", "description": "d"}
        }});
        loosen(&mut schema);
        assert_eq!(
            schema["properties"],
            json!({
                "id": {"type": "string"},
                "at": {"type": ["string", "null"], "format": "date-time"},
                "n": {"type": "integer", "minimum": 0},
                "e": {"type": "string", "enum": ["a"], "examples": [{"type": "string", "pattern": "kept"}]},
                "locked": {"type": "boolean"},
                "level": {"type": ["integer", "null"]},
                "always": {"description": "d"}
            })
        );
    }
}
