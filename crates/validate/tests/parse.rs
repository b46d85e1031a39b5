//! `parse`: raw bytes to a validated model value in one call.

use hookschema_models::comfydeploy::{WorkflowRunStatus, WorkflowRunWebhookBody};
use hookschema_models::kaizen::KaizenWebhookEvent;
use hookschema_models::{HasSchema, SchemaFile};
use hookschema_validate::{Invalid, parse, parse_verdict};

fn parse_fixture(fixture: &hookschema_fixtures::Fixture) -> Result<(), Invalid> {
    let file = SchemaFile::named(&fixture.schema).expect("expected.json names embedded schemas");
    parse_verdict(file, &fixture.bytes)
}

#[test]
fn parse_accepts_exactly_the_valid_fixtures() {
    for fixture in hookschema_fixtures::all() {
        let result = parse_fixture(&fixture);
        assert_eq!(result.is_ok(), fixture.is_valid(), "{fixture}: {result:?}");
    }
}

/// The typed `parse` and the verdict without a type are one judgement.
#[test]
fn typed_parse_gives_the_same_verdict() {
    for fixture in hookschema_fixtures::all()
        .iter()
        .filter(|f| f.schema == WorkflowRunWebhookBody::SCHEMA.name)
    {
        let typed = parse::<WorkflowRunWebhookBody>(&fixture.bytes).map(drop);
        assert_eq!(typed, parse_fixture(fixture), "{fixture}");
    }
}

#[test]
fn parse_returns_the_typed_value() {
    let body = br#"{"run_id": "r1", "status": "success", "live_status": null, "progress": 1}"#;
    let parsed = parse::<WorkflowRunWebhookBody>(body).unwrap();
    assert_eq!(parsed.status, WorkflowRunStatus::Success);
    assert_eq!(parsed.live_status, None);
}

#[test]
fn parse_reports_every_violation_not_only_the_first() {
    let Invalid { violations, .. } =
        parse::<WorkflowRunWebhookBody>(br#"{"status": "x"}"#).unwrap_err();
    let paths: Vec<&str> = violations
        .iter()
        .map(|v| v.instance_path.as_str())
        .collect();
    assert_eq!(paths, ["", "", "/status"]);
}

fn execution_with_attempts(attempts: &str) -> Vec<u8> {
    format!(
        r#"{{"type": "execution.complete",
            "data": {{"id": "e", "status": "Completed", "startTime": "2025-01-01T00:00:00Z", "attempts": {attempts}}}}}"#
    )
    .into_bytes()
}

/// JSON Schema counts `2.0` as an integer, and so do the models.
#[test]
fn integral_floats_in_integer_fields_parse() {
    let KaizenWebhookEvent::ExecutionComplete(execution) =
        parse::<KaizenWebhookEvent>(&execution_with_attempts("2.0")).unwrap()
    else {
        panic!("a known event");
    };
    assert_eq!(execution.attempts, Some(2));
}

/// Counts stop at 2^53 - 1, the largest integer every JSON reader holds exactly, so no count the
/// schema accepts is one the models (`u64`) or a JavaScript reader cannot hold: `1e20` is
/// refused by the schema, at its pointer, and the largest count decodes exactly.
#[test]
fn counts_past_what_every_reader_holds_break_the_schema() {
    let Invalid { violations, .. } =
        parse::<KaizenWebhookEvent>(&execution_with_attempts("1e20")).unwrap_err();
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].instance_path, "/data/attempts");
    assert!(violations[0].schema_path.ends_with("/maximum"));

    let KaizenWebhookEvent::ExecutionComplete(execution) =
        parse::<KaizenWebhookEvent>(&execution_with_attempts("9007199254740991")).unwrap()
    else {
        panic!("a known event");
    };
    assert_eq!(execution.attempts, Some(9_007_199_254_740_991));
}
