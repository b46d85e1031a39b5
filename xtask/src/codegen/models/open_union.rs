//! Open unions: every `anyOf` in a schema's `$defs` becomes an untagged enum with a variant per
//! alternative and a last `Other(serde_json::Value)`, so a value that fits no alternative is
//! kept as sent instead of failing the delivery. The schema stays strict.
//!
//! Like open enums, typify is told the type is replaced, and the replacement is written here.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::Result;

/// An `anyOf` defined in a schema's `$defs`.
pub struct OpenUnion {
    pub name: String,
    description: String,
    variants: Vec<Variant>,
}

/// One alternative: the variant's name and the Rust type it holds.
struct Variant {
    name: String,
    ty: TokenStream,
}

impl OpenUnion {
    /// Every `$defs` entry that is an `anyOf`.
    pub fn find_all(schema: &Value) -> Result<Vec<OpenUnion>> {
        let defs = schema.get("$defs").and_then(Value::as_object);
        let mut found = Vec::new();
        for (name, def) in defs.into_iter().flatten() {
            let Some(branches) = def.get("anyOf").and_then(Value::as_array) else {
                continue;
            };
            let variants = branches
                .iter()
                .map(|branch| variant(name, branch))
                .collect::<Result<Vec<_>>>()?;
            found.push(OpenUnion {
                name: name.clone(),
                description: def["description"].as_str().unwrap_or_default().to_owned(),
                variants,
            });
        }
        Ok(found)
    }

    /// The Rust code: the enum and a `From` per alternative.
    pub fn tokens(&self) -> TokenStream {
        let name = format_ident!("{}", self.name);
        let description = &self.description;
        let open_doc = "Open: a value that fits no alternative decodes to `Other` and encodes back \
                        unchanged; strict validation still reports it.";
        let variants: Vec<_> = self
            .variants
            .iter()
            .map(|v| format_ident!("{}", v.name))
            .collect();
        let types: Vec<_> = self.variants.iter().map(|v| &v.ty).collect();
        quote! {
            #[doc = #description]
            #[doc = ""]
            #[doc = #open_doc]
            #[derive(::schemars::JsonSchema, ::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
            #[serde(untagged)]
            pub enum #name {
                #( #variants(#types), )*
                /// A value that fits no alternative, kept as sent.
                Other(::serde_json::Value),
            }

            #(
                impl ::std::convert::From<#types> for #name {
                    fn from(value: #types) -> Self {
                        Self::#variants(value)
                    }
                }
            )*
        }
    }
}

fn variant(union: &str, branch: &Value) -> Result<Variant> {
    if let Some(reference) = branch.get("$ref").and_then(Value::as_str) {
        let target = reference
            .strip_prefix("#/$defs/")
            .ok_or_else(|| format!("{union}: `{reference}` is not a `$defs` entry"))?;
        let ty = format_ident!("{target}");
        return Ok(Variant {
            name: target.to_owned(),
            ty: quote!(#ty),
        });
    }
    let (name, ty) = match branch.get("type").and_then(Value::as_str) {
        Some("string") => ("String", quote!(::std::string::String)),
        Some("boolean") => ("Boolean", quote!(bool)),
        Some("integer") => ("Integer", quote!(i64)),
        Some("number") => ("Number", quote!(f64)),
        _ => return Err(format!("{union}: an alternative must be a `$ref` or a string, boolean, integer or number; found {branch}").into()),
    };
    Ok(Variant {
        name: name.to_owned(),
        ty,
    })
}
