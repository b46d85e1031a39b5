//! The walk: a delivery read beside its schema, node by node, noting every place where it does
//! what the schema does not say. Local `$ref`s, `allOf`, `anyOf` and `oneOf` (the alternative
//! that fits best), `properties`, `additionalProperties`, `items` and `prefixItems` are
//! followed; `if`/`then`/`else`, `not` and `patternProperties` are not (a key a pattern
//! covers counts as declared).

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::finding::{Finding, Kind};
use crate::keywords::Keywords;

/// Everything `instance` does that `schema` (a whole document) does not say.
pub fn observe(schema: &Value, instance: &Value) -> Vec<Finding> {
    Walk::new(schema, &mut Keywords::default()).run(instance)
}

/// [`observe`], with the keyword schemas of earlier walks.
pub(crate) fn observe_with(
    schema: &Value,
    instance: &Value,
    keywords: &mut Keywords,
) -> Vec<Finding> {
    Walk::new(schema, keywords).run(instance)
}

/// How deep references may lead without reading deeper into the delivery: a schema that refers
/// to itself in a loop ends there.
const MAX_HOPS: usize = 64;

/// How deep alternatives are tried against each other.
const MAX_TRIAL_HOPS: usize = 16;

struct Walk<'s, 'k> {
    root: &'s Value,
    keywords: &'k mut Keywords,
    findings: Vec<Finding>,
    hops: usize,
}

/// What an object schema and the schemas it applies declare, for one object.
#[derive(Default)]
struct Declared {
    names: BTreeSet<String>,
    /// `additionalProperties` (not `false`) or `patternProperties`: every key is declared.
    open: bool,
    /// The first node with `properties`: where a new property would go.
    owner: Option<String>,
}

impl Declared {
    fn merge(&mut self, other: Declared) {
        self.names.extend(other.names);
        self.open |= other.open;
        if self.owner.is_none() {
            self.owner = other.owner;
        }
    }
}

impl<'s, 'k> Walk<'s, 'k> {
    fn new(root: &'s Value, keywords: &'k mut Keywords) -> Self {
        Walk {
            root,
            keywords,
            findings: Vec::new(),
            hops: 0,
        }
    }

    fn run(mut self, instance: &Value) -> Vec<Finding> {
        self.visit("", instance, "", true);
        self.findings
    }

    fn note(&mut self, at: &str, path: &str, kind: Kind, value: &Value) {
        self.findings.push(Finding {
            location: at.to_owned(),
            instance_path: path.to_owned(),
            kind,
            value: value.clone(),
        });
    }

    /// Walks `instance` (at `path`) beside the schema node at `at`. `whole` when the node is
    /// the instance's whole schema rather than one it applies (a `$ref`, an `allOf` member):
    /// only there are undeclared keys judged, against all the node's schemas declare.
    fn visit(&mut self, at: &str, instance: &Value, path: &str, whole: bool) -> Declared {
        let mut declared = Declared::default();
        let Some(Value::Object(node)) = self.root.pointer(at) else {
            return declared;
        };
        if self.hops > MAX_HOPS {
            return declared;
        }
        if instance.is_null() && !self.admits_null(at) {
            self.note(at, path, Kind::Null, instance);
            return declared;
        }
        if let Value::Object(object) = instance {
            declared = own_declared(at, node);
            self.hops += 1;
            for applied in self.applied(at, node, instance, path) {
                let found = self.visit(&applied, instance, path, false);
                declared.merge(found);
            }
            self.hops -= 1;
            if !self.values(at, node, instance, path) {
                return declared;
            }
            self.object(at, node, object, path, whole, &declared);
        } else {
            self.hops += 1;
            for applied in self.applied(at, node, instance, path) {
                self.visit(&applied, instance, path, false);
            }
            self.hops -= 1;
            if self.values(at, node, instance, path) {
                self.scalar_or_array(at, node, instance, path);
            }
        }
        declared
    }

    /// The schemas `node` applies to the instance: its local `$ref`, its `allOf` members, and
    /// of an `anyOf` or `oneOf` the alternative that fits best.
    fn applied(
        &mut self,
        at: &str,
        node: &Map<String, Value>,
        instance: &Value,
        path: &str,
    ) -> Vec<String> {
        let mut applied = Vec::new();
        if let Some(target) = node.get("$ref").and_then(Value::as_str).and_then(local) {
            applied.push(target);
        }
        if let Some(Value::Array(members)) = node.get("allOf") {
            applied.extend((0..members.len()).map(|i| format!("{at}/allOf/{i}")));
        }
        for keyword in ["anyOf", "oneOf"] {
            if let Some(Value::Array(branches)) = node.get(keyword) {
                let best = (0..branches.len())
                    .map(|i| format!("{at}/{keyword}/{i}"))
                    .min_by_key(|branch| self.misfit(branch, instance, path));
                applied.extend(best);
            }
        }
        applied
    }

    /// How badly `instance` fits the node at `at`: a type it does not take outweighs any
    /// number of new values, which outweigh undeclared keys.
    fn misfit(&mut self, at: &str, instance: &Value, path: &str) -> usize {
        // Alternatives within alternatives are tried a few levels deep, not exponentially.
        if self.hops > MAX_TRIAL_HOPS {
            return 0;
        }
        let mut trial = Walk {
            root: self.root,
            keywords: &mut *self.keywords,
            findings: Vec::new(),
            hops: self.hops + 1,
        };
        trial.visit(at, instance, path, true);
        trial
            .findings
            .iter()
            .map(|finding| match finding.kind {
                Kind::Breaking { .. } | Kind::Null => 1000,
                Kind::Undeclared { .. } => 1,
                _ => 10,
            })
            .sum()
    }

    /// Whether the node at `at` (with what it applies) takes `null`.
    fn admits_null(&self, at: &str) -> bool {
        self.admits_null_within(at, 0)
    }

    fn admits_null_within(&self, at: &str, hops: usize) -> bool {
        let Some(Value::Object(node)) = self.root.pointer(at) else {
            return self.root.pointer(at) != Some(&Value::Bool(false));
        };
        if hops > MAX_HOPS {
            return true;
        }
        if let Some(types) = node.get("type")
            && !types_of(types).contains("null")
        {
            return false;
        }
        if let Some(Value::Array(values)) = node.get("enum")
            && !values.contains(&Value::Null)
        {
            return false;
        }
        if node.get("const").is_some_and(|c| !c.is_null()) {
            return false;
        }
        if let Some(target) = node.get("$ref").and_then(Value::as_str).and_then(local)
            && !self.admits_null_within(&target, hops + 1)
        {
            return false;
        }
        if let Some(Value::Array(members)) = node.get("allOf")
            && (0..members.len())
                .any(|i| !self.admits_null_within(&format!("{at}/allOf/{i}"), hops + 1))
        {
            return false;
        }
        for keyword in ["anyOf", "oneOf"] {
            if let Some(Value::Array(branches)) = node.get(keyword)
                && !(0..branches.len())
                    .any(|i| self.admits_null_within(&format!("{at}/{keyword}/{i}"), hops + 1))
            {
                return false;
            }
        }
        true
    }

    /// `type`, `enum` and `const`; false when the value is of another type than declared, so
    /// that nothing under it is judged.
    fn values(
        &mut self,
        at: &str,
        node: &Map<String, Value>,
        instance: &Value,
        path: &str,
    ) -> bool {
        if let Some(types) = node.get("type") {
            let declared = types_of(types);
            let seen = type_of(instance);
            let fits =
                declared.contains(seen) || (seen == "integer" && declared.contains("number"));
            if !fits {
                if seen == "number" && declared.contains("integer") {
                    self.note(at, path, Kind::Fraction, instance);
                } else {
                    let declared = declared.into_iter().collect::<Vec<_>>().join(" or ");
                    self.note(at, path, Kind::Breaking { declared }, instance);
                    return false;
                }
            }
        }
        if let Some(Value::Array(values)) = node.get("enum")
            && !values.contains(instance)
        {
            self.note(at, path, Kind::EnumValue, instance);
        }
        if let Some(constant) = node.get("const")
            && constant != instance
        {
            let declared = format!("the constant {constant}");
            self.note(at, path, Kind::Breaking { declared }, instance);
            return false;
        }
        true
    }

    fn scalar_or_array(
        &mut self,
        at: &str,
        node: &Map<String, Value>,
        instance: &Value,
        path: &str,
    ) {
        match instance {
            Value::String(text) => {
                if let Some(format) = node.get("format").and_then(Value::as_str)
                    && !self.keywords.format(format, text)
                {
                    let format = format.to_owned();
                    self.note(at, path, Kind::Format { format }, instance);
                }
                if let Some(pattern) = node.get("pattern").and_then(Value::as_str)
                    && !self.keywords.pattern(pattern, text)
                {
                    self.note(at, path, Kind::Pattern, instance);
                }
                let length = text.chars().count() as f64;
                self.bounds(at, node, ["minLength", "maxLength"], length, instance, path);
            }
            Value::Number(number) => {
                let Some(number) = number.as_f64() else {
                    return;
                };
                for (keyword, past) in [
                    ("minimum", number < bound(node, "minimum", f64::MIN)),
                    ("maximum", number > bound(node, "maximum", f64::MAX)),
                    (
                        "exclusiveMinimum",
                        number <= bound(node, "exclusiveMinimum", f64::MIN),
                    ),
                    (
                        "exclusiveMaximum",
                        number >= bound(node, "exclusiveMaximum", f64::MAX),
                    ),
                ] {
                    if past && node.contains_key(keyword) {
                        let keyword = keyword.to_owned();
                        self.note(at, path, Kind::Bound { keyword }, instance);
                    }
                }
            }
            Value::Array(items) => {
                let count = items.len() as f64;
                self.bounds(at, node, ["minItems", "maxItems"], count, instance, path);
                let prefix = node
                    .get("prefixItems")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len);
                for (i, item) in items.iter().enumerate() {
                    let item_path = format!("{path}/{i}");
                    if i < prefix {
                        self.visit(&format!("{at}/prefixItems/{i}"), item, &item_path, true);
                    } else if node.contains_key("items") {
                        self.visit(&format!("{at}/items"), item, &item_path, true);
                    }
                }
            }
            _ => {}
        }
    }

    /// A `min…`/`max…` pair of a length or a count.
    fn bounds(
        &mut self,
        at: &str,
        node: &Map<String, Value>,
        [min, max]: [&str; 2],
        measure: f64,
        instance: &Value,
        path: &str,
    ) {
        for (keyword, past) in [
            (min, measure < bound(node, min, f64::MIN)),
            (max, measure > bound(node, max, f64::MAX)),
        ] {
            if past {
                let keyword = keyword.to_owned();
                self.note(at, path, Kind::Bound { keyword }, instance);
            }
        }
    }

    fn object(
        &mut self,
        at: &str,
        node: &Map<String, Value>,
        object: &Map<String, Value>,
        path: &str,
        whole: bool,
        declared: &Declared,
    ) {
        if let Some(Value::Array(required)) = node.get("required") {
            for property in required.iter().filter_map(Value::as_str) {
                if !object.contains_key(property) {
                    let property = property.to_owned();
                    self.note(at, path, Kind::Missing { property }, &Value::Null);
                }
            }
        }
        let properties = node.get("properties").and_then(Value::as_object);
        let additional = node.get("additionalProperties");
        for (key, value) in object {
            let key_path = format!("{path}/{}", escape(key));
            if properties.is_some_and(|p| p.contains_key(key)) {
                let schema = format!("{at}/properties/{}", escape(key));
                self.visit(&schema, value, &key_path, true);
            } else if additional.is_some_and(Value::is_object) && !declared.names.contains(key) {
                self.visit(
                    &format!("{at}/additionalProperties"),
                    value,
                    &key_path,
                    true,
                );
            }
        }
        // An object schema without `properties` anywhere is a map of any keys: none is news.
        let Some(owner) = declared.owner.as_deref() else {
            return;
        };
        if !whole || declared.open {
            return;
        }
        for (key, value) in object {
            if !declared.names.contains(key) {
                let property = key.clone();
                let key_path = format!("{path}/{}", escape(key));
                self.note(owner, &key_path, Kind::Undeclared { property }, value);
            }
        }
    }
}

/// What the node itself declares of an object's keys.
fn own_declared(at: &str, node: &Map<String, Value>) -> Declared {
    let properties = node.get("properties").and_then(Value::as_object);
    Declared {
        names: properties
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default(),
        open: node.contains_key("patternProperties")
            || node
                .get("additionalProperties")
                .is_some_and(|a| a != &Value::Bool(false)),
        owner: properties.map(|_| at.to_owned()),
    }
}

/// The JSON Pointer of a local reference (`#/$defs/Status`); `None` for another file's.
pub(crate) fn local(reference: &str) -> Option<String> {
    let pointer = reference.strip_prefix('#')?;
    // A reference is a URI fragment: its pointer may be percent-encoded.
    Some(pointer.replace("%25", "%").replace("%22", "\""))
}

/// A JSON Pointer token for `key`.
pub(crate) fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// A bound's value, or `default` when the node has none.
fn bound(node: &Map<String, Value>, keyword: &str, default: f64) -> f64 {
    node.get(keyword).and_then(Value::as_f64).unwrap_or(default)
}

/// The types a `type` keyword names.
pub(crate) fn types_of(types: &Value) -> BTreeSet<&str> {
    match types {
        Value::String(one) => BTreeSet::from([one.as_str()]),
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        _ => BTreeSet::new(),
    }
}

/// A value's JSON Schema type; an integer is `integer` (a number without a fraction, `2.0`
/// included, as JSON Schema counts it).
pub(crate) fn type_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(n) if n.as_f64().is_some_and(|f| f.fract() == 0.0) => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn kinds(schema: &Value, instance: &Value) -> Vec<(String, String, Kind)> {
        observe(schema, instance)
            .into_iter()
            .map(|f| (f.location, f.instance_path, f.kind))
            .collect()
    }

    fn schema() -> Value {
        json!({
            "type": "object",
            "required": ["status", "id"],
            "properties": {
                "id": {"type": "string", "minLength": 3},
                "status": {"$ref": "#/$defs/Status"},
                "count": {"type": "integer", "minimum": 0},
                "at": {"type": "string", "format": "date-time"},
                "kind": {"const": "run"},
                "items": {"type": "array", "items": {"$ref": "#/$defs/Item"}},
                "batch": {"anyOf": [{"$ref": "#/$defs/Item"}, {"type": "null"}]}
            },
            "$defs": {
                "Status": {"type": "string", "enum": ["queued", "done"]},
                "Item": {"type": "object", "properties": {"n": {"type": "integer"}}}
            }
        })
    }

    #[test]
    fn a_valid_delivery_with_only_declared_keys_has_nothing() {
        let delivery = json!({"id": "abc", "status": "done", "items": [{"n": 1}], "batch": null});
        assert_eq!(kinds(&schema(), &delivery), []);
    }

    #[test]
    fn each_departure_is_found_where_a_widening_would_go() {
        let delivery = json!({
            "id": "ab",
            "status": "failed",
            "count": 1.5,
            "at": "yesterday",
            "kind": "job",
            "items": [{"n": 1, "label": "x"}],
            "batch": {"n": 2, "extra": true},
            "new": {"a": 1}
        });
        let found = kinds(&schema(), &delivery);
        let expected = [
            (
                "",
                "/new",
                Kind::Undeclared {
                    property: "new".into(),
                },
            ),
            (
                "/properties/id",
                "/id",
                Kind::Bound {
                    keyword: "minLength".into(),
                },
            ),
            ("/$defs/Status", "/status", Kind::EnumValue),
            ("/properties/count", "/count", Kind::Fraction),
            (
                "/properties/at",
                "/at",
                Kind::Format {
                    format: "date-time".into(),
                },
            ),
            (
                "/properties/kind",
                "/kind",
                Kind::Breaking {
                    declared: "the constant \"run\"".into(),
                },
            ),
            (
                "/$defs/Item",
                "/items/0/label",
                Kind::Undeclared {
                    property: "label".into(),
                },
            ),
            (
                "/$defs/Item",
                "/batch/extra",
                Kind::Undeclared {
                    property: "extra".into(),
                },
            ),
        ];
        for (location, path, kind) in expected {
            let wanted = (location.to_owned(), path.to_owned(), kind);
            assert!(found.contains(&wanted), "{wanted:?} not in {found:#?}");
        }
        assert_eq!(found.len(), 8, "{found:#?}");
    }

    #[test]
    fn null_is_found_at_the_place_that_refers_not_at_the_shared_definition() {
        let found = kinds(&schema(), &json!({"id": "abc", "status": null}));
        assert_eq!(
            found,
            [("/properties/status".into(), "/status".into(), Kind::Null)]
        );
    }

    #[test]
    fn a_missing_required_property_and_a_type_change() {
        let found = kinds(&schema(), &json!({"id": {"x": 1}}));
        assert!(found.contains(&(
            "".into(),
            "".into(),
            Kind::Missing {
                property: "status".into()
            }
        )));
        assert!(found.contains(&(
            "/properties/id".into(),
            "/id".into(),
            Kind::Breaking {
                declared: "string".into()
            }
        )));
        assert_eq!(found.len(), 2, "{found:#?}");
    }

    #[test]
    fn a_schema_that_refers_to_itself_ends() {
        let looping = json!({"$ref": "#", "type": "object", "properties": {"b": {}}});
        assert_eq!(kinds(&looping, &json!({"a": 1})).len(), 1);
    }
}
