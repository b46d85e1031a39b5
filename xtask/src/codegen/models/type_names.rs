//! `$defs` keys made Rust type names. A schema names its definitions as it likes
//! (`common-app`, `account_branding_settings`), and each becomes a Rust type; before the
//! generator reads a schema, every key is renamed to the type name it gives, and every `$ref`
//! follows. Two keys that would give one name are an error naming both, never a silent choice.

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;
use serde_json::{Map, Value};

use crate::Result;

/// The Rust type name for a schema's name for it: upper camel case, made an identifier (a name
/// that does not start with a letter is prefixed with `X`, a keyword suffixed with `_`), as
/// typify names types, so that the two agree on every name.
pub fn type_name(text: &str) -> String {
    let words: String = text
        .replace('\'', "")
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    let mut name = words.to_upper_camel_case();
    if !name.starts_with(|c: char| c.is_alphabetic()) {
        name.insert(0, 'X');
    }
    if syn::parse_str::<syn::Ident>(&name).is_err() {
        name.push('_');
    }
    name
}

/// `schema` with its `$defs` keys renamed to their type names, and its `$ref`s to them
/// rewritten, and each key it had by its new name; an error when two keys, or a key and the
/// root's `title`, give one name.
pub fn rename_defs(schema: &Value) -> Result<(Value, BTreeMap<String, String>)> {
    let Some(defs) = schema.get("$defs").and_then(Value::as_object) else {
        return Ok((schema.clone(), BTreeMap::new()));
    };
    let mut renamed: BTreeMap<&str, String> = BTreeMap::new();
    let mut taken: BTreeMap<String, &str> = BTreeMap::new();
    if let Some(title) = schema.get("title").and_then(Value::as_str) {
        taken.insert(type_name(title), "the root, by its `title`");
    }
    for key in defs.keys() {
        let name = type_name(key);
        if let Some(other) = taken.insert(name.clone(), key) {
            let other = if other.starts_with("the root") {
                other.to_owned()
            } else {
                format!("#/$defs/{other}")
            };
            return Err(format!(
                "#/$defs/{key} and {other} would both be the Rust type `{name}`: rename one"
            )
            .into());
        }
        renamed.insert(key, name);
    }
    let mut schema = schema.clone();
    rewrite_refs(&mut schema, &renamed);
    if let Some(Value::Object(defs)) = schema.get_mut("$defs") {
        let entries = std::mem::take(defs);
        *defs = entries
            .into_iter()
            .map(|(key, def)| (renamed[key.as_str()].clone(), def))
            .collect::<Map<_, _>>();
    }
    let keys = renamed
        .into_iter()
        .map(|(key, name)| (name, key.to_owned()))
        .collect();
    Ok((schema, keys))
}

/// Rewrites every `#/$defs/<key>…` reference under `value` to the key's new name.
fn rewrite_refs(value: &mut Value, renamed: &BTreeMap<&str, String>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get_mut("$ref")
                && let Some(rest) = reference.strip_prefix("#/$defs/")
            {
                let (key, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
                let key = key.replace("~1", "/").replace("~0", "~");
                if let Some(name) = renamed.get(key.as_str()) {
                    *reference = format!("#/$defs/{name}{tail}");
                }
            }
            for child in object.values_mut() {
                rewrite_refs(child, renamed);
            }
        }
        Value::Array(items) => {
            for item in items {
                rewrite_refs(item, renamed);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn names_are_upper_camel_case_identifiers() {
        assert_eq!(type_name("common-app"), "CommonApp");
        assert_eq!(
            type_name("account_branding_settings"),
            "AccountBrandingSettings"
        );
        assert_eq!(type_name("Execution"), "Execution");
        assert_eq!(type_name("3d_secure"), "X3dSecure");
        assert_eq!(type_name("self"), "Self_");
        assert_eq!(
            type_name("Check_run completed event"),
            "CheckRunCompletedEvent"
        );
    }

    #[test]
    fn keys_and_references_are_renamed_together() {
        let schema = json!({
            "properties": {"app": {"$ref": "#/$defs/common-app"}},
            "$defs": {
                "common-app": {"properties": {"owner": {"$ref": "#/$defs/common-user/properties/id"}}},
                "common-user": {"properties": {"id": {"type": "integer"}}}
            }
        });
        let (renamed, keys) = rename_defs(&schema).unwrap();
        assert_eq!(keys["CommonApp"], "common-app");
        assert_eq!(renamed["properties"]["app"]["$ref"], "#/$defs/CommonApp");
        assert_eq!(
            renamed["$defs"]["CommonApp"]["properties"]["owner"]["$ref"],
            "#/$defs/CommonUser/properties/id"
        );
        assert!(renamed["$defs"].get("common-user").is_none());
    }

    #[test]
    fn two_keys_of_one_name_are_an_error_naming_both() {
        let schema = json!({"$defs": {"a-b": {}, "a_b": {}}});
        let error = rename_defs(&schema).unwrap_err().to_string();
        assert!(error.contains("#/$defs/a_b and #/$defs/a-b"), "{error}");
        assert!(error.contains("`AB`"), "{error}");
        let schema = json!({"title": "Order", "$defs": {"order": {}}});
        let error = rename_defs(&schema).unwrap_err().to_string();
        assert!(error.contains("the root, by its `title`"), "{error}");
    }
}
