//! The catalog: the repository's `schemas/` reads as the embedded one does, every vendor file
//! keeps `schemas/vendor.schema.json`, and a folder with a mistake is refused, naming the file
//! and where in it.

use std::fs;

use hookschema_catalog::{Auth, Catalog, CredentialKind};
use serde_json::{Value, json};

fn repository_schemas() -> std::path::PathBuf {
    hookschema_fixtures::repository_root().join("schemas")
}

#[test]
fn the_schemas_folder_reads_as_the_embedded_catalog() {
    let loaded = Catalog::load(&repository_schemas()).unwrap();
    let embedded = Catalog::embedded();
    let names = |catalog: &Catalog| -> Vec<String> {
        catalog
            .schemas()
            .iter()
            .map(|s| s.name().to_owned())
            .collect()
    };
    assert_eq!(names(&loaded), names(embedded));
    let webhooks = |catalog: &Catalog| -> Vec<(String, String, Vec<String>)> {
        catalog
            .webhooks()
            .map(|w| (w.name().to_owned(), w.route.clone(), w.methods.clone()))
            .collect()
    };
    assert_eq!(webhooks(&loaded), webhooks(embedded));
    assert!(embedded.webhooks().count() >= 2);
    // The same text is the same schema: validators compiled once, typed decoding known.
    for schema in loaded.schemas() {
        assert!(schema.embedded().is_some(), "{}", schema.name());
    }
}

#[test]
fn every_webhook_has_examples_and_a_credential_variable_named_after_its_vendor() {
    let root = repository_schemas();
    for webhook in Catalog::embedded().webhooks() {
        let (vendor, stem) = webhook.name().split_once('/').unwrap();
        let examples = root.join(vendor).join("examples").join(stem).join("valid");
        assert!(
            examples.is_dir(),
            "{} has no valid examples",
            webhook.name()
        );
        let variable = webhook.credential_variable();
        match webhook.credential_kind() {
            CredentialKind::None => assert_eq!(variable, None),
            kind => {
                let variable = variable.unwrap();
                assert!(variable.starts_with("HOOKSCHEMA_"), "{variable}");
                assert!(variable.contains(&vendor.to_ascii_uppercase().replace('-', "_")));
                let suffix = if kind == CredentialKind::Secret {
                    "_SECRET"
                } else {
                    "_TOKEN"
                };
                assert!(variable.ends_with(suffix), "{variable}");
            }
        }
    }
}

/// A vendor's signature vectors state the scheme its vendor file declares, so the vectors test
/// what the receiver runs.
#[test]
fn signature_vectors_state_their_vendors_scheme() {
    let mut checked = 0;
    for vendor in Catalog::embedded().vendors() {
        let path = repository_schemas()
            .join(&vendor.name)
            .join("signature-vectors.json");
        let Ok(text) = fs::read_to_string(&path) else {
            continue;
        };
        let vectors: Value = serde_json::from_str(&text).unwrap();
        let stated: hookschema_signature::SignatureScheme =
            serde_json::from_value(vectors["scheme"].clone()).unwrap();
        let declared = vendor
            .webhooks
            .iter()
            .any(|w| w.auth == Auth::Signed(Box::new(stated.clone())));
        assert!(
            declared,
            "{}: the vectors' scheme is none of {}'s",
            path.display(),
            vendor.name
        );
        checked += 1;
    }
    assert!(checked >= 1);
}

/// A copy of the repository's `schemas/`, with `edit` applied to one vendor file; what loading
/// it says.
fn load_with(vendor: &str, edit: impl FnOnce(&mut Value)) -> String {
    let dir = tempfile::tempdir().unwrap();
    hookschema_fixtures::copy_tree(&repository_schemas(), dir.path());
    let path = dir.path().join(vendor).join("vendor.json");
    let mut file: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut file);
    fs::write(&path, serde_json::to_string_pretty(&file).unwrap()).unwrap();
    let error = Catalog::load(dir.path()).unwrap_err();
    let shown = dir.path().display().to_string();
    error.to_string().replace(&shown, "DIR")
}

/// An edit to one vendor's file, and what loading must then say.
type Case = (&'static str, Box<dyn FnOnce(&mut Value)>, &'static str);

#[test]
fn a_vendor_file_with_a_mistake_is_refused_saying_where() {
    let cases: Vec<Case> = vec![
        (
            "kaizen",
            Box::new(|f| f["webhooks"]["webhook-event"]["auth"]["digest_encoding"] = json!("hexx")),
            "DIR/kaizen/vendor.json: /webhooks/webhook-event/auth/digest_encoding: \"hexx\" is not one of",
        ),
        (
            "kaizen",
            Box::new(|f| f["webhooks"]["webhook-event"]["rout"] = json!("/x")),
            "DIR/kaizen/vendor.json: /webhooks/webhook-event: Additional properties are not allowed ('rout' was unexpected)",
        ),
        (
            "kaizen",
            Box::new(|f| {
                let hook = f["webhooks"]["webhook-event"].clone();
                f["webhooks"]["no-such-schema"] = hook;
            }),
            "/webhooks/no-such-schema: there is no no-such-schema.schema.json beside this file",
        ),
        (
            "kaizen",
            Box::new(|f| f["webhooks"]["webhook-event"]["route"] = json!("/comfydeploy")),
            "route /comfydeploy is already comfydeploy/workflow-run-webhook-body's",
        ),
        (
            "kaizen",
            Box::new(|f| {
                f["webhooks"]["webhook-event"]["delivery_id"] =
                    json!({"header": "X-Other", "pointer": "/id"})
            }),
            "/webhooks/webhook-event/delivery_id",
        ),
        (
            "kaizen",
            Box::new(|f| {
                f["webhooks"]["webhook-event"]["auth"]["timestamp_header"] =
                    json!("X-Webhooks-Signature")
            }),
            "carries the timestamp and the signatures: say which entry is the timestamp with timestamp_prefix",
        ),
        (
            "kaizen",
            Box::new(|f| {
                f["webhooks"]["webhook-event"]["auth"]["signed_content"] =
                    json!("{id}.{timestamp}.{body}.{body}")
            }),
            "/webhooks/webhook-event/auth: `{id}.{timestamp}.{body}.{body}` must place the raw {body} exactly once",
        ),
        (
            "comfydeploy",
            Box::new(|f| {
                f["webhooks"]["workflow-run-webhook-body"]["success"]["body"] = json!({"ok": true})
            }),
            "/webhooks/workflow-run-webhook-body/success/body breaks comfydeploy/workflow-run-webhook-response",
        ),
        (
            "kaizen",
            Box::new(|f| {
                let mut hook = f["webhooks"]["webhook-event"].take();
                hook["dispatch"] = json!({"by": [{"pointer": "/type"}], "schemas": {"execution.*": "webhook-event", "agent.*": "agent-event"}});
                f["webhooks"] = json!({"events": hook});
            }),
            "DIR/kaizen/vendor.json: /webhooks/events/dispatch/schemas/agent.*: there is no agent-event.schema.json beside this file",
        ),
        (
            "kaizen",
            Box::new(
                |f| f["webhooks"]["webhook-event"]["dispatch"] = json!({"by": [{"pointer": "/type"}], "schemas": {"execution.*.done": "webhook-event"}}),
            ),
            "/webhooks/webhook-event/dispatch/schemas: \"execution.*.done\" does not match",
        ),
        (
            "kaizen",
            Box::new(|f| {
                f["webhooks"]["webhook-event"]["dispatch"] =
                    json!({"by": [], "schemas": {"execution.complete": "webhook-event"}})
            }),
            "/webhooks/webhook-event/dispatch/by",
        ),
    ];
    for (vendor, edit, says) in cases {
        let error = load_with(vendor, edit);
        assert!(error.contains(says), "expected {says:?} in {error:?}");
    }
}

#[test]
fn a_folder_that_is_not_a_catalog_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let error = Catalog::load(dir.path()).unwrap_err();
    assert!(error.message.contains("no schema"), "{error}");
    let error = Catalog::load(&dir.path().join("missing")).unwrap_err();
    assert!(error.message.contains("cannot read"), "{error}");

    fs::create_dir(dir.path().join("acme")).unwrap();
    fs::write(dir.path().join("acme/order.schema.json"), "{not json").unwrap();
    let error = Catalog::load(dir.path()).unwrap_err();
    assert!(error.file.ends_with("acme/order.schema.json"), "{error}");
    assert!(error.message.contains("not JSON"), "{error}");
}

/// A folder whose schemas `$ref` each other's files: by name beside one, by a path into another
/// vendor's folder, or by an absolute `$id`; a format the validator does not know is an
/// annotation; a reference to a file the folder does not hold is refused at load, naming it,
/// never fetched.
#[test]
fn schemas_of_a_folder_refer_to_each_others_files() {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, schema: Value| {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, schema.to_string()).unwrap();
    };
    let schema = |properties: Value| json!({"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": properties});
    write(
        "shop/order.schema.json",
        schema(json!({
            "customer": {"$ref": "customer.schema.json"},
            "money": {"$ref": "../common/money.schema.json#/$defs/amount"},
            "placed": {"type": "integer", "format": "unix-time"},
            "tax": {"$ref": "https://example.com/tax.json"}
        })),
    );
    write(
        "shop/customer.schema.json",
        schema(json!({"email": {"type": "string", "format": "email"}})),
    );
    write(
        "common/money.schema.json",
        json!({"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": {"amount": {"type": "integer", "minimum": 0}}}),
    );
    write(
        "common/tax.schema.json",
        json!({"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "https://example.com/tax.json", "type": "number"}),
    );
    let catalog = Catalog::load(dir.path()).unwrap();
    let order = catalog.schema("shop/order").unwrap();
    let valid = json!({"customer": {"email": "a@example.com"}, "money": 5, "placed": 1767225600, "tax": 0.2});
    assert!(order.validate(&valid).is_empty());
    let invalid = json!({"customer": {"email": "not an email"}, "money": -1, "tax": "x"});
    let mut paths: Vec<String> = order
        .validate(&invalid)
        .into_iter()
        .map(|v| v.instance_path)
        .collect();
    paths.sort();
    assert_eq!(paths, ["/customer/email", "/money", "/tax"]);

    write(
        "shop/broken.schema.json",
        schema(json!({"x": {"$ref": "https://example.com/elsewhere.json"}})),
    );
    let error = Catalog::load(dir.path()).unwrap_err().to_string();
    assert!(error.contains("shop/broken.schema.json"), "{error}");
    assert!(
        error.contains("https://example.com/elsewhere.json"),
        "{error}"
    );
}

/// A scheme read on its own (a signature vector, a library caller's JSON) waits as long as one
/// read from a vendor file, whose default the vendor schema gives.
#[test]
fn a_scheme_read_alone_has_the_vendor_schemas_tolerance() {
    let tolerance = &hookschema_vendor_file::schema()["$defs"]["Signature"]["properties"]["tolerance_seconds"]
        ["default"];
    assert_eq!(
        tolerance.as_u64(),
        Some(hookschema_signature::DEFAULT_TOLERANCE_SECS)
    );
}
