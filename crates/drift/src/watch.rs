//! Drift seen while receiving: the schema locations a delivery drifts at (a violation, or a
//! key no schema declares), and whether each is new, so that a receiver counts drift and says
//! so the day it starts.
//!
//! Every delivery is judged once more, by the schema's closed twin: the same schema with
//! `unevaluatedProperties: false` on its object schemas that declare properties. A delivery
//! the twin accepts keeps the schema and declares every key; one it refuses is located by the
//! twin's own report, each violation's keyword followed back through the `$ref`s it was reached
//! by to the node that holds it: the place `drift` reports (a `null` at the place that refers,
//! as `drift` widens it). Nothing is parsed or walked again, so a sender that adds a key to
//! every delivery costs the receiver a report, not a second reading.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use hookschema_validate::{Schema, Violation, ViolationKind};
use serde_json::Value;

use crate::edit::shown;
use crate::observe::{local, type_of};

/// One place a delivery drifted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drifted {
    /// `<schema>#<JSON Pointer>`: the schema location.
    pub location: String,
    /// What: [`crate::Kind::label`].
    pub kind: &'static str,
    /// The first violation there, for people, with where in the delivery.
    pub detail: String,
    /// Whether this process sees drift of this kind at this location for the first time.
    pub first: bool,
}

/// The schemas watched so far, and the locations already seen drifting.
#[derive(Default)]
pub struct Watch {
    schemas: Mutex<HashMap<String, Arc<Watched>>>,
    seen: Mutex<HashSet<(String, &'static str)>>,
}

struct Watched {
    document: Value,
    closed: Option<Schema>,
}

impl Watch {
    pub fn new() -> Watch {
        Watch::default()
    }

    /// Where `body`, a delivery kept against `schema`, drifts.
    pub fn drifted(&self, schema: &Schema, body: &[u8]) -> Vec<Drifted> {
        let watched = self.watched(schema);
        let Some(Err(invalid)) = watched.closed.as_ref().map(|c| c.validate_bytes(body)) else {
            return Vec::new();
        };
        // Read only for a type violation, which needs the value: was it `null`, a fraction?
        let mut instance: Option<Value> = None;
        let mut drifted: Vec<Drifted> = Vec::new();
        for violation in &invalid.violations {
            let Some((location, kind)) = locate(&watched.document, violation, || {
                instance
                    .get_or_insert_with(|| serde_json::from_slice(body).unwrap_or_default())
                    .pointer(&violation.instance_path)
                    .cloned()
            }) else {
                continue;
            };
            let location = format!("{}#{location}", schema.name());
            if drifted
                .iter()
                .any(|d| d.location == location && d.kind == kind)
            {
                continue;
            }
            let first = self
                .seen
                .lock()
                .expect("the seen set is never left poisoned")
                .insert((location.clone(), kind));
            drifted.push(Drifted {
                location,
                kind,
                detail: format!(
                    "{} at {}",
                    violation.message,
                    shown(&violation.instance_path)
                ),
                first,
            });
        }
        drifted
    }

    fn watched(&self, schema: &Schema) -> Arc<Watched> {
        let mut schemas = self.schemas.lock().expect("never left poisoned");
        Arc::clone(schemas.entry(schema.name().to_owned()).or_insert_with(|| {
            let document: Value = serde_json::from_str(schema.text()).unwrap_or(Value::Null);
            let mut twin = document.clone();
            close(&mut twin, false);
            let closed =
                Schema::compile(&format!("{}#closed", schema.name()), &twin.to_string()).ok();
            Arc::new(Watched { document, closed })
        }))
    }
}

/// The node a violation's keyword sits in, and the kind of drift it is; `None` for what is no
/// drift (a malformed delivery, a model's decode error). `value` gives the value at the
/// violation's instance path, for the kinds that depend on it.
fn locate(
    document: &Value,
    violation: &Violation,
    value: impl FnOnce() -> Option<Value>,
) -> Option<(String, &'static str)> {
    let path = violation
        .schema_path
        .split_once('#')
        .map_or(violation.schema_path.as_str(), |(_, path)| path);
    let tokens: Vec<&str> = path.split('/').skip(1).collect();
    // The last token is the keyword; the node is where the ones before it lead.
    let (_, through) = tokens.split_last()?;
    // Follows the evaluation path through the document, jumping at each `$ref`.
    let (mut at, mut site, mut referred) = (String::new(), String::new(), false);
    for token in through {
        if *token == "$ref" {
            let target = document
                .pointer(&at)
                .and_then(|node| node.get("$ref"))
                .and_then(Value::as_str)
                .and_then(local)?;
            site = std::mem::replace(&mut at, target);
            referred = true;
        } else {
            at = format!("{at}/{token}");
            referred = false;
        }
    }
    let kind = match &violation.kind {
        ViolationKind::Required { .. } => "missing",
        ViolationKind::Enum { .. } => "enum",
        ViolationKind::Const { .. } => "breaking",
        ViolationKind::Format { .. } => "format",
        ViolationKind::Minimum { .. } => "bound",
        ViolationKind::Type { expected } => match value() {
            Some(Value::Null) => {
                if referred {
                    at = site;
                }
                "null"
            }
            Some(number @ Value::Number(_))
                if type_of(&number) == "number" && expected.iter().any(|t| t == "integer") =>
            {
                "fraction"
            }
            _ => "breaking",
        },
        ViolationKind::AnyOf { .. } => match value() {
            Some(Value::Null) => "null",
            _ => "breaking",
        },
        ViolationKind::Other { keyword } => match keyword.as_str() {
            "unevaluatedProperties" | "additionalProperties" => "undeclared",
            "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "minLength" | "maxLength"
            | "minItems" | "maxItems" => "bound",
            "pattern" => "pattern",
            _ => "breaking",
        },
        _ => return None,
    };
    Some((at, kind))
}

/// Closes every object schema in `node` that declares properties and says nothing of other
/// keys, but an `allOf` member (its siblings declare keys it does not see).
fn close(node: &mut Value, in_all_of: bool) {
    let Value::Object(schema) = node else {
        return;
    };
    // An object schema without `properties` is a map of any keys (`params`, `metadata`): it
    // stays open, as drift reads it.
    let object_schema = schema.contains_key("properties");
    let silent = [
        "additionalProperties",
        "unevaluatedProperties",
        "patternProperties",
    ]
    .iter()
    .all(|k| !schema.contains_key(*k));
    if object_schema && silent && !in_all_of {
        schema.insert("unevaluatedProperties".to_owned(), Value::Bool(false));
    }
    for (keyword, value) in schema.iter_mut() {
        match keyword.as_str() {
            "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas" => {
                if let Value::Object(map) = value {
                    map.values_mut().for_each(|v| close(v, false));
                }
            }
            "allOf" => each(value, true),
            "anyOf" | "oneOf" | "prefixItems" => each(value, false),
            "items"
            | "additionalProperties"
            | "not"
            | "if"
            | "then"
            | "else"
            | "contains"
            | "propertyNames"
            | "unevaluatedItems"
            | "unevaluatedProperties" => close(value, false),
            _ => {}
        }
    }
}

fn each(list: &mut Value, in_all_of: bool) {
    if let Value::Array(items) = list {
        items.iter_mut().for_each(|item| close(item, in_all_of));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::observe;

    fn schema(text: &str) -> Schema {
        Schema::compile("t/event", text).unwrap()
    }

    #[test]
    fn drift_is_located_once_and_new_only_the_first_time() {
        let schema = schema(
            r#"{"type": "object", "properties": {"status": {"enum": ["a"]},
                "data": {"type": "object", "properties": {"n": {"type": "integer"}}}}}"#,
        );
        let watch = Watch::new();
        assert_eq!(
            watch.drifted(&schema, br#"{"status": "a", "data": {"n": 1}}"#),
            []
        );
        let body = br#"{"status": "a", "data": {"n": 1, "extra": 2, "more": 3}}"#;
        let drifted = watch.drifted(&schema, body);
        assert_eq!(drifted.len(), 1, "{drifted:?}");
        assert_eq!(drifted[0].location, "t/event#/properties/data");
        assert_eq!(drifted[0].kind, "undeclared");
        assert!(drifted[0].first);
        assert!(!watch.drifted(&schema, body)[0].first);
        let enum_value = watch.drifted(&schema, br#"{"status": "b"}"#);
        assert_eq!(enum_value[0].location, "t/event#/properties/status");
        assert_eq!(enum_value[0].kind, "enum");
    }

    /// The twin agrees with the walk on every valid example of the repository's schemas: none
    /// that declares every key is refused by it (else every such delivery would be walked).
    #[test]
    fn the_closed_twin_accepts_what_declares_every_key() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas");
        let watch = Watch::new();
        let mut checked = 0;
        for (vendor, name) in [
            ("kaizen", "webhook-event"),
            ("comfydeploy", "workflow-run-webhook-body"),
        ] {
            let text =
                std::fs::read_to_string(root.join(format!("{vendor}/{name}.schema.json"))).unwrap();
            let schema = Schema::compile(&format!("{vendor}/{name}"), &text).unwrap();
            let folder = root.join(format!("{vendor}/examples/{name}/valid"));
            for file in std::fs::read_dir(folder).unwrap() {
                let body = std::fs::read(file.unwrap().path()).unwrap();
                let instance: Value = serde_json::from_slice(&body).unwrap();
                let walked = observe(&watch.watched(&schema).document, &instance);
                let twin = watch
                    .watched(&schema)
                    .closed
                    .as_ref()
                    .unwrap()
                    .validate_bytes(&body);
                assert_eq!(
                    twin.is_ok(),
                    walked.is_empty(),
                    "{}",
                    String::from_utf8_lossy(&body)
                );
                checked += 1;
            }
        }
        assert!(checked >= 20);
    }
}
