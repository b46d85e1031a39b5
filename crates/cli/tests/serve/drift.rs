//! Schemas that stay true, end to end: deliveries that depart from their schema in each way a
//! schema can be widened (and some it cannot) are sent through `serve`, which keeps them,
//! counts where they drift and says so once per place; `drift` reads them back from the store
//! and `drift --write --redact` widens a copy of the schemas, whose result is checked here.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use hookschema_catalog::Catalog;
use hookschema_testkit::{Serve, TOKEN, postgres_database};
use hookschema_validate::Schema;
use serde_json::{Value, json};

use crate::{comfydeploy, kaizen, metrics, unix_now};

/// Kaizen deliveries, each drifting: a null where a string is declared, new properties (one a
/// string or null, one an object with a date-time), a status the enum lacks, a fraction in an
/// integer, a duration below its minimum; then two no widening accepts: an object where a
/// string is declared (breaking) and a start time that is no date-time (a broken format).
fn kaizen_payloads() -> Vec<Value> {
    let data = |extra: Value| {
        let mut data = json!({"id": "exec_drift", "status": "Completed",
            "startTime": "2026-12-01T08:00:00Z"});
        for (key, value) in extra.as_object().unwrap() {
            data[key] = value.clone();
        }
        json!({"type": "execution.complete", "data": data})
    };
    vec![
        data(json!({"sessionId": null, "region": "eu-west-1",
            "retryOf": {"id": "exec_secret_parent", "at": "2026-12-01T07:59:00Z"}})),
        data(json!({"sessionId": null, "status": "Cancelled", "totalAttempts": 2.5})),
        data(json!({"region": null, "durationMs": -5})),
        data(json!({"name": {"first": "Ann"}})),
        data(json!({"startTime": "yesterday"})),
    ]
}

/// ComfyDeploy deliveries: a status the enum lacks (whose meaning the vendor file asks), a new
/// property; and `live_status` missing, which the examples say must stay refused.
fn comfydeploy_payloads() -> Vec<Value> {
    vec![
        json!({"run_id": "run_drift_1", "status": "paused", "live_status": null,
            "progress": 0.5, "outputs": [], "machine": "gpu-a100-secret"}),
        json!({"run_id": "run_drift_2", "status": "running", "progress": 0.2, "outputs": []}),
    ]
}

/// A copy of the repository's schemas, to widen.
fn schemas_copy(dir: &Path) -> PathBuf {
    let schemas = dir.join("schemas");
    hookschema_fixtures::copy_tree(
        &hookschema_fixtures::repository_root().join("schemas"),
        &schemas,
    );
    schemas
}

fn hookschema(schemas: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hookschema"))
        .arg("--schemas")
        .arg(schemas)
        .args(args)
        .output()
        .unwrap()
}

/// A receiver, not strict, of the catalog at `schemas`, storing into `store`.
fn serve(schemas: &Path, store: &str) -> Serve {
    let catalog = Catalog::load(schemas).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_hookschema"));
    command
        .arg("--schemas")
        .arg(schemas)
        .args(["serve", "--addr", "127.0.0.1:0", "--store", store])
        .env_remove("RUST_LOG")
        .stdout(Stdio::null());
    Serve::launch_with(command, &catalog)
}

/// Sends every payload; each is kept (200).
fn send_all(server: &Serve) {
    for (i, payload) in kaizen_payloads().iter().enumerate() {
        let body = serde_json::to_vec(payload).unwrap();
        let id = format!("msg_drift_{i}");
        assert_eq!(
            kaizen(server, &id, unix_now(), &body, &body).0,
            200,
            "{payload}"
        );
    }
    for payload in comfydeploy_payloads() {
        let body = serde_json::to_vec(&payload).unwrap();
        assert_eq!(
            comfydeploy(server, TOKEN, "application/json", &body).0,
            200,
            "{payload}"
        );
    }
}

/// `drift --format json`'s entries, by schema, as `(location, kind, status)`.
fn entries(report: &Value) -> BTreeMap<String, BTreeSet<(String, String, String)>> {
    let mut found = BTreeMap::new();
    for schema in report["schemas"].as_array().unwrap() {
        let entries = schema["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let detail = e["property"]
                    .as_str()
                    .or(e["keyword"].as_str())
                    .unwrap_or("");
                (
                    e["location"].as_str().unwrap().to_owned(),
                    format!("{} {detail}", e["kind"].as_str().unwrap())
                        .trim()
                        .to_owned(),
                    e["status"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        found.insert(schema["schema"].as_str().unwrap().to_owned(), entries);
    }
    found
}

fn report(schemas: &Path, args: &[&str]) -> Value {
    let output = hookschema(schemas, &[&["drift", "--format", "json"], args].concat());
    assert_eq!(output.status.code(), Some(1), "drift found: {output:?}");
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn drift_through_serve_becomes_a_checked_schema_change() {
    let dir = tempfile::tempdir().unwrap();
    let schemas = schemas_copy(dir.path());
    let store = format!("sqlite:{}", dir.path().join("deliveries.db").display());
    let server = serve(&schemas, &store);
    send_all(&server);
    // The first delivery again: counted again, but its places are not new.
    let first = serde_json::to_vec(&kaizen_payloads()[0]).unwrap();
    assert_eq!(
        kaizen(&server, "msg_drift_again", unix_now(), &first, &first).0,
        200
    );

    // The counter, per webhook, location and kind.
    let text = metrics(&server);
    let count = |labels: &str| -> f64 {
        let line = format!("hookschema_schema_drift_total{{{labels}}} ");
        text.lines()
            .find_map(|l| l.strip_prefix(&line))
            .unwrap_or_else(|| panic!("no {line} in\n{text}"))
            .parse()
            .unwrap()
    };
    let kaizen_at = |location: &str, kind: &str| {
        count(&format!(
            "webhook=\"kaizen/webhook-event\",location=\"kaizen/webhook-event#{location}\",kind=\"{kind}\""
        ))
    };
    assert_eq!(
        kaizen_at("/$defs/Execution/properties/sessionId", "null"),
        3.0
    );
    assert_eq!(kaizen_at("/$defs/Execution", "undeclared"), 3.0);
    assert_eq!(kaizen_at("/$defs/ExecutionStatus", "enum"), 1.0);
    assert_eq!(
        kaizen_at("/$defs/Execution/properties/name", "breaking"),
        1.0
    );
    assert_eq!(
        count(
            "webhook=\"comfydeploy/workflow-run-webhook-body\",location=\"comfydeploy/workflow-run-webhook-body#\",kind=\"missing\""
        ),
        1.0
    );
    // One warning the first time a place drifts, never again.
    let log = server.shut_down();
    let warned: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("schema drift, first seen here"))
        .collect();
    let sessions = warned
        .iter()
        .filter(|l| l.contains("/properties/sessionId"))
        .count();
    assert_eq!(sessions, 1, "{log}");
    assert!(
        warned.iter().any(|l| l.contains("WARN")
            && l.contains("kind=\"undeclared\"")
            && l.contains("location=\"kaizen/webhook-event#/$defs/Execution\"")
            && l.contains("'region', 'retryOf' were unexpected) at /data")),
        "{log}"
    );

    // The report.
    let found = entries(&report(&schemas, &["--store", &store]));
    let kaizen = &found["kaizen/webhook-event"];
    for (location, kind, status) in [
        ("/$defs/Execution", "undeclared region", "proposed"),
        ("/$defs/Execution", "undeclared retryOf", "proposed"),
        ("/$defs/Execution/properties/sessionId", "null", "proposed"),
        (
            "/$defs/Execution/properties/totalAttempts",
            "fraction",
            "proposed",
        ),
        (
            "/$defs/Execution/properties/durationMs",
            "bound minimum",
            "proposed",
        ),
        ("/$defs/ExecutionStatus", "enum", "proposed"),
        ("/$defs/Execution/properties/name", "breaking", "reported"),
        (
            "/$defs/Execution/properties/startTime",
            "format",
            "reported",
        ),
    ] {
        let entry = (location.to_owned(), kind.to_owned(), status.to_owned());
        assert!(kaizen.contains(&entry), "{entry:?} not in {kaizen:#?}");
    }
    assert_eq!(kaizen.len(), 8, "{kaizen:#?}");
    let comfydeploy = &found["comfydeploy/workflow-run-webhook-body"];
    assert!(comfydeploy.contains(&(
        "/$defs/WorkflowRunStatus".into(),
        "enum".into(),
        "proposed".into()
    )));
    assert!(comfydeploy.contains(&("".into(), "undeclared machine".into(), "proposed".into())));
    // Made optional, `live_status` would turn an invalid example valid: not proposed.
    assert!(comfydeploy.contains(&("".into(), "missing live_status".into(), "refused".into())));

    // Written: the schemas widened, their versions bumped, examples added.
    let before = Catalog::load(&schemas).unwrap();
    let examples_before = verdicts(&before, &schemas);
    let written = hookschema(
        &schemas,
        &["drift", "--store", &store, "--write", "--redact"],
    );
    let said = String::from_utf8_lossy(&written.stdout);
    assert_eq!(
        written.status.code(),
        Some(1),
        "a breaking drift remains: {said}"
    );
    assert!(
        said.contains(
            "to answer: classify \"paused\" under `meanings.WorkflowRunStatus.is_terminal`"
        ),
        "{said}"
    );
    let after = Catalog::load(&schemas).unwrap();
    let kaizen_schema = after.schema("kaizen/webhook-event").unwrap();
    assert!(
        kaizen_schema
            .id()
            .ends_with("/kaizen/webhook-event/1.2.0.json")
    );
    let comfydeploy_schema = after
        .schema("comfydeploy/workflow-run-webhook-body")
        .unwrap();
    let old_id = before
        .schema("comfydeploy/workflow-run-webhook-body")
        .unwrap()
        .id();
    assert_ne!(comfydeploy_schema.id(), old_id);
    // Every payload a widening was proposed for is valid now; the others still break the
    // schema where they did.
    let payloads = kaizen_payloads();
    for payload in &payloads[..3] {
        assert_eq!(kaizen_schema.validate(payload), [], "{payload}");
    }
    let pointers = |schema: &Schema, payload: &Value| -> Vec<String> {
        schema
            .validate(payload)
            .into_iter()
            .map(|v| v.instance_path)
            .collect()
    };
    assert_eq!(pointers(kaizen_schema, &payloads[3]), ["/data/name"]);
    assert_eq!(pointers(kaizen_schema, &payloads[4]), ["/data/startTime"]);
    assert_eq!(comfydeploy_schema.validate(&comfydeploy_payloads()[0]), []);
    assert_eq!(
        pointers(comfydeploy_schema, &comfydeploy_payloads()[1]),
        [""]
    );
    // The breaking drift is not written.
    let text = fs::read_to_string(schemas.join("kaizen/webhook-event.schema.json")).unwrap();
    let document: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        document["$defs"]["Execution"]["properties"]["name"]["type"],
        "string"
    );
    assert!(text.contains("inferred from 2 deliveries"), "{text}");
    // The examples keep their verdicts, and the new ones are valid and redacted.
    let examples_after = verdicts(&after, &schemas);
    for (name, verdict) in &examples_before {
        assert_eq!(examples_after.get(name), Some(verdict), "{name}");
    }
    let new: Vec<&String> = examples_after
        .keys()
        .filter(|name| !examples_before.contains_key(*name))
        .collect();
    assert!(new.len() >= 4, "{new:?}");
    for name in new {
        assert!(name.contains("/valid/drift-"), "{name}");
        assert_eq!(examples_after[name], BTreeSet::new(), "{name} is valid");
        let text = fs::read_to_string(schemas.join(name)).unwrap();
        for secret in [
            "eu-west-1",
            "exec_secret_parent",
            "gpu-a100-secret",
            "exec_drift",
        ] {
            assert!(!text.contains(secret), "{name} keeps `{secret}`: {text}");
        }
    }
}

/// Where each schema of `catalog` breaks each example beside it, by the example's path under
/// `schemas`.
fn verdicts(catalog: &Catalog, schemas: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut verdicts = BTreeMap::new();
    for schema in catalog.schemas() {
        let (vendor, stem) = schema.name().split_once('/').unwrap();
        for side in ["valid", "invalid"] {
            let folder = schemas.join(vendor).join("examples").join(stem).join(side);
            let Ok(files) = fs::read_dir(&folder) else {
                continue;
            };
            for file in files {
                let path = file.unwrap().path();
                let Ok(example) = serde_json::from_slice::<Value>(&fs::read(&path).unwrap()) else {
                    continue; // Not JSON: refused by any schema alike.
                };
                let name = path.strip_prefix(schemas).unwrap().display().to_string();
                let pointers = schema
                    .validate(&example)
                    .into_iter()
                    .map(|v| v.instance_path)
                    .collect();
                verdicts.insert(name, pointers);
            }
        }
    }
    verdicts
}

/// The same deliveries kept by every store, or archived as a file of payloads, give the same
/// report.
#[test]
fn drift_reads_every_store_and_an_archive_alike() {
    let dir = tempfile::tempdir().unwrap();
    let schemas = schemas_copy(dir.path());
    let mut stores = vec![
        format!("sqlite:{}", dir.path().join("d.db").display()),
        format!("jsonl:{}", dir.path().join("d.jsonl").display()),
    ];
    stores.extend(postgres_database());
    let mut reports = Vec::new();
    for store in &stores {
        let server = serve(&schemas, store);
        send_all(&server);
        server.shut_down();
        let kaizen = report(
            &schemas,
            &["--store", store, "--webhook", "kaizen/webhook-event"],
        );
        reports.push((store.clone(), entries(&kaizen)));
    }
    let archive = dir.path().join("kaizen.ndjson");
    let lines: Vec<String> = kaizen_payloads().iter().map(Value::to_string).collect();
    fs::write(&archive, lines.join("\n")).unwrap();
    let archived = report(
        &schemas,
        &[
            "--from",
            archive.to_str().unwrap(),
            "--webhook",
            "kaizen/webhook-event",
        ],
    );
    reports.push(("--from".to_owned(), entries(&archived)));
    let (_, first) = &reports[0];
    assert_eq!(first.keys().collect::<Vec<_>>(), ["kaizen/webhook-event"]);
    assert_eq!(first["kaizen/webhook-event"].len(), 8);
    for (source, report) in &reports {
        assert_eq!(report, first, "{source}");
    }
    // `--since` a time after every delivery reads none of them.
    let none = hookschema(
        &schemas,
        &["drift", "--store", &stores[0], "--since", "2999-01-01"],
    );
    assert_eq!(none.status.code(), Some(0), "{none:?}");
    assert!(String::from_utf8_lossy(&none.stdout).contains("no drift"));
}
