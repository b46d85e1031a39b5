//! Inline types, named. A vendor's schema writes most types where they are used (GitHub's seven
//! events hold 134 string enums, and objects within objects), and typify names each after where
//! it is; but it keeps one type per name, so an inline type whose name a `$defs` entry has too
//! silently became that type (`events: WebhookEvents`, a string enum, where the payload has an
//! object), or was written twice. So before the generator reads a schema, every inline string
//! enum (or its nullable form, `"type": ["string", "null"]`), object with `properties`, union
//! (an `anyOf` or `oneOf` of more than one schema besides null) and `allOf` moves into `$defs`,
//! and a `$ref` takes its place. The parts of an `allOf` stay where they are: typify merges them
//! into one type, whose fields the rewrites then know by its name.
//!
//! Each is named by its `title`, or else where it is (`Hook` + `events` + item:
//! `HookEventsItem`); when another type has that name, by where it is, then that name numbered
//! (`HookEvents2`). The same schema met twice is one type. Moved into `$defs`, an enum becomes an
//! open enum, a union an open union, and a type a vendor's schemas share is generated once.
//!
//! The schema file itself is untouched: validation reads it as written.

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;
use serde_json::{Map, Value, json};

use super::type_names::type_name;

/// Keywords whose value is a schema, and the part of a name each adds.
const ONE_SCHEMA: &[(&str, &str)] = &[
    ("items", "Item"),
    ("additionalProperties", "Value"),
    ("not", "Not"),
    ("contains", "Item"),
];
/// Keywords whose value is a list of schemas.
const SCHEMA_LISTS: &[&str] = &["anyOf", "oneOf", "allOf", "prefixItems"];

/// `schema` with its inline types moved into `$defs`, and where each came from (a JSON Pointer
/// into `schema`) by its name.
pub fn hoist(schema: &Value) -> (Value, BTreeMap<String, String>) {
    let mut root = schema.as_object().cloned().unwrap_or_default();
    let mut defs = match root.remove("$defs") {
        Some(Value::Object(defs)) => defs,
        _ => Map::new(),
    };
    let root_name = root
        .get("title")
        .and_then(Value::as_str)
        .map_or_else(|| "Root".to_owned(), type_name);
    // Names are looked up among every entry, those hoisted included.
    let mut hoisted = Hoisted {
        defs: defs.clone(),
        added: Vec::new(),
        named: defs
            .keys()
            .map(|key| (type_name(key), None))
            .chain([(root_name.clone(), None)])
            .collect(),
    };
    for (key, def) in defs.iter_mut() {
        // An entry that is itself a string enum or an object is named already: only what is
        // below it moves or is titled.
        hoisted.walk_children(def, &type_name(key), &format!("/$defs/{key}"));
    }
    let mut body = Value::Object(root);
    hoisted.walk_children(&mut body, &root_name, "");
    hoisted.defs.extend(defs);
    let Value::Object(mut root) = body else {
        unreachable!("the root was an object and stays one")
    };
    if !hoisted.defs.is_empty() {
        root.insert("$defs".to_owned(), Value::Object(hoisted.defs));
    }
    (Value::Object(root), hoisted.added.into_iter().collect())
}

struct Hoisted {
    defs: Map<String, Value>,
    /// The `$defs` entries added, with where each came from.
    added: Vec<(String, String)>,
    /// Every type name given: `$defs` entries' and the root's (`None`), and inline types' with
    /// the schema each names (untitled, and before what is below it is named).
    named: BTreeMap<String, Option<Value>>,
}

impl Hoisted {
    /// Hoists the inline enums below `node`, a schema named `name` at `at`, and titles its
    /// inline types.
    fn walk_children(&mut self, node: &mut Value, name: &str, at: &str) {
        let Some(map) = node.as_object_mut() else {
            return;
        };
        if let Some(Value::Object(properties)) = map.get_mut("properties") {
            for (property, child) in properties.iter_mut() {
                let child_name = format!("{name}{}", property.to_upper_camel_case());
                let at = format!("{at}/properties/{property}");
                self.visit(child, &child_name, &at, false);
            }
        }
        for (keyword, part) in ONE_SCHEMA {
            if let Some(child) = map.get_mut(*keyword)
                && child.is_object()
            {
                self.visit(
                    child,
                    &format!("{name}{part}"),
                    &format!("{at}/{keyword}"),
                    false,
                );
            }
        }
        for keyword in SCHEMA_LISTS {
            if let Some(Value::Array(children)) = map.get_mut(*keyword) {
                for (i, child) in children.iter_mut().enumerate() {
                    let all_of = *keyword == "allOf";
                    self.visit(child, name, &format!("{at}/{keyword}/{i}"), all_of);
                }
            }
        }
    }

    /// Hoists `node` if it is an inline string enum, object or union (not a part of an `allOf`,
    /// which typify merges), else goes below it.
    fn visit(&mut self, node: &mut Value, name: &str, at: &str, in_all_of: bool) {
        if let Some((values, nullable)) = inline_enum(node) {
            // Two enums of the same values are one, whatever their descriptions.
            let mut def = json!({"type": "string", "enum": values});
            let name = self.name(node["title"].as_str(), name, &def);
            if let Some(description) = node.get("description") {
                def["description"] = description.clone();
            }
            self.add(&name, def, at);
            self.replace(node, &name, nullable);
            return;
        }
        let merged = node.get("allOf").is_some_and(Value::is_array);
        if !in_all_of && (inline_object(node).is_some() || is_inline_union(node) || merged) {
            let mut nullable = inline_object(node) == Some(true);
            let mut def = node.clone();
            // A union that also takes null is that union or null, as a nullable object is: its
            // `null` branch is no alternative of the type.
            for keyword in ["anyOf", "oneOf"] {
                if let Some(Value::Array(branches)) = def.get_mut(keyword) {
                    let before = branches.len();
                    branches.retain(|branch| branch["type"] != "null");
                    nullable |= branches.len() < before;
                }
            }
            let own = def.as_object_mut().and_then(|map| {
                // A wire quirk is the property's, not the type's: it stays where it was written.
                map.remove(super::rewrites::QUIRK);
                map.remove("title")
            });
            let name = self.name(own.as_ref().and_then(Value::as_str), name, &def);
            self.walk_children(&mut def, &name, at);
            if nullable {
                def["type"] = Value::from("object");
            }
            self.add(&name, def, at);
            self.replace(node, &name, nullable);
            return;
        }
        self.walk_children(node, name, at)
    }

    /// Adds `def` to `$defs` as `name`, unless the same schema is there already.
    fn add(&mut self, name: &str, mut def: Value, at: &str) {
        if !self.defs.contains_key(name) {
            def["title"] = Value::from(name);
            self.defs.insert(name.to_owned(), def);
            self.added.push((name.to_owned(), at.to_owned()));
        }
    }

    /// Replaces `node` with a `$ref` to the `$defs` entry `name` (or null), keeping its
    /// annotations.
    fn replace(&mut self, node: &mut Value, name: &str, nullable: bool) {
        let reference = json!({"$ref": format!("#/$defs/{name}")});
        let mut replacement = if nullable {
            json!({"anyOf": [reference, {"type": "null"}]})
        } else {
            reference
        };
        let quirk = super::rewrites::QUIRK;
        for annotation in ["description", "default", "examples", "deprecated", quirk] {
            if let Some(value) = node.get(annotation) {
                replacement[annotation] = value.clone();
            }
        }
        *node = replacement;
    }

    /// The name of the inline type `schema`, titled `own` and at a place that names it `name`:
    /// the first of its own title, its place's name and that name numbered that no other type
    /// has (the same schema met twice has one name).
    fn name(&mut self, own: Option<&str>, name: &str, schema: &Value) -> String {
        let free = |candidate: &str| match self.named.get(candidate) {
            None => true,
            Some(same) => same.as_ref() == Some(schema),
        };
        let chosen = own
            .map(type_name)
            .into_iter()
            .chain([name.to_owned()])
            .chain((2..).map(|n| format!("{name}{n}")))
            .find(|candidate| free(candidate))
            .expect("numbered names never run out");
        self.named.insert(chosen.clone(), Some(schema.clone()));
        chosen
    }
}

/// Whether `node` is an object with properties, and whether it also takes `null`.
fn inline_object(node: &Value) -> Option<bool> {
    node.get("properties")?.as_object()?;
    match node.get("type") {
        None => Some(false),
        Some(Value::String(one)) if one == "object" => Some(false),
        Some(Value::Array(types)) if types.len() == 2 && types.contains(&json!("object")) => {
            types.contains(&json!("null")).then_some(true)
        }
        _ => None,
    }
}

/// Whether typify makes `node` a type of its own, which it names: a union that is more than a
/// nullable wrapper of one schema.
fn is_inline_union(node: &Value) -> bool {
    ["anyOf", "oneOf"].iter().any(|keyword| {
        node.get(*keyword)
            .and_then(Value::as_array)
            .is_some_and(|branches| {
                let not_null = branches.iter().filter(|b| b["type"] != "null").count();
                not_null > 1
            })
    })
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
        let (hoisted, origins) = hoist(&schema);
        assert_eq!(origins["HookEventsItem"], "/properties/events/items");
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

    /// A wire quirk marks the property, whatever its type: it stays on the `$ref` that replaces
    /// an inline type, and is not the hoisted type's.
    #[test]
    fn a_quirk_stays_on_the_property_its_inline_type_leaves() {
        let quirk = super::super::rewrites::QUIRK;
        let schema = json!({
            "title": "hook",
            "properties": {
                "count": {quirk: "lenient_count", "anyOf": [{"type": "string"}, {"type": "integer"}]},
                "state": {quirk: "lenient_state", "type": "string", "enum": ["open"]}
            }
        });
        let (hoisted, _) = hoist(&schema);
        assert_eq!(
            hoisted["properties"]["count"],
            json!({"$ref": "#/$defs/HookCount", quirk: "lenient_count"})
        );
        assert_eq!(
            hoisted["properties"]["state"],
            json!({"$ref": "#/$defs/HookState", quirk: "lenient_state"})
        );
        assert!(hoisted["$defs"]["HookCount"].get(quirk).is_none());
        assert!(hoisted["$defs"]["HookState"].get(quirk).is_none());
    }

    #[test]
    fn a_name_taken_is_never_shared_by_two_types() {
        let schema = json!({
            "title": "hook",
            "properties": {
                "a": {"title": "Level", "type": "string", "enum": ["x"]},
                "b": {"title": "Level", "type": "string", "enum": ["y"]},
                "c": {"title": "Level", "type": "string", "enum": ["x"], "description": "again"},
                "events": {"type": "object", "properties": {"push": {"type": "boolean"}}},
                "config": {"anyOf": [{"type": "string"}, {"type": "object", "properties": {}}]}
            },
            "$defs": {"hook-events": {"type": "string", "enum": ["push"]}}
        });
        let (hoisted, _) = hoist(&schema);
        let properties = &hoisted["properties"];
        assert_eq!(properties["a"]["$ref"], "#/$defs/Level");
        assert_eq!(
            properties["b"]["$ref"], "#/$defs/HookB",
            "its title is taken"
        );
        assert_eq!(properties["c"]["$ref"], "#/$defs/Level", "the same enum");
        // `HookEvents` is the `$defs` entry's: the inline object is another type.
        assert_eq!(properties["events"]["$ref"], "#/$defs/HookEvents2");
        assert_eq!(hoisted["$defs"]["HookEvents2"]["title"], "HookEvents2");
        assert_eq!(properties["config"]["$ref"], "#/$defs/HookConfig");
        assert_eq!(
            hoisted["$defs"]["HookConfig"]["anyOf"][1]["$ref"],
            "#/$defs/HookConfig2"
        );
        // A union that takes null too is the union, or null.
        let schema = json!({"title": "hook", "properties": {
            "id": {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]}
        }});
        let (hoisted, _) = hoist(&schema);
        assert_eq!(
            hoisted["properties"]["id"],
            json!({"anyOf": [{"$ref": "#/$defs/HookId"}, {"type": "null"}]})
        );
        assert_eq!(
            hoisted["$defs"]["HookId"]["anyOf"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
    }
}
