//! The schema of a new property, inferred from every value seen there: the types seen, a
//! `format` every string has, an object's own properties (each inferred the same way) and an
//! array's items. Nothing is made required: a property that came once may not come again.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::keywords::{FORMATS, Keywords};
use crate::observe::type_of;

/// Values seen at one place, merged.
#[derive(Debug, Clone, Default)]
pub struct Shape {
    null: bool,
    boolean: bool,
    integer: bool,
    /// A number with a fraction.
    number: bool,
    /// The formats every string seen so far has (`None` before the first string).
    strings: Option<Vec<&'static str>>,
    /// Each key seen on an object here, with its values' shape.
    object: Option<BTreeMap<String, Shape>>,
    /// The items of the arrays seen here (`Some` once an array came).
    array: Option<Box<Shape>>,
}

impl Shape {
    /// Merges `value` in.
    pub fn add(&mut self, value: &Value, keywords: &mut Keywords) {
        match value {
            Value::Null => self.null = true,
            Value::Bool(_) => self.boolean = true,
            Value::Number(_) if type_of(value) == "integer" => self.integer = true,
            Value::Number(_) => self.number = true,
            Value::String(text) => {
                let formats = self
                    .strings
                    .get_or_insert_with(|| FORMATS.iter().map(|f| f.name).collect());
                formats.retain(|name| {
                    FORMATS
                        .iter()
                        .any(|format| format.name == *name && keywords.has(format, text))
                });
            }
            Value::Object(object) => {
                let properties = self.object.get_or_insert_with(BTreeMap::new);
                for (key, value) in object {
                    properties
                        .entry(key.clone())
                        .or_default()
                        .add(value, keywords);
                }
            }
            Value::Array(items) => {
                let shape = self.array.get_or_insert_with(Box::default);
                for item in items {
                    shape.add(item, keywords);
                }
            }
        }
    }

    /// The schema that accepts every value merged in, and little else.
    pub fn schema(&self) -> Value {
        let mut types = Vec::new();
        let mut schema = Map::new();
        if self.object.is_some() {
            types.push("object");
        }
        if self.array.is_some() {
            types.push("array");
        }
        if let Some(formats) = &self.strings {
            types.push("string");
            if let Some(format) = formats.first() {
                schema.insert("format".to_owned(), json!(format));
            }
        }
        if self.number {
            types.push("number");
        } else if self.integer {
            types.push("integer");
        }
        if self.boolean {
            types.push("boolean");
        }
        if self.null {
            types.push("null");
        }
        match types.as_slice() {
            [] => {}
            [one] => {
                schema.insert("type".to_owned(), json!(one));
            }
            many => {
                schema.insert("type".to_owned(), json!(many));
            }
        }
        if let Some(properties) = &self.object {
            let properties: Map<String, Value> = properties
                .iter()
                .map(|(key, shape)| (key.clone(), shape.schema()))
                .collect();
            schema.insert("properties".to_owned(), Value::Object(properties));
        }
        if let Some(items) = &self.array
            && !items.is_empty()
        {
            schema.insert("items".to_owned(), items.schema());
        }
        Value::Object(schema)
    }

    fn is_empty(&self) -> bool {
        !(self.null
            || self.boolean
            || self.integer
            || self.number
            || self.strings.is_some()
            || self.object.is_some()
            || self.array.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inferred(values: &[Value]) -> Value {
        let mut shape = Shape::default();
        let mut keywords = Keywords::default();
        for value in values {
            shape.add(value, &mut keywords);
        }
        shape.schema()
    }

    #[test]
    fn types_formats_nulls_objects_and_items() {
        assert_eq!(
            inferred(&[json!("2026-12-07T10:00:00Z"), json!(null)]),
            json!({"type": ["string", "null"], "format": "date-time"})
        );
        assert_eq!(
            inferred(&[json!("2026-12-07T10:00:00Z"), json!("soon")]),
            json!({"type": "string"})
        );
        assert_eq!(inferred(&[json!(1), json!(2.5)]), json!({"type": "number"}));
        assert_eq!(
            inferred(&[json!({"a": 1, "b": [true]}), json!({"a": 2})]),
            json!({"type": "object", "properties": {
                "a": {"type": "integer"},
                "b": {"type": "array", "items": {"type": "boolean"}}
            }})
        );
        assert_eq!(inferred(&[json!([])]), json!({"type": "array"}));
        assert_eq!(
            inferred(&[json!("a:b"), json!("https://example.com/x")]),
            json!({"type": "string"})
        );
    }
}
