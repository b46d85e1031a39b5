//! Schemas of older drafts and OpenAPI's schema objects, rewritten in the words of draft 2020-12:
//! the runtime, the generator and every other language's validator then read one dialect.
//!
//! A schema is walked keyword by keyword, knowing which keywords hold schemas (`properties`,
//! `items`, `allOf`, …) and which hold data (`enum`, `const`, `default`, `examples`): only
//! schemas are rewritten, so a payload example with a `$ref` key stays as it is.

use serde_json::{Map, Value, json};

/// The dialect a schema was written in, which decides what its keywords mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Draft4,
    Draft6,
    Draft7,
    Draft2019,
    Draft2020,
    /// OpenAPI 3.0's schema objects: draft-04's keywords with `nullable` and `example`.
    OpenApi30,
    /// OpenAPI 3.1's: draft 2020-12, with `example` still allowed.
    OpenApi31,
}

impl Dialect {
    /// The dialect a schema's `$schema` names; `default` when it names none.
    pub fn of(schema: &Value, default: Dialect) -> Result<Dialect, String> {
        let Some(uri) = schema.get("$schema") else {
            return Ok(default);
        };
        let uri = uri.as_str().ok_or("`$schema` is not a string")?;
        let dialect = [
            ("draft-04", Dialect::Draft4),
            ("draft-06", Dialect::Draft6),
            ("draft-07", Dialect::Draft7),
            ("2019-09", Dialect::Draft2019),
            ("2020-12", Dialect::Draft2020),
        ]
        .into_iter()
        .find(|(name, _)| uri.contains(name));
        match dialect {
            Some((_, dialect)) => Ok(dialect),
            None => Err(format!(
                "`$schema` {uri} is not a JSON Schema draft this importer reads \
                 (draft-04, -06, -07, 2019-09, 2020-12)"
            )),
        }
    }

    /// Before 2019-09: `$ref` overrides its siblings, and `dependencies` is one keyword.
    fn ref_hides_siblings(self) -> bool {
        matches!(
            self,
            Dialect::Draft4 | Dialect::Draft6 | Dialect::Draft7 | Dialect::OpenApi30
        )
    }

    /// Before 2020-12: an array `items` is a tuple, and `additionalItems` what follows it.
    fn tuple_items(self) -> bool {
        !matches!(self, Dialect::Draft2020 | Dialect::OpenApi31)
    }

    /// draft-04's boolean `exclusiveMaximum` and `exclusiveMinimum`.
    fn boolean_exclusive(self) -> bool {
        matches!(self, Dialect::Draft4 | Dialect::OpenApi30)
    }

    fn openapi(self) -> bool {
        matches!(self, Dialect::OpenApi30 | Dialect::OpenApi31)
    }
}

/// What a `$ref` becomes in the bundle: given the reference as written and the JSON Pointer of
/// the schema holding it, the new reference, or why it cannot be followed.
pub type Refs<'a> = dyn FnMut(&str, &str) -> Result<String, String> + 'a;

/// Why a schema cannot be converted: what, and the JSON Pointer of where in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertError {
    pub at: String,
    pub message: String,
}

/// Keywords kept beside a `$ref` of a dialect where `$ref` hides its siblings: what says, not
/// what asserts, so the schema means what it meant.
const ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "default",
    "examples",
    "example",
    "deprecated",
    "readOnly",
    "writeOnly",
    "$comment",
];

/// Whether `key` stays beside a `$ref` that hides its siblings: the `$ref`, what only says
/// (annotations), and the definitions others may refer to (`{"$ref": "#/definitions/Root",
/// "definitions": {…}}` is a common root).
fn kept_beside_ref(key: &str) -> bool {
    matches!(key, "$ref" | "definitions" | "$defs") || ANNOTATIONS.contains(&key)
}

/// Whether `schema` is an OpenAPI schema that `nullable` (or `x-nullable`) makes a choice with
/// `null`, being of no one `type` or `enum`: converted, it is wrapped in `anyOf`.
fn wrapped_for_null(schema: &Map<String, Value>, dialect: Dialect) -> bool {
    dialect.openapi()
        && [schema.get("nullable"), schema.get("x-nullable")]
            .into_iter()
            .any(|flag| flag == Some(&Value::Bool(true)))
        && !(dialect.ref_hides_siblings() && schema.contains_key("$ref"))
        && !schema.contains_key("type")
        && !schema.contains_key("enum")
}

/// What a schema wrapped for `null` keeps on the wrapper, not inside it.
const ON_WRAPPER: &[&str] = &["title", "description", "$defs"];

/// Keywords whose value is a schema.
const ONE_SCHEMA: &[&str] = &[
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "additionalProperties",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
];

/// Keywords whose value is an array of schemas.
const SCHEMA_ARRAYS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];

/// Keywords whose value maps names to schemas.
const SCHEMA_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "dependentSchemas",
    "$defs",
];

/// `schema`, at `at` in its file, in draft 2020-12's words, its references rewritten by `refs`.
/// Its own `$schema` and `$id` are dropped: the bundle it goes into says both.
pub fn convert(
    schema: &Value,
    dialect: Dialect,
    at: &str,
    refs: &mut Refs,
) -> Result<Value, ConvertError> {
    let fail = |message: String| ConvertError {
        at: at.to_owned(),
        message,
    };
    let object = match schema {
        Value::Bool(_) => return Ok(schema.clone()),
        Value::Object(object) => object,
        _ => return Err(fail("a schema is an object or a boolean".to_owned())),
    };
    let hides = dialect.ref_hides_siblings() && object.contains_key("$ref");
    let tuple = dialect.tuple_items() && object.get("items").is_some_and(Value::is_array);
    let mut out = Map::new();
    for (key, value) in object {
        let here = format!("{at}/{}", escape(key));
        if hides && !kept_beside_ref(key) {
            continue;
        }
        let sub = |value: &Value, refs: &mut Refs, at: &str| convert(value, dialect, at, refs);
        match key.as_str() {
            "$schema" | "$id" => {}
            "id" if dialect == Dialect::Draft4 || dialect == Dialect::OpenApi30 => {}
            "$ref" => {
                let reference = value
                    .as_str()
                    .ok_or_else(|| fail("`$ref` is not a string".to_owned()))?;
                out.insert("$ref".to_owned(), json!(refs(reference, at).map_err(fail)?));
            }
            "$recursiveRef" | "$recursiveAnchor" | "$dynamicRef" | "$dynamicAnchor" => {
                return Err(fail(format!(
                    "`{key}` cannot be bundled: it is not imported"
                )));
            }
            "definitions" | "$defs" => {
                let defs = schema_map(value, dialect, &here, refs)?;
                merge_into(&mut out, "$defs", defs);
            }
            "dependencies" => {
                let Value::Object(entries) = value else {
                    return Err(fail("`dependencies` is not an object".to_owned()));
                };
                for (name, dependency) in entries {
                    let at = format!("{here}/{}", escape(name));
                    let (keyword, converted) = if dependency.is_array() {
                        ("dependentRequired", dependency.clone())
                    } else {
                        ("dependentSchemas", sub(dependency, refs, &at)?)
                    };
                    let mut one = Map::new();
                    one.insert(name.clone(), converted);
                    merge_into(&mut out, keyword, one);
                }
            }
            "items" if tuple => {
                out.insert(
                    "prefixItems".to_owned(),
                    schema_array(value, dialect, &here, refs)?,
                );
            }
            "items" => {
                out.insert(key.clone(), sub(value, refs, &here)?);
            }
            "additionalItems" if dialect.tuple_items() => {
                // Without a tuple `items`, `additionalItems` asserts nothing.
                if tuple {
                    out.insert("items".to_owned(), sub(value, refs, &here)?);
                }
            }
            "exclusiveMaximum" | "exclusiveMinimum" if dialect.boolean_exclusive() => {
                let bound = if key == "exclusiveMaximum" {
                    "maximum"
                } else {
                    "minimum"
                };
                if value == &Value::Bool(true) {
                    let limit = object
                        .get(bound)
                        .ok_or_else(|| fail(format!("`{key}: true` without `{bound}`")))?;
                    out.insert(key.clone(), limit.clone());
                }
            }
            "maximum" | "minimum"
                if dialect.boolean_exclusive()
                    && object.get(&exclusive_of(key)) == Some(&Value::Bool(true)) => {}
            "nullable" | "x-nullable" => {}
            // OpenAPI's one `example`, as JSON Schema's list of them.
            "example" => {
                if !object.contains_key("examples") {
                    out.insert("examples".to_owned(), json!([value]));
                }
            }
            "discriminator" if dialect.openapi() => {
                out.insert(key.clone(), discriminator(value, at, refs).map_err(fail)?);
            }
            _ if ONE_SCHEMA.contains(&key.as_str()) && !value.is_array() => {
                out.insert(key.clone(), sub(value, refs, &here)?);
            }
            _ if SCHEMA_ARRAYS.contains(&key.as_str()) => {
                out.insert(key.clone(), schema_array(value, dialect, &here, refs)?);
            }
            _ if SCHEMA_MAPS.contains(&key.as_str()) => {
                let map = schema_map(value, dialect, &here, refs)?;
                out.insert(key.clone(), Value::Object(map));
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    let nullable = dialect.openapi()
        && [object.get("nullable"), object.get("x-nullable")]
            .into_iter()
            .any(|flag| flag == Some(&Value::Bool(true)));
    Ok(if nullable && !hides {
        with_null(out)
    } else {
        Value::Object(out)
    })
}

/// `maximum`'s draft-04 flag, `exclusiveMaximum`; `minimum`'s, `exclusiveMinimum`.
fn exclusive_of(bound: &str) -> String {
    format!(
        "exclusive{}{}",
        bound[..1].to_ascii_uppercase(),
        &bound[1..]
    )
}

/// OpenAPI's `nullable: true` as 2020-12 says it: `null` among the types (and the values, for
/// an enum), or, for a schema without a `type`, either the schema or `null`.
fn with_null(mut schema: Map<String, Value>) -> Value {
    if let Some(Value::Array(values)) = schema.get_mut("enum")
        && !values.contains(&Value::Null)
    {
        values.push(Value::Null);
    }
    let has_enum = schema.contains_key("enum");
    match schema.get_mut("type") {
        Some(Value::String(one)) => {
            let one = std::mem::take(one);
            schema.insert("type".to_owned(), json!([one, "null"]));
            Value::Object(schema)
        }
        Some(Value::Array(types)) => {
            if !types.contains(&json!("null")) {
                types.push(json!("null"));
            }
            Value::Object(schema)
        }
        _ if has_enum => Value::Object(schema),
        _ => {
            let mut wrapper = Map::new();
            for kept in ON_WRAPPER {
                if let Some(value) = schema.remove(*kept) {
                    wrapper.insert((*kept).to_owned(), value);
                }
            }
            wrapper.insert(
                "anyOf".to_owned(),
                json!([Value::Object(schema), {"type": "null"}]),
            );
            Value::Object(wrapper)
        }
    }
}

/// OpenAPI's `discriminator`, kept as a hint for readers and generators (it asserts nothing),
/// its `mapping`'s references rewritten as every other.
fn discriminator(value: &Value, at: &str, refs: &mut Refs) -> Result<Value, String> {
    let mut value = value.clone();
    if let Some(Value::Object(mapping)) = value.get_mut("mapping") {
        for target in mapping.values_mut() {
            if let Some(reference) = target.as_str().filter(|r| r.contains('#')) {
                *target = json!(refs(reference, at)?);
            }
        }
    }
    Ok(value)
}

fn schema_array(
    value: &Value,
    dialect: Dialect,
    at: &str,
    refs: &mut Refs,
) -> Result<Value, ConvertError> {
    let Value::Array(items) = value else {
        return Err(ConvertError {
            at: at.to_owned(),
            message: "expected an array of schemas".to_owned(),
        });
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| convert(item, dialect, &format!("{at}/{i}"), refs))
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}

fn schema_map(
    value: &Value,
    dialect: Dialect,
    at: &str,
    refs: &mut Refs,
) -> Result<Map<String, Value>, ConvertError> {
    let Value::Object(entries) = value else {
        return Err(ConvertError {
            at: at.to_owned(),
            message: "expected an object of schemas".to_owned(),
        });
    };
    entries
        .iter()
        .map(|(name, entry)| {
            let converted = convert(entry, dialect, &format!("{at}/{}", escape(name)), refs)?;
            Ok((name.clone(), converted))
        })
        .collect()
}

fn merge_into(out: &mut Map<String, Value>, keyword: &str, entries: Map<String, Value>) {
    let slot = out
        .entry(keyword.to_owned())
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(slot) = slot {
        slot.extend(entries);
    }
}

/// A JSON Pointer into a schema of `dialect`, as the same place is reached once the schema is
/// converted: `definitions` is `$defs`, a tuple's `items` is `prefixItems`.
pub fn pointer(schema: &Value, pointer: &str, dialect: Dialect) -> Result<String, String> {
    #[derive(PartialEq)]
    enum Next {
        Keyword,
        Name,
    }
    let mut node = schema;
    let mut next = Next::Keyword;
    let mut out = String::new();
    for raw in pointer.split('/').skip(1) {
        let segment = unescape(raw);
        let written = if next == Next::Name {
            next = Next::Keyword;
            escape(&segment)
        } else if let Some(map) = node.as_object()
            && dialect.ref_hides_siblings()
            && map.contains_key("$ref")
            && !kept_beside_ref(&segment)
        {
            return Err(format!(
                "{pointer} points into what a `$ref` beside it hides, which is not imported"
            ));
        } else {
            let tuple = dialect.tuple_items() && node.get("items").is_some_and(Value::is_array);
            let key = segment.as_str();
            let holds_names = matches!(key, "definitions" | "dependencies")
                || (key == "items" && tuple)
                || SCHEMA_MAPS.contains(&key)
                || SCHEMA_ARRAYS.contains(&key);
            next = if holds_names {
                Next::Name
            } else {
                Next::Keyword
            };
            let renamed = match key {
                "definitions" => "$defs".to_owned(),
                "dependencies" => "dependentSchemas".to_owned(),
                "items" if tuple => "prefixItems".to_owned(),
                "additionalItems" if tuple => "items".to_owned(),
                _ => segment.clone(),
            };
            let wrapped = node
                .as_object()
                .is_some_and(|map| wrapped_for_null(map, dialect));
            if wrapped && !ON_WRAPPER.contains(&renamed.as_str()) {
                format!("anyOf/0/{}", escape(&renamed))
            } else {
                escape(&renamed)
            }
        };
        node = match node {
            Value::Object(map) => map.get(&segment),
            Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        }
        .ok_or_else(|| format!("nothing at {pointer}"))?;
        out.push('/');
        out.push_str(&written);
    }
    Ok(out)
}

/// A name as a JSON Pointer's segment.
pub fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// A JSON Pointer's segment as the name it stands for.
pub fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(schema: Value, dialect: Dialect) -> Value {
        convert(&schema, dialect, "", &mut |r: &str, _: &str| {
            Ok(r.to_owned())
        })
        .unwrap()
    }

    #[test]
    fn draft_07_keywords_are_said_as_2020_12_says_them() {
        let old = json!({
            "$schema": "http://json-schema.org/draft-07/schema",
            "definitions": {"a": {"type": "string"}},
            "properties": {
                "pair": {"items": [{"type": "string"}, {"type": "integer"}], "additionalItems": false},
                "list": {"items": {"type": "string"}, "additionalItems": false},
                "user": {"$ref": "#/definitions/a", "description": "kept", "type": "integer"},
                "enum": {"enum": [{"$ref": "data, not a reference"}]}
            },
            "dependencies": {"card": ["billing"], "bank": {"required": ["iban"]}}
        });
        assert_eq!(
            plain(old, Dialect::Draft7),
            json!({
                "$defs": {"a": {"type": "string"}},
                "properties": {
                    "pair": {"prefixItems": [{"type": "string"}, {"type": "integer"}], "items": false},
                    "list": {"items": {"type": "string"}},
                    "user": {"$ref": "#/definitions/a", "description": "kept"},
                    "enum": {"enum": [{"$ref": "data, not a reference"}]}
                },
                "dependentRequired": {"card": ["billing"]},
                "dependentSchemas": {"bank": {"required": ["iban"]}}
            })
        );
    }

    #[test]
    fn draft_04_exclusive_bounds_become_numbers() {
        let old = json!({"maximum": 10, "exclusiveMaximum": true, "minimum": 0, "exclusiveMinimum": false});
        assert_eq!(
            plain(old, Dialect::Draft4),
            json!({"exclusiveMaximum": 10, "minimum": 0})
        );
    }

    #[test]
    fn nullable_becomes_a_null_type_or_a_choice_with_null() {
        let old = json!({"properties": {
            "a": {"type": "string", "nullable": true, "example": "x"},
            "b": {"enum": ["on", "off"], "type": "string", "x-nullable": true},
            "c": {"anyOf": [{"$ref": "#/components/schemas/c"}], "nullable": true, "description": "d"},
            "d": {"type": "string", "nullable": false}
        }});
        assert_eq!(
            plain(old, Dialect::OpenApi30)["properties"],
            json!({
                "a": {"type": ["string", "null"], "examples": ["x"]},
                "b": {"enum": ["on", "off", null], "type": ["string", "null"]},
                "c": {"description": "d", "anyOf": [{"anyOf": [{"$ref": "#/components/schemas/c"}]}, {"type": "null"}]},
                "d": {"type": "string"}
            })
        );
    }

    #[test]
    fn pointers_follow_the_renamed_keywords() {
        let old = json!({"definitions": {"t": {"items": [{"type": "string"}], "properties": {"items": {}}}}});
        assert_eq!(
            pointer(&old, "/definitions/t/items/0", Dialect::Draft7).unwrap(),
            "/$defs/t/prefixItems/0"
        );
        assert_eq!(
            pointer(&old, "/definitions/t/properties/items", Dialect::Draft7).unwrap(),
            "/$defs/t/properties/items"
        );
        assert!(pointer(&old, "/definitions/u", Dialect::Draft7).is_err());
        let hiding =
            json!({"$ref": "#/definitions/a", "definitions": {"a": {}}, "properties": {"b": {}}});
        assert_eq!(
            pointer(&hiding, "/definitions/a", Dialect::Draft7).unwrap(),
            "/$defs/a"
        );
        assert!(pointer(&hiding, "/properties/b", Dialect::Draft7).is_err());
        let wrapped = json!({"nullable": true, "properties": {"b": {}}});
        assert_eq!(
            pointer(&wrapped, "/properties/b", Dialect::OpenApi30).unwrap(),
            "/anyOf/0/properties/b"
        );
        assert_eq!(
            pointer(&wrapped, "/properties/b", Dialect::Draft7).unwrap(),
            "/properties/b"
        );
    }

    #[test]
    fn a_root_that_is_a_ref_keeps_its_definitions() {
        let old = json!({"$ref": "#/definitions/root", "definitions": {"root": {"type": "object"}}, "type": "string"});
        assert_eq!(
            plain(old, Dialect::Draft7),
            json!({"$ref": "#/definitions/root", "$defs": {"root": {"type": "object"}}})
        );
    }

    #[test]
    fn a_dynamic_reference_is_refused_where_it_is() {
        let error = convert(
            &json!({"properties": {"a": {"$dynamicRef": "#node"}}}),
            Dialect::Draft2020,
            "",
            &mut |r: &str, _: &str| Ok(r.to_owned()),
        )
        .unwrap_err();
        assert_eq!(error.at, "/properties/a");
    }
}
