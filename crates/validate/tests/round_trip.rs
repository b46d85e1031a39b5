//! Every valid example, decoded into the models and serialised back (what `hookschema parse`
//! prints), is still valid under the strict schema and equal to what was sent, but for the
//! normalisations the manual lists (docs/src/crates.md):
//!
//! 1. fields the schema does not declare are dropped. The examples stand for such a field with a
//!    key named `x-…`, which no vendor sends; any other key of a valid example that does not come
//!    back is a field a real sender writes and the models lose, so it fails here until the schema
//!    declares it;
//! 2. in a field the schema types `integer`, `2.0` comes back as `2`; any other number must come
//!    back as sent (a `number` is a `serde_json::Number`, integer or float as written);
//! 3. UUIDs come back in lowercase.
//!
//! Nothing else: an optional field sent as `null`, `[]` or `{}` comes back as sent, and a key
//! not sent does not come back, a schema `default` included.

use hookschema_models::SchemaFile;
use hookschema_validate::Schema;
use serde_json::{Map, Value};

/// Walks a payload, its re-serialised form and the schema together.
struct Comparison<'a> {
    root: &'a Value,
    differences: Vec<String>,
}

impl<'a> Comparison<'a> {
    /// Follows `$ref`, and picks the `anyOf` branch whose type fits `value`.
    fn resolve(&self, schema: Option<&'a Value>, value: &Value) -> Option<&'a Value> {
        let schema = schema?;
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let name = reference.strip_prefix("#/$defs/")?;
            return self.resolve(self.root["$defs"].get(name), value);
        }
        if let Some(branches) = schema.get("anyOf").and_then(Value::as_array) {
            return branches
                .iter()
                .map(|branch| self.resolve(Some(branch), value))
                .find(|branch| branch.is_some_and(|b| fits(b, value)))
                .flatten();
        }
        Some(schema)
    }

    fn compare(&mut self, path: &str, schema: Option<&'a Value>, sent: &Value, kept: &Value) {
        let schema = self.resolve(schema, sent);
        match (sent, kept) {
            (Value::Number(a), Value::Number(b)) if same_number(schema, a, b) => {}
            (Value::String(a), Value::String(b))
                if a == b || (format(schema) == Some("uuid") && a.to_lowercase() == *b) => {}
            (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
                let items = schema.and_then(|s| s.get("items"));
                for (i, (a, b)) in a.iter().zip(b).enumerate() {
                    self.compare(&format!("{path}/{i}"), items, a, b);
                }
            }
            (Value::Object(a), Value::Object(b)) => self.compare_objects(path, schema, a, b),
            (a, b) if a == b => {}
            (a, b) => self.differences.push(format!("{path}: sent {a}, kept {b}")),
        }
    }

    fn compare_objects(
        &mut self,
        path: &str,
        schema: Option<&'a Value>,
        sent: &Map<String, Value>,
        kept: &Map<String, Value>,
    ) {
        let properties = schema
            .and_then(|s| s.get("properties"))
            .and_then(Value::as_object);
        let additional = schema
            .and_then(|s| s.get("additionalProperties"))
            .filter(|a| a.is_object());
        // A free-form object (`params`, `node_meta`, `response`) is kept whole: the rules below
        // are for objects the schema describes field by field.
        let modelled = properties.is_some() || additional.is_some();
        for (key, value) in sent {
            let here = format!("{path}/{key}");
            let declared = properties.and_then(|p| p.get(key)).or(additional);
            match kept.get(key) {
                Some(kept) => self.compare(&here, declared, value, kept),
                // 1: undeclared fields are dropped, but only a stand-in for a future one may be.
                None if modelled && declared.is_none() && is_stand_in(key) => {}
                None if modelled && declared.is_none() => self.differences.push(format!(
                    "{here}: dropped {value}: the schema does not declare `{key}`; declare it, \
                     or name an invented field `x-…`"
                )),
                None => self.differences.push(format!("{here}: dropped {value}")),
            }
        }
        for key in kept.keys().filter(|key| !sent.contains_key(*key)) {
            self.differences
                .push(format!("{path}/{key}: added {}", kept[key]));
        }
    }
}

fn fits(schema: &Value, value: &Value) -> bool {
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    match schema.get("type") {
        None => true,
        Some(Value::String(t)) => t == kind || (t == "number" && kind == "integer"),
        Some(Value::Array(types)) => types
            .iter()
            .any(|t| t == kind || (t == "number" && kind == "integer")),
        Some(_) => false,
    }
}

/// Normalisation 2: where the schema types an integer, `2.0` and `2` are one number; elsewhere
/// only the same number, as sent, is.
fn same_number(
    schema: Option<&Value>,
    sent: &serde_json::Number,
    kept: &serde_json::Number,
) -> bool {
    let integer = schema.is_some_and(|s| fits(s, &Value::from(0)) && declares(s, "integer"))
        && !schema.is_some_and(|s| declares(s, "number"));
    if integer {
        match (sent.as_u64(), kept.as_u64()) {
            (Some(a), Some(b)) => a == b,
            _ => sent
                .as_f64()
                .is_some_and(|a| a.fract() == 0.0 && Some(a) == kept.as_f64()),
        }
    } else {
        sent == kept
    }
}

/// Whether the schema's `type` names `ty`.
fn declares(schema: &Value, ty: &str) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) => t == ty,
        Some(Value::Array(types)) => types.iter().any(|t| t == ty),
        _ => false,
    }
}

fn format(schema: Option<&Value>) -> Option<&str> {
    schema?.get("format")?.as_str()
}

/// Normalisation 1: a key the examples invent to stand for a field a vendor may add one day.
fn is_stand_in(key: &str) -> bool {
    key.starts_with("x-")
}

/// Differences between `sent` and `kept` that the normalisations do not explain.
fn differences(schema: &Value, sent: &Value, kept: &Value) -> Vec<String> {
    let mut comparison = Comparison {
        root: schema,
        differences: Vec::new(),
    };
    comparison.compare("", Some(schema), sent, kept);
    comparison.differences
}

#[test]
fn every_valid_fixture_round_trips_through_the_models() {
    let mut problems = Vec::new();
    for fixture in hookschema_fixtures::all()
        .into_iter()
        .filter(|f| f.is_valid())
    {
        let file = SchemaFile::named(&fixture.schema).unwrap();
        let schema: Value = serde_json::from_str(file.text).unwrap();
        let sent: Value = serde_json::from_slice(&fixture.bytes).unwrap();
        let kept = (file.reserialize)(&fixture.bytes).unwrap();
        for violation in Schema::named(&fixture.schema).unwrap().validate(&kept) {
            problems.push(format!(
                "{fixture}: re-serialised payload is invalid: {violation}"
            ));
        }
        for difference in differences(&schema, &sent, &kept) {
            problems.push(format!("{fixture}: {difference}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The comparison above must be able to fail: it catches every change the normalisations do
/// not cover.
#[test]
fn the_comparison_sees_real_changes() {
    let schema: Value = serde_json::json!({
        "type": "object",
        "required": ["id", "state"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "state": {"type": ["string", "null"]},
            "count": {"type": "number", "default": 0},
            "tags": {"type": "array", "items": {"type": "string"}},
            "child": {"anyOf": [{"$ref": "#/$defs/Child"}, {"type": "null"}]}
        },
        "$defs": {"Child": {"type": "object", "properties": {"name": {"type": "string"}}}}
    });
    let sent = serde_json::json!({
        "id": "B7E21C44-0F3A-4D8E-A1B2-6C9D0E7F8A11", "state": null, "tags": [],
        "child": {"name": "a", "x-extra": 1}, "x-vendor-field": true
    });
    let normalised = serde_json::json!({
        "id": "b7e21c44-0f3a-4d8e-a1b2-6c9d0e7f8a11", "state": null, "tags": [],
        "child": {"name": "a"}
    });
    assert_eq!(
        differences(&schema, &sent, &normalised),
        Vec::<String>::new()
    );

    let changed = [
        (serde_json::json!({"id": "x", "state": null}), "/id"),
        (
            serde_json::json!({"id": "b7e21c44-0f3a-4d8e-a1b2-6c9d0e7f8a11"}),
            "/state",
        ),
        (
            serde_json::json!({"id": "b7e21c44-0f3a-4d8e-a1b2-6c9d0e7f8a11", "state": null, "count": 1}),
            "/count",
        ),
        (
            serde_json::json!({"id": "b7e21c44-0f3a-4d8e-a1b2-6c9d0e7f8a11", "state": null, "child": {"name": "b"}}),
            "/child/name",
        ),
        // An empty array sent is kept, and a default is not filled in.
        (
            serde_json::json!({"id": "b7e21c44-0f3a-4d8e-a1b2-6c9d0e7f8a11", "state": null, "child": {"name": "a"}}),
            "/tags",
        ),
        (
            serde_json::json!({"id": "b7e21c44-0f3a-4d8e-a1b2-6c9d0e7f8a11", "state": null, "tags": [], "count": 0.0, "child": {"name": "a"}}),
            "/count",
        ),
    ];
    // An undeclared key that is not a stand-in is a field a sender writes: losing it is a
    // difference, at the top and deep down.
    let mut undeclared = sent.clone();
    undeclared["deployment_id"] = "d-1".into();
    undeclared["child"]["output_id"] = "out".into();
    let found = differences(&schema, &undeclared, &normalised);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0].starts_with("/child/output_id: dropped"),
        "{found:?}"
    );
    assert!(found[1].starts_with("/deployment_id: dropped"), "{found:?}");

    let free_form_schema = serde_json::json!({
        "type": "object",
        "properties": {"params": {"type": "object"}}
    });
    let found = differences(
        &free_form_schema,
        &serde_json::json!({"params": {"a": 1, "b": null}}),
        &serde_json::json!({"params": {"a": 1}}),
    );
    assert_eq!(found, ["/params/b: dropped null"]);
    // Numbers are one number only where the schema types them; a UUID may only be lowercased.
    let found = differences(
        &free_form_schema,
        &serde_json::json!({"params": {"n": 1}}),
        &serde_json::json!({"params": {"n": 1.0}}),
    );
    assert_eq!(found, ["/params/n: sent 1, kept 1.0"]);
    // A `number` field keeps its integer as an integer.
    let id = "b7e21c44-0f3a-4d8e-a1b2-6c9d0e7f8a11";
    let found = differences(
        &schema,
        &serde_json::json!({"id": id, "state": null, "count": 1}),
        &serde_json::json!({"id": id, "state": null, "count": 1.0}),
    );
    assert_eq!(found, ["/count: sent 1, kept 1.0"]);
    let found = differences(
        &schema,
        &serde_json::json!({"id": "b7e21c44-0f3a-4d8e-a1b2-6c9d0e7f8a11", "state": null}),
        &serde_json::json!({"id": "B7E21C44-0F3A-4D8E-A1B2-6C9D0E7F8A11", "state": null}),
    );
    assert_eq!(found.len(), 1, "{found:?}");

    for (kept, at) in changed {
        let found = differences(&schema, &sent, &kept);
        assert!(
            found.iter().any(|d| d.starts_with(at)),
            "{at} not flagged in {found:?}"
        );
    }
}
