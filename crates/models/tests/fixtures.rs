//! What the typed models make of every example payload, snapshotted, and the schemas schemars
//! derives from the models accept every valid example and require what the schemas require.

use hookschema_models::SchemaFile;
use serde_json::Value;

fn decoded(fixture: &hookschema_fixtures::Fixture) -> Result<Value, String> {
    let schema =
        SchemaFile::named(&fixture.schema).expect("expected.json names an embedded schema");
    (schema.reserialize)(&fixture.bytes).map_err(|e| e.to_string())
}

/// The models decode every fixture but those `expected.json` says they cannot, and fail on
/// those exactly where it says.
#[test]
fn every_fixture_decodes_or_fails_where_expected() {
    let mut wrong = Vec::new();
    for fixture in hookschema_fixtures::all() {
        let schema = SchemaFile::named(&fixture.schema).unwrap();
        let result = (schema.reserialize)(&fixture.bytes);
        let failed_at = result.as_ref().err().map(|e| e.pointer.as_str());
        if failed_at != fixture.decode_error_at() {
            wrong.push(format!(
                "{fixture}: expected {:?}, got {result:?}",
                fixture.decode_error_at()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn typed_parse_is_snapshotted() {
    for fixture in hookschema_fixtures::all() {
        let name = fixture.snapshot_name();
        match decoded(&fixture) {
            Ok(value) => insta::assert_json_snapshot!(name, value),
            Err(error) => insta::assert_snapshot!(name, error),
        }
    }
}

/// The schemas schemars derives from the root types, so a downstream crate can embed them in
/// its own API schema.
fn derived_schemas() -> Vec<(&'static str, Value)> {
    hookschema_models::SCHEMAS
        .iter()
        .map(|file| (file.name, (file.derived_schema)().to_value()))
        .collect()
}

#[test]
fn derived_schemas_accept_every_valid_fixture() {
    let validators: Vec<(&str, jsonschema::Validator)> = derived_schemas()
        .into_iter()
        .map(|(name, schema)| {
            let validator = jsonschema::draft202012::options()
                .should_validate_formats(true)
                .build(&schema)
                .unwrap();
            (name, validator)
        })
        .collect();
    let mut rejected = Vec::new();
    for fixture in hookschema_fixtures::all().iter().filter(|f| f.is_valid()) {
        let (_, validator) = validators
            .iter()
            .find(|(name, _)| *name == fixture.schema)
            .expect("a derived schema for every fixture's schema");
        let instance: Value = serde_json::from_slice(&fixture.bytes).unwrap();
        for error in validator.iter_errors(&instance) {
            rejected.push(format!("{fixture}: {} at {}", error, error.instance_path()));
        }
    }
    assert!(rejected.is_empty(), "{}", rejected.join("\n"));
}

/// Each object's `required` keys, by type name: the root's (named by its title) and each
/// `$defs` entry's.
fn required_keys(schema: &Value) -> Vec<(String, Vec<String>)> {
    let root = schema["title"]
        .as_str()
        .map(|title| (title.to_owned(), schema));
    let defs = schema["$defs"].as_object().into_iter().flatten();
    root.into_iter()
        .chain(defs.map(|(name, def)| (name.clone(), def)))
        .filter(|(_, def)| def.get("properties").is_some())
        .map(|(name, def)| {
            let mut keys: Vec<String> = def["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|key| key.as_str().map(str::to_owned))
                .collect();
            keys.sort();
            (name, keys)
        })
        .collect()
}

/// A downstream API that embeds a model publishes the schema schemars derives: every object
/// both describe must require the same keys, a required key that may be null (`live_status`)
/// included.
#[test]
fn derived_schemas_require_what_the_schemas_require() {
    let mut differ = Vec::new();
    let mut compared = 0;
    for (name, derived) in derived_schemas() {
        let source = SchemaFile::named(name).unwrap();
        let source: Value = serde_json::from_str(source.text).unwrap();
        let derived = required_keys(&derived);
        for (ty, keys) in required_keys(&source) {
            let Some((_, derived_keys)) = derived.iter().find(|(name, _)| *name == ty) else {
                continue;
            };
            compared += 1;
            if *derived_keys != keys {
                differ.push(format!("{name} {ty}: {keys:?} != derived {derived_keys:?}"));
            }
        }
    }
    assert!(compared >= 10, "only {compared} objects compared");
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

#[test]
fn no_snapshot_outlives_its_fixture() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let orphans = hookschema_fixtures::orphan_snapshots(&dir, "fixtures");
    assert!(orphans.is_empty(), "delete these snapshots: {orphans:?}");
}
