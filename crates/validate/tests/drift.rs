//! Vendor drift: a value or event type the schema does not list decodes, keeps its string and
//! encodes back unchanged, while strict validation still reports it at its path (the manual's
//! "Strict validation, forgiving models", docs/src/crates.md).

use hookschema_models::comfydeploy::{
    WorkflowRunEventType, WorkflowRunStatus, WorkflowRunWebhookBody,
};
use hookschema_models::kaizen::{ExecutionStatus, KaizenWebhookEvent};
use hookschema_validate::Schema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

const COMFYDEPLOY: &str = "comfydeploy/workflow-run-webhook-body";
const KAIZEN: &str = "kaizen/webhook-event";

fn comfydeploy_body(status: &str, event_type: &str) -> Value {
    json!({"event_type": event_type, "status": status, "live_status": null, "progress": 0.5,
           "run_id": "3f0c6a52-8d1e-4b7a-9c51-2f4e8b1d7a90", "outputs": []})
}

fn kaizen_event(event_type: &str, status: &str) -> Value {
    json!({"type": event_type,
           "data": {"id": "exec_1", "status": status, "startTime": "2025-09-15T14:02:11Z"}})
}

/// Decodes `payload` as `T` and serialises it back, checking the bytes of the JSON value are
/// unchanged.
fn round_trip<T: DeserializeOwned + Serialize>(payload: &Value) -> T {
    let bytes = serde_json::to_vec(payload).unwrap();
    let decoded: T = hookschema_models::from_slice(&bytes).expect("drifted payloads decode");
    let encoded = serde_json::to_vec(&serde_json::to_value(&decoded).unwrap()).unwrap();
    assert_eq!(
        String::from_utf8(encoded).unwrap(),
        String::from_utf8(bytes).unwrap()
    );
    decoded
}

fn strict_paths(schema: &str, payload: &Value) -> Vec<String> {
    let violations = Schema::named(schema).unwrap().validate(payload);
    let mut paths: Vec<String> = violations.into_iter().map(|v| v.instance_path).collect();
    paths.dedup();
    paths
}

#[test]
fn workflow_run_status_is_open() {
    for known in WorkflowRunStatus::KNOWN {
        let payload = comfydeploy_body(known.as_str(), "run.updated");
        let body: WorkflowRunWebhookBody = round_trip(&payload);
        assert_eq!(&body.status, known);
        assert!(body.status.is_known());
        assert_eq!(strict_paths(COMFYDEPLOY, &payload), Vec::<String>::new());
    }
    let payload = comfydeploy_body("x-unknown-status", "run.updated");
    let body: WorkflowRunWebhookBody = round_trip(&payload);
    assert_eq!(
        body.status,
        WorkflowRunStatus::Unknown("x-unknown-status".into())
    );
    assert_eq!(strict_paths(COMFYDEPLOY, &payload), ["/status"]);
}

#[test]
fn workflow_run_event_type_is_open() {
    for known in WorkflowRunEventType::KNOWN {
        let payload = comfydeploy_body("running", known.as_str());
        let body: WorkflowRunWebhookBody = round_trip(&payload);
        assert_eq!(body.event_type.as_ref(), Some(known));
        assert_eq!(strict_paths(COMFYDEPLOY, &payload), Vec::<String>::new());
    }
    let payload = comfydeploy_body("running", "x-unknown-event");
    let body: WorkflowRunWebhookBody = round_trip(&payload);
    assert_eq!(
        body.event_type,
        Some(WorkflowRunEventType::Unknown("x-unknown-event".into()))
    );
    assert_eq!(strict_paths(COMFYDEPLOY, &payload), ["/event_type"]);
}

#[test]
fn execution_status_is_open() {
    for known in ExecutionStatus::KNOWN {
        let payload = kaizen_event("execution.complete", known.as_str());
        let KaizenWebhookEvent::ExecutionComplete(execution) = round_trip(&payload) else {
            panic!("execution.complete is a known event");
        };
        assert_eq!(&execution.status, known);
        assert_eq!(strict_paths(KAIZEN, &payload), Vec::<String>::new());
    }
    let payload = kaizen_event("execution.complete", "x-unknown-status");
    let KaizenWebhookEvent::ExecutionComplete(execution) = round_trip(&payload) else {
        panic!("execution.complete is a known event");
    };
    assert_eq!(
        execution.status,
        ExecutionStatus::Unknown("x-unknown-status".into())
    );
    assert_eq!(strict_paths(KAIZEN, &payload), ["/data/status"]);
}

#[test]
fn kaizen_event_types_are_open() {
    let known = kaizen_event("execution.complete", "Completed");
    let event: KaizenWebhookEvent = round_trip(&known);
    assert!(matches!(event, KaizenWebhookEvent::ExecutionComplete(_)));
    assert_eq!(event.event_type(), "execution.complete");

    // An undocumented event kind, whose data is not an Execution at all.
    let unseen = json!({"type": "x-unknown-event",
                        "data": {"executionId": "exec_1", "files": [{"name": "a.pdf"}]}});
    let KaizenWebhookEvent::Unknown(event) = round_trip(&unseen) else {
        panic!("an unknown type decodes to Unknown");
    };
    assert_eq!(event.event_type, "x-unknown-event");
    assert_eq!(event.data, unseen["data"]);
    assert_eq!(strict_paths(KAIZEN, &unseen), ["/data", "/type"]);
}

#[test]
fn open_enums_convert_from_and_to_strings() {
    assert_eq!(
        "success".parse::<WorkflowRunStatus>(),
        Ok(WorkflowRunStatus::Success)
    );
    assert_eq!(
        WorkflowRunStatus::from("x-unknown-status").to_string(),
        "x-unknown-status"
    );
    assert_eq!(
        WorkflowRunStatus::from(String::from("failed")),
        WorkflowRunStatus::Failed
    );
    assert_eq!(ExecutionStatus::from("InProgress").as_str(), "InProgress");
    assert!(!ExecutionStatus::from("x-unknown-status").is_known());
}

#[test]
fn terminal_and_finished_statuses() {
    let terminal: Vec<&str> = WorkflowRunStatus::KNOWN
        .iter()
        .filter(|s| s.is_terminal())
        .map(WorkflowRunStatus::as_str)
        .collect();
    assert_eq!(terminal, ["success", "failed", "timeout", "cancelled"]);
    assert!(!WorkflowRunStatus::from("x-unknown-status").is_terminal());

    let finished: Vec<&str> = ExecutionStatus::KNOWN
        .iter()
        .filter(|s| s.is_finished())
        .map(ExecutionStatus::as_str)
        .collect();
    assert_eq!(finished, ["Completed", "Failed"]);
}
