//! A widening, written into a schema file's text: only the nodes it changes are touched, so the
//! file keeps its layout, key order, descriptions and everything else as written.

use jsonc_parser::ParseOptions;
use jsonc_parser::cst::{CstInputValue, CstNode, CstObject, CstRootNode};
use serde_json::{Value, json};

use crate::observe::local;

/// One widening of a schema, at a JSON Pointer into it.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Add values to the node's `enum`.
    AppendEnum { at: String, values: Vec<Value> },
    /// Declare a property on the object node.
    AddProperty {
        at: String,
        name: String,
        schema: Value,
    },
    /// Let the node take `null`: in its `type` (and `enum`), as one more alternative, or, for a
    /// node that only refers to another, as `anyOf` the reference and `null`.
    AllowNull { at: String },
    /// `integer` becomes `number`.
    AllowFraction { at: String },
    /// A bound moved to what was seen (an exclusive one becomes inclusive there).
    Loosen {
        at: String,
        keyword: String,
        to: Value,
    },
    /// A property no longer required.
    Unrequire { at: String, property: String },
}

impl Op {
    /// The node it changes.
    pub fn at(&self) -> &str {
        match self {
            Op::AppendEnum { at, .. }
            | Op::AddProperty { at, .. }
            | Op::AllowNull { at }
            | Op::AllowFraction { at }
            | Op::Loosen { at, .. }
            | Op::Unrequire { at, .. } => at,
        }
    }

    /// What it does, for people.
    pub fn describe(&self) -> String {
        match self {
            Op::AppendEnum { values, .. } => {
                let values: Vec<String> = values.iter().map(Value::to_string).collect();
                format!("add {} to `enum`", values.join(", "))
            }
            Op::AddProperty { name, schema, .. } => {
                let mut shown = schema.clone();
                if let Some(object) = shown.as_object_mut() {
                    object.remove("description");
                }
                format!("declare the optional property `{name}`: {shown}")
            }
            Op::AllowNull { .. } => "allow `null`".to_owned(),
            Op::AllowFraction { .. } => "widen `integer` to `number`".to_owned(),
            Op::Loosen { keyword, to, .. } => match keyword.as_str() {
                "exclusiveMinimum" => format!("replace `exclusiveMinimum` by `minimum: {to}`"),
                "exclusiveMaximum" => format!("replace `exclusiveMaximum` by `maximum: {to}`"),
                _ => format!("loosen `{keyword}` to {to}"),
            },
            Op::Unrequire { property, .. } => format!("make `{property}` optional"),
        }
    }

    /// `text` with the widening written in, and `note` added to the changed node's description
    /// (a new property's description is the note); an error when the node is not there or not
    /// of a shape this widening knows.
    pub fn apply(&self, text: &str, note: &str) -> Result<String, String> {
        let root = CstRootNode::parse(text, &ParseOptions::default())
            .map_err(|error| format!("the schema is not JSON: {error}"))?;
        let at = self.at();
        let node =
            object_at(&root, at).ok_or_else(|| format!("{}: no object schema there", shown(at)))?;
        match self {
            Op::AppendEnum { values, .. } => {
                let list = node
                    .array_value("enum")
                    .ok_or_else(|| format!("{}: no `enum`", shown(at)))?;
                for value in values {
                    list.append(input(value));
                }
            }
            Op::AddProperty { name, schema, .. } => {
                let mut schema = schema.clone();
                if let Some(object) = schema.as_object_mut() {
                    object.insert("description".to_owned(), json!(note));
                }
                node.object_value_or_set("properties")
                    .append(name, input(&schema));
                return Ok(root.to_string());
            }
            Op::AllowNull { .. } => allow_null(&node, at)?,
            Op::AllowFraction { .. } => {
                let types = node
                    .get("type")
                    .ok_or_else(|| format!("{}: no `type`", shown(at)))?;
                let widened = match types.to_serde_value() {
                    Some(Value::String(_)) => json!("number"),
                    Some(Value::Array(list)) => Value::Array(
                        list.into_iter()
                            .map(|t| if t == "integer" { json!("number") } else { t })
                            .collect(),
                    ),
                    _ => return Err(format!("{}: `type` is not a type", shown(at))),
                };
                types.set_value(input(&widened));
            }
            Op::Loosen { keyword, to, .. } => {
                let inclusive = match keyword.as_str() {
                    "exclusiveMinimum" => "minimum",
                    "exclusiveMaximum" => "maximum",
                    other => other,
                };
                if inclusive != keyword
                    && let Some(exclusive) = node.get(keyword)
                {
                    exclusive.remove();
                }
                match node.get(inclusive) {
                    Some(bound) => bound.set_value(input(to)),
                    None => {
                        node.append(inclusive, input(to));
                    }
                }
            }
            Op::Unrequire { property, .. } => {
                let required = node
                    .get("required")
                    .ok_or_else(|| format!("{}: no `required`", shown(at)))?;
                let Some(Value::Array(names)) = required.to_serde_value() else {
                    return Err(format!("{}: `required` is not a list", shown(at)));
                };
                if !names.iter().any(|name| name == property) {
                    return Err(format!("{}: `{property}` is not required", shown(at)));
                }
                let rest: Vec<Value> = names.into_iter().filter(|n| n != property).collect();
                required.set_value(input(&Value::Array(rest)));
            }
        }
        describe(&node, note);
        Ok(root.to_string())
    }
}

/// `text` with the root's `$id` set to `id`.
pub fn set_id(text: &str, id: &str) -> Result<String, String> {
    let root = CstRootNode::parse(text, &ParseOptions::default())
        .map_err(|error| format!("the schema is not JSON: {error}"))?;
    let object = root
        .object_value()
        .ok_or_else(|| "the schema is not an object".to_owned())?;
    match object.get("$id") {
        Some(property) => property.set_value(CstInputValue::String(id.to_owned())),
        None => return Err("the schema has no `$id`".to_owned()),
    }
    Ok(root.to_string())
}

/// Lets the object schema `node` take `null`.
fn allow_null(node: &CstObject, at: &str) -> Result<(), String> {
    let branches = ["anyOf", "oneOf"]
        .into_iter()
        .find_map(|keyword| node.array_value(keyword));
    if let Some(types) = node.get("type").filter(|_| branches.is_none()) {
        let widened = match types.to_serde_value() {
            Some(Value::String(one)) => json!([one, "null"]),
            Some(Value::Array(mut many)) => {
                many.push(json!("null"));
                Value::Array(many)
            }
            _ => return Err(format!("{}: `type` is not a type", shown(at))),
        };
        types.set_value(input(&widened));
        if let Some(values) = node.array_value("enum") {
            values.append(CstInputValue::Null);
        }
        return Ok(());
    }
    if let Some(branches) = branches {
        branches.append(input(&json!({"type": "null"})));
        return Ok(());
    }
    if let Some(reference) = node.get("$ref") {
        let target = reference
            .to_serde_value()
            .and_then(|r| r.as_str().map(str::to_owned))
            .filter(|r| local(r).is_some())
            .ok_or_else(|| format!("{}: `$ref` is not a reference in this file", shown(at)))?;
        let index = reference.property_index();
        reference.remove();
        let wrapped = json!([{"$ref": target}, {"type": "null"}]);
        node.insert(index, "anyOf", input(&wrapped));
        return Ok(());
    }
    if let Some(values) = node.array_value("enum") {
        values.append(CstInputValue::Null);
        return Ok(());
    }
    Err(format!(
        "{}: neither `type`, alternatives, `$ref` nor `enum` to add `null` to",
        shown(at)
    ))
}

/// Appends `note` to the node's description, or gives it one.
fn describe(node: &CstObject, note: &str) {
    match node.get("description") {
        Some(description) => {
            let text = description
                .to_serde_value()
                .and_then(|d| d.as_str().map(str::to_owned))
                .unwrap_or_default();
            let joined = if text.is_empty() {
                note.to_owned()
            } else {
                format!("{text} {note}")
            };
            description.set_value(CstInputValue::String(joined));
        }
        None => {
            // After the keywords that name the schema, where a description is read first.
            let index = node
                .properties()
                .iter()
                .take_while(|p| {
                    p.name()
                        .and_then(|n| n.decoded_value().ok())
                        .is_some_and(|n| ["$schema", "$id", "title"].contains(&n.as_str()))
                })
                .count();
            node.insert(index, "description", CstInputValue::String(note.to_owned()));
        }
    }
}

/// The object at `pointer` in the document.
fn object_at(root: &CstRootNode, pointer: &str) -> Option<CstObject> {
    let mut node: CstNode = root.value()?;
    if pointer.is_empty() {
        return node.as_object();
    }
    for token in pointer.strip_prefix('/')?.split('/') {
        let token = token.replace("~1", "/").replace("~0", "~");
        node = if let Some(object) = node.as_object() {
            object.get(&token)?.value()?
        } else {
            let index: usize = token.parse().ok()?;
            node.as_array()?.elements().into_iter().nth(index)?
        };
    }
    node.as_object()
}

/// A JSON value as the CST takes it.
fn input(value: &Value) -> CstInputValue {
    match value {
        Value::Null => CstInputValue::Null,
        Value::Bool(b) => CstInputValue::Bool(*b),
        Value::Number(n) => CstInputValue::Number(n.to_string()),
        Value::String(s) => CstInputValue::String(s.clone()),
        Value::Array(items) => CstInputValue::Array(items.iter().map(input).collect()),
        Value::Object(object) => {
            // The keywords a reader looks for first, first; the rest as they come.
            let rank = |key: &str| {
                [
                    "description",
                    "type",
                    "format",
                    "enum",
                    "properties",
                    "items",
                ]
                .iter()
                .position(|k| *k == key)
                .unwrap_or(usize::MAX)
            };
            let mut members: Vec<(&String, &Value)> = object.iter().collect();
            members.sort_by_key(|(key, _)| rank(key));
            CstInputValue::Object(
                members
                    .into_iter()
                    .map(|(key, value)| (key.clone(), input(value)))
                    .collect(),
            )
        }
    }
}

/// A pointer for people: the root is `(root)`.
pub(crate) fn shown(at: &str) -> &str {
    if at.is_empty() { "(root)" } else { at }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r##"{
  "$id": "https://example.com/s/1.0.0.json",
  "type": "object",
  "required": ["id", "status"],
  "properties": {
    "id": { "type": "string", "minLength": 3 },
    "status": {
      "description": "Where it is.",
      "$ref": "#/$defs/Status"
    },
    "count": { "type": ["integer", "null"], "exclusiveMinimum": 0 }
  },
  "$defs": {
    "Status": {
      "type": "string",
      "enum": ["queued", "done"]
    }
  }
}
"##;

    fn applied(op: Op) -> String {
        op.apply(TEXT, "Seen.").unwrap()
    }

    #[test]
    fn each_widening_touches_only_its_node() {
        let ops = [
            Op::AppendEnum {
                at: "/$defs/Status".into(),
                values: vec![json!("failed")],
            },
            Op::AddProperty {
                at: String::new(),
                name: "note".into(),
                schema: json!({"type": "string"}),
            },
            Op::AllowNull {
                at: "/properties/status".into(),
            },
            Op::AllowNull {
                at: "/properties/id".into(),
            },
            Op::AllowFraction {
                at: "/properties/count".into(),
            },
            Op::Loosen {
                at: "/properties/count".into(),
                keyword: "exclusiveMinimum".into(),
                to: json!(-1),
            },
            Op::Loosen {
                at: "/properties/id".into(),
                keyword: "minLength".into(),
                to: json!(1),
            },
            Op::Unrequire {
                at: String::new(),
                property: "id".into(),
            },
        ];
        let edited: Vec<String> = ops.into_iter().map(applied).collect();
        insta::assert_snapshot!(edited.join("\n----\n"));
    }

    #[test]
    fn a_node_that_is_not_there_is_an_error() {
        let missing = Op::AllowNull {
            at: "/properties/nothing".into(),
        };
        let error = missing.apply(TEXT, "").unwrap_err();
        assert!(error.contains("/properties/nothing"), "{error}");
    }
}
