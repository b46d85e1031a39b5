//! Models that write back what they read, key for key. typify's structs lose what a payload
//! says by leaving a key out or filling one in: an optional field sent as `null` or `[]` or `{}`
//! came back absent, and an absent field with a schema `default` came back with the default
//! (22 of 23 of GitHub's published examples gained keys). So each optional field is an `Option`
//! that is `None` exactly when the key was absent:
//!
//! - an optional field that may be null is `Option<Option<T>>`: `Some(None)` is a `null` sent;
//! - an optional array or map is `Option<Vec<T>>` or `Option<BTreeMap<…>>`, an empty one kept;
//! - a field with a schema `default` is an `Option` too, never filled in; the default is there
//!   when asked, by a method `<field>_or_default()`;
//! - an optional field of any JSON value is `Option<Value>`, a `null` sent kept as `Some(Null)`.
//!
//! Which optional fields may be null is the schema's to say (typify writes `Option<T>` either
//! way), so it is read from the working copy, where every type is a `$defs` entry (an `allOf`
//! included: its fields are its parts').

use std::collections::BTreeSet;

use quote::{format_ident, quote};
use serde_json::Value;
use syn::visit_mut::{self, VisitMut};

use super::references::def_name;
use super::rewrites::{serde_items, serde_string};
use super::type_names::type_name;

/// The function that reads a key that is present, whatever its value, into `Some`.
const PRESENT: &str = "crate::nullable::present";
const IS_NONE: &str = "::std::option::Option::is_none";
/// [`NUMBER`] as `quote` prints it.
const NUMBER_TOKENS: &str = ":: serde_json :: Number";

pub struct Lossless {
    /// `(type, property)` pairs whose property is optional and may be null.
    nullable: BTreeSet<(String, String)>,
    /// The struct being visited.
    current: String,
    /// The `<field>_or_default` methods to write: struct, field, type, default function.
    accessors: Vec<(String, syn::Ident, syn::Type, syn::Path)>,
}

impl Lossless {
    pub fn new(schema: &Value) -> Self {
        let root = schema["title"].as_str().map(type_name).unwrap_or_default();
        let defs = schema["$defs"].as_object().into_iter().flatten();
        let mut nullable = BTreeSet::new();
        for (name, def) in std::iter::once((root, schema)).chain(defs.map(|(n, d)| (n.clone(), d)))
        {
            let mut fields = Fields::default();
            fields.collect(schema, def, 0);
            for (property, may_be_null) in fields.properties {
                if may_be_null && !fields.required.contains(&property) {
                    nullable.insert((name.clone(), property));
                }
            }
        }
        Lossless {
            nullable,
            current: String::new(),
            accessors: Vec::new(),
        }
    }

    /// The `<field>_or_default` methods, one `impl` per field.
    pub fn accessors(&self) -> Vec<syn::Item> {
        self.accessors
            .iter()
            .map(|(ty, field, inner, default)| {
                // A number's default is typify's `f64`.
                let default = match quote!(#inner).to_string() == NUMBER_TOKENS {
                    true => quote!(|| crate::number::default(#default())),
                    false => quote!(#default),
                };
                let ty = format_ident!("{ty}");
                let method = format_ident!("{field}_or_default");
                let doc = format!(
                    "`{field}` as sent, or the schema's `default` when it was not: what a \
                     model that filled defaults in would have held."
                );
                syn::parse_quote! {
                    impl #ty {
                        #[doc = #doc]
                        pub fn #method(&self) -> #inner {
                            self.#field.clone().unwrap_or_else(#default)
                        }
                    }
                }
            })
            .collect()
    }
}

impl VisitMut for Lossless {
    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        self.current = item.ident.to_string();
        visit_mut::visit_item_struct_mut(self, item);
    }

    /// A variant's fields (typify's tagged unions) are left as typify writes them: no
    /// `(type, property)` pair names them, and no accessor could be written for one.
    fn visit_item_enum_mut(&mut self, _: &mut syn::ItemEnum) {}

    fn visit_field_mut(&mut self, field: &mut syn::Field) {
        let items = serde_items(field);
        let has = |key: &str| items.iter().any(|item| item.path().is_ident(key));
        if has("deserialize_with") {
            // A field decoded by a function of its own (a count, a quirk) is left as it is.
            return;
        }
        let skip = serde_string(field, "skip_serializing_if");
        let default = serde_string(field, "default");
        let wire = serde_string(field, "rename")
            .or_else(|| field.ident.as_ref().map(ToString::to_string))
            .unwrap_or_default();
        let ty = field.ty.clone();
        let (new_ty, present) = match (skip.as_deref(), default) {
            // An optional array or map.
            (Some(skip), _) if skip.ends_with("::is_empty") => {
                (syn::parse_quote!(::std::option::Option<#ty>), false)
            }
            // An optional field that may be null.
            (Some(IS_NONE), _) if self.nullable.contains(&(self.current.clone(), wire)) => {
                (syn::parse_quote!(::std::option::Option<#ty>), true)
            }
            (Some(_), _) => return,
            // A field with a schema `default`, filled in by the function named.
            (None, Some(function)) => {
                let Some(ident) = field.ident.clone() else {
                    return;
                };
                let path: syn::Path = syn::parse_str(&function).expect("typify writes a path");
                self.accessors
                    .push((self.current.clone(), ident, ty.clone(), path));
                (syn::parse_quote!(::std::option::Option<#ty>), true)
            }
            // Optional, and any JSON value: `Value` reads `null`, so only `present` tells.
            (None, None) if has("default") => (syn::parse_quote!(::std::option::Option<#ty>), true),
            (None, None) => return,
        };
        field.ty = new_ty;
        let rename = serde_string(field, "rename").map(|name| quote!(rename = #name,));
        let present = present.then(|| quote!(deserialize_with = #PRESENT,));
        field.attrs.retain(|attr| !attr.path().is_ident("serde"));
        field.attrs.push(
            syn::parse_quote!(#[serde(#rename default, #present skip_serializing_if = #IS_NONE)]),
        );
    }
}

/// The properties of an object type, its `allOf` parts' included, each with whether it may be
/// null (in every part that declares it), and those any part requires.
#[derive(Default)]
struct Fields {
    properties: std::collections::BTreeMap<String, bool>,
    required: BTreeSet<String>,
}

/// How deep `$ref`s and `allOf`s are followed: past it, a schema that refers to itself.
const DEPTH: usize = 32;

impl Fields {
    fn collect(&mut self, root: &Value, node: &Value, depth: usize) {
        let Some(node) = resolve(root, node, depth) else {
            return;
        };
        for (property, schema) in node["properties"].as_object().into_iter().flatten() {
            let may_be_null = admits_null(root, schema, depth);
            self.properties
                .entry(property.clone())
                .and_modify(|all| *all &= may_be_null)
                .or_insert(may_be_null);
        }
        for required in node["required"].as_array().into_iter().flatten() {
            if let Some(required) = required.as_str() {
                self.required.insert(required.to_owned());
            }
        }
        for part in node["allOf"].as_array().into_iter().flatten() {
            self.collect(root, part, depth + 1);
        }
    }
}

/// `node`, or the `$defs` entry it refers to.
fn resolve<'a>(root: &'a Value, node: &'a Value, depth: usize) -> Option<&'a Value> {
    if depth > DEPTH {
        return None;
    }
    match node.get("$ref").and_then(Value::as_str).and_then(def_name) {
        Some(name) => resolve(root, &root["$defs"][name], depth + 1),
        None => Some(node),
    }
}

/// Whether `schema` takes `null`: each keyword that constrains the type lets it through (so a
/// schema of any value does).
fn admits_null(root: &Value, schema: &Value, depth: usize) -> bool {
    let Some(schema) = resolve(root, schema, depth) else {
        return false;
    };
    if let Value::Bool(any) = schema {
        return *any;
    }
    let types = match schema.get("type") {
        None => true,
        Some(Value::String(one)) => one == "null",
        Some(Value::Array(types)) => types.iter().any(|t| t == "null"),
        Some(_) => false,
    };
    let listed = schema
        .get("enum")
        .and_then(Value::as_array)
        .is_none_or(|values| values.contains(&Value::Null))
        && schema.get("const").is_none_or(Value::is_null);
    let branches = ["anyOf", "oneOf"].iter().all(|keyword| {
        schema
            .get(*keyword)
            .and_then(Value::as_array)
            .is_none_or(|branches| {
                branches
                    .iter()
                    .any(|branch| admits_null(root, branch, depth + 1))
            })
    });
    let parts = schema["allOf"]
        .as_array()
        .into_iter()
        .flatten()
        .all(|part| admits_null(root, part, depth + 1));
    types && listed && branches && parts
}

/// Makes a value with a schema `default` start as not given (`None`), as the struct holds it,
/// where typify fills the default in: its `Default` impls and its builders'. The `defaults`
/// module itself is left alone, for the `<field>_or_default` methods. A struct's `Default` impl
/// left with every field `Default::default()` becomes a derive, as clippy asks.
pub fn unfill(file: &mut syn::File) {
    Unfilled.visit_file_mut(file);
    let mut derived = BTreeSet::new();
    file.items.retain(|item| match derivable_default(item) {
        Some(name) => {
            derived.insert(name);
            false
        }
        None => true,
    });
    for item in &mut file.items {
        if let syn::Item::Struct(item) = item
            && derived.contains(&item.ident.to_string())
        {
            item.attrs.push(syn::parse_quote!(#[derive(Default)]));
        }
    }
}

/// The type `item` implements `Default` for, when it does so field by field with
/// `Default::default()`, as a derive would.
fn derivable_default(item: &syn::Item) -> Option<String> {
    let syn::Item::Impl(item) = item else {
        return None;
    };
    let (trait_path, _) = item.trait_.as_ref()?;
    if trait_path.segments.last()?.ident != "Default" {
        return None;
    }
    let [syn::ImplItem::Fn(function)] = &item.items[..] else {
        return None;
    };
    let [syn::Stmt::Expr(syn::Expr::Struct(literal), None)] = &function.block.stmts[..] else {
        return None;
    };
    let default = quote!(::std::default::Default::default()).to_string();
    let every_field = literal.rest.is_none()
        && literal.fields.iter().all(|field| {
            let expr = &field.expr;
            let text = quote!(#expr).to_string();
            text == default || text == quote!(Default::default()).to_string()
        });
    let syn::Type::Path(ty) = &*item.self_ty else {
        return None;
    };
    every_field.then(|| ty.path.segments.last().map(|s| s.ident.to_string()))?
}

struct Unfilled;

impl VisitMut for Unfilled {
    fn visit_item_mod_mut(&mut self, item: &mut syn::ItemMod) {
        if item.ident != "defaults" {
            visit_mut::visit_item_mod_mut(self, item);
        }
    }

    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        if let syn::Expr::Call(call) = expr
            && let syn::Expr::Path(function) = &*call.func
            && function.path.segments.iter().any(|s| s.ident == "defaults")
        {
            *expr = syn::parse_quote!(::std::default::Default::default());
            return;
        }
        visit_mut::visit_expr_mut(self, expr);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn optional_fields_that_may_be_null_are_known_through_refs_and_all_of() {
        let schema = json!({
            "title": "issue event",
            "properties": {"issue": {"$ref": "#/$defs/Merged"}},
            "$defs": {
                "Issue": {
                    "required": ["id"],
                    "properties": {
                        "id": {"type": ["integer", "null"]},
                        "assignee": {"anyOf": [{"$ref": "#/$defs/User"}, {"type": "null"}]},
                        "closed_at": {"type": ["string", "null"]},
                        "title": {"type": "string"},
                        "response": {"description": "Any value."}
                    }
                },
                "User": {"type": "object"},
                "Merged": {"allOf": [
                    {"$ref": "#/$defs/Issue"},
                    {"properties": {"closed_at": {"type": "string"}}}
                ]}
            }
        });
        let lossless = Lossless::new(&schema);
        let pairs = |name: &str| -> Vec<&str> {
            lossless
                .nullable
                .iter()
                .filter(|(ty, _)| ty == name)
                .map(|(_, p)| p.as_str())
                .collect()
        };
        assert_eq!(pairs("Issue"), ["assignee", "closed_at", "response"]);
        // One part says `closed_at` is a string: merged, it may not be null.
        assert_eq!(pairs("Merged"), ["assignee", "response"]);
    }
}
