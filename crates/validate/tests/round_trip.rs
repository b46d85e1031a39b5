//! Every valid example, decoded into the models and serialised back (what `hookschema parse`
//! prints), is still valid under the strict schema and equal to what was sent, but for the
//! normalisations README.md lists:
//!
//! 1. fields the schema does not declare are dropped. The examples stand for such a field with a
//!    key named `x-…`, which no vendor sends; any other key of a valid example that does not come
//!    back is a field a real sender writes and the models lose, so it fails here until the schema
//!    declares it;
//! 2. an optional field sent as `null`, `[]` or `{}` may come back absent;
//! 3. an absent field with a schema `default` comes back with that default;
//! 4. in a field the schema types `number` or `integer`, numbers compare as numbers (`1` and
//!    `1.0` are equal, as in JSON Schema; a `number` is a 64-bit float, so an integer past
//!    2^53 comes back rounded); anywhere else they must be equal as sent;
//! 5. UUIDs come back in lowercase.

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
        let required = |key: &str| {
            schema
                .and_then(|s| s.get("required"))
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|k| k == key))
        };
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
                // 2: optional null, [] and {} may come back absent.
                None if modelled && !required(key) && is_empty(value) => {}
                None => self.differences.push(format!("{here}: dropped {value}")),
            }
        }
        for (key, value) in kept {
            if sent.contains_key(key) {
                continue;
            }
            // 3: defaults are filled in.
            let declared = properties.and_then(|p| p.get(key));
            let default = declared.and_then(|p| p.get("default"));
            let mut filled = Comparison {
                root: self.root,
                differences: Vec::new(),
            };
            if let Some(default) = default {
                filled.compare("", declared, default, value);
            }
            if default.is_none() || !filled.differences.is_empty() {
                self.differences
                    .push(format!("{path}/{key}: added {value}"));
            }
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

/// Normalisation 4: where the schema types a number, `1` and `1.0` are one number (integers
/// compared exactly, a float field as the float it holds); elsewhere only the same number, as
/// sent, is.
fn same_number(
    schema: Option<&Value>,
    sent: &serde_json::Number,
    kept: &serde_json::Number,
) -> bool {
    let typed = |t: &str| schema.is_some_and(|s| fits(s, &Value::from(0)) && declares(s, t));
    if typed("number") {
        sent.as_f64() == kept.as_f64()
    } else if typed("integer") {
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

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => false,
    }
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
        "id": "b7e21c44-0f3a-4d8e-a1b2-6c9d0e7f8a11", "state": null, "count": 0.0,
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
