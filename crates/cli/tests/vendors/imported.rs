//! GitHub's and Stripe's schemas as they publish them (`tests/vendors/`: octokit/webhooks'
//! draft-07 files with `$ref`s between them, Stripe's OpenAPI 3.0 document), imported with
//! `hookschema import`, completed with the vendor files a user writes (`tests/vendors/<vendor>/
//! vendor.json`), then used as any vendor: `schemas` lists them, `validate` judges their own
//! examples, `verify` checks their published signature vectors, and `serve` receives both on
//! one route each, dispatching by `X-GitHub-Event` and by the body's `type`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use hookschema_catalog::{Bodies, Catalog};
use hookschema_testkit::Serve;
use hookschema_testkit::sender::{authentic, forged};
use serde_json::{Value, json};

use super::{hookschema, send, send_with, unix_now};

/// The pinned sources.
fn vendors() -> PathBuf {
    hookschema_fixtures::repository_root().join("tests/vendors")
}

/// The commands the manual's "Adding a webhook" gives, for both sources, writing into `out`.
fn import(out: &Path) {
    let github = vendors().join("github");
    let schemas = github.join("payload-schemas/api.github.com");
    let mut args: Vec<String> = ["import", "jsonschema"].map(str::to_owned).to_vec();
    for event in [
        "push",
        "ping",
        "pull_request",
        "issues",
        "workflow_run",
        "check_run",
        "release",
    ] {
        for file in fs::read_dir(schemas.join(event)).unwrap() {
            args.push(file.unwrap().path().display().to_string());
        }
    }
    args.extend(
        [
            "--root",
            &schemas.display().to_string(),
            "--examples",
            &github
                .join("payload-examples/api.github.com")
                .display()
                .to_string(),
            "--vendor",
            "github",
            "--out",
            &out.display().to_string(),
            "--source-url",
            "https://github.com/octokit/webhooks",
            "--source-version",
            "3a58428aa5c399cf5aa12c8663aea1fb1f515254",
        ]
        .map(str::to_owned),
    );
    run(&args);
    let stripe = vendors().join("stripe/openapi");
    run(&[
        "import",
        "openapi",
        &stripe.join("spec3.json").display().to_string(),
        "--component",
        "payment_intent",
        "--component",
        "charge",
        "--envelope",
        "event:/data/object",
        "--fixtures",
        &stripe.join("fixtures3.json").display().to_string(),
        "--vendor",
        "stripe",
        "--out",
        &out.display().to_string(),
        "--source-url",
        "https://github.com/stripe/openapi",
        "--source-version",
        "e0123a38b40c8d840b4c0469ac0ee1650b6bfea3",
    ]);
}

fn run<S: AsRef<std::ffi::OsStr>>(args: &[S]) {
    let output = Command::new(env!("CARGO_BIN_EXE_hookschema"))
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
}

/// Both vendors imported into a folder, their vendor files completed.
struct Imported {
    dir: tempfile::TempDir,
}

impl Imported {
    fn new() -> Imported {
        let dir = tempfile::tempdir().unwrap();
        import(dir.path());
        for vendor in ["github", "stripe"] {
            fs::copy(
                vendors().join(vendor).join("vendor.json"),
                dir.path().join(vendor).join("vendor.json"),
            )
            .unwrap();
        }
        Imported { dir }
    }

    fn schemas(&self) -> &Path {
        self.dir.path()
    }

    /// Each schema's valid examples, by schema name.
    fn examples(&self) -> BTreeMap<String, Vec<PathBuf>> {
        let mut examples = BTreeMap::new();
        for vendor in ["github", "stripe"] {
            let folder = self.schemas().join(vendor).join("examples");
            for schema in fs::read_dir(&folder).unwrap() {
                let schema = schema.unwrap().path();
                let name = format!("{vendor}/{}", schema.file_name().unwrap().to_string_lossy());
                let mut files: Vec<PathBuf> = fs::read_dir(schema.join("valid"))
                    .unwrap()
                    .map(|f| f.unwrap().path())
                    .collect();
                files.sort();
                examples.insert(name, files);
            }
        }
        examples
    }
}

/// Every file under `dir`, by its path there, with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(folder) = todo.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else {
                let name = path.strip_prefix(dir).unwrap().display().to_string();
                files.insert(name, fs::read(&path).unwrap());
            }
        }
    }
    files
}

#[test]
fn the_same_import_of_the_same_sources_gives_the_same_bytes() {
    let (first, second) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    import(first.path());
    import(second.path());
    let (first, second) = (tree(first.path()), tree(second.path()));
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    assert!(first == second, "an import wrote different bytes");
    let schemas = first.keys().filter(|k| k.ends_with(".schema.json")).count();
    assert_eq!(schemas, 53 + 2);
    // Imported again over itself, the folder is the same: nothing of the last import lingers.
    let again = tempfile::tempdir().unwrap();
    import(again.path());
    import(again.path());
    assert!(tree(again.path()) == first);
}

#[test]
fn the_skeleton_vendor_files_load_as_they_are() {
    let dir = tempfile::tempdir().unwrap();
    import(dir.path());
    let catalog = Catalog::load(dir.path()).unwrap();
    let github = catalog.webhook("github/events").unwrap();
    let Bodies::Dispatch(dispatch) = &github.bodies else {
        panic!("53 schemas dispatch from one route")
    };
    assert_eq!(dispatch.schemas.len(), 53);
    let text = fs::read_to_string(dir.path().join("github/vendor.json")).unwrap();
    assert!(text.contains("FILL IN") && text.contains("X-Fill-In-Signature"));
}

#[test]
fn the_imported_folders_are_listed_and_every_schema_records_its_source() {
    let imported = Imported::new();
    let listed = hookschema(imported.schemas(), &["schemas"], b"");
    let listed = String::from_utf8(listed.stdout).unwrap();
    assert_eq!(listed.lines().count(), 55, "{listed}");
    assert!(listed.contains("github/pull-request-opened"));
    assert!(listed.contains("stripe/payment-intent-event"));
    for (name, bytes) in tree(imported.schemas()) {
        if !name.ends_with(".schema.json") {
            continue;
        }
        let schema: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        let source = &schema["x-hookschema-source"];
        assert_eq!(source["sha256"].as_str().unwrap().len(), 64, "{name}");
        assert!(source["version"].is_string(), "{name}");
        assert!(!String::from_utf8_lossy(&bytes).contains("\"definitions\""));
    }
}

/// octokit/webhooks' two `check_run.rerequested` examples give `app.created_at` as
/// `2018-04-25 20:42:10`: no date-time by RFC 3339's grammar, which JSON Schema's `date-time`
/// names (a `T` between date and time, and an offset). octokit's own check, ajv-formats, takes a
/// space for the `T` and a missing offset; hookschema asserts the format as the draft defines it.
/// Every other published example is valid.
const NOT_RFC_3339: &[&str] = &[
    "/check_run/app/created_at",
    "/check_run/app/updated_at",
    "/check_run/check_suite/app/created_at",
    "/check_run/check_suite/app/updated_at",
];

#[test]
fn every_published_example_is_valid_but_two_dates_octokit_lets_pass() {
    let imported = Imported::new();
    // The catalog `--schemas` reads, loaded once: each `validate` would compile all 55 schemas.
    let catalog = Catalog::load(imported.schemas()).unwrap();
    let examples = imported.examples();
    assert_eq!(examples.values().map(Vec::len).sum::<usize>(), 89 + 2);
    for (schema, files) in &examples {
        let checker = catalog.schema(schema).unwrap();
        for file in files {
            let violations =
                checker.validate(&serde_json::from_slice(&fs::read(file).unwrap()).unwrap());
            let mut at: Vec<&str> = violations
                .iter()
                .map(|v| v.instance_path.as_str())
                .collect();
            at.sort();
            if schema == "github/check-run-rerequested" {
                assert_eq!(at, NOT_RFC_3339, "{}", file.display());
                assert!(violations.iter().all(|v| v.message.contains("date-time")));
            } else {
                assert_eq!(at, Vec::<&str>::new(), "{}", file.display());
            }
        }
    }
}

/// A published example changed in one place, and the pointer the refusal must name.
struct Mutation {
    schema: &'static str,
    example: &'static str,
    at: &'static str,
    /// The new value there; `None` removes it.
    value: Option<Value>,
    /// Where the violation is reported.
    reported: &'static str,
}

fn mutations() -> Vec<Mutation> {
    vec![
        Mutation {
            schema: "github/pull-request-opened",
            example: "opened.payload.json",
            at: "/pull_request/user",
            value: None,
            reported: "/pull_request",
        },
        Mutation {
            schema: "github/push-event",
            example: "with-new-branch.payload.json",
            at: "/commits/0/timestamp",
            value: Some(json!("yesterday")),
            reported: "/commits/0/timestamp",
        },
        Mutation {
            schema: "github/issues-opened",
            example: "opened.payload.json",
            at: "/action",
            value: Some(json!("closed")),
            reported: "/action",
        },
        Mutation {
            schema: "stripe/payment-intent-event",
            example: "fixture.json",
            at: "/data/object/amount",
            value: Some(json!("1099")),
            reported: "/data/object/amount",
        },
        Mutation {
            schema: "stripe/charge-event",
            example: "fixture.json",
            at: "/data/object/status",
            value: Some(json!("exploded")),
            reported: "/data/object/status",
        },
    ]
}

impl Mutation {
    fn body(&self, imported: &Imported) -> Vec<u8> {
        let (vendor, name) = self.schema.split_once('/').unwrap();
        let path = imported
            .schemas()
            .join(vendor)
            .join("examples")
            .join(name)
            .join("valid")
            .join(self.example);
        let mut value: Value = serde_json::from_slice(&fs::read(path).unwrap()).unwrap();
        let (parent, key) = self.at.rsplit_once('/').unwrap();
        let parent = value.pointer_mut(parent).unwrap();
        match (&self.value, parent) {
            (Some(new), Value::Object(map)) => {
                map.insert(key.to_owned(), new.clone());
            }
            (Some(new), Value::Array(items)) => items[key.parse::<usize>().unwrap()] = new.clone(),
            (None, Value::Object(map)) => {
                map.remove(key).unwrap();
            }
            _ => unreachable!("{}", self.at),
        }
        serde_json::to_vec(&value).unwrap()
    }
}

#[test]
fn mutated_examples_are_refused_at_the_place_changed() {
    let imported = Imported::new();
    for mutation in mutations() {
        let output = hookschema(
            imported.schemas(),
            &["validate", "--schema", mutation.schema, "--format", "json"],
            &mutation.body(&imported),
        );
        assert_eq!(output.status.code(), Some(1), "{}", mutation.at);
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        let at: Vec<&str> = report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["instance_path"].as_str().unwrap())
            .collect();
        assert!(at.contains(&mutation.reported), "{}: {report}", mutation.at);
    }
}

#[test]
fn the_vendors_published_signature_vectors_verify_with_the_imported_folders() {
    let imported = Imported::new();
    for vendor in ["github", "stripe"] {
        let file =
            hookschema_fixtures::repository_root().join(format!("tests/signatures/{vendor}.json"));
        let vectors: Value = serde_json::from_slice(&fs::read(file).unwrap()).unwrap();
        let mut checked = 0;
        for vector in vectors["vectors"].as_array().unwrap() {
            let Some(signature) = vector["signature"].as_str() else {
                continue;
            };
            let mut args = vec!["verify", vendor, "--signature", signature];
            for secret in vector["secrets"].as_array().unwrap() {
                args.extend(["--secret", secret.as_str().unwrap()]);
            }
            let now = vector["now"].to_string();
            let tolerance = vector["tolerance"].to_string();
            if let Some(timestamp) = vector["timestamp"].as_str() {
                args.extend([
                    "--timestamp",
                    timestamp,
                    "--now",
                    &now,
                    "--tolerance",
                    &tolerance,
                ]);
            }
            let body = vector["body"].as_str().unwrap().as_bytes();
            let output = hookschema(imported.schemas(), &args, body);
            let said = String::from_utf8_lossy(&output.stdout);
            let name = &vector["name"];
            if vector["expected"] == "valid" {
                assert_eq!(output.status.code(), Some(0), "{vendor} {name}: {said}");
            } else {
                assert_eq!(output.status.code(), Some(1), "{vendor} {name}: {said}");
                let error = vector["error"].as_str().unwrap();
                assert!(said.contains(error), "{vendor} {name}: {said}");
            }
            checked += 1;
        }
        assert!(checked >= 4, "{vendor}: {checked} vectors");
    }
}

#[test]
fn sign_prints_what_each_vendor_sends() {
    let imported = Imported::new();
    let github = hookschema(imported.schemas(), &["sign", "github"], b"{}");
    let github = String::from_utf8(github.stdout).unwrap();
    assert!(
        github.starts_with("X-Hub-Signature-256: sha256="),
        "{github}"
    );
    assert_eq!(github.lines().count(), 1);
    let stripe = hookschema(
        imported.schemas(),
        &["sign", "stripe", "--timestamp", "1767225600"],
        b"{}",
    );
    let stripe = String::from_utf8(stripe.stdout).unwrap();
    assert!(
        stripe.starts_with("Stripe-Signature: t=1767225600,v1="),
        "{stripe}"
    );
    assert_eq!(stripe.lines().count(), 1, "one Stripe-Signature line");
}

/// `serve --strict` on both folders: every published example is received on its vendor's one
/// route (GitHub's named by `X-GitHub-Event`, ids from `X-GitHub-Delivery`; Stripe's by `type`,
/// ids from `/id`), a retry is a duplicate, a forgery 401, a mutated one 422 naming the schema
/// and the field, and an event without a schema kept (GitHub) or refused (Stripe) as each
/// vendor file says.
#[test]
fn serve_receives_both_vendors_on_one_route_each() {
    let imported = Imported::new();
    let catalog = Catalog::load(imported.schemas()).unwrap();
    let out = imported.dir.path().join("deliveries.jsonl");
    let mut command = Command::new(env!("CARGO_BIN_EXE_hookschema"));
    command
        .arg("--schemas")
        .arg(imported.schemas())
        .args(["serve", "--addr", "127.0.0.1:0", "--strict", "--store"])
        .arg(format!("jsonl:{}", out.display()))
        .stdout(Stdio::null());
    let server = Serve::launch_with(command, &catalog);
    let github = catalog.webhook("github/events").unwrap();
    let stripe = catalog.webhook("stripe/events").unwrap();
    // The event each GitHub schema is dispatched for: `pull_request.opened` for
    // `pull-request-opened`, whose header is `pull_request`.
    let Bodies::Dispatch(dispatch) = &github.bodies else {
        panic!("GitHub's webhook dispatches")
    };
    let header_of = |schema: &str| {
        let (event, _) = dispatch
            .schemas
            .iter()
            .find(|(_, s)| s.name() == schema)
            .unwrap();
        event.split('.').next().unwrap().to_owned()
    };

    let mut stored = 0;
    for (schema, files) in Imported::examples(&imported) {
        if schema == "github/check-run-rerequested" {
            continue; // Not valid: see NOT_RFC_3339.
        }
        for (i, file) in files.iter().enumerate() {
            let id = format!("{schema}-{i}");
            let mut body = fs::read(file).unwrap();
            let (webhook, extra) = if let Some(name) = schema.strip_prefix("github/") {
                let event = header_of(&format!("github/{name}"));
                (
                    github,
                    vec![("X-GitHub-Event", event), ("X-GitHub-Delivery", id.clone())],
                )
            } else {
                body = stripe_event(&body, &format!("evt_{i}"));
                (stripe, Vec::new())
            };
            let extra: Vec<(&str, &str)> = extra.iter().map(|(n, v)| (*n, v.as_str())).collect();
            let request = authentic(webhook, &id, unix_now(), &body);
            assert_eq!(
                send_with(&server, &request, &extra).0,
                200,
                "{}",
                file.display()
            );
            stored += 1;
            let (status, again) = send_with(&server, &request, &extra);
            assert_eq!(
                (status, &again),
                (200, &webhook.success.duplicate),
                "{schema}: retry"
            );
            let forgery = forged(webhook, &id, unix_now(), &body).unwrap();
            assert_eq!(
                send_with(&server, &forgery, &extra).0,
                401,
                "{schema}: forged"
            );
        }
    }
    assert_eq!(stored, 89 - 2 + 2);

    // Mutated: 422, naming the schema chosen and the field.
    for mutation in mutations() {
        let body = mutation.body(&imported);
        let (webhook, extra, body) = if mutation.schema.starts_with("github/") {
            (
                github,
                vec![("X-GitHub-Event", header_of(mutation.schema))],
                body,
            )
        } else {
            (stripe, Vec::new(), stripe_event(&body, "evt_mutated"))
        };
        let extra: Vec<(&str, &str)> = extra.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let request = authentic(webhook, "mutated", unix_now(), &body);
        let (status, answer) = send_with(&server, &request, &extra);
        assert_eq!(status, 422, "{}: {answer}", mutation.at);
        // An issue `opened` said to be `closed` is dispatched as `issues.closed`, which it
        // breaks where an open issue differs from a closed one.
        let (schema, reported) = match mutation.at {
            "/action" => ("github/issues-closed", "/issue/state"),
            _ => (mutation.schema, mutation.reported),
        };
        let errors = answer["errors"].as_array().unwrap();
        assert!(
            errors.iter().any(|e| e["instance_path"] == reported
                && e["schema_path"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("{schema}#"))),
            "{schema}: {answer}"
        );
    }

    // An event without a schema: GitHub's file keeps it, noted, but not from a strict receiver,
    // which keeps nothing it cannot check; Stripe's file refuses it.
    let star = br#"{"action": "created", "starred_at": null}"#;
    let request = authentic(github, "star-1", unix_now(), star);
    let extra = [("X-GitHub-Event", "star"), ("X-GitHub-Delivery", "star-1")];
    let (status, answer) = send_with(&server, &request, &extra);
    assert_eq!(status, 422, "{answer}");
    assert!(
        answer
            .to_string()
            .contains("no schema for the event `star.created`")
    );
    let refund = br#"{"id": "evt_r", "type": "refund.created", "data": {"object": {}}}"#;
    let (status, answer) = send(&server, &authentic(stripe, "", unix_now(), refund));
    assert_eq!(status, 422, "{answer}");
    assert!(
        answer
            .to_string()
            .contains("no schema for the event `refund.created`")
    );

    server.stop();
    let records = stored_records(&out);
    assert_eq!(records.len(), stored, "each delivery stored once");

    // Not strict, GitHub's file keeps the event it has no schema for, noted.
    let kept = imported.dir.path().join("kept.jsonl");
    let mut command = Command::new(env!("CARGO_BIN_EXE_hookschema"));
    command
        .arg("--schemas")
        .arg(imported.schemas())
        .args(["serve", "--addr", "127.0.0.1:0", "--store"])
        .arg(format!("jsonl:{}", kept.display()))
        .stdout(Stdio::null());
    let server = Serve::launch_with(command, &catalog);
    assert_eq!(send_with(&server, &request, &extra).0, 200);
    server.stop();
    let records = stored_records(&kept);
    assert_eq!(records.len(), 1);
    assert!(
        records[0]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("no schema for the event `star.created`")
    );
}

/// What a JSON-lines store holds.
fn stored_records(file: &Path) -> Vec<Value> {
    fs::read_to_string(file)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// A Stripe event of `body`, an event fixture, with the id `id`. Stripe's fixtures are of no
/// one event: this one is `<object>.succeeded`, as the object inside it says.
fn stripe_event(body: &[u8], id: &str) -> Vec<u8> {
    let mut event: Value = serde_json::from_slice(body).unwrap();
    let object = event["data"]["object"]["object"]
        .as_str()
        .unwrap()
        .to_owned();
    event["type"] = json!(format!("{object}.succeeded"));
    event["id"] = json!(format!("{id}_{object}"));
    serde_json::to_vec(&event).unwrap()
}

/// An imported vendor drifts as it moves on: GitHub `ping` deliveries with a hook type the
/// enum lacks, a key its closed objects do not declare, and `null` for a string, are kept by a
/// receiver that is not strict (dispatched by `X-GitHub-Event`, which the stored record's
/// schema name remembers), and `drift --write` widens the imported schema until it accepts
/// every one of them, its examples' verdicts kept and its version bumped.
#[test]
fn an_imported_vendor_drifts_into_a_widened_schema() {
    let imported = Imported::new();
    let catalog = Catalog::load(imported.schemas()).unwrap();
    let store = format!("sqlite:{}", imported.dir.path().join("d.db").display());
    let mut command = Command::new(env!("CARGO_BIN_EXE_hookschema"));
    command
        .arg("--schemas")
        .arg(imported.schemas())
        .args(["serve", "--addr", "127.0.0.1:0", "--store", &store])
        .stdout(Stdio::null());
    let server = Serve::launch_with(command, &catalog);
    let github = catalog.webhook("github/events").unwrap();
    let example = vendors().join("github/payload-examples/api.github.com/ping/payload.json");
    let published: Value = serde_json::from_slice(&fs::read(example).unwrap()).unwrap();
    let mut drifted = Vec::new();
    for (i, (pointer, value)) in [
        ("/hook/type", json!("Enterprise")),
        ("/hook/deployment_mode", json!("canary")),
        ("/zen", Value::Null),
    ]
    .into_iter()
    .enumerate()
    {
        let mut body = published.clone();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        body.pointer_mut(parent).unwrap()[key] = value;
        let id = format!("ping-drift-{i}");
        let bytes = serde_json::to_vec(&body).unwrap();
        let extra = [
            ("X-GitHub-Event", "ping"),
            ("X-GitHub-Delivery", id.as_str()),
        ];
        let (status, answer) =
            send_with(&server, &authentic(github, &id, unix_now(), &bytes), &extra);
        assert_eq!(status, 200, "{pointer}: {answer}");
        drifted.push(body);
    }
    server.stop();

    let schema_file = imported.schemas().join("github/ping-event.schema.json");
    let before = fs::read_to_string(&schema_file).unwrap();
    let output = hookschema(
        imported.schemas(),
        &[
            "drift",
            "--store",
            &store,
            "--webhook",
            "github/events",
            "--write",
        ],
        b"",
    );
    let said = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{said}{output:?}");
    for expected in [
        "/properties/hook/properties/type: a value the enum does not list (1 deliveries",
        "/properties/hook: an undeclared property `deployment_mode` (1 deliveries",
        "/properties/zen: null where it is not allowed (1 deliveries",
    ] {
        assert!(said.contains(expected), "{expected} not in {said}");
    }
    let after = Catalog::load(imported.schemas()).unwrap();
    let schema = after.schema("github/ping-event").unwrap();
    assert!(
        schema.id().ends_with("/ping-event/1.1.0.json"),
        "{}",
        schema.id()
    );
    for body in &drifted {
        assert_eq!(schema.validate(body), [], "{body}");
    }
    for (_, files) in imported.examples() {
        for file in files {
            let example: Value = serde_json::from_slice(&fs::read(&file).unwrap()).unwrap();
            let name = file.display().to_string();
            if name.contains("/ping-event/") {
                assert_eq!(schema.validate(&example), [], "{name}");
            }
        }
    }
    // Only the changed nodes moved: every other line of the file is as imported.
    let after_text = fs::read_to_string(&schema_file).unwrap();
    let kept = before.lines().filter(|l| after_text.contains(l)).count();
    assert!(kept + 12 >= before.lines().count(), "{after_text}");
}
