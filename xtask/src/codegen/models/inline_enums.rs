//! Inline string enums, named: a vendor's schema writes most enums where they are used
//! (GitHub's seven events hold 134), and each must become an open enum, which needs a name.
//! Before the generator reads a schema, every inline `{"type": "string", "enum": […]}` (or its
//! nullable form, `"type": ["string", "null"]`) moves into `$defs` under its `title`, or else
//! the name of where it is (`Hook` + `events` + item: `HookEventsItem`), and a `$ref` takes its
//! place. The schema file itself is untouched: validation reads it as written.

use heck::ToUpperCamelCase;
use serde_json::{Map, Value, json};

use crate::Result;

/// Keywords whose value is a schema, and the part of a name each adds.
const ONE_SCHEMA: &[(&str, &str)] = &[
    ("items", "Item"),
    ("additionalProperties", "Value"),
    ("not", "Not"),
    ("contains", "Item"),
];
/// Keywords whose value is a list of schemas.
const SCHEMA_LISTS: &[&str] = &["anyOf", "oneOf", "allOf", "prefixItems"];

/// `schema` with its inline string enums moved into `$defs`; an error when a name it would give
/// is another schema's already, naming both places.
pub fn hoist(schema: &Value) -> Result<Value> {
    let mut root = schema.as_object().cloned().unwrap_or_default();
    let mut defs = match root.remove("$defs") {
        Some(Value::Object(defs)) => defs,
        _ => Map::new(),
    };
    // Names are looked up among every entry, those hoisted included.
    let mut hoisted = Hoisted {
        defs: defs.clone(),
        added: Vec::new(),
    };
    for (key, def) in defs.iter_mut() {
        let name = def["title"].as_str().unwrap_or(key).to_upper_camel_case();
        // An entry that is itself a string enum is named already: only what is below it moves.
        hoisted.walk_children(def, &name, &format!("/$defs/{key}"))?;
    }
    let root_name = root
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or("Root")
        .to_upper_camel_case();
    let mut body = Value::Object(root);
    hoisted.walk_children(&mut body, &root_name, "")?;
    hoisted.defs.extend(defs);
    let Value::Object(mut root) = body else {
        unreachable!("the root was an object and stays one")
    };
    if !hoisted.defs.is_empty() {
        root.insert("$defs".to_owned(), Value::Object(hoisted.defs));
    }
    Ok(Value::Object(root))
}

struct Hoisted {
    defs: Map<String, Value>,
    /// The `$defs` entries added, with where each came from.
    added: Vec<(String, String)>,
}

impl Hoisted {
    /// Hoists the inline enums below `node`, a schema named `name` at `at`.
    fn walk_children(&mut self, node: &mut Value, name: &str, at: &str) -> Result<()> {
        let Some(map) = node.as_object_mut() else {
            return Ok(());
        };
        if let Some(Value::Object(properties)) = map.get_mut("properties") {
            for (property, child) in properties.iter_mut() {
                let child_name = format!("{name}{}", property.to_upper_camel_case());
                self.visit(child, &child_name, &format!("{at}/properties/{property}"))?;
            }
        }
        for (keyword, part) in ONE_SCHEMA {
            if let Some(child) = map.get_mut(*keyword)
                && child.is_object()
            {
                self.visit(child, &format!("{name}{part}"), &format!("{at}/{keyword}"))?;
            }
        }
        for keyword in SCHEMA_LISTS {
            if let Some(Value::Array(children)) = map.get_mut(*keyword) {
                for (i, child) in children.iter_mut().enumerate() {
                    self.visit(child, name, &format!("{at}/{keyword}/{i}"))?;
                }
            }
        }
        Ok(())
    }

    /// Hoists `node` if it is an inline string enum, else what is below it.
    fn visit(&mut self, node: &mut Value, name: &str, at: &str) -> Result<()> {
        let Some((values, nullable)) = inline_enum(node) else {
            return self.walk_children(node, name, at);
        };
        let name = node["title"]
            .as_str()
            .map_or_else(|| name.to_owned(), str::to_upper_camel_case);
        let mut def = json!({"title": name, "type": "string", "enum": values});
        if let Some(description) = node.get("description") {
            def["description"] = description.clone();
        }
        match self.defs.get(&name) {
            Some(existing) if same_enum(existing, &def) => {}
            Some(_) => {
                let other = self
                    .added
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map_or_else(|| format!("#/$defs/{name}"), |(_, from)| format!("#{from}"));
                return Err(format!(
                    "the enum at #{at} would be the type `{name}`, which {other} is already: \
                     give one of them a `title`"
                )
                .into());
            }
            None => {
                self.defs.insert(name.clone(), def);
                self.added.push((name.clone(), at.to_owned()));
            }
        }
        let reference = json!({"$ref": format!("#/$defs/{name}")});
        let mut replacement = if nullable {
            json!({"anyOf": [reference, {"type": "null"}]})
        } else {
            reference
        };
        for annotation in ["description", "default", "examples", "deprecated"] {
            if let Some(value) = node.get(annotation) {
                replacement[annotation] = value.clone();
            }
        }
        *node = replacement;
        Ok(())
    }
}

/// The string values of an inline string enum, and whether it also takes `null`.
fn inline_enum(node: &Value) -> Option<(Vec<Value>, bool)> {
    let values = node.get("enum")?.as_array()?;
    let nullable = match node.get("type")? {
        Value::String(one) if one == "string" => false,
        Value::Array(types) if types.len() == 2 && types.contains(&json!("string")) => {
            types.contains(&json!("null"))
        }
        _ => return None,
    };
    let strings: Vec<Value> = values.iter().filter(|v| !v.is_null()).cloned().collect();
    strings
        .iter()
        .all(Value::is_string)
        .then_some((strings, nullable))
}

/// Whether two hoisted enums are one: the same values (a vendor repeats an enum where it is used).
fn same_enum(a: &Value, b: &Value) -> bool {
    a.get("enum") == b.get("enum") && a.get("type") == b.get("type")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_enums_are_named_after_where_they_are() {
        let schema = json!({
            "title": "hook",
            "type": "object",
            "properties": {
                "events": {"type": "array", "items": {"type": "string", "enum": ["push", "ping"]}},
                "state": {"type": ["string", "null"], "enum": ["open", "closed", null], "description": "d"},
                "kind": {"title": "hook kind", "type": "string", "enum": ["a"]},
                "again": {"type": "array", "items": {"$ref": "#/$defs/Nested"}}
            },
            "$defs": {"Nested": {"type": "object", "properties": {"level": {"type": "string", "enum": ["x"]}}}}
        });
        let hoisted = hoist(&schema).unwrap();
        assert_eq!(
            hoisted["properties"]["events"]["items"],
            json!({"$ref": "#/$defs/HookEventsItem"})
        );
        assert_eq!(
            hoisted["properties"]["state"],
            json!({"anyOf": [{"$ref": "#/$defs/HookState"}, {"type": "null"}], "description": "d"})
        );
        assert_eq!(
            hoisted["$defs"]["HookState"]["enum"],
            json!(["open", "closed"])
        );
        assert_eq!(
            hoisted["properties"]["kind"],
            json!({"$ref": "#/$defs/HookKind"})
        );
        assert_eq!(
            hoisted["$defs"]["Nested"]["properties"]["level"],
            json!({"$ref": "#/$defs/NestedLevel"})
        );
    }

    #[test]
    fn two_enums_one_name_is_an_error_naming_both() {
        let schema = json!({
            "title": "hook",
            "properties": {
                "a": {"title": "Level", "type": "string", "enum": ["x"]},
                "b": {"title": "Level", "type": "string", "enum": ["y"]}
            }
        });
        let error = hoist(&schema).unwrap_err().to_string();
        assert!(
            error.contains("#/properties/b") && error.contains("#/properties/a"),
            "{error}"
        );
        let same = json!({
            "title": "hook",
            "properties": {
                "a": {"title": "Level", "type": "string", "enum": ["x"]},
                "b": {"title": "Level", "type": "string", "enum": ["x"]}
            }
        });
        assert_eq!(hoist(&same).unwrap()["$defs"].as_object().unwrap().len(), 1);
    }
}
