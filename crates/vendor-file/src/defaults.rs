//! A schema's `default` keywords, applied: what a vendor file leaves out, filled in before the
//! file is read, so that no default is written twice.
//!
//! The walk follows the keywords that place a subschema on a value of the file: `properties`,
//! `additionalProperties`, `items`, `allOf`, `$ref` to a place in the schema, and `if`, `then`
//! and `else`, the condition judged by jsonschema against the value as filled so far. A default
//! elsewhere (under `anyOf`, say) would not be applied: a test walks the vendor schema to prove
//! every default it writes is reached.

use std::cell::RefCell;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

use serde_json::{Map, Value};

use crate::ReadError;

/// Fills every member of `json`'s objects that `schema` defaults and `json` leaves out, at any
/// depth: a member whose schema gives a `default` (on its own subschema or on the one its `$ref`
/// names) is added with that value, then filled in turn.
///
/// The walk is repeated until it adds nothing, so that an `if` is judged on the value with
/// every default the other keywords give, whichever the walk meets first.
pub fn fill_defaults(json: &mut Value, schema: &Value) -> Result<(), ReadError> {
    let walk = Walk {
        root: schema,
        conditions: RefCell::new(HashMap::new()),
    };
    loop {
        let before = json.clone();
        walk.fill(json, schema, "")?;
        if *json == before {
            return Ok(());
        }
    }
}

struct Walk<'s> {
    /// The whole schema, where `$ref`s and conditions are resolved.
    root: &'s Value,
    /// Each condition compiled, by its place in the root: a file's webhooks and the walk's
    /// passes meet the same few.
    conditions: RefCell<HashMap<String, jsonschema::Validator>>,
}

impl<'s> Walk<'s> {
    /// Fills `json` from `schema`, found at the JSON Pointer `at` of the root.
    fn fill(&self, json: &mut Value, schema: &'s Value, at: &str) -> Result<(), ReadError> {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let (target, target_at) = self.resolve(reference, at)?;
            self.fill(json, target, &target_at)?;
        }
        if let Some(object) = json.as_object_mut() {
            self.fill_members(object, schema, at)?;
        }
        if let (Some(items), Some(array)) = (schema.get("items"), json.as_array_mut()) {
            for item in array {
                self.fill(item, items, &format!("{at}/items"))?;
            }
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            for (i, subschema) in all.iter().enumerate() {
                self.fill(json, subschema, &format!("{at}/allOf/{i}"))?;
            }
        }
        if let Some(condition) = schema.get("if") {
            let branch = if self.holds(condition, json, &format!("{at}/if"))? {
                "then"
            } else {
                "else"
            };
            if let Some(subschema) = schema.get(branch) {
                self.fill(json, subschema, &format!("{at}/{branch}"))?;
            }
        }
        Ok(())
    }

    /// The members `properties` defaults, added; then every member filled by its subschema.
    fn fill_members(
        &self,
        object: &mut Map<String, Value>,
        schema: &'s Value,
        at: &str,
    ) -> Result<(), ReadError> {
        let properties = schema.get("properties").and_then(Value::as_object);
        for (name, subschema) in properties.into_iter().flatten() {
            if !object.contains_key(name) {
                let place = format!("{at}/properties/{}", escape(name));
                if let Some(default) = self.default_of(subschema, &place)? {
                    object.insert(name.clone(), default.clone());
                }
            }
        }
        let additional = schema.get("additionalProperties").filter(|s| s.is_object());
        for (name, value) in object.iter_mut() {
            match properties.and_then(|p| p.get(name)) {
                Some(subschema) => {
                    let place = format!("{at}/properties/{}", escape(name));
                    self.fill(value, subschema, &place)?;
                }
                None => {
                    if let Some(subschema) = additional {
                        self.fill(value, subschema, &format!("{at}/additionalProperties"))?;
                    }
                }
            }
        }
        Ok(())
    }

    /// The `default` of `schema`, or of the subschema its `$ref` names.
    fn default_of(&self, schema: &'s Value, at: &str) -> Result<Option<&'s Value>, ReadError> {
        if let Some(default) = schema.get("default") {
            return Ok(Some(default));
        }
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let (target, target_at) = self.resolve(reference, at)?;
                self.default_of(target, &target_at)
            }
            None => Ok(None),
        }
    }

    /// The subschema a `$ref` names, with its JSON Pointer: a place in the root (`#/$defs/…`).
    fn resolve(&self, reference: &str, at: &str) -> Result<(&'s Value, String), ReadError> {
        let target = reference
            .strip_prefix('#')
            .and_then(|pointer| Some((self.root.pointer(pointer)?, pointer.to_owned())));
        target.ok_or_else(|| ReadError::Schema {
            at: format!("{at}/$ref"),
            message: format!("`{reference}` is not a place in this schema"),
        })
    }

    /// Whether `json` keeps the condition `schema`, found at `at` and judged with the root's
    /// `$defs` in reach.
    fn holds(&self, schema: &Value, json: &Value, at: &str) -> Result<bool, ReadError> {
        let mut conditions = self.conditions.borrow_mut();
        let validator = match conditions.entry(at.to_owned()) {
            Entry::Occupied(compiled) => compiled.into_mut(),
            Entry::Vacant(place) => {
                let mut condition = schema.clone();
                if let (Some(object), Some(defs)) =
                    (condition.as_object_mut(), self.root.get("$defs"))
                {
                    object.entry("$defs").or_insert_with(|| defs.clone());
                }
                let compiled = jsonschema::draft202012::new(&condition).map_err(|error| {
                    ReadError::Schema {
                        at: at.to_owned(),
                        message: error.to_string(),
                    }
                })?;
                place.insert(compiled)
            }
        };
        Ok(validator.is_valid(json))
    }
}

/// A name as one segment of a JSON Pointer (RFC 6901).
fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}
