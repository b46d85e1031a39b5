//! The `hookschema` binary, run as a user would, over every example payload.

use std::process::{Command, Output, Stdio};

use hookschema_fixtures::{Expected, Fixture};
use serde_json::Value;

fn hookschema(args: &[&str]) -> Output {
    hookschema_with_stdin(args, None)
}

fn hookschema_with_stdin(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hookschema"));
    command
        .current_dir(hookschema_fixtures::repository_root())
        .args(args);
    hookschema_testkit::run_with_input(&mut command, stdin.unwrap_or_default())
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn relative(fixture: &Fixture) -> String {
    fixture.path.to_string_lossy().into_owned()
}

/// The fixtures of each schema, so each schema's run is one process.
fn by_schema() -> Vec<(String, Vec<Fixture>)> {
    let mut groups: Vec<(String, Vec<Fixture>)> = Vec::new();
    for fixture in hookschema_fixtures::all() {
        match groups
            .iter_mut()
            .find(|(schema, _)| *schema == fixture.schema)
        {
            Some((_, group)) => group.push(fixture),
            None => groups.push((fixture.schema.clone(), vec![fixture])),
        }
    }
    groups
}

#[test]
fn validate_json_judges_every_fixture_at_its_paths() {
    for (schema, fixtures) in by_schema() {
        let files: Vec<String> = fixtures.iter().map(relative).collect();
        let mut args = vec!["validate", "--schema", &schema, "--format", "json"];
        args.extend(files.iter().map(String::as_str));
        let output = hookschema(&args);
        assert_eq!(output.status.code(), Some(1), "some inputs are invalid");
        let lines: Vec<Value> = stdout(&output)
            .lines()
            .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
            .collect();
        assert_eq!(lines.len(), fixtures.len());
        for (fixture, line) in fixtures.iter().zip(&lines) {
            assert_eq!(line["file"], relative(fixture));
            let mut paths: Vec<&str> = line["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["instance_path"].as_str().unwrap())
                .collect();
            paths.sort();
            paths.dedup();
            match &fixture.expected {
                Expected::Valid => assert_eq!(line["valid"], true, "{fixture}: {line}"),
                Expected::Invalid { instance_paths, .. } => {
                    assert_eq!(line["valid"], false, "{fixture}");
                    assert_eq!(paths, *instance_paths, "{fixture}");
                }
            }
        }
    }
}

#[test]
fn validate_exits_0_when_every_input_is_valid() {
    for (schema, fixtures) in by_schema() {
        let files: Vec<String> = fixtures
            .iter()
            .filter(|f| f.is_valid())
            .map(relative)
            .collect();
        let mut args = vec!["validate", "--schema", &schema];
        args.extend(files.iter().map(String::as_str));
        let output = hookschema(&args);
        assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
        assert_eq!(stdout(&output).lines().count(), files.len());
    }
}

#[test]
fn validate_reports_are_snapshotted() {
    let file =
        "schemas/comfydeploy/examples/workflow-run-webhook-body/invalid/several-problems.json";
    let schema = "comfydeploy/workflow-run-webhook-body";
    for format in ["text", "json", "fastapi"] {
        let output = hookschema(&["validate", "--schema", schema, "--format", format, file]);
        assert_eq!(output.status.code(), Some(1));
        insta::assert_snapshot!(format!("validate-{format}"), stdout(&output));
    }
}

#[test]
fn fastapi_bodies_keep_the_http_validation_error_schema() {
    let schema = hookschema_validate::Schema::named("comfydeploy/http-validation-error").unwrap();
    for fixture in hookschema_fixtures::all() {
        let output = hookschema(&[
            "validate",
            "--schema",
            &fixture.schema,
            "--format",
            "fastapi",
            &relative(&fixture),
        ]);
        let body: Value = serde_json::from_slice(&output.stdout).expect("a JSON body");
        assert_eq!(schema.validate(&body), vec![], "{fixture}: {body}");
        // `detail` is optional in the schema and left out when there is nothing to report.
        let entries = body["detail"].as_array().cloned().unwrap_or_default();
        assert_eq!(entries.is_empty(), fixture.is_valid(), "{fixture}: {body}");
        for entry in entries {
            assert_eq!(entry["loc"][0], "body", "{fixture}: {entry}");
        }
    }
}

#[test]
fn fastapi_loc_has_integer_indexes_and_names_missing_fields() {
    let output = hookschema(&[
        "validate",
        "--schema",
        "comfydeploy/workflow-run-webhook-body",
        "--format",
        "fastapi",
        "schemas/comfydeploy/examples/workflow-run-webhook-body/invalid/timestamp-without-seconds.json",
        "schemas/comfydeploy/examples/workflow-run-webhook-body/invalid/output-missing-node-meta.json",
    ]);
    let bodies: Vec<Value> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        bodies[0]["detail"][0]["loc"],
        serde_json::json!(["body", "outputs", 0, "created_at"])
    );
    assert_eq!(
        bodies[1]["detail"][0]["loc"],
        serde_json::json!(["body", "outputs", 0, "node_meta"])
    );
    assert_eq!(bodies[1]["detail"][0]["type"], "missing");
}

#[test]
fn standard_input_is_read_without_a_file_or_with_a_dash() {
    let body = br#"{"run_id": "r", "status": "queued", "live_status": null}"#;
    for args in [&[][..], &["-"][..]] {
        let mut all = vec![
            "validate",
            "--schema",
            "comfydeploy/workflow-run-webhook-body",
        ];
        all.extend(args);
        let output = hookschema_with_stdin(&all, Some(body));
        assert_eq!(output.status.code(), Some(0));
        assert_eq!(stdout(&output), "-: valid\n");
    }
}

#[test]
fn input_that_is_not_json_is_invalid_with_a_clear_message() {
    let output = hookschema_with_stdin(
        &[
            "validate",
            "--schema",
            "kaizen/webhook-event",
            "--format",
            "json",
        ],
        Some(b"<html>webhook</html>"),
    );
    assert_eq!(output.status.code(), Some(1));
    let line: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(line["valid"], false);
    let message = line["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("not JSON: expected value (line 1, column 1)"),
        "{message}"
    );
}

#[test]
fn usage_and_io_errors_exit_2() {
    let unknown = hookschema(&["validate", "--schema", "stripe/event", "x.json"]);
    assert_eq!(unknown.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        stderr.contains("kaizen/webhook-event"),
        "lists the known schemas: {stderr}"
    );

    let missing = hookschema(&[
        "validate",
        "--schema",
        "kaizen/webhook-event",
        "schemas/kaizen/examples/webhook-event/valid/minimal.json",
        "no-such-file.json",
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(
        stdout(&missing),
        "schemas/kaizen/examples/webhook-event/valid/minimal.json: valid\n"
    );
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read no-such-file.json"));

    let parse_missing = hookschema(&["parse", "--schema", "kaizen/webhook-event", "nope.json"]);
    assert_eq!(parse_missing.status.code(), Some(2));
}

#[test]
fn parse_keeps_what_the_models_decode_and_names_where_they_cannot() {
    for fixture in hookschema_fixtures::all() {
        let output = hookschema(&["parse", "--schema", &fixture.schema, &relative(&fixture)]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        match fixture.decode_error_at() {
            None => {
                assert_eq!(output.status.code(), Some(0), "{fixture}: {stderr}");
                let printed: Value = serde_json::from_slice(&output.stdout).expect("JSON out");
                assert!(printed.is_object(), "{fixture}");
            }
            Some(pointer) => {
                assert_eq!(output.status.code(), Some(1), "{fixture}");
                let at = if pointer.is_empty() {
                    "(root)"
                } else {
                    pointer
                };
                let prefix = format!("{}: {at}: ", relative(&fixture));
                assert!(stderr.starts_with(&prefix), "{fixture}: {stderr}");
                assert!(output.stdout.is_empty(), "{fixture}");
            }
        }
    }
}

/// ComfyDeploy's output nodes write `output_id` into each media item; on the cancel path, where
/// the raw output row has no top-level `output_id`, that is the only place it is sent.
#[test]
fn parse_keeps_the_output_id_of_media_items_on_both_paths() {
    for (example, top_level) in [
        ("uploading-media-output-ids", Some("portrait")),
        ("cancelled-raw-row-media-output-id", None),
    ] {
        let path =
            format!("schemas/comfydeploy/examples/workflow-run-webhook-body/valid/{example}.json");
        let output = hookschema(&[
            "parse",
            "--schema",
            "comfydeploy/workflow-run-webhook-body",
            &path,
        ]);
        assert_eq!(output.status.code(), Some(0), "{example}");
        let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
        let output = &printed["outputs"][0];
        assert_eq!(output["output_id"].as_str(), top_level, "{example}");
        let images = output["data"]["images"].as_array().unwrap();
        assert!(!images.is_empty());
        for image in images {
            let expected = top_level.unwrap_or("output_image");
            assert_eq!(image["output_id"], expected, "{example}: {image}");
        }
    }
}

/// `parse` reads only what the validator would: a key repeated at any depth, even in a
/// free-form object where serde_json would keep the last copy, is refused where it repeats.
/// And what it prints keeps every number as it was sent.
#[test]
fn parse_refuses_repeated_keys_and_prints_numbers_as_sent() {
    let event = |response: &str| {
        format!(
            r#"{{"type": "execution.complete", "data": {{"id": "exec_1", "workflow": {{"id": "w", "name": "n"}}, "startTime": "2025-11-03T02:00:04Z", "status": "Completed", "response": {response}}}}}"#
        )
    };
    let repeated = event(r#"{"rows": 1, "deep": [{"a": 1, "a": 2}]}"#);
    let output = hookschema_with_stdin(
        &["parse", "--schema", "kaizen/webhook-event"],
        Some(repeated.as_bytes()),
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains(r#"/data/response/deep/0: the key "a" appears more than once"#),
        "{said}"
    );

    let numbers = event(r#"{"big": 18446744073709551616, "tiny": 1e-400, "price": 10.50}"#);
    let output = hookschema_with_stdin(
        &["parse", "--schema", "kaizen/webhook-event"],
        Some(numbers.as_bytes()),
    );
    assert_eq!(output.status.code(), Some(0));
    let printed = stdout(&output);
    for sent in [
        r#""big": 18446744073709551616"#,
        r#""tiny": 1e-400"#,
        r#""price": 10.50"#,
    ] {
        assert!(printed.contains(sent), "{sent} in {printed}");
    }
}

#[test]
fn parse_keeps_drifted_values_as_sent() {
    let output = hookschema(&[
        "parse",
        "--schema",
        "comfydeploy/workflow-run-webhook-body",
        "schemas/comfydeploy/examples/workflow-run-webhook-body/invalid/unknown-status.json",
    ]);
    assert_eq!(output.status.code(), Some(0));
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed["status"], "x-unknown-status");

    let output = hookschema(&[
        "parse",
        "--schema",
        "comfydeploy/workflow-run-webhook-body",
        "schemas/comfydeploy/examples/workflow-run-webhook-body/invalid/unknown-event-type.json",
    ]);
    assert_eq!(output.status.code(), Some(0));
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    let sent: Value = serde_json::from_slice(
        &std::fs::read(
            hookschema_fixtures::repository_root()
                .join("schemas/comfydeploy/examples/workflow-run-webhook-body/invalid/unknown-event-type.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(printed["event_type"], sent["event_type"]);

    let event = br#"{"type": "x-unknown-event", "data": {"executionId": "exec_1"}}"#;
    let output = hookschema_with_stdin(&["parse", "--schema", "kaizen/webhook-event"], Some(event));
    assert_eq!(output.status.code(), Some(0));
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    let sent: Value = serde_json::from_slice(event).unwrap();
    assert_eq!(printed, sent);
}

#[test]
fn unreadable_inputs_still_get_a_json_line() {
    let output = hookschema(&[
        "validate",
        "--schema",
        "kaizen/webhook-event",
        "--format",
        "json",
        "schemas",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let line: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(line["file"], "schemas");
    assert_eq!(line["valid"], false);
    assert!(
        line["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("cannot read schemas: ")
    );
}

#[test]
fn standard_input_given_twice_is_a_usage_error() {
    let output = hookschema(&["validate", "--schema", "kaizen/webhook-event", "-", "-"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("can be read only once"));
}

/// A reader that goes away (`hookschema validate … | head -1`) ends the run with the I/O
/// error's exit code, not a panic.
#[test]
fn a_closed_pipe_is_not_a_panic() {
    let file =
        "schemas/comfydeploy/examples/workflow-run-webhook-body/invalid/several-problems.json";
    let mut args = vec![
        "validate",
        "--schema",
        "comfydeploy/workflow-run-webhook-body",
    ];
    // Far more output than a pipe buffers, so writing must fail.
    args.extend(std::iter::repeat_n(file, 400));
    let mut child = Command::new(env!("CARGO_BIN_EXE_hookschema"))
        .current_dir(hookschema_fixtures::repository_root())
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn schemas_lists_every_schema_with_its_id() {
    let output = hookschema(&["schemas"]);
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!(stdout(&output));
}

/// `--schema` takes a catalog name, the same with `.schema.json`, or the path of a schema file,
/// inside the catalog or not.
#[test]
fn a_schema_is_named_by_name_file_name_or_path() {
    let example = "schemas/kaizen/examples/webhook-event/valid/completed.json";
    for schema in [
        "kaizen/webhook-event",
        "kaizen/webhook-event.schema.json",
        "schemas/kaizen/webhook-event.schema.json",
    ] {
        let output = hookschema(&["validate", "--schema", schema, example]);
        assert_eq!(output.status.code(), Some(0), "{schema}: {output:?}");
    }
    // A schema file of one's own, outside the catalog.
    let dir = tempfile::tempdir().unwrap();
    let own = dir.path().join("tiny.schema.json");
    std::fs::write(
        &own,
        r#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "required": ["a"]}"#,
    )
    .unwrap();
    let own = own.to_str().unwrap();
    let output = hookschema_with_stdin(&["validate", "--schema", own], Some(br#"{"b": 1}"#));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains(r#""a" is a required property"#),
        "{output:?}"
    );
    let output = hookschema_with_stdin(&["parse", "--schema", own], Some(b"{}"));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("tiny has no typed models"));
    let output = hookschema(&["validate", "--schema", "nowhere/nothing", example]);
    assert_eq!(output.status.code(), Some(2));
    let said = String::from_utf8_lossy(&output.stderr);
    // Every schema of the catalog is named, whichever vendor sorts first.
    let (_, known) = said.split_once("known: ").expect("the known schemas");
    for schema in hookschema_catalog::Catalog::embedded().schemas() {
        assert!(known.contains(schema.name()), "{said}");
    }
}

/// Inside a union, the report names the closest alternative and its deepest error.
#[test]
fn a_union_is_reported_by_its_closest_alternative() {
    let body = br#"{"run_id": "r", "status": "success", "live_status": null, "outputs": [{"id": "b7e21c44-0f3a-4d8e-a1b2-6c9d0e7f8a11", "run_id": "3f0c6a52-8d1e-4b7a-9c51-2f4e8b1d7a90", "node_meta": null, "created_at": "2025-03-26T12:45:46.123Z", "updated_at": "2025-03-26T12:45:46.123Z", "data": {"images": [{"url": "u", "type": "output", "filename": "a.png"}, {"url": "u", "type": "output", "filename": 42}]}}]}"#;
    let output = hookschema_with_stdin(
        &[
            "validate",
            "--schema",
            "comfydeploy/workflow-run-webhook-body",
        ],
        Some(body),
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains(
            r#"/outputs/0/data/images/1: 42 is not of type "string" at /filename (MediaItem, the closest of 3 alternatives)"#
        ),
        "{}",
        stdout(&output)
    );
}

/// With several inputs, each output says which input it is.
#[test]
fn several_inputs_say_which_output_is_whose() {
    let valid = "schemas/comfydeploy/examples/workflow-run-webhook-body/valid/sdk-minimal.json";
    let invalid =
        "schemas/comfydeploy/examples/workflow-run-webhook-body/invalid/negative-progress.json";
    let schema = "comfydeploy/workflow-run-webhook-body";
    let output = hookschema(&[
        "validate", "--schema", schema, "--format", "fastapi", valid, invalid,
    ]);
    let lines: Vec<Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["file"], valid);
    assert_eq!(lines[1]["file"], invalid);
    assert_eq!(
        lines[1]["detail"][0]["loc"],
        serde_json::json!(["body", "progress"])
    );

    let output = hookschema(&["parse", "--schema", schema, valid, valid]);
    let lines: Vec<Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["file"], valid);
    assert_eq!(lines[0]["parsed"]["status"], "success");
}

#[test]
fn completions_are_printed_for_a_shell() {
    let output = hookschema(&["completions", "bash"]);
    assert_eq!(output.status.code(), Some(0));
    let script = stdout(&output);
    assert!(
        script.contains("hookschema") && script.contains("deliveries"),
        "{script}"
    );
    let help = stdout(&hookschema(&["--help"]));
    for command in [
        "validate",
        "parse",
        "schemas",
        "verify",
        "sign",
        "serve",
        "deliveries",
        "completions",
    ] {
        assert!(
            help.contains(command),
            "{command} missing from --help:\n{help}"
        );
    }
    assert!(stdout(&hookschema(&["--version"])).starts_with("hookschema "));
}
