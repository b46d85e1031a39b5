//! The vendor schema's defaults, applied: every one reached, none overriding what a file says.

use std::collections::BTreeSet;

use hookschema_vendor_file::{Auth, Disposition, ReadError, VendorFile, fill_defaults, schema};
use serde_json::{Value, json};

/// A webhook with nothing but what the schema requires, for each way to authenticate.
fn bare_file() -> Value {
    let signature = json!({
        "scheme": "hmac-sha256",
        "signature_header": "X-Signature",
        "signature_prefix": "sha256=",
        "digest_encoding": "hex",
        "signed_content": "{body}",
        "secret_encoding": "utf8"
    });
    json!({
        "title": "Acme",
        "webhooks": {
            "signed": { "route": "/signed", "auth": signature, "rejection": "errors" },
            "token": { "route": "/token", "auth": { "scheme": "url-token" }, "rejection": "errors" },
            "open": {
                "route": "/open",
                "auth": { "scheme": "none" },
                "rejection": "fastapi",
                "dispatch": { "by": [{ "pointer": "/type" }], "schemas": { "a.*": "a" } }
            }
        }
    })
}

#[test]
fn what_a_file_leaves_out_takes_the_schemas_default() {
    let mut file = bare_file();
    fill_defaults(&mut file, schema()).unwrap();
    let filled = |key: &str| {
        let mut webhook = file["webhooks"][key].clone();
        let own = bare_file()["webhooks"][key].clone();
        for name in own.as_object().unwrap().keys() {
            if name != "auth" && name != "dispatch" {
                webhook.as_object_mut().unwrap().remove(name);
            }
        }
        webhook
    };
    let common = |auth: Value| {
        json!({
            "methods": ["POST"],
            "auth": auth,
            "success": { "body": { "status": "ok" } },
            "undecodable": "keep",
            "meanings": {}
        })
    };
    let mut signed = bare_file()["webhooks"]["signed"]["auth"].clone();
    signed["tolerance_seconds"] = json!(300);
    assert_eq!(filled("signed"), common(signed));
    assert_eq!(
        filled("token"),
        common(json!({ "scheme": "url-token", "parameter": "token" }))
    );
    let mut open = common(json!({ "scheme": "none" }));
    open["dispatch"] = json!({
        "by": [{ "pointer": "/type" }],
        "schemas": { "a.*": "a" },
        "unknown": "keep"
    });
    assert_eq!(filled("open"), open);
}

#[test]
fn what_a_file_says_is_kept() {
    let mut json = bare_file();
    let token = &mut json["webhooks"]["token"];
    token["methods"] = json!(["PUT"]);
    token["auth"]["parameter"] = json!("key");
    token["success"] = json!({ "body": { "received": true } });
    token["undecodable"] = json!("refuse");
    let file = VendorFile::read(json, schema()).unwrap();
    let token = &file.webhooks["token"];
    assert_eq!(token.methods, ["PUT"]);
    assert_eq!(
        token.auth,
        Auth::UrlToken {
            parameter: "key".to_owned()
        }
    );
    assert_eq!(token.success.body, json!({ "received": true }));
    assert_eq!(token.undecodable, Disposition::Refuse);
}

/// Every subschema of the vendor schema that writes a `default` is one whose default the walk
/// applies: a property's subschema, or one its `$ref`s lead to, on a path of keywords the walk
/// follows. A default put anywhere else would be silently ignored.
#[test]
fn every_default_the_vendor_schema_writes_is_applied() {
    let root = schema();
    let mut walked = BTreeSet::new();
    let mut applied = BTreeSet::new();
    reach(root, root, String::new(), &mut walked, &mut applied);
    let mut written = BTreeSet::new();
    defaults_under(root, String::new(), &mut written);
    assert!(written.len() >= 6, "{written:?}");
    let missed: Vec<&String> = written.difference(&applied).collect();
    assert!(
        missed.is_empty(),
        "defaults the walk never applies: {missed:?}"
    );
}

/// From `schema` at `at`: the places of every subschema the walk visits (`walked`), and of every
/// subschema whose `default` it applies (`applied`): each property's, and where its `$ref`s lead.
fn reach(
    root: &Value,
    schema: &Value,
    at: String,
    walked: &mut BTreeSet<String>,
    applied: &mut BTreeSet<String>,
) {
    if !walked.insert(at.clone()) {
        return;
    }
    if let Some(reference) = schema["$ref"].as_str() {
        let pointer = reference.strip_prefix('#').unwrap();
        let target = root.pointer(pointer).unwrap();
        reach(root, target, pointer.to_owned(), walked, applied);
    }
    for (name, subschema) in schema["properties"].as_object().into_iter().flatten() {
        let mut place = format!("{at}/properties/{name}");
        let mut current = subschema;
        applied.insert(place.clone());
        while let Some(reference) = current["$ref"].as_str() {
            place = reference.strip_prefix('#').unwrap().to_owned();
            current = root.pointer(&place).unwrap();
            applied.insert(place.clone());
        }
        reach(
            root,
            subschema,
            format!("{at}/properties/{name}"),
            walked,
            applied,
        );
    }
    for keyword in ["additionalProperties", "items", "then", "else"] {
        if schema[keyword].is_object() {
            let place = format!("{at}/{keyword}");
            reach(root, &schema[keyword], place, walked, applied);
        }
    }
    for (i, subschema) in schema["allOf"].as_array().into_iter().flatten().enumerate() {
        reach(root, subschema, format!("{at}/allOf/{i}"), walked, applied);
    }
}

/// The places of every object in `value` with a `default` member.
fn defaults_under(value: &Value, at: String, written: &mut BTreeSet<String>) {
    match value {
        Value::Object(object) => {
            if object.contains_key("default") {
                written.insert(at.clone());
            }
            for (name, member) in object {
                if name != "default" && name != "examples" {
                    defaults_under(member, format!("{at}/{name}"), written);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                defaults_under(item, format!("{at}/{i}"), written);
            }
        }
        _ => {}
    }
}

#[test]
fn a_file_of_the_wrong_shape_is_refused_saying_where() {
    let mut json = bare_file();
    json["webhooks"]["token"]["methods"] = json!("POST");
    let error = VendorFile::read(json, schema()).unwrap_err();
    assert!(
        matches!(&error, ReadError::Shape { pointer, .. } if pointer == "/webhooks/token/methods"),
        "{error}"
    );
}

#[test]
fn a_reference_out_of_the_schema_is_an_error_naming_it() {
    let schema = json!({
        "properties": { "auth": { "$ref": "other.json#/Auth" } }
    });
    let error = fill_defaults(&mut json!({}), &schema).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the vendor schema, at /properties/auth/$ref: `other.json#/Auth` is not a place in this \
         schema"
    );
}

/// A condition is judged on the value with every default filled, even one the walk meets after
/// the condition.
#[test]
fn a_condition_sees_the_defaults_given_beside_it() {
    let schema = json!({
        "$ref": "#/$defs/Kind",
        "properties": { "kind": { "default": "a" } },
        "$defs": {
            "Kind": {
                "if": { "properties": { "kind": { "const": "a" } }, "required": ["kind"] },
                "then": { "properties": { "extra": { "default": 1 } } }
            }
        }
    });
    let mut json = json!({});
    fill_defaults(&mut json, &schema).unwrap();
    assert_eq!(json, json!({ "kind": "a", "extra": 1 }));
}

#[test]
fn a_file_missing_a_member_at_its_root_says_so() {
    let mut json = bare_file();
    json.as_object_mut().unwrap().remove("title");
    let error = VendorFile::read(json, schema()).unwrap_err();
    assert_eq!(error.to_string(), "(root): missing field `title`");
}
