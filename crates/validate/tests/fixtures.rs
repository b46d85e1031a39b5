//! Every example payload gets the verdict `expected.json` gives it, with errors at exactly the
//! instance paths it names; the full error lists are snapshotted for review.

use hookschema_fixtures::{Expected, Fixture};
use hookschema_validate::{Schema, Violation};

fn violations(fixture: &Fixture) -> Vec<Violation> {
    let schema = Schema::named(&fixture.schema).expect("expected.json names an embedded schema");
    schema
        .validate_bytes(&fixture.bytes)
        .err()
        .map(|invalid| invalid.violations)
        .unwrap_or_default()
}

#[test]
fn every_fixture_gets_its_verdict_at_its_paths() {
    let fixtures = hookschema_fixtures::all();
    assert!(
        fixtures.len() >= 28,
        "the examples went missing: {}",
        fixtures.len()
    );
    let mut wrong = Vec::new();
    for fixture in &fixtures {
        let found = violations(fixture);
        let mut paths: Vec<String> = found.iter().map(|v| v.instance_path.clone()).collect();
        paths.sort();
        paths.dedup();
        let ok = match &fixture.expected {
            Expected::Valid => found.is_empty(),
            Expected::Invalid { instance_paths, .. } => &paths == instance_paths,
        };
        if !ok {
            wrong.push(format!(
                "{fixture}: expected {:?}, got {found:#?}",
                fixture.expected
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn validation_errors_are_snapshotted() {
    for fixture in hookschema_fixtures::all() {
        insta::assert_json_snapshot!(fixture.snapshot_name(), violations(&fixture));
    }
}

#[test]
fn is_valid_agrees_with_validate() {
    for fixture in hookschema_fixtures::all() {
        let Ok(instance) = serde_json::from_slice(&fixture.bytes) else {
            continue;
        };
        let schema = Schema::named(&fixture.schema).unwrap();
        assert_eq!(
            schema.is_valid(&instance),
            schema.validate(&instance).is_empty(),
            "{fixture}"
        );
    }
}

#[test]
fn no_snapshot_outlives_its_fixture() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let orphans = hookschema_fixtures::orphan_snapshots(&dir, "fixtures");
    assert!(orphans.is_empty(), "delete these snapshots: {orphans:?}");
}

/// Raw bytes are validated on a simd-json tape, parsed documents on `serde_json::Value`: both
/// must reach the same verdict with the same violations.
#[test]
fn bytes_and_parsed_documents_get_the_same_violations() {
    for fixture in hookschema_fixtures::all() {
        let Ok(document) = serde_json::from_slice::<serde_json::Value>(&fixture.bytes) else {
            continue;
        };
        let schema = Schema::named(&fixture.schema).unwrap();
        let key = |v: &Violation| {
            (
                v.instance_path.clone(),
                v.schema_path.clone(),
                v.message.clone(),
            )
        };
        let mut from_document: Vec<_> = schema.validate(&document).iter().map(key).collect();
        let mut from_bytes: Vec<_> = violations(&fixture).iter().map(key).collect();
        from_document.sort();
        from_bytes.sort();
        assert_eq!(from_bytes, from_document, "{fixture}");
    }
}
