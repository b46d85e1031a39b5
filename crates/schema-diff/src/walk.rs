//! The walk: two versions of a schema compared keyword by keyword, each difference classified
//! as compatible or breaking.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::{Change, Severity};

/// Every change between two versions of a schema.
pub fn diff(old: &Value, new: &Value) -> Vec<Change> {
    let mut walk = Walk {
        old_root: old,
        new_root: new,
        changes: Vec::new(),
        seen: BTreeSet::new(),
    };
    walk.compare("", old, new);
    walk.changes
}

struct Walk<'a> {
    old_root: &'a Value,
    new_root: &'a Value,
    changes: Vec<Change>,
    /// `$ref` pairs already compared, so recursive schemas end.
    seen: BTreeSet<(String, String)>,
}

impl<'a> Walk<'a> {
    fn change(&mut self, severity: Severity, at: &str, what: impl Into<String>) {
        self.changes.push(Change {
            severity,
            at: at.to_owned(),
            what: what.into(),
        });
    }

    fn compare(&mut self, at: &str, old: &Value, new: &Value) {
        // A schema that became a union of alternatives, or stopped being one: a plain schema is
        // one alternative, so `X` to `anyOf: [X, null]` widens, and the reverse narrows.
        if old.get("anyOf").is_some() != new.get("anyOf").is_some() {
            self.alternatives(at, old, new);
            return self.unanalysed(at, old, new);
        }
        let (old_ref, new_ref) = (reference(old), reference(new));
        if old_ref.is_some() || new_ref.is_some() {
            // Keywords beside a `$ref` constrain too.
            let (old_beside, new_beside) = (beside_ref(old), beside_ref(new));
            self.compare_here(at, &old_beside, &new_beside);
            let pair = (
                old_ref.unwrap_or_default().to_owned(),
                new_ref.unwrap_or_default().to_owned(),
            );
            if !self.seen.insert(pair) {
                return;
            }
            let old = resolve(self.old_root, old);
            let new = resolve(self.new_root, new);
            return self.compare(at, old, new);
        }
        self.compare_here(at, old, new);
    }

    /// The keywords of `old` and `new` themselves, a `$ref` aside.
    fn compare_here(&mut self, at: &str, old: &Value, new: &Value) {
        self.types(at, old, new);
        self.values(at, old, new);
        self.bounds(at, old, new);
        self.objects(at, old, new);
        let here = format!("{at}/items");
        match (old.get("items"), new.get("items")) {
            (Some(old_items), Some(new_items)) => self.compare(&here, old_items, new_items),
            (None, Some(_)) => self.change(Severity::Breaking, &here, "items now constrained"),
            (Some(_), None) => self.change(Severity::Compatible, &here, "any items now allowed"),
            (None, None) => {}
        }
        self.alternatives(at, old, new);
        self.unanalysed(at, old, new);
    }

    /// Any other keyword that changed: this tool does not reason about it, so it errs on the
    /// safe side and calls the change breaking (`pattern`, `oneOf`, `allOf`, `multipleOf`, …).
    fn unanalysed(&mut self, at: &str, old: &Value, new: &Value) {
        let keys: BTreeSet<&String> = [old, new]
            .into_iter()
            .filter_map(Value::as_object)
            .flat_map(|map| map.keys())
            .collect();
        for key in keys {
            if ANALYSED.contains(&key.as_str()) || ANNOTATIONS.contains(&key.as_str()) {
                continue;
            }
            if old.get(key) != new.get(key) {
                self.change(
                    Severity::Breaking,
                    &format!("{at}/{key}"),
                    "changed; not analysed, so taken as breaking",
                );
            }
        }
        let unversioned = |schema: &Value| {
            schema["$id"]
                .as_str()
                .and_then(|id| id.rsplit_once('/'))
                .map(|(base, _)| base.to_owned())
        };
        if at.is_empty() && unversioned(old) != unversioned(new) {
            self.change(Severity::Breaking, "/$id", "the schema's address changed");
        }
    }

    fn types(&mut self, at: &str, old: &Value, new: &Value) {
        let at = &format!("{at}/type");
        match (types(old), types(new)) {
            (None, Some(new)) => {
                self.change(Severity::Breaking, at, format!("now only {}", list(&new)))
            }
            (Some(old), None) => self.change(
                Severity::Compatible,
                at,
                format!("{} widened to any type", list(&old)),
            ),
            (Some(old), Some(new)) if old != new => {
                let widened = old.iter().all(|t| admits(&new, t));
                let severity = if widened {
                    Severity::Compatible
                } else {
                    Severity::Breaking
                };
                let how = if widened { "widened" } else { "narrowed" };
                self.change(
                    severity,
                    at,
                    format!("{how} from {} to {}", list(&old), list(&new)),
                );
            }
            _ => {}
        }
    }

    fn values(&mut self, at: &str, old: &Value, new: &Value) {
        match (
            old.get("enum").and_then(Value::as_array),
            new.get("enum").and_then(Value::as_array),
        ) {
            (None, Some(_)) => self.change(
                Severity::Breaking,
                &format!("{at}/enum"),
                "values now restricted",
            ),
            (Some(_), None) => self.change(
                Severity::Compatible,
                &format!("{at}/enum"),
                "any value now allowed",
            ),
            (Some(old), Some(new)) => {
                for value in old.iter().filter(|v| !new.contains(v)) {
                    self.change(
                        Severity::Breaking,
                        &format!("{at}/enum"),
                        format!("value {value} removed"),
                    );
                }
                for value in new.iter().filter(|v| !old.contains(v)) {
                    self.change(
                        Severity::Compatible,
                        &format!("{at}/enum"),
                        format!("value {value} added"),
                    );
                }
            }
            (None, None) => {}
        }
        for keyword in ["const", "format", "default"] {
            let at = &format!("{at}/{keyword}");
            match (old.get(keyword), new.get(keyword)) {
                (Some(o), None) if keyword != "default" => {
                    self.change(Severity::Compatible, at, format!("{o} no longer required"))
                }
                (o, Some(n)) if o != Some(n) => {
                    let what = match (keyword, o) {
                        ("default", _) => format!("now {n}: an absent field means something else"),
                        (_, Some(o)) => format!("changed from {o} to {n}"),
                        (_, None) => format!("{n} now required"),
                    };
                    self.change(Severity::Breaking, at, what);
                }
                (Some(o), None) => self.change(
                    Severity::Breaking,
                    at,
                    format!("{o} removed: an absent field means something else"),
                ),
                _ => {}
            }
        }
    }

    /// Lower bounds may only fall and upper bounds only rise, compatibly.
    fn bounds(&mut self, at: &str, old: &Value, new: &Value) {
        const LOWER: &[&str] = &["minimum", "exclusiveMinimum", "minLength", "minItems"];
        const UPPER: &[&str] = &["maximum", "exclusiveMaximum", "maxLength", "maxItems"];
        for keyword in LOWER.iter().chain(UPPER) {
            let (o, n) = (
                old.get(*keyword).and_then(Value::as_f64),
                new.get(*keyword).and_then(Value::as_f64),
            );
            let tighter = match (o, n) {
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(o), Some(n)) if o != n => (n > o) == LOWER.contains(keyword),
                _ => continue,
            };
            let severity = if tighter {
                Severity::Breaking
            } else {
                Severity::Compatible
            };
            let what = format!(
                "{} to {}",
                o.map_or("none".to_owned(), |v| v.to_string()),
                n.map_or("none".to_owned(), |v| v.to_string())
            );
            self.change(severity, &format!("{at}/{keyword}"), what);
        }
    }

    fn objects(&mut self, at: &str, old: &Value, new: &Value) {
        let old_required = names(old.get("required"));
        let new_required = names(new.get("required"));
        for name in new_required.difference(&old_required) {
            self.change(
                Severity::Breaking,
                &format!("{at}/required"),
                format!("`{name}` is now required"),
            );
        }
        for name in old_required.difference(&new_required) {
            self.change(
                Severity::Compatible,
                &format!("{at}/required"),
                format!("`{name}` is no longer required"),
            );
        }
        let old_properties = old.get("properties").and_then(Value::as_object);
        let new_properties = new.get("properties").and_then(Value::as_object);
        for (name, old_property) in old_properties.into_iter().flatten() {
            let here = format!("{at}/properties/{name}");
            match new_properties.and_then(|p| p.get(name)) {
                Some(new_property) => self.compare(&here, old_property, new_property),
                None => self.change(Severity::Breaking, &here, "field removed"),
            }
        }
        let is_old = |name: &String| old_properties.is_some_and(|p| p.contains_key(name));
        for name in new_properties
            .into_iter()
            .flat_map(|p| p.keys())
            .filter(|n| !is_old(n))
        {
            self.change(
                Severity::Compatible,
                &format!("{at}/properties/{name}"),
                "field added",
            );
        }
        let here = format!("{at}/additionalProperties");
        match (
            old.get("additionalProperties"),
            new.get("additionalProperties"),
        ) {
            (Some(o), Some(n)) if o.is_object() && n.is_object() => self.compare(&here, o, n),
            (o, n) if o != n => {
                let closed = |v: Option<&Value>| v.is_some_and(|v| v != &Value::Bool(true));
                let severity = if closed(n) {
                    Severity::Breaking
                } else {
                    Severity::Compatible
                };
                self.change(severity, &here, "changed");
            }
            _ => {}
        }
    }

    /// `anyOf` alternatives, matched by what they are (a `$ref` name, or a type); a schema
    /// without `anyOf` facing one with it is a single alternative. An alternative removed is
    /// breaking, one added compatible.
    fn alternatives(&mut self, at: &str, old: &Value, new: &Value) {
        fn branches(node: &Value) -> Option<Vec<&Value>> {
            match node.get("anyOf") {
                Some(Value::Array(all)) => Some(all.iter().collect()),
                Some(_) => None,
                None => Some(vec![node]),
            }
        }
        if old.get("anyOf").is_none() && new.get("anyOf").is_none() {
            return;
        }
        let (Some(old), Some(new)) = (branches(old), branches(new)) else {
            return;
        };
        for (i, branch) in old.iter().enumerate() {
            let here = format!("{at}/anyOf/{i}");
            match new.iter().find(|b| identity(b) == identity(branch)) {
                Some(matched) => self.compare(&here, branch, matched),
                None => self.change(
                    Severity::Breaking,
                    &here,
                    format!("alternative {} removed", identity(branch)),
                ),
            }
        }
        for branch in new
            .iter()
            .filter(|b| !old.iter().any(|o| identity(o) == identity(b)))
        {
            self.change(
                Severity::Compatible,
                &format!("{at}/anyOf"),
                format!("alternative {} added", identity(branch)),
            );
        }
    }
}

/// The keywords [`Walk::compare`] reasons about.
const ANALYSED: &[&str] = &[
    "$ref",
    "type",
    "enum",
    "const",
    "format",
    "default",
    "minimum",
    "exclusiveMinimum",
    "minLength",
    "minItems",
    "maximum",
    "exclusiveMaximum",
    "maxLength",
    "maxItems",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "anyOf",
    "$id",
    // Definitions are compared where a `$ref` reaches them.
    "$defs",
];

/// hookschema's keyword for a wire quirk, on a property where a sender writes outside the schema
/// (a wire quirk): the name of the function that decodes it into the Rust models. Validators
/// ignore it, so it is an annotation here; what it changes in the models, cargo-semver-checks
/// judges.
pub const QUIRK: &str = "x-hookschema-quirk";

/// Keywords that document and do not constrain: changing them changes no verdict.
const ANNOTATIONS: &[&str] = &[
    QUIRK,
    "$schema",
    "$comment",
    "title",
    "description",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
];

/// `schema`'s own keywords, its `$ref` left out.
fn beside_ref(schema: &Value) -> Value {
    let mut own = schema.clone();
    if let Some(map) = own.as_object_mut() {
        map.remove("$ref");
    }
    own
}

fn reference(schema: &Value) -> Option<&str> {
    schema.get("$ref").and_then(Value::as_str)
}

/// What a local `$ref` points at: a `$defs` entry, or any place a JSON Pointer reaches (an
/// imported schema refers into the `$defs` of a bundled file).
fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    reference(schema)
        .and_then(|r| r.strip_prefix('#'))
        .filter(|pointer| !pointer.is_empty())
        .and_then(|pointer| root.pointer(pointer))
        .unwrap_or(schema)
}

fn identity(branch: &Value) -> String {
    reference(branch).map_or_else(|| branch["type"].to_string(), str::to_owned)
}

fn types(schema: &Value) -> Option<BTreeSet<String>> {
    match schema.get("type")? {
        Value::String(t) => Some(BTreeSet::from([t.clone()])),
        Value::Array(ts) => Some(
            ts.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
        ),
        _ => None,
    }
}

/// Whether a value of type `ty` is allowed by `types` (`number` admits `integer`).
fn admits(types: &BTreeSet<String>, ty: &str) -> bool {
    types.contains(ty) || (ty == "integer" && types.contains("number"))
}

fn names(list: Option<&Value>) -> BTreeSet<String> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

fn list(types: &BTreeSet<String>) -> String {
    types.iter().cloned().collect::<Vec<_>>().join(" or ")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn schema(status: Value, properties: Value, required: Value) -> Value {
        json!({
            "$id": "https://hookschema.dev/schemas/test/event/1.0.0.json",
            "type": "object",
            "required": required,
            "properties": properties,
            "$defs": {"Status": status}
        })
    }

    fn base() -> Value {
        schema(
            json!({"type": "string", "enum": ["queued", "done"]}),
            json!({"status": {"$ref": "#/$defs/Status"}, "note": {"type": "string"}}),
            json!(["status"]),
        )
    }

    fn severities(old: &Value, new: &Value) -> Vec<(Severity, String)> {
        diff(old, new)
            .into_iter()
            .map(|c| (c.severity, c.at))
            .collect()
    }

    #[test]
    fn a_removed_enum_value_is_breaking_and_an_added_one_compatible() {
        let removed = schema(
            json!({"type": "string", "enum": ["queued"]}),
            base()["properties"].clone(),
            json!(["status"]),
        );
        assert_eq!(
            severities(&base(), &removed),
            [(Severity::Breaking, "/properties/status/enum".to_owned())]
        );
        let added = schema(
            json!({"type": "string", "enum": ["queued", "done", "x-new-status"]}),
            base()["properties"].clone(),
            json!(["status"]),
        );
        assert_eq!(
            severities(&base(), &added),
            [(Severity::Compatible, "/properties/status/enum".to_owned())]
        );
    }

    #[test]
    fn an_optional_field_made_required_is_breaking() {
        let required = schema(
            base()["$defs"]["Status"].clone(),
            base()["properties"].clone(),
            json!(["status", "note"]),
        );
        let changes = diff(&base(), &required);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].severity, Severity::Breaking);
        assert_eq!(changes[0].what, "`note` is now required");
    }

    #[test]
    fn fields_and_types() {
        let mut new = base();
        new["properties"]["extra"] = json!({"type": "boolean"});
        new["properties"]["note"] = json!({"type": ["string", "null"]});
        let changes = severities(&base(), &new);
        assert!(
            changes.iter().all(|(s, _)| *s == Severity::Compatible),
            "{changes:?}"
        );
        assert_eq!(changes.len(), 2);

        let mut narrowed = base();
        narrowed["properties"]["note"] =
            json!({"type": "string", "format": "uuid", "minLength": 1});
        let changes = severities(&base(), &narrowed);
        assert_eq!(changes.len(), 2);
        assert!(
            changes.iter().all(|(s, _)| *s == Severity::Breaking),
            "{changes:?}"
        );

        let mut removed = base();
        removed["properties"]
            .as_object_mut()
            .unwrap()
            .remove("note");
        assert_eq!(
            severities(&base(), &removed),
            [(Severity::Breaking, "/properties/note".to_owned())]
        );
    }

    /// What the tool does not reason about, and constraints that appear or go away, are taken
    /// as breaking: a gate that errs lets nothing narrower through as compatible.
    #[test]
    fn unanalysed_and_restructured_constraints_are_breaking() {
        let cases = [
            (
                "/properties/note/pattern",
                json!({"type": "string", "pattern": "^a"}),
            ),
            (
                "/properties/note/oneOf",
                json!({"oneOf": [{"type": "string"}]}),
            ),
            (
                "/properties/note/anyOf/0",
                json!({"anyOf": [{"type": "integer"}]}),
            ),
            (
                "/properties/note/items",
                json!({"type": "string", "items": {"type": "string"}}),
            ),
            (
                "/properties/note/multipleOf",
                json!({"type": "string", "multipleOf": 2}),
            ),
        ];
        for (at, note) in cases {
            let mut new = base();
            new["properties"]["note"] = note;
            let changes = severities(&base(), &new);
            assert!(
                changes.contains(&(Severity::Breaking, at.to_owned())),
                "{at}: {changes:?}"
            );
        }
        let mut moved = base();
        moved["$id"] = json!("https://hookschema.dev/schemas/test/renamed/1.0.0.json");
        assert_eq!(
            severities(&base(), &moved),
            [(Severity::Breaking, "/$id".to_owned())]
        );
    }

    /// Keywords beside a `$ref` constrain as much as those behind it.
    #[test]
    fn constraints_beside_a_ref_count() {
        let mut new = base();
        new["properties"]["status"] =
            json!({"$ref": "#/$defs/Status", "description": "Now.", "maxLength": 1});
        assert_eq!(
            severities(&base(), &new),
            [(
                Severity::Breaking,
                "/properties/status/maxLength".to_owned()
            )]
        );
    }

    /// A schema made nullable the way the schemas write it, `anyOf: [X, {type: null}]`, accepts
    /// more; the reverse accepts less.
    #[test]
    fn a_schema_made_nullable_is_widened() {
        let mut nullable = base();
        nullable["properties"]["status"] =
            json!({"anyOf": [{"$ref": "#/$defs/Status"}, {"type": "null"}]});
        let changes = severities(&base(), &nullable);
        assert_eq!(
            changes,
            [(Severity::Compatible, "/properties/status/anyOf".to_owned())]
        );
        let changes = severities(&nullable, &base());
        assert_eq!(
            changes,
            [(Severity::Breaking, "/properties/status/anyOf/1".to_owned())]
        );
    }

    #[test]
    fn documentation_changes_are_not_changes() {
        let mut new = base();
        new["properties"]["note"]["description"] = json!("A note.");
        new["properties"]["note"]["examples"] = json!(["hello"]);
        new["properties"]["note"][QUIRK] = json!("note");
        assert_eq!(diff(&base(), &new), vec![]);
    }
}
