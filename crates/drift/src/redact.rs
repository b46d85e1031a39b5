//! Examples made from real deliveries, their strings replaced: a placeholder of the same format
//! (a date-time stays a date-time, a UUID a UUID) and length class, so that an example shows
//! the shape of what came without what it said. A string the schema constrains (an enum value,
//! a constant, a pattern's id) is kept where a placeholder would break the schema: those are
//! the schema's words, not the sender's data.

use hookschema_validate::Schema;
use serde_json::Value;

use crate::keywords::{FORMATS, Keywords};

/// `value` with every string replaced by its placeholder, then each one `schema` refuses put
/// back as it was; `None` when even that is not valid.
pub fn redact(value: &Value, schema: &Schema) -> Option<Value> {
    let mut redacted = value.clone();
    replace_strings(&mut redacted, &mut Keywords::default());
    for _ in 0..64 {
        let violations = schema.validate(&redacted);
        if violations.is_empty() {
            return Some(redacted);
        }
        let mut restored = false;
        for violation in violations {
            if let (Some(original), Some(slot)) = (
                value.pointer(&violation.instance_path),
                redacted.pointer_mut(&violation.instance_path),
            ) && slot != original
            {
                *slot = original.clone();
                restored = true;
            }
        }
        if !restored {
            return None;
        }
    }
    None
}

fn replace_strings(value: &mut Value, keywords: &mut Keywords) {
    match value {
        Value::String(text) => *text = placeholder(text, keywords),
        Value::Array(items) => items.iter_mut().for_each(|v| replace_strings(v, keywords)),
        Value::Object(object) => object
            .values_mut()
            .for_each(|v| replace_strings(v, keywords)),
        _ => {}
    }
}

/// The placeholder of `text`: its format's, or `x`s as long as its length class (up to 8, 32,
/// 128 or 512 characters, and 512 beyond).
fn placeholder(text: &str, keywords: &mut Keywords) -> String {
    if text.is_empty() {
        return String::new();
    }
    if let Some(format) = FORMATS.iter().find(|format| keywords.has(format, text)) {
        return format.placeholder.to_owned();
    }
    let length = text.chars().count();
    let class = [8, 32, 128, 512]
        .into_iter()
        .find(|&class| length <= class)
        .unwrap_or(512);
    "x".repeat(class)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn strings_become_placeholders_of_their_format_and_length_class() {
        let placeholder = |text: &str| placeholder(text, &mut Keywords::default());
        assert_eq!(
            placeholder("2026-12-07T06:30:59.123Z"),
            "2000-01-01T00:00:00Z"
        );
        assert_eq!(placeholder("2026-12-07"), "2000-01-01");
        assert_eq!(
            placeholder("5f0c2b9e-8a1d-4c3e-9b7a-1d2e3f4a5b6c"),
            "00000000-0000-4000-8000-000000000000"
        );
        assert_eq!(
            placeholder("https://kaizen.example/x?token=s3cret"),
            "https://example.com/"
        );
        assert_eq!(placeholder("ann@corp.example"), "user@example.com");
        assert_eq!(placeholder("Ann"), "xxxxxxxx");
        assert_eq!(placeholder("Ann Smith of Corp"), "x".repeat(32));
        assert_eq!(placeholder(""), "");
    }

    #[test]
    fn what_the_schema_constrains_is_kept_and_the_rest_replaced() {
        let schema = Schema::compile(
            "t",
            r#"{"properties": {"status": {"enum": ["done"]}, "id": {"pattern": "^run_"}}}"#,
        )
        .unwrap();
        let delivery = json!({"status": "done", "id": "run_42", "note": "secret", "n": 7});
        let redacted = redact(&delivery, &schema).unwrap();
        assert_eq!(
            redacted,
            json!({"status": "done", "id": "run_42", "note": "xxxxxxxx", "n": 7})
        );
    }
}
