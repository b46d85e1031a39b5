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
//! - the wire quirks in [`QUIRKS`] decode with their hand-written decoders;
//! - no struct denies unknown fields, whatever the schema's `additionalProperties`: strictness
//!   is validation's, and a model that refused a key the vendor adds tomorrow would make a
//!   receiver with models compiled in refuse what the schema-only receiver keeps.

use std::collections::BTreeSet;

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

/// A field some sender writes outside its schema, decoded by a hand-written function.
struct Quirk {
    /// The struct and its field's JSON name.
    ty: &'static str,
    field: &'static str,
    /// The path of the `deserialize_with` function.
    decoder: &'static str,
}

/// The known wire quirks; each decoder's documentation says what it handles and why.
const QUIRKS: &[Quirk] = &[Quirk {
    ty: "WorkflowRunOutputModel",
    field: "data",
    decoder: "crate::quirks::comfydeploy_output_data",
}];

pub struct Rewrites {
    chrono_utc: String,
    /// `(type, property)` pairs whose property is an integer of at least 0.
    counts: BTreeSet<(String, String)>,
    /// The struct being visited.
    current: String,
    /// The quirks applied so far, to catch a stale [`QUIRKS`] entry.
    applied: BTreeSet<&'static str>,
    /// The types this schema defines, to tell which quirks concern it.
    types: BTreeSet<String>,
}

impl Rewrites {
    pub fn new(schema: &Value) -> Self {
        let mut counts = BTreeSet::new();
        let root_name = schema["title"].as_str().unwrap_or_default();
        let defs = schema["$defs"].as_object().into_iter().flatten();
        for (name, def) in
            std::iter::once((root_name, schema)).chain(defs.map(|(n, d)| (n.as_str(), d)))
        {
            for (property, subschema) in def["properties"].as_object().into_iter().flatten() {
                let key = (type_name(name), property.clone());
                let non_negative = subschema["minimum"].as_f64().is_some_and(|min| min >= 0.0);
                if subschema["type"] == "integer" && non_negative {
                    counts.insert(key);
                }
            }
        }
        let types = std::iter::once(root_name)
            .chain(
                schema["$defs"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(n, _)| n.as_str()),
            )
            .map(type_name)
            .collect();
        Rewrites {
            chrono_utc: quote!(::chrono::DateTime<::chrono::offset::Utc>).to_string(),
            counts,
            current: String::new(),
            applied: BTreeSet::new(),
            types,
        }
    }

    /// Fails if a quirk names a field of this schema's types that the visit did not meet.
    pub fn finish(&self) -> crate::Result<()> {
        for quirk in QUIRKS {
            if self.types.contains(quirk.ty) && !self.applied.contains(quirk.decoder) {
                return Err(format!(
                    "quirk {}: no field `{}` on `{}`",
                    quirk.decoder, quirk.field, quirk.ty
                )
                .into());
            }
        }
        Ok(())
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
        for quirk in QUIRKS
            .iter()
            .filter(|q| q.ty == self.current && q.field == wire_name)
        {
            let decoder = quirk.decoder;
            field
                .attrs
                .push(syn::parse_quote!(#[serde(deserialize_with = #decoder)]));
            self.applied.insert(decoder);
        }
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
