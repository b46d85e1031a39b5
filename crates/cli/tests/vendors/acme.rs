//! A webhook written as data, with no Rust: a copy of `schemas/` with a made-up third vendor
//! (`examples/downstream/schemas/acme`: one webhook signed in the Standard Webhooks setting, one
//! authenticated by a URL token, each with valid and invalid examples), given to the `hookschema`
//! binary as it was built, with `--schemas`. Every command takes the new vendor: `validate` and
//! `--ndjson` judge its examples, `sign` and `verify` round-trip, and `serve` receives it.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use hookschema_catalog::Catalog;
use hookschema_fixtures::{Expected, Fixture};
use hookschema_testkit::sender::{authentic, forged};
use hookschema_testkit::{SECRET, TOKEN};
use serde_json::Value;

use super::{send, unix_now};

/// The copy: the repository's schemas and the third vendor beside them.
struct Folder {
    _dir: tempfile::TempDir,
    schemas: PathBuf,
}

fn folder() -> Folder {
    let dir = tempfile::tempdir().unwrap();
    let root = hookschema_fixtures::repository_root();
    let schemas = dir.path().join("schemas");
    hookschema_fixtures::copy_tree(&root.join("schemas"), &schemas);
    hookschema_fixtures::copy_tree(
        &root.join("examples/downstream/schemas/acme"),
        &schemas.join("acme"),
    );
    Folder { _dir: dir, schemas }
}

/// `hookschema --schemas <folder> <args>`, with `stdin`.
fn hookschema(folder: &Folder, args: &[&str], stdin: &[u8]) -> Output {
    super::hookschema(&folder.schemas, args, stdin)
}

/// The third vendor's examples.
fn acme_examples(folder: &Folder) -> Vec<Fixture> {
    let examples: Vec<Fixture> = hookschema_fixtures::in_folder(&folder.schemas)
        .into_iter()
        .filter(|f| f.vendor == "acme")
        .collect();
    assert!(examples.len() >= 8, "{} examples", examples.len());
    examples
}

#[test]
fn validate_judges_the_new_vendors_examples() {
    let folder = folder();
    for fixture in acme_examples(&folder) {
        let path = folder.schemas.parent().unwrap().join(&fixture.path);
        let output = hookschema(
            &folder,
            &["validate", "--schema", &fixture.schema, "--format", "json"],
            &std::fs::read(&path).unwrap(),
        );
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        let mut paths: Vec<String> = report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["instance_path"].as_str().unwrap().to_owned())
            .collect();
        paths.sort();
        paths.dedup();
        match &fixture.expected {
            Expected::Valid => {
                assert_eq!(output.status.code(), Some(0), "{fixture}: {report}");
            }
            Expected::Invalid { instance_paths, .. } => {
                assert_eq!(output.status.code(), Some(1), "{fixture}");
                assert_eq!(&paths, instance_paths, "{fixture}");
            }
        }
    }
}

#[test]
fn validate_ndjson_judges_an_archive_of_the_new_vendors_deliveries() {
    let folder = folder();
    for schema in ["acme/order-paid", "acme/shipment-update"] {
        let examples: Vec<Fixture> = acme_examples(&folder)
            .into_iter()
            .filter(|f| f.schema == schema)
            .collect();
        let mut archive = Vec::new();
        for fixture in &examples {
            let value: Value = serde_json::from_slice(&fixture.bytes).unwrap();
            archive.extend(serde_json::to_vec(&value).unwrap());
            archive.push(b'\n');
        }
        let output = hookschema(
            &folder,
            &[
                "validate", "--schema", schema, "--ndjson", "--format", "json",
            ],
            &archive,
        );
        assert_eq!(output.status.code(), Some(1), "{schema}");
        let summary: Value = String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .last()
            .map(|line| serde_json::from_str(line).unwrap())
            .unwrap();
        let invalid = examples.iter().filter(|f| !f.is_valid()).count();
        let summary = &summary["summary"];
        assert_eq!(summary["invalid"], invalid, "{schema}: {summary}");
        assert_eq!(
            summary["valid"],
            examples.len() - invalid,
            "{schema}: {summary}"
        );
    }
}

#[test]
fn sign_and_verify_round_trip_for_the_new_vendor() {
    let folder = folder();
    let body =
        br#"{"order_id": "ord_9", "amount_cents": 100, "currency": "EUR", "method": "card"}"#;
    let signed = hookschema(&folder, &["sign", "acme", "--id", "msg_9"], body);
    assert_eq!(signed.status.code(), Some(0), "{signed:?}");
    let headers: Vec<(String, String)> = String::from_utf8(signed.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let (name, value) = line.split_once(": ").unwrap();
            (name.to_owned(), value.to_owned())
        })
        .collect();
    let names: Vec<&str> = headers.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        ["webhook-id", "webhook-timestamp", "webhook-signature"]
    );
    assert!(headers[2].1.starts_with("v1,"), "{headers:?}");
    let verify = |body: &[u8]| {
        hookschema(
            &folder,
            &[
                "verify",
                "acme",
                "--id",
                &headers[0].1,
                "--timestamp",
                &headers[1].1,
                "--signature",
                &headers[2].1,
            ],
            body,
        )
    };
    let authentic = verify(body);
    assert_eq!(authentic.status.code(), Some(0), "{authentic:?}");
    let tampered = verify(&body.repeat(2));
    assert_eq!(tampered.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&tampered.stdout).contains("no_matching_signature"));
}

/// `parse` decodes with the models built into the binary: a vendor given only as data has none,
/// and says so; once built in ("Adding a webhook", step 5), the same delivery decodes, here to
/// an error at the field it lacks.
#[test]
fn parse_says_it_has_no_models_for_the_new_vendor() {
    let folder = folder();
    let output = hookschema(
        &folder,
        &["parse", "--schema", "acme/order-paid"],
        br#"{"order_id": "ord_9"}"#,
    );
    let said = String::from_utf8_lossy(&output.stderr);
    if hookschema_catalog::Catalog::embedded()
        .vendor("acme")
        .is_some()
    {
        assert_eq!(output.status.code(), Some(1), "{said}");
    } else {
        assert_eq!(output.status.code(), Some(2));
        assert!(
            said.contains("acme/order-paid has no typed models"),
            "{said}"
        );
    }
}

#[test]
fn serve_receives_the_new_vendors_deliveries() {
    let folder = folder();
    let catalog = Catalog::load(&folder.schemas).unwrap();
    let out = folder.schemas.parent().unwrap().join("deliveries.jsonl");
    let mut command = Command::new(env!("CARGO_BIN_EXE_hookschema"));
    command
        .arg("--schemas")
        .arg(&folder.schemas)
        .args(["serve", "--addr", "127.0.0.1:0", "--strict", "--store"])
        .arg(format!("jsonl:{}", out.display()))
        .stdout(Stdio::null());
    let server = hookschema_testkit::Serve::launch_with(command, &catalog);
    assert!(
        server
            .first_line()
            .contains("POST /acme/orders (acme/order-paid)"),
        "{}",
        server.first_line()
    );

    let mut written = Vec::new();
    for fixture in acme_examples(&folder) {
        let webhook = catalog.webhook(&fixture.schema).unwrap();
        let id = format!("msg_{}", fixture.name);
        let request = authentic(webhook, &id, unix_now(), &fixture.bytes);
        let (status, answer) = send(&server, &request);
        if fixture.is_valid() {
            assert_eq!((status, &answer), (200, &webhook.success.body), "{fixture}");
            written.push(fixture.name.clone());
            if webhook.delivery_id.is_some() {
                let (status, again) = send(&server, &request);
                let duplicate = &webhook.success.duplicate;
                assert_eq!((status, &again), (200, duplicate), "{fixture}: retry");
            }
            let forgery = forged(webhook, &id, unix_now(), &fixture.bytes).unwrap();
            assert_eq!(send(&server, &forgery).0, 401, "{fixture}: forged");
        } else {
            assert_eq!(status, 422, "{fixture}: {answer}");
        }
    }
    let log = server.stop();
    assert!(!log.contains(SECRET) && !log.contains(TOKEN), "{log}");
    let records: Vec<Value> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(
        records.len(),
        written.len(),
        "each valid delivery written once"
    );
    assert!(records.iter().all(|r| r["vendor"] == "acme"));
}
