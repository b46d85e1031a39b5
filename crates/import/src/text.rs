//! JSON text as the importer writes it: the same value always the same bytes, and a schema read
//! from the top (`$schema`, `$id`, `title`, `description` first, `$defs` last), whatever order
//! the source had.

use serde_json::Value;

/// Keys written first, in this order; the rest follow by name, and `$defs` last.
const FIRST: &[&str] = &[
    "$schema",
    "$id",
    "title",
    "description",
    "x-hookschema-source",
    "type",
];
const LAST: &str = "$defs";

/// `value` as pretty JSON text, two spaces a level, with a final newline.
pub fn pretty(value: &Value) -> String {
    let mut out = String::new();
    write(value, 0, &mut out);
    out.push('\n');
    out
}

fn rank(key: &str) -> (usize, &str) {
    match FIRST.iter().position(|first| *first == key) {
        Some(place) => (place, ""),
        None if key == LAST => (FIRST.len() + 1, ""),
        None => (FIRST.len(), key),
    }
}

fn write(value: &Value, depth: usize, out: &mut String) {
    let indent = |out: &mut String, depth: usize| out.extend(std::iter::repeat_n("  ", depth));
    match value {
        Value::Object(map) if !map.is_empty() => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|(a, _), (b, _)| rank(a).cmp(&rank(b)));
            out.push_str("{\n");
            for (i, (key, value)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(",\n");
                }
                indent(out, depth + 1);
                out.push_str(&Value::String(key.clone()).to_string());
                out.push_str(": ");
                write(value, depth + 1, out);
            }
            out.push('\n');
            indent(out, depth);
            out.push('}');
        }
        Value::Array(items) if !items.is_empty() => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(",\n");
                }
                indent(out, depth + 1);
                write(item, depth + 1, out);
            }
            out.push('\n');
            indent(out, depth);
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_schema_reads_from_the_top_and_parses_back_the_same() {
        let schema = json!({
            "$defs": {"a": {"type": "string"}},
            "properties": {"b": {"type": []}},
            "title": "T",
            "$schema": "s",
            "required": ["b"],
            "x": {}
        });
        let text = pretty(&schema);
        assert!(
            text.starts_with("{\n  \"$schema\": \"s\",\n  \"title\": \"T\",\n  \"properties\"")
        );
        assert!(
            text.contains(
                "  \"$defs\": {\n    \"a\": {\n      \"type\": \"string\"\n    }\n  }\n}\n"
            )
        );
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), schema);
    }
}
