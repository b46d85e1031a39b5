//! What the typed models make of every example payload, snapshotted, and the schemas schemars
//! derives from the models accept every valid example.

use hookschema_models::{SchemaFile, comfydeploy, kaizen};
use serde_json::Value;

fn decoded(fixture: &hookschema_fixtures::Fixture) -> Result<Value, String> {
    let schema =
        SchemaFile::named(&fixture.schema).expect("expected.json names an embedded schema");
    (schema.decode)(&fixture.bytes).map_err(|e| e.to_string())
}

#[test]
fn every_valid_fixture_decodes() {
    let failed: Vec<String> = hookschema_fixtures::all()
        .iter()
        .filter(|f| f.is_valid())
        .filter_map(|f| decoded(f).err().map(|e| format!("{f}: {e}")))
        .collect();
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn typed_parse_is_snapshotted() {
    for fixture in hookschema_fixtures::all() {
        let name = fixture.id().replace('/', "__");
        match decoded(&fixture) {
            Ok(value) => insta::assert_json_snapshot!(name, value),
            Err(error) => insta::assert_snapshot!(name, error),
        }
    }
}

/// The root types, so a downstream crate can embed them in its own API schema.
fn derived_schemas() -> Vec<(&'static str, Value)> {
    vec![
        (
            "comfydeploy/http-validation-error",
            schemars::schema_for!(comfydeploy::HttpValidationError).to_value(),
        ),
        (
            "comfydeploy/workflow-run-webhook-body",
            schemars::schema_for!(comfydeploy::WorkflowRunWebhookBody).to_value(),
        ),
        (
            "comfydeploy/workflow-run-webhook-response",
            schemars::schema_for!(comfydeploy::WorkflowRunWebhookResponse).to_value(),
        ),
        (
            "kaizen/webhook-event",
            schemars::schema_for!(kaizen::KaizenWebhookEvent).to_value(),
        ),
    ]
}

#[test]
fn every_root_type_derives_a_json_schema() {
    let names: Vec<&str> = derived_schemas().iter().map(|(name, _)| *name).collect();
    let embedded: Vec<&str> = hookschema_models::SCHEMAS.iter().map(|s| s.name).collect();
    assert_eq!(names, embedded, "list every root type here");
}

#[test]
fn derived_schemas_accept_every_valid_fixture() {
    let validators: Vec<(&str, jsonschema::Validator)> = derived_schemas()
        .into_iter()
        .map(|(name, schema)| (name, jsonschema::validator_for(&schema).unwrap()))
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
