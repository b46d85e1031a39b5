//! Properties over generated inputs:
//!
//! - values generated from the models encode to JSON the strict schema accepts, and decode back
//!   to the same values; with statuses and event types the schema does not list, they still
//!   decode back unchanged;
//! - arbitrary JSON, and arbitrary bytes, keep every check of every entry point (strict
//!   validation, the models, signatures, the receiver): no panic, and the same verdict from
//!   every reader.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use hookschema_hostile::Target;
use hookschema_models::comfydeploy::{
    MediaItem, OutputValue, WorkflowRunEventType, WorkflowRunOutputModel, WorkflowRunStatus,
    WorkflowRunWebhookBody,
};
use hookschema_models::kaizen::{
    Authentication, Batch, ContextAuthentication, Downloads, Execution, ExecutionFile,
    ExecutionStatus, KaizenWebhookEvent, Locator, Login, LoginSummary, ParentRelationship,
    StartBlock, StartBlockData, Workflow,
};
use hookschema_models::{HasSchema, Timestamp, UnknownEvent};
use hookschema_testkit::sender::authentic;
use hookschema_validate::Schema;
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Any text, control characters and all of Unicode included.
fn text() -> impl Strategy<Value = String> {
    any::<String>()
}

fn maybe<T: std::fmt::Debug>(
    strategy: impl Strategy<Value = T>,
) -> impl Strategy<Value = Option<T>> {
    proptest::option::of(strategy)
}

/// A JSON number of the range, a float, as a model holds one.
fn number(range: std::ops::Range<f64>) -> impl Strategy<Value = serde_json::Number> {
    range.prop_filter_map("finite", serde_json::Number::from_f64)
}

fn few<T: std::fmt::Debug>(strategy: impl Strategy<Value = T>) -> impl Strategy<Value = Vec<T>> {
    proptest::collection::vec(strategy, 0..3)
}

/// A date-time as a sender writes one: RFC 3339, any offset, milliseconds or none.
fn timestamps() -> impl Strategy<Value = Timestamp> {
    (
        0i64..4_102_444_800,
        -(14 * 3600)..=14 * 3600i32,
        any::<bool>(),
    )
        .prop_map(|(seconds, offset, millis)| {
            let offset = FixedOffset::east_opt(offset / 60 * 60).unwrap();
            let instant: DateTime<FixedOffset> = Utc
                .timestamp_opt(seconds, 0)
                .unwrap()
                .with_timezone(&offset);
            let format = if millis {
                chrono::SecondsFormat::Millis
            } else {
                chrono::SecondsFormat::Secs
            };
            Timestamp::parse(&instant.to_rfc3339_opts(format, true)).unwrap()
        })
}

/// Any JSON value, a few levels deep, with no `null` at its top (an optional field sent as
/// `null` comes back absent: the manual's normalisation 2, docs/src/crates.md).
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON numbers are finite", |n| n.is_finite())
            .prop_map(Value::from),
        text().prop_map(Value::from),
        Just(Value::Null),
    ];
    let tree = leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(text(), inner, 0..4)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    });
    tree.prop_filter("not null at the top", |v| !v.is_null())
}

fn objects() -> impl Strategy<Value = Map<String, Value>> {
    proptest::collection::btree_map(text(), json(), 0..3).prop_map(|map| map.into_iter().collect())
}

fn counts() -> impl Strategy<Value = Option<u64>> {
    maybe(0u64..=9_007_199_254_740_991)
}

fn media_items() -> impl Strategy<Value = MediaItem> {
    (
        text(),
        text(),
        text(),
        maybe(any::<bool>()),
        maybe(text()),
        maybe(number(0.0..1e6)),
        maybe(text()),
    )
        .prop_map(
            |(filename, type_, url, is_public, subfolder, upload_duration, output_id)| {
                MediaItem::try_from(
                    MediaItem::builder()
                        .filename(filename)
                        .is_public(is_public)
                        .output_id(output_id)
                        .subfolder(subfolder)
                        .type_(type_)
                        .upload_duration(upload_duration)
                        .url(url),
                )
                .expect("every required field is given")
            },
        )
}

fn output_values() -> impl Strategy<Value = OutputValue> {
    prop_oneof![
        media_items().prop_map(OutputValue::MediaItem),
        text().prop_map(OutputValue::String),
        any::<bool>().prop_map(OutputValue::Boolean),
    ]
}

fn outputs() -> impl Strategy<Value = WorkflowRunOutputModel> {
    (
        (timestamps(), timestamps()),
        proptest::collection::btree_map(text(), few(output_values()), 0..3),
        (any::<u128>(), any::<u128>()),
        prop_oneof![Just(Value::Null), json()],
        (maybe(text()), maybe(text()), maybe(text())),
    )
        .prop_map(
            |(
                (created_at, updated_at),
                data,
                (id, run_id),
                node_meta,
                (node_id, output_id, type_),
            )| {
                WorkflowRunOutputModel::try_from(
                    WorkflowRunOutputModel::builder()
                        .created_at(created_at)
                        .data(data.into_iter().collect::<BTreeMap<_, _>>())
                        .id(uuid::Uuid::from_u128(id))
                        .node_id(node_id)
                        .node_meta(node_meta)
                        .output_id(output_id)
                        .run_id(uuid::Uuid::from_u128(run_id))
                        .type_(type_)
                        .updated_at(updated_at),
                )
                .expect("every required field is given")
            },
        )
}

/// A ComfyDeploy body; its statuses and event types listed by the schema, or any text.
fn comfydeploy_bodies(known: bool) -> impl Strategy<Value = WorkflowRunWebhookBody> {
    let status = if known {
        proptest::sample::select(WorkflowRunStatus::KNOWN.to_vec()).boxed()
    } else {
        text().prop_map(WorkflowRunStatus::from).boxed()
    };
    let event_type = if known {
        proptest::sample::select(WorkflowRunEventType::KNOWN.to_vec()).boxed()
    } else {
        text().prop_map(WorkflowRunEventType::from).boxed()
    };
    (
        text(),
        status,
        maybe(event_type),
        maybe(text()),
        number(0.0..1.0),
        few(outputs()),
    )
        .prop_map(
            |(run_id, status, event_type, live_status, progress, outputs)| {
                WorkflowRunWebhookBody::try_from(
                    WorkflowRunWebhookBody::builder()
                        .event_type(event_type)
                        .live_status(live_status)
                        .outputs(outputs)
                        .progress(Some(progress))
                        .run_id(run_id)
                        .status(status),
                )
                .expect("every required field is given")
            },
        )
}

fn files() -> impl Strategy<Value = ExecutionFile> {
    (
        (maybe(text()), maybe(text()), maybe(text())),
        (maybe(text()), maybe(text())),
        counts(),
    )
        .prop_map(|((download_url, id, key), (mime_type, name), size_bytes)| {
            ExecutionFile::try_from(
                ExecutionFile::builder()
                    .download_url(download_url)
                    .id(id)
                    .key(key)
                    .mime_type(mime_type)
                    .name(name)
                    .size_bytes(size_bytes),
            )
            .expect("every required field is given")
        })
}

fn start_blocks() -> impl Strategy<Value = StartBlock> {
    let locator = proptest::collection::vec(maybe(text()), 8).prop_map(|mut l| {
        Locator::try_from(
            Locator::builder()
                .xpath(l.pop().unwrap())
                .title(l.pop().unwrap())
                .text(l.pop().unwrap())
                .role(l.pop().unwrap())
                .placeholder(l.pop().unwrap())
                .label(l.pop().unwrap())
                .css(l.pop().unwrap())
                .alt_text(l.pop().unwrap()),
        )
        .expect("every required field is given")
    });
    let data = (maybe(any::<bool>()), maybe(any::<bool>()), maybe(text())).prop_map(
        |(force_login_every_time, is_parameter, login_id)| {
            StartBlockData::try_from(
                StartBlockData::builder()
                    .force_login_every_time(force_login_every_time)
                    .is_parameter(is_parameter)
                    .login_id(login_id),
            )
            .expect("every required field is given")
        },
    );
    let relationship = (counts(), maybe(text()), maybe(text()), counts()).prop_map(
        |(block_depth, parent_block_id, parent_sequence_id, position_in_sequence)| {
            ParentRelationship::try_from(
                ParentRelationship::builder()
                    .block_depth(block_depth)
                    .parent_block_id(parent_block_id)
                    .parent_sequence_id(parent_sequence_id)
                    .position_in_sequence(position_in_sequence),
            )
            .expect("every required field is given")
        },
    );
    (
        (
            maybe(text()),
            maybe(data),
            maybe(text()),
            maybe(any::<bool>()),
        ),
        (maybe(locator), maybe(text()), maybe(relationship)),
        (
            maybe(any::<bool>()),
            maybe(text()),
            maybe(text()),
            maybe(any::<bool>()),
        ),
    )
        .prop_map(
            |(
                (block_reference_id, data, id, is_cacheable),
                (locator, name, parent_relationship),
                (skip_if_not_present, transformer_fn, type_, use_workflow_recovery_agent),
            )| {
                StartBlock::try_from(
                    StartBlock::builder()
                        .block_reference_id(block_reference_id)
                        .data(data)
                        .id(id)
                        .is_cacheable(is_cacheable)
                        .locator(locator)
                        .name(name)
                        .parent_relationship(parent_relationship)
                        .skip_if_not_present(skip_if_not_present)
                        .transformer_fn(transformer_fn)
                        .type_(type_)
                        .use_workflow_recovery_agent(use_workflow_recovery_agent),
                )
                .expect("every required field is given")
            },
        )
}

fn pairs() -> impl Strategy<Value = (Option<String>, Option<String>)> {
    (maybe(text()), maybe(text()))
}

fn executions(known: bool) -> impl Strategy<Value = Execution> {
    let status = if known {
        proptest::sample::select(ExecutionStatus::KNOWN.to_vec()).boxed()
    } else {
        text().prop_map(ExecutionStatus::from).boxed()
    };
    let authentications = few((maybe(text()), maybe(text()), maybe(text())).prop_map(
        |(browser_session_id, live_view_url, status)| {
            Authentication::try_from(
                Authentication::builder()
                    .browser_session_id(browser_session_id)
                    .live_view_url(live_view_url)
                    .status(status),
            )
            .expect("every required field is given")
        },
    ));
    let context_authentications = few((
        maybe(text()),
        maybe(text()),
        maybe((maybe(any::<bool>()), maybe(text()), maybe(text()))),
    )
        .prop_map(
            |(authentication_status, context_authentication_id, summary)| {
                ContextAuthentication::try_from(
                    ContextAuthentication::builder()
                        .authentication_status(authentication_status)
                        .context_authentication_id(context_authentication_id)
                        .login_summary(summary.map(|(is_manual, login_id, name)| {
                            LoginSummary::try_from(
                                LoginSummary::builder()
                                    .is_manual(is_manual)
                                    .login_id(login_id)
                                    .name(name),
                            )
                            .expect("every required field is given")
                        })),
                )
                .expect("every required field is given")
            },
        ));
    let downloads =
        (few(files()), maybe(text()), maybe(text())).prop_map(|(files, message, status)| {
            Downloads::try_from(
                Downloads::builder()
                    .files(files)
                    .message(message)
                    .status(status),
            )
            .expect("every required field is given")
        });
    (
        (text(), status, timestamps(), maybe(timestamps())),
        (
            counts(),
            counts(),
            maybe(any::<bool>()),
            maybe(any::<bool>()),
            maybe(number(0.0..1e9)),
        ),
        (
            authentications,
            context_authentications,
            maybe(downloads),
            few(pairs()),
        ),
        (
            maybe(pairs()),
            maybe(pairs()),
            maybe(start_blocks()),
            maybe(files()),
        ),
        (objects(), objects(), objects(), maybe(json())),
        (
            (maybe(text()), maybe(text()), maybe(text())),
            (maybe(text()), maybe(text()), maybe(text())),
            (maybe(text()), maybe(text()), maybe(text())),
        ),
    )
        .prop_map(
            |(
                (id, status, start_time, end_time),
                (attempts, total_attempts, is_last_attempt, is_test, duration_ms),
                (authentications, context_authentications, downloads, logins),
                (batch, workflow, start_block, response_file),
                (context, metadata, params, response),
                (
                    (agent_conversation_thread_id, browser_session_id, browser_session_vendor_id),
                    (live_view_url, name, organization_id),
                    (parent_execution_id, session_id, truncated_response),
                ),
            )| {
                Execution::try_from(
                    Execution::builder()
                        .agent_conversation_thread_id(agent_conversation_thread_id)
                        .attempts(attempts)
                        .authentications(authentications)
                        .batch(batch.map(|(id, name)| {
                            Batch::try_from(Batch::builder().id(id).name(name))
                                .expect("every required field is given")
                        }))
                        .browser_session_id(browser_session_id)
                        .browser_session_vendor_id(browser_session_vendor_id)
                        .context(context)
                        .context_authentications(context_authentications)
                        .downloads(downloads)
                        .duration_ms(duration_ms)
                        .end_time(end_time)
                        .id(id)
                        .is_last_attempt(is_last_attempt)
                        .is_test(is_test)
                        .live_view_url(live_view_url)
                        .logins(
                            logins
                                .into_iter()
                                .map(|(id, name)| {
                                    Login::try_from(Login::builder().id(id).name(name))
                                        .expect("every required field is given")
                                })
                                .collect::<Vec<_>>(),
                        )
                        .metadata(metadata)
                        .name(name)
                        .organization_id(organization_id)
                        .params(params)
                        .parent_execution_id(parent_execution_id)
                        .response(response)
                        .response_file(response_file)
                        .session_id(session_id)
                        .start_block(start_block)
                        .start_time(start_time)
                        .status(status)
                        .total_attempts(total_attempts)
                        .truncated_response(truncated_response)
                        .workflow(workflow.map(|(id, name)| {
                            Workflow::try_from(Workflow::builder().id(id).name(name))
                                .expect("every required field is given")
                        })),
                )
                .expect("every required field is given")
            },
        )
}

/// A Kaizen event: an `execution.complete`, or, unless only what the schema lists is wanted,
/// an event of any other type with any data.
fn kaizen_events(known: bool) -> impl Strategy<Value = KaizenWebhookEvent> {
    let complete =
        executions(known).prop_map(|e| KaizenWebhookEvent::ExecutionComplete(Box::new(e)));
    if known {
        return complete.boxed();
    }
    let unknown = (text(), prop_oneof![Just(Value::Null), json()])
        .prop_filter("an undocumented type", |(t, _)| t != "execution.complete")
        .prop_map(|(event_type, data)| {
            KaizenWebhookEvent::Unknown(UnknownEvent { event_type, data })
        });
    prop_oneof![complete, unknown].boxed()
}

/// `value` encoded, and decoded back.
fn round_trip<T: Serialize + DeserializeOwned>(value: &T) -> (Vec<u8>, T) {
    let bytes = serde_json::to_vec(value).expect("a model encodes");
    let back = hookschema_models::from_slice(&bytes).expect("what a model encodes, it decodes");
    (bytes, back)
}

/// Encoded, `value` keeps the strict schema and decodes back to itself.
fn valid_and_back<T: HasSchema + Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(
    value: &T,
) -> Result<(), TestCaseError> {
    let (bytes, back) = round_trip(value);
    let verdict = Schema::of::<T>().validate_bytes(&bytes);
    prop_assert!(verdict.is_ok(), "{verdict:?}");
    prop_assert_eq!(&back, value);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn comfydeploy_models_encode_valid_json_and_decode_back(body in comfydeploy_bodies(true)) {
        valid_and_back(&body)?;
    }

    #[test]
    fn kaizen_models_encode_valid_json_and_decode_back(event in kaizen_events(true)) {
        valid_and_back(&event)?;
    }

    #[test]
    fn drifted_models_decode_back_unchanged(
        body in comfydeploy_bodies(false),
        event in kaizen_events(false),
    ) {
        prop_assert_eq!(round_trip(&body).1, body);
        prop_assert_eq!(round_trip(&event).1, event);
    }
}

proptest! {
    #[test]
    fn arbitrary_json_keeps_every_check(value in json()) {
        let bytes = serde_json::to_vec(&value).unwrap();
        for target in Target::ALL {
            target.check(&bytes);
        }
        // The same document inside a delivery of each vendor, sent to each webhook.
        for wrapped in [
            serde_json::json!({"run_id": "r1", "status": "running", "live_status": null, "outputs": value}),
            serde_json::json!({"type": "execution.complete", "data": value}),
        ] {
            let bytes = serde_json::to_vec(&wrapped).unwrap();
            Target::Parse.check(&bytes);
            Target::Validate.check(&bytes);
            for webhook in hookschema_catalog::Catalog::embedded().webhooks() {
                let request = authentic(webhook, "msg_1", hookschema_testkit::NOW, &bytes);
                Target::Receive.check(&request.raw());
            }
        }
    }

    #[test]
    fn arbitrary_bytes_keep_every_check(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        for target in Target::ALL {
            target.check(&bytes);
        }
    }
}
