//! The generator's feature modules (`xtask/features/<feature>.rs`, one small schema each),
//! compiled here, where the `crate::` paths they name resolve, and held to what they promise.
//! The generator's own test holds each module to what it writes; this one, to what it does.

// Generated files, formatted as the generator writes them.
#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../../xtask/features/always-null.rs"]
mod always_null;
#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../../xtask/features/closed-object.rs"]
mod closed_object;
#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../../xtask/features/colliding-name.rs"]
mod colliding_name;
#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../../xtask/features/defaults.rs"]
mod schema_defaults;
#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../../xtask/features/enum-values.rs"]
mod enum_values;
#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../../xtask/features/inline-enum.rs"]
mod inline_enum;
#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../../xtask/features/one-of-const.rs"]
mod one_of_const;
#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../../xtask/features/recursive-union.rs"]
mod recursive_union;
#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../../xtask/features/string-constraints.rs"]
mod string_constraints;

use serde_json::json;

/// A closed object (`additionalProperties: false`) decodes a key its schema does not declare:
/// refusing it is validation's.
#[test]
fn a_closed_object_decodes_a_key_added_later() {
    let hook: closed_object::Hook =
        crate::from_slice(br#"{"id": 1, "config": {"url": "u", "added": true}, "added": 2}"#)
            .unwrap();
    assert_eq!(hook.id, 1);
}

/// Digits, a version and `unknown` are values like any other; the catch-all, here `Unlisted`,
/// keeps what the schema does not list.
#[test]
fn any_string_is_an_enum_value() {
    use enum_values::{ApiVersion, HookConfig, InsecureSsl, Risk};
    let config: HookConfig =
        crate::from_slice(br#"{"insecure_ssl": "1", "api": "1.0.2", "risk": "unknown"}"#).unwrap();
    assert_eq!(config.insecure_ssl, Some(InsecureSsl::V1));
    assert_eq!(config.api, Some(ApiVersion::V1_0_2));
    assert_eq!(config.risk, Some(Risk::Unknown));
    assert_eq!(
        serde_json::to_value(&config).unwrap(),
        json!({"insecure_ssl": "1", "api": "1.0.2", "risk": "unknown"})
    );
    assert_eq!(Risk::from("highest"), Risk::Unlisted("highest".to_owned()));
    assert_eq!(Risk::from("highest").as_str(), "highest");
}

/// Enums written inline are open enums of their own, named after where they are or their
/// title; a nullable one decodes `null`, and a value added later is kept.
#[test]
fn inline_enums_are_open_enums() {
    use inline_enum::{
        CheckRun, CheckRunConclusion, CheckRunEventsItem, CheckRunStatus, SuiteStatus,
    };
    let sent = json!({
        "status": "completed",
        "conclusion": "neutral",
        "events": ["push"],
        "suite": {"status": "queued"}
    });
    let run: CheckRun = crate::from_slice(sent.to_string().as_bytes()).unwrap();
    assert_eq!(run.status, CheckRunStatus::Completed);
    assert_eq!(
        run.conclusion,
        Some(CheckRunConclusion::Unknown("neutral".to_owned()))
    );
    assert_eq!(run.events, Some(vec![CheckRunEventsItem::Push]));
    assert_eq!(run.suite.unwrap().status, Some(SuiteStatus::Queued));
    let open: CheckRun = crate::from_slice(br#"{"status": "queued", "conclusion": null}"#).unwrap();
    assert_eq!(open.conclusion, None);
    assert_eq!(
        serde_json::to_value(&open).unwrap(),
        json!({"status": "queued", "conclusion": null})
    );
}

/// What a string must look like is validation's: the model takes one that breaks the pattern,
/// the lengths or the format, and a required date-time that is null stays null.
#[test]
fn string_constraints_are_validations_not_the_models() {
    let sent = json!({
        "closed_at": null,
        "node_id": "not the pattern!",
        "title": "x".repeat(300),
        "html_url": "not a uri"
    });
    let issue: string_constraints::Issue = crate::from_slice(sent.to_string().as_bytes()).unwrap();
    assert_eq!(issue.closed_at, None);
    assert_eq!(serde_json::to_value(&issue).unwrap(), sent);
    let closed: string_constraints::Issue =
        crate::from_slice(br#"{"closed_at": "2026-12-06T10:00:00Z", "node_id": "I_1"}"#).unwrap();
    assert_eq!(
        closed.closed_at.unwrap().to_string(),
        "2026-12-06T10:00:00Z"
    );
}

/// An inline object named as a `$defs` entry is named is a type of its own: the object decodes
/// as the object, the enum as the enum; an enum of no string is its JSON type.
#[test]
fn a_colliding_name_is_another_type() {
    use colliding_name::{Hook, HookEvents};
    let sent =
        json!({"events": {"push": true}, "kind": "ping", "sender": {"login": "o"}, "locked": true});
    let hook: Hook = crate::from_slice(sent.to_string().as_bytes()).unwrap();
    assert_eq!(hook.events.push, Some(true));
    assert_eq!(hook.kind, HookEvents::Ping);
    assert_eq!(hook.sender.unwrap().login.as_deref(), Some("o"));
    assert_eq!(hook.locked, Some(true));
}

/// A `oneOf` told apart by a `const` decodes each alternative as itself.
#[test]
fn a_one_of_told_apart_by_a_const_decodes_each_alternative() {
    use one_of_const::{Change, ChangeChange};
    let renamed: Change =
        crate::from_slice(br#"{"change": {"kind": "renamed", "from": "a"}}"#).unwrap();
    assert!(matches!(renamed.change, ChangeChange::Change2(c) if c.from == "a"));
    let resized: Change =
        crate::from_slice(br#"{"change": {"kind": "resized", "size": 3}}"#).unwrap();
    assert!(matches!(resized.change, ChangeChange::Change3(c) if c.size == 3));
}

/// Unions that lead back to themselves compile (the alternative boxed) and decode either way:
/// an id or the object, nested.
#[test]
fn recursive_unions_decode_ids_and_objects() {
    use recursive_union::{CardCustomer, CustomerDefaultSource, CustomerUpdated};
    let sent = json!({"customer": {"default_source": {"customer": "cus_1"}}});
    let updated: CustomerUpdated = crate::from_slice(sent.to_string().as_bytes()).unwrap();
    let Some(CustomerDefaultSource::Card(card)) = &updated.customer.default_source else {
        panic!("the card is an object");
    };
    assert_eq!(
        card.customer,
        Some(CardCustomer::String("cus_1".to_owned()))
    );
    assert_eq!(serde_json::to_value(&updated).unwrap(), sent);
}

/// A field that is always null is any value: `null` writes back `null`, an optional one not
/// sent stays unsent, and a value the vendor starts sending decodes.
#[test]
fn always_null_fields_round_trip() {
    let sent = json!({"id": 1, "payload": null, "performed_via_github_app": null});
    let deployment: always_null::Deployment =
        crate::from_slice(sent.to_string().as_bytes()).unwrap();
    assert_eq!(deployment.performed_via_github_app, Some(None));
    assert_eq!(serde_json::to_value(&deployment).unwrap(), sent);
    let unsent = json!({"id": 1, "payload": null});
    let deployment: always_null::Deployment =
        crate::from_slice(unsent.to_string().as_bytes()).unwrap();
    assert_eq!(serde_json::to_value(&deployment).unwrap(), unsent);
    let later = json!({"id": 1, "payload": {"ref": "main"}});
    let deployment: always_null::Deployment =
        crate::from_slice(later.to_string().as_bytes()).unwrap();
    assert_eq!(serde_json::to_value(&deployment).unwrap(), later);
}

/// What was sent comes back, and nothing else: a `null` and an empty array sent are kept, an
/// absent key stays absent, and a default is there only when asked for.
#[test]
fn models_write_back_what_they_read() {
    use inline_enum::CheckRun;
    let sent = json!({"status": "queued", "conclusion": null, "events": []});
    let run: CheckRun = crate::from_slice(sent.to_string().as_bytes()).unwrap();
    assert_eq!(run.events, Some(Vec::new()));
    assert_eq!(serde_json::to_value(&run).unwrap(), sent);
    let progress: schema_defaults::Progress = crate::from_slice(b"{}").unwrap();
    assert_eq!(serde_json::to_value(&progress).unwrap(), json!({}));
    assert_eq!(progress.fraction_or_default().to_string(), "0");
    let progress: schema_defaults::Progress = crate::from_slice(br#"{"fraction": 0.5}"#).unwrap();
    assert_eq!(progress.fraction_or_default().to_string(), "0.5");
}
