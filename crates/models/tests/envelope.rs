//! The Kaizen envelope `{"type", "data"}`: documented types decode their data, other types are
//! kept whole, in whatever order the keys come.

use hookschema_models::kaizen::{ExecutionStatus, KaizenWebhookEvent};
use hookschema_models::{DecodeError, from_slice};
use serde_json::{Value, json};

fn decode(json: &Value) -> Result<KaizenWebhookEvent, DecodeError> {
    from_slice(json.to_string().as_bytes())
}

const EXECUTION: &str =
    r#"{"id": "exec_1", "status": "Completed", "startTime": "2025-09-15T14:02:11Z"}"#;

#[test]
fn data_may_come_before_type() {
    let bytes = format!(r#"{{"data": {EXECUTION}, "type": "execution.complete"}}"#);
    let KaizenWebhookEvent::ExecutionComplete(execution) = from_slice(bytes.as_bytes()).unwrap()
    else {
        panic!("a known event");
    };
    assert_eq!(execution.status, ExecutionStatus::Completed);

    let bytes = r#"{"data": [1, 2], "type": "x-unknown-event"}"#;
    let KaizenWebhookEvent::Unknown(event) = from_slice(bytes.as_bytes()).unwrap() else {
        panic!("an unknown event");
    };
    assert_eq!(
        (event.event_type.as_str(), event.data),
        ("x-unknown-event", json!([1, 2]))
    );
}

#[test]
fn other_envelope_keys_are_ignored() {
    let bytes =
        format!(r#"{{"id": "evt_1", "type": "execution.complete", "data": {EXECUTION}, "v": 2}}"#);
    let event: KaizenWebhookEvent = from_slice(bytes.as_bytes()).unwrap();
    assert_eq!(event.event_type(), "execution.complete");
}

#[test]
fn errors_in_known_data_point_into_it() {
    let bytes = r#"{"type": "execution.complete", "data": {"id": "e", "status": "Completed", "startTime": "yesterday"}}"#;
    let error = from_slice::<KaizenWebhookEvent>(bytes.as_bytes()).unwrap_err();
    assert_eq!(error.pointer, "/data/startTime");
    assert!(
        error
            .message
            .contains("`yesterday` is not an RFC 3339 date-time"),
        "{}",
        error.message
    );
}

#[test]
fn a_broken_envelope_is_an_error_not_an_unknown_event() {
    let cases = [
        (json!({"data": {}}), "", "missing field `type`"),
        (
            json!({"type": "execution.complete"}),
            "",
            "missing field `data`",
        ),
        (
            json!({"type": "x-unknown-event"}),
            "",
            "missing field `data`",
        ),
        (
            json!({"type": 7, "data": {}}),
            "/type",
            "invalid type: integer `7`",
        ),
        (json!(["execution.complete"]), "", "invalid type: sequence"),
    ];
    for (payload, pointer, message) in cases {
        let error = decode(&payload).unwrap_err();
        assert_eq!(error.pointer, pointer, "{payload}");
        assert!(
            error.message.starts_with(message),
            "{payload}: {}",
            error.message
        );
    }
}

#[test]
fn errors_in_data_sent_before_type_name_their_place() {
    let bytes = br#"{"data": {"id": "e", "status": "Completed", "startTime": 5}, "type": "execution.complete"}"#;
    let error = from_slice::<KaizenWebhookEvent>(bytes).unwrap_err();
    assert_eq!(error.pointer, "/data/startTime");
    assert!(
        error.message.starts_with("invalid type: integer `5`"),
        "{}",
        error.message
    );

    let bytes = br#"{"type": "execution.complete", "data": "exec_1"}"#;
    let error = from_slice::<KaizenWebhookEvent>(bytes).unwrap_err();
    assert_eq!(error.pointer, "/data");
}

#[test]
fn repeated_keys_are_errors() {
    let bytes = br#"{"type": "a", "type": "b", "data": {}}"#;
    let error = from_slice::<KaizenWebhookEvent>(bytes).unwrap_err();
    assert_eq!(error.message, "duplicate field `type`");
}

/// An unknown event serialises as the envelope it came in, so a receiver can log it as JSON.
#[test]
fn an_unknown_event_serialises_as_its_envelope() {
    let sent = serde_json::json!({"type": "x-unknown-event", "data": {"steps": [1, 2]}});
    let KaizenWebhookEvent::Unknown(event) = decode(&sent).unwrap() else {
        panic!("an unknown type");
    };
    assert_eq!(serde_json::to_value(&event).unwrap(), sent);
}

#[test]
fn an_escaped_type_is_read_like_any_other() {
    for bytes in [
        format!(r#"{{"type": "execution\u002Ecomplete", "data": {EXECUTION}}}"#),
        format!(r#"{{"data": {EXECUTION}, "type": "execution\u002Ecomplete"}}"#),
    ] {
        let event: KaizenWebhookEvent = from_slice(bytes.as_bytes()).unwrap();
        assert!(matches!(event, KaizenWebhookEvent::ExecutionComplete(_)));
    }
    let bytes = r#"{"type": "x-\u00e9v\u00e9nement", "data": null}"#;
    let KaizenWebhookEvent::Unknown(event) = from_slice(bytes.as_bytes()).unwrap() else {
        panic!("an unknown event");
    };
    assert_eq!(event.event_type, "x-événement");
}

#[test]
fn data_before_type_keeps_the_last_of_a_repeated_key_as_a_value_does() {
    let bytes = r#"{"data": {"id": "exec_0", "id": "exec_1", "status": "Completed", "startTime": "2025-09-15T14:02:11Z"}, "type": "execution.complete"}"#;
    let KaizenWebhookEvent::ExecutionComplete(execution) = from_slice(bytes.as_bytes()).unwrap()
    else {
        panic!("a known event");
    };
    assert_eq!(execution.id, "exec_1");
}
