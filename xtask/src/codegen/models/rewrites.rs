//! Rewrites of typify's output, so that the models decode every payload the strict schema
//! accepts and write back what they read:
//!
//! - date-times become `crate::Timestamp`, which keeps the text as sent and accepts
//!   ComfyDeploy's seconds-less `…T12:45Z`;
//! - numbers become `serde_json::Number`, which writes back an integer (`2`) or a float (`2.0`)
//!   as it was sent, where an `f64` writes `2.0` for both;
//! - non-negative integer fields are `u64` (typify picks `i64` once a `maximum` is set) and
//!   accept integral floats (`2.0`), as JSON Schema's `integer` does;
//! - a key that is required but may be null (typify's `Option` read with `Option::deserialize`)
//!   stays required in the schema schemars derives, which otherwise takes every `Option` for
//!   optional (see `crate::nullable` in the models);
//! - a property the schema marks with [`QUIRK`] (a wire quirk: what its sender writes outside
//!   the schema) decodes with the hand-written function the keyword names, from the vendor's
//!   `schemas/<vendor>/quirks.rs`;
//! - no struct denies unknown fields, whatever the schema's `additionalProperties`: strictness
//!   is validation's, and a model that refused a key the vendor adds tomorrow would make a
//!   receiver with models compiled in refuse what the schema-only receiver keeps.

use std::collections::{BTreeMap, BTreeSet};

use super::type_names::type_name;
use quote::quote;
use serde_json::Value;
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};

/// The type every `format: date-time` field gets instead of typify's `chrono::DateTime<Utc>`.
const TIMESTAMP: &str = "crate::Timestamp";
/// The type every `type: number` value gets instead of typify's `f64` (or `f32`, for `format:
/// float`), which writes back `2.0` for a `2` sent, and `0.10000000149011612` for an `f32`'s
/// `0.1`.
pub const NUMBER: &str = "::serde_json::Number";

/// hookschema's keyword for a wire quirk, on a property of the root or of a `$defs` entry: the
/// name of the function in the vendor's `quirks.rs` that decodes what the sender really writes
/// there. Validators ignore it (ajv in strict mode is told of it, see `checks/ajv.mjs`).
pub use hookschema_schema_diff::QUIRK;

/// The module the vendor's `quirks.rs` becomes, beside the schema modules.
pub const QUIRKS_MODULE: &str = "quirks";

pub struct Rewrites {
    chrono_utc: String,
    /// `(type, property)` pairs whose property is an integer of at least 0.
    counts: BTreeSet<(String, String)>,
    /// The struct being visited.
    current: String,
    /// `(type, property)` pairs the schema marks with [`QUIRK`], and the decoder each names.
    quirks: BTreeMap<(String, String), String>,
    /// The quirks applied so far, to catch one on a property that became no struct's field.
    applied: BTreeSet<(String, String)>,
}

impl Rewrites {
    pub fn new(schema: &Value) -> crate::Result<Self> {
        let mut counts = BTreeSet::new();
        let mut quirks = BTreeMap::new();
        let root_name = schema["title"].as_str().unwrap_or_default();
        let defs = schema["$defs"].as_object().into_iter().flatten();
        for (name, def) in
            std::iter::once((root_name, schema)).chain(defs.map(|(n, d)| (n.as_str(), d)))
        {
            for (property, subschema) in def["properties"].as_object().into_iter().flatten() {
                let key = (type_name(name), property.clone());
                let non_negative = subschema["minimum"].as_f64().is_some_and(|min| min >= 0.0);
                if subschema["type"] == "integer" && non_negative {
                    counts.insert(key.clone());
                }
                if let Some(decoder) = subschema.get(QUIRK) {
                    let decoder = decoder
                        .as_str()
                        .filter(|d| syn::parse_str::<syn::Ident>(d).is_ok())
                        .ok_or_else(|| {
                            format!("`{QUIRK}` of `{name}.{property}` is not a function's name")
                        })?;
                    quirks.insert(key, decoder.to_owned());
                }
            }
        }
        let mut places = Vec::new();
        quirk_places(schema, String::new(), &mut places);
        let marked = |pointer: &String| {
            let mut parts = pointer.split('/').skip(1);
            match (parts.next(), parts.next(), parts.next(), parts.next()) {
                (Some("properties"), Some(_), None, None) => true,
                (Some("$defs"), Some(_), Some("properties"), Some(_)) => parts.next().is_none(),
                _ => false,
            }
        };
        if let Some(pointer) = places.iter().find(|pointer| !marked(pointer)) {
            let pointer = if pointer.is_empty() {
                "the root"
            } else {
                pointer
            };
            return Err(format!(
                "`{QUIRK}` at {pointer}: it goes on a property of the root or of a `$defs` entry"
            )
            .into());
        }
        Ok(Rewrites {
            chrono_utc: quote!(::chrono::DateTime<::chrono::offset::Utc>).to_string(),
            counts,
            current: String::new(),
            quirks,
            applied: BTreeSet::new(),
        })
    }

    /// The decoders the schema's quirks name, each once.
    pub fn decoders(&self) -> BTreeSet<&str> {
        self.quirks.values().map(String::as_str).collect()
    }

    /// Fails if a quirk marks a property that the visit met as no struct's field.
    pub fn finish(&self) -> crate::Result<()> {
        match self.quirks.keys().find(|key| !self.applied.contains(*key)) {
            Some((ty, property)) => Err(format!(
                "`{QUIRK}` on `{ty}.{property}`: typify made no struct field of it, so there is \
                 nothing to decode with it"
            )
            .into()),
            None => Ok(()),
        }
    }
}

impl VisitMut for Rewrites {
    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        self.current = item.ident.to_string();
        item.attrs.retain(|attr| !denies_unknown_fields(attr));
        visit_mut::visit_item_struct_mut(self, item);
    }

    fn visit_item_enum_mut(&mut self, item: &mut syn::ItemEnum) {
        // A variant's fields are no struct's: no `(type, property)` pair names them.
        self.current = String::new();
        item.attrs.retain(|attr| !denies_unknown_fields(attr));
        visit_mut::visit_item_enum_mut(self, item);
    }

    fn visit_item_mod_mut(&mut self, item: &mut syn::ItemMod) {
        // typify's schema defaults are written as typify types them; the accessors that call
        // them convert (see `Lossless`).
        if item.ident != "defaults" {
            visit_mut::visit_item_mod_mut(self, item);
        }
    }

    fn visit_type_mut(&mut self, ty: &mut syn::Type) {
        let text = quote!(#ty).to_string();
        if text == self.chrono_utc {
            *ty = syn::parse_str(TIMESTAMP).expect("a type path");
        } else if text == "f64" || text == "f32" {
            *ty = syn::parse_str(NUMBER).expect("a type path");
        } else {
            visit_mut::visit_type_mut(self, ty);
        }
    }

    fn visit_field_mut(&mut self, field: &mut syn::Field) {
        // Its type first (a date-time is a `Timestamp`), so the attributes written below name
        // the type the field has.
        visit_mut::visit_field_mut(self, field);
        let wire_name = wire_name(field);
        if self
            .counts
            .contains(&(self.current.clone(), wire_name.clone()))
        {
            let ty = &field.ty;
            if quote!(#ty)
                .to_string()
                .starts_with(":: std :: option :: Option")
            {
                field.ty = syn::parse_quote!(::std::option::Option<u64>);
                field.attrs.push(
                    syn::parse_quote!(#[serde(default, deserialize_with = "crate::integer::optional")]),
                );
            } else {
                field.ty = syn::parse_quote!(u64);
                field.attrs.push(
                    syn::parse_quote!(#[serde(deserialize_with = "crate::integer::required")]),
                );
            }
        }
        if let Some(inner) = required_nullable(field) {
            let with = format!("crate::nullable::RequiredNullable<{inner}>");
            field
                .attrs
                .push(syn::parse_quote!(#[schemars(with = #with)]));
        }
        let key = (self.current.clone(), wire_name);
        if let Some(decoder) = self.quirks.get(&key) {
            let path = format!("super::{QUIRKS_MODULE}::{decoder}");
            field
                .attrs
                .push(syn::parse_quote!(#[serde(deserialize_with = #path)]));
            self.applied.insert(key);
        }
    }
}

/// The JSON Pointer of every object under `value` that has the [`QUIRK`] keyword.
fn quirk_places(value: &Value, at: String, places: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            if object.contains_key(QUIRK) {
                places.push(at.clone());
            }
            for (name, member) in object {
                let name = name.replace('~', "~0").replace('/', "~1");
                quirk_places(member, format!("{at}/{name}"), places);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                quirk_places(item, format!("{at}/{i}"), places);
            }
        }
        _ => {}
    }
}

/// The field's name in JSON: its `#[serde(rename)]`, or its identifier.
fn wire_name(field: &syn::Field) -> String {
    serde_string(field, "rename").unwrap_or_else(|| {
        field
            .ident
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default()
    })
}

/// The `T` of a key that must be present but may be null, which typify writes as an
/// `Option<T>` that serde reads with `Option::deserialize` (so a missing key is an error rather
/// than `None`).
fn required_nullable(field: &syn::Field) -> Option<String> {
    let option_deserialize = quote!(::std::option::Option::deserialize).to_string();
    let reads_option = serde_string(field, "deserialize_with")
        .and_then(|path| syn::parse_str::<syn::Path>(&path).ok())
        .is_some_and(|path| quote!(#path).to_string() == option_deserialize);
    let syn::Type::Path(ty) = &field.ty else {
        return None;
    };
    let last = ty.path.segments.last()?;
    match &last.arguments {
        syn::PathArguments::AngleBracketed(args) if reads_option && last.ident == "Option" => {
            let inner = args.args.first()?;
            // A path type: its tokens read as written without the spaces `quote` adds.
            Some(quote!(#inner).to_string().replace(' ', ""))
        }
        _ => None,
    }
}

/// The string of a `#[serde(key = "…")]` item on the field.
pub(super) fn serde_string(field: &syn::Field, key: &str) -> Option<String> {
    serde_items(field).into_iter().find_map(|item| match item {
        syn::Meta::NameValue(nv) if nv.path.is_ident(key) => match nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

/// Every item of every `#[serde(...)]` attribute on the field.
pub(super) fn serde_items(field: &syn::Field) -> Vec<syn::Meta> {
    field
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident("serde"))
        .filter_map(|attr| {
            attr.parse_args_with(Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
                .ok()
        })
        .flatten()
        .collect()
}

/// `#[serde(deny_unknown_fields)]`, which typify writes for `additionalProperties: false`.
fn denies_unknown_fields(attr: &syn::Attribute) -> bool {
    attr.path().is_ident("serde") && quote!(#attr).to_string().contains("deny_unknown_fields")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn rewritten(schema: &Value, code: &str) -> crate::Result<String> {
        let mut rewrites = Rewrites::new(schema)?;
        let mut file: syn::File = syn::parse_str(code).unwrap();
        rewrites.visit_file_mut(&mut file);
        rewrites.finish()?;
        Ok(prettyplease::unparse(&file))
    }

    #[test]
    fn a_property_marked_as_a_quirk_decodes_with_the_function_it_names() {
        let schema = json!({
            "title": "Order",
            "$defs": { "Line": { "properties": { "sku-code": { QUIRK: "sku", "type": "string" } } } }
        });
        let code = "pub struct Line { #[serde(rename = \"sku-code\")] pub sku_code: String }";
        let out = rewritten(&schema, code).unwrap();
        assert!(
            out.contains("deserialize_with = \"super::quirks::sku\""),
            "{out}"
        );
        let error = rewritten(&schema, "pub struct Line { pub other: String }").unwrap_err();
        assert_eq!(
            error.to_string(),
            "`x-hookschema-quirk` on `Line.sku-code`: typify made no struct field of it, so \
             there is nothing to decode with it"
        );
    }

    #[test]
    fn a_quirk_anywhere_but_on_a_property_is_refused_saying_where() {
        let misplaced =
            json!({ "title": "Order", "properties": { "a": { "items": { QUIRK: "x" } } } });
        let error = Rewrites::new(&misplaced).err().unwrap();
        assert_eq!(
            error.to_string(),
            "`x-hookschema-quirk` at /properties/a/items: it goes on a property of the root or \
             of a `$defs` entry"
        );
        let not_a_name =
            json!({ "title": "Order", "properties": { "a": { QUIRK: "not a name" } } });
        let error = Rewrites::new(&not_a_name).err().unwrap();
        assert_eq!(
            error.to_string(),
            "`x-hookschema-quirk` of `Order.a` is not a function's name"
        );
    }
}
