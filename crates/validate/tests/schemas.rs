//! Every schema is valid draft 2020-12 and keeps the authoring rules the manual lists under
//! "Changing a schema" (docs/src/changing-a-schema.md), which other languages' tools rely on.

use hookschema_models::SchemaFile;
use hookschema_validate::Schema;
use serde_json::Value;

fn schemas() -> Vec<(&'static SchemaFile, Value)> {
    Schema::all()
        .map(|schema| {
            let file = schema.embedded().expect("an embedded schema");
            (
                file,
                serde_json::from_str(file.text).expect("schema is JSON"),
            )
        })
        .collect()
}

#[test]
fn every_schema_file_is_embedded() {
    let root = hookschema_fixtures::repository_root().join("schemas");
    let mut on_disk = Vec::new();
    for vendor in std::fs::read_dir(&root).unwrap() {
        let vendor = vendor.unwrap().path();
        for file in std::fs::read_dir(&vendor).into_iter().flatten() {
            let name = file.unwrap().file_name().to_string_lossy().into_owned();
            if let Some(stem) = name.strip_suffix(".schema.json") {
                let vendor = vendor.file_name().unwrap().to_string_lossy();
                on_disk.push(format!("{vendor}/{stem}"));
            }
        }
    }
    on_disk.sort();
    let embedded: Vec<String> = Schema::all().map(|s| s.name().to_owned()).collect();
    assert_eq!(embedded, on_disk, "run `cargo xtask codegen`");
}

#[test]
fn every_schema_is_valid_draft_2020_12() {
    for (file, schema) in schemas() {
        assert_eq!(
            schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{}",
            file.name
        );
        if let Err(error) = jsonschema::meta::validate(&schema) {
            panic!("{} breaks the 2020-12 meta-schema: {error}", file.name);
        }
    }
}

#[test]
fn every_schema_has_an_absolute_versioned_id_and_titles() {
    for (file, schema) in schemas() {
        // `https://hookschema.dev/schemas/<name>/<major>.<minor>.<patch>.json`: the version a
        // consumer has, which `cargo xtask schema-diff` keeps honest.
        let id = schema["$id"].as_str().unwrap_or_default();
        let prefix = format!("https://hookschema.dev/schemas/{}/", file.name);
        let version = id
            .strip_prefix(&prefix)
            .and_then(|v| v.strip_suffix(".json"));
        let semver = version.is_some_and(|v| {
            let parts: Vec<&str> = v.split('.').collect();
            parts.len() == 3
                && parts
                    .iter()
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        });
        assert!(semver, "{}: $id {id}", file.name);
        assert_eq!(schema["title"].as_str(), Some(file.title), "{}", file.name);
        for (name, def) in schema["$defs"].as_object().into_iter().flatten() {
            assert_eq!(
                def["title"].as_str(),
                Some(name.as_str()),
                "{}: $defs/{name}",
                file.name
            );
        }
    }
}

/// Walks every subschema, calling `check` with its JSON Pointer.
fn walk(pointer: &str, node: &Value, check: &mut dyn FnMut(&str, &serde_json::Map<String, Value>)) {
    let Value::Object(map) = node else { return };
    check(pointer, map);
    for (keyword, value) in map {
        let here = format!("{pointer}/{keyword}");
        match (keyword.as_str(), value) {
            ("properties" | "$defs", Value::Object(children)) => {
                for (name, child) in children {
                    walk(&format!("{here}/{name}"), child, check);
                }
            }
            ("items" | "additionalProperties", child) => walk(&here, child, check),
            ("anyOf" | "oneOf" | "allOf", Value::Array(children)) => {
                for (i, child) in children.iter().enumerate() {
                    walk(&format!("{here}/{i}"), child, check);
                }
            }
            _ => {}
        }
    }
}

#[test]
fn every_schema_keeps_the_authoring_rules() {
    /// The keywords these schemas may use; anything else is a typo the meta-schema lets pass
    /// (it allows unknown keywords) or a feature other languages' tools handle differently.
    const KNOWN: &[&str] = &[
        "$schema",
        "$id",
        "$defs",
        "$ref",
        "$comment",
        "title",
        "description",
        "examples",
        "default",
        "deprecated",
        "type",
        "enum",
        "const",
        "format",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "anyOf",
        "oneOf",
        "allOf",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "pattern",
        "minItems",
        "maxItems",
        "uniqueItems",
        // hookschema's own, on a property a sender writes outside the schema: the name of its
        // decoder in the vendor's `quirks.rs` (see "Changing a schema").
        "x-hookschema-quirk",
    ];
    const FORBIDDEN: &[&str] = &[
        "$dynamicRef",
        "$dynamicAnchor",
        "if",
        "then",
        "else",
        "not",
        "unevaluatedProperties",
        "unevaluatedItems",
        "prefixItems",
        "dependentSchemas",
    ];
    let mut broken = Vec::new();
    for (file, schema) in schemas() {
        walk("", &schema, &mut |at, node| {
            let mut complain = |what: String| broken.push(format!("{}#{at}: {what}", file.name));
            for keyword in FORBIDDEN {
                if node.contains_key(*keyword) {
                    complain(format!("uses `{keyword}`"));
                }
            }
            for keyword in node.keys().filter(|k| !KNOWN.contains(&k.as_str())) {
                if !FORBIDDEN.contains(&keyword.as_str()) {
                    complain(format!("uses the unknown keyword `{keyword}`"));
                }
            }
            if node.get("additionalProperties") == Some(&Value::Bool(false)) {
                complain("closes an object; vendors add fields".into());
            }
            if node.get("default") == Some(&Value::Null) {
                complain("has `\"default\": null`".into());
            }
            if let Some(format) = node.get("format").and_then(Value::as_str)
                && !matches!(format, "date-time" | "uuid")
            {
                complain(format!("uses format `{format}`; only date-time and uuid"));
            }
            if let Some(reference) = node.get("$ref").and_then(Value::as_str)
                && !reference.starts_with("#/$defs/")
            {
                complain(format!("refers to `{reference}`; only local #/$defs/ refs"));
            }
            if let Some(Value::Object(properties)) = node.get("properties") {
                for (name, property) in properties {
                    if property
                        .get("description")
                        .and_then(Value::as_str)
                        .is_none()
                    {
                        complain(format!("property `{name}` has no description"));
                    }
                }
            }
        });
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}
