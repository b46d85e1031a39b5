//! Imports of small sources, one per feature of the importer (`tests/sources/`): each folder
//! written is snapshotted for review, loaded by the catalog, and judges its examples; a source
//! the importer cannot take is refused saying which file and where.

use std::path::{Path, PathBuf};

use hookschema_catalog::Catalog;
use hookschema_import::{Envelope, Folder, ImportError, Options, Selection, json_schema, openapi};
use serde_json::{Value, json};

fn source(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/sources")
        .join(path)
}

fn text(folder: &Folder, file: &str) -> String {
    String::from_utf8(folder.files[file].clone()).unwrap()
}

/// The folder written and read back by the catalog, with its skeleton vendor file.
fn load(folder: &Folder) -> (tempfile::TempDir, Catalog) {
    let dir = tempfile::tempdir().unwrap();
    folder.write(dir.path()).unwrap();
    let catalog = Catalog::load(dir.path()).unwrap();
    (dir, catalog)
}

/// The violations' instance paths of `payload` against the schema `name`.
fn violations(catalog: &Catalog, name: &str, payload: &Value) -> Vec<String> {
    let schema = catalog.schema(name).unwrap();
    schema
        .validate(payload)
        .into_iter()
        .map(|v| v.instance_path)
        .collect()
}

fn examples(folder: &Folder, schema: &str) -> Vec<(String, Value)> {
    let prefix = format!("examples/{schema}/valid/");
    folder
        .files
        .iter()
        .filter_map(|(path, bytes)| {
            let name = path.strip_prefix(&prefix)?;
            Some((name.to_owned(), serde_json::from_slice(bytes).unwrap()))
        })
        .collect()
}

#[test]
fn draft_04_files_with_refs_between_them_become_one_2020_12_schema() {
    let options = Options {
        source_version: Some("test".to_owned()),
        ..Options::new("shop")
    };
    let folder = json_schema(
        &[source("shop/order-paid.json")],
        Some(&source("shop")),
        Some(&source("shop-examples")),
        &options,
    )
    .unwrap();
    insta::assert_snapshot!("order-paid", text(&folder, "order-paid.schema.json"));
    insta::assert_snapshot!("order-paid-vendor", text(&folder, "vendor.json"));
    let (_dir, catalog) = load(&folder);
    let found = examples(&folder, "order-paid");
    assert_eq!(found.len(), 1);
    for (_, example) in &found {
        assert_eq!(
            violations(&catalog, "shop/order-paid", example),
            Vec::<String>::new()
        );
    }
    // draft-04's exclusive minimum, the tuple and its end, the dependencies, all still asserted.
    let broken = json!({
        "order": {"id": "x"},
        "amount": {"cents": 0},
        "lines": ["a", 1, "extra"],
        "card": "visa"
    });
    assert_eq!(
        violations(&catalog, "shop/order-paid", &broken),
        ["/amount/cents", "/lines/2", "/order/id"]
    );
    assert_eq!(
        violations(
            &catalog,
            "shop/order-paid",
            &json!({"card": "visa", "order": {}})
        ),
        ["", ""],
        "amount required, twice: by `required` and by `card`'s dependency"
    );
}

#[test]
fn openapi_3_1_webhooks_in_yaml_become_schemas_with_their_examples() {
    let folder = openapi(
        &source("hooks.yaml"),
        &Selection::Webhooks,
        None,
        &Options::new("shop"),
    )
    .unwrap();
    insta::assert_snapshot!("order-shipped", text(&folder, "order-shipped.schema.json"));
    let (_dir, catalog) = load(&folder);
    let found = examples(&folder, "order-shipped");
    assert_eq!(
        found.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        ["example-parcel.json"]
    );
    assert_eq!(
        violations(&catalog, "shop/order-shipped", &found[0].1),
        Vec::<String>::new()
    );
    let bad = json!({"id": "shp_2", "carrier": "pigeon"});
    assert_eq!(
        violations(&catalog, "shop/order-shipped", &bad),
        ["/carrier"]
    );
}

#[test]
fn openapi_3_0_components_with_nullable_and_an_envelope() {
    let fixtures = source("pets-fixtures.json");
    let plain = openapi(
        &source("pets.json"),
        &Selection::Components {
            names: vec!["pet".to_owned()],
            envelope: None,
        },
        Some(&fixtures),
        &Options::new("pets"),
    )
    .unwrap();
    insta::assert_snapshot!("pet", text(&plain, "pet.schema.json"));
    let (_dir, catalog) = load(&plain);
    let found = examples(&plain, "pet");
    assert_eq!(
        found.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        ["fixture.json", "x-example-tom.json"]
    );
    for (name, example) in &found {
        assert_eq!(
            violations(&catalog, "pets/pet", example),
            Vec::<String>::new(),
            "{name}"
        );
    }

    let enveloped = openapi(
        &source("pets.json"),
        &Selection::Components {
            names: vec!["pet".to_owned()],
            envelope: Some(Envelope {
                component: "pet_event".to_owned(),
                pointer: "/data/object".to_owned(),
            }),
        },
        Some(&fixtures),
        &Options::new("pets"),
    )
    .unwrap();
    let (_dir, catalog) = load(&enveloped);
    let found = examples(&enveloped, "pet-pet-event");
    assert_eq!(found.len(), 1, "the envelope's fixture holding the pet's");
    assert_eq!(found[0].1["data"]["object"]["kind"], "dog");
    assert_eq!(
        violations(&catalog, "pets/pet-pet-event", &found[0].1),
        Vec::<String>::new()
    );
    let bad = json!({"type": "pet.adopted", "data": {"object": {"kind": "cat", "name": 7}}});
    assert_eq!(
        violations(&catalog, "pets/pet-pet-event", &bad),
        ["/data/object/name"]
    );
}

/// Importing again replaces what the last import wrote, a schema the source dropped included,
/// and keeps what the user wrote: a schema of their own, the completed vendor file.
#[test]
fn an_import_over_an_earlier_one_keeps_the_users_files() {
    let dir = tempfile::tempdir().unwrap();
    let pets = |names: &[&str]| {
        openapi(
            &source("pets.json"),
            &Selection::Components {
                names: names.iter().map(|n| n.to_string()).collect(),
                envelope: None,
            },
            None,
            &Options::new("pets"),
        )
        .unwrap()
    };
    pets(&["pet", "owner"]).write(dir.path()).unwrap();
    let folder = dir.path().join("pets");
    std::fs::write(folder.join("mine.schema.json"), "{}").unwrap();
    std::fs::write(folder.join("vendor.json"), "completed").unwrap();
    let written = pets(&["pet"]).write(dir.path()).unwrap();
    assert!(written.vendor_file_kept);
    assert!(!folder.join("owner.schema.json").exists());
    assert!(folder.join("pet.schema.json").exists() && folder.join("mine.schema.json").exists());
    assert_eq!(
        std::fs::read_to_string(folder.join("vendor.json")).unwrap(),
        "completed"
    );
}

#[test]
fn what_cannot_be_imported_is_refused_saying_which_file_and_where() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, value: Value| {
        let path = dir.path().join(name);
        std::fs::write(&path, value.to_string()).unwrap();
        path
    };
    let missing = write("a.json", json!({"properties": {"b": {"$ref": "b.json"}}}));
    let anchor = write("c.json", json!({"properties": {"d": {"$ref": "#thing"}}}));
    let options = Options::new("v");
    let error = json_schema(&[missing], None, None, &options).unwrap_err();
    assert_eq!(
        (error.file.as_str(), error.at.as_deref()),
        ("a.json", Some("/properties/b"))
    );
    assert!(
        error.message.contains("reaches no file (b.json)"),
        "{error}"
    );
    let error = json_schema(&[anchor], None, None, &options).unwrap_err();
    assert_eq!(error.at.as_deref(), Some("/properties/d"));
    assert!(error.message.contains("anchor"), "{error}");

    let unknown = openapi(
        &source("pets.json"),
        &Selection::Components {
            names: vec!["dog".to_owned()],
            envelope: None,
        },
        None,
        &options,
    )
    .unwrap_err();
    assert_eq!(
        unknown,
        ImportError {
            file: "pets.json".to_owned(),
            at: Some("/components/schemas/dog".to_owned()),
            message: "no such component".to_owned(),
        }
    );
    let no_webhooks =
        openapi(&source("pets.json"), &Selection::Webhooks, None, &options).unwrap_err();
    assert_eq!(no_webhooks.at.as_deref(), Some("/webhooks"));
    let bad_vendor = json_schema(
        &[source("shop/order-paid.json")],
        None,
        None,
        &Options::new("Shop"),
    );
    assert_eq!(bad_vendor.unwrap_err().file, "--vendor");
}
