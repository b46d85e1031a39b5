//! Open unions: every `anyOf` in a schema's `$defs` becomes an enum with a variant per
//! alternative and a last `Other(serde_json::Value)`, so a value that fits no alternative is
//! kept as sent instead of failing the delivery. The schema stays strict.
//!
//! A union decodes on the value's first token, not with serde's `untagged` (which reads every
//! value ahead and tries each variant on it): a string, boolean or number goes straight to the
//! alternative of its JSON type, and only an object is read ahead, to be tried on each object
//! alternative in turn and kept whole if it fits none (`crate::open_union` in the models). For
//! that, every alternative is an object (`$ref` to a `$defs` object) or one JSON type, and no JSON
//! type is given twice. Encoding stays `untagged`: each variant writes its value as it is.
//!
//! Like open enums, typify is told the type is replaced, and the replacement is written here.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::references::{def_name, references};
use crate::Result;

/// An `anyOf` defined in a schema's `$defs`.
pub struct OpenUnion {
    pub name: String,
    description: String,
    variants: Vec<Variant>,
}

/// One alternative: the variant's name, the Rust type it holds, and the kind of JSON value that
/// selects it.
struct Variant {
    name: String,
    /// The type the variant holds: boxed when it refers back to the union (Stripe's `Customer`
    /// is a union's alternative and has such a union field), or the enum would be infinite.
    ty: TokenStream,
    /// The type a value of the alternative decodes to, `ty` unboxed.
    inner: TokenStream,
    kind: Kind,
}

impl Variant {
    /// What the variant holds, made of `value`, a decoded `inner`.
    fn held(&self) -> TokenStream {
        match self.ty.to_string() == self.inner.to_string() {
            true => quote!(value),
            false => quote!(::std::boxed::Box::new(value)),
        }
    }
}

/// The kind of JSON value an alternative takes, as the value's first token tells.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Object,
    String,
    Boolean,
    Integer,
    Number,
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
                .map(|branch| variant(schema, name, branch))
                .collect::<Result<Vec<_>>>()?;
            for (i, v) in variants.iter().enumerate() {
                if variants[..i].iter().any(|w| w.name == v.name) {
                    return Err(format!("{name}: two alternatives are `{}`", v.name).into());
                }
            }
            found.push(OpenUnion {
                name: name.clone(),
                description: def["description"].as_str().unwrap_or_default().to_owned(),
                variants,
            });
        }
        Ok(found)
    }

    /// The Rust code: the enum, a `From` per alternative, and its decoding.
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
        let inners: Vec<_> = self.variants.iter().map(|v| &v.inner).collect();
        let held: Vec<_> = self.variants.iter().map(Variant::held).collect();
        let hooks = self.hooks();
        quote! {
            #[doc = #description]
            #[doc = ""]
            #[doc = #open_doc]
            #[derive(::schemars::JsonSchema, ::serde::Serialize, Clone, Debug, PartialEq)]
            #[serde(untagged)]
            pub enum #name {
                #( #variants(#types), )*
                /// A value that fits no alternative, kept as sent.
                Other(::serde_json::Value),
            }

            #(
                impl ::std::convert::From<#inners> for #name {
                    fn from(value: #inners) -> Self {
                        Self::#variants(#held)
                    }
                }
            )*

            impl<'de> crate::open_union::OpenUnion<'de> for #name {
                fn other(value: ::serde_json::Value) -> Self {
                    Self::Other(value)
                }
                #hooks
            }

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    crate::open_union::deserialize(deserializer)
                }
            }
        }
    }

    /// What each kind of value becomes, for the kinds an alternative takes; the others keep the
    /// trait's default, `Other`.
    fn hooks(&self) -> TokenStream {
        let of = |kind: Kind| {
            self.variants
                .iter()
                .filter(move |v| v.kind == kind)
                .map(|v| format_ident!("{}", v.name))
        };
        let mut hooks = TokenStream::new();
        if let Some(variant) = of(Kind::Boolean).next() {
            hooks.extend(quote! {
                fn boolean(value: bool) -> Self {
                    Self::#variant(value)
                }
            });
        }
        if let Some(variant) = of(Kind::String).next() {
            hooks.extend(quote! {
                fn string(value: ::std::borrow::Cow<'de, str>) -> Self {
                    Self::#variant(value.into_owned())
                }
            });
        }
        // An integer fits both an `integer` and a `number` alternative: the first listed wins.
        // A `number` takes any number, kept as written (`2` stays `2`, `2.0` stays `2.0`), so
        // nothing after it is tried.
        let mut numbers = Vec::new();
        let mut last = quote!(Self::Other(::serde_json::Value::Number(value)));
        for v in &self.variants {
            let variant = format_ident!("{}", v.name);
            match v.kind {
                Kind::Integer => numbers.push(quote! {
                    if let Some(integer) = value.as_i64() {
                        return Self::#variant(integer);
                    }
                }),
                Kind::Number => {
                    last = quote!(Self::#variant(value));
                    break;
                }
                _ => {}
            }
        }
        if self
            .variants
            .iter()
            .any(|v| matches!(v.kind, Kind::Integer | Kind::Number))
        {
            hooks.extend(quote! {
                fn number(value: ::serde_json::Number) -> Self {
                    #(#numbers)*
                    #last
                }
            });
        }
        let objects: Vec<_> = of(Kind::Object).collect();
        let object_types: Vec<_> = self
            .variants
            .iter()
            .filter(|v| v.kind == Kind::Object)
            .map(|v| &v.inner)
            .collect();
        let held: Vec<_> = self
            .variants
            .iter()
            .filter(|v| v.kind == Kind::Object)
            .map(Variant::held)
            .collect();
        if !objects.is_empty() {
            hooks.extend(quote! {
                fn object<A: ::serde::de::MapAccess<'de>>(entries: A) -> ::std::result::Result<Self, A::Error> {
                    let object = crate::buffered::Object::read(entries)?;
                    #(
                        if let Some(value) = object.decode::<#object_types>() {
                            return Ok(Self::#objects(#held));
                        }
                    )*
                    Ok(Self::Other(object.into_value()))
                }
            });
        }
        hooks
    }
}

fn variant(schema: &Value, union: &str, branch: &Value) -> Result<Variant> {
    if let Some(reference) = branch.get("$ref").and_then(Value::as_str) {
        let target = reference
            .strip_prefix("#/$defs/")
            .ok_or_else(|| format!("{union}: `{reference}` is not a `$defs` entry"))?;
        if schema["$defs"][target]["type"] != "object" {
            return Err(format!(
                "{union}: `{reference}` is not an object schema (`\"type\": \"object\"`), the only \
                 kind of `$ref` an alternative may be"
            )
            .into());
        }
        let inner = format_ident!("{target}");
        let ty = match reaches(schema, target, union, &mut BTreeSet::new()) {
            true => quote!(::std::boxed::Box<#inner>),
            false => quote!(#inner),
        };
        return Ok(Variant {
            name: target.to_owned(),
            ty,
            inner: quote!(#inner),
            kind: Kind::Object,
        });
    }
    let (name, ty, kind) = match branch.get("type").and_then(Value::as_str) {
        Some("string") => ("String", quote!(::std::string::String), Kind::String),
        Some("boolean") => ("Boolean", quote!(bool), Kind::Boolean),
        Some("integer") => ("Integer", quote!(i64), Kind::Integer),
        Some("number") => ("Number", quote!(::serde_json::Number), Kind::Number),
        _ => return Err(format!("{union}: an alternative must be a `$ref` or a string, boolean, integer or number; found {branch}").into()),
    };
    Ok(Variant {
        name: name.to_owned(),
        inner: ty.clone(),
        ty,
        kind,
    })
}

/// Whether the `$defs` entry `from` refers, directly or through others, to the entry `to`.
fn reaches(schema: &Value, from: &str, to: &str, seen: &mut BTreeSet<String>) -> bool {
    if !seen.insert(from.to_owned()) {
        return false;
    }
    references(&schema["$defs"][from])
        .into_iter()
        .filter_map(def_name)
        .any(|target| target == to || reaches(schema, target, to, seen))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn union(alternatives: Value) -> Result<Vec<OpenUnion>> {
        OpenUnion::find_all(&json!({
            "$defs": {
                "Entry": {"anyOf": alternatives},
                "File": {"type": "object", "properties": {"url": {"type": "string"}}},
                "Kind": {"type": "string", "enum": ["a", "b"]}
            }
        }))
    }

    #[test]
    fn alternatives_the_first_token_cannot_tell_apart_are_refused() {
        let error = union(json!([{"$ref": "#/$defs/Kind"}, {"type": "boolean"}]))
            .err()
            .unwrap();
        assert!(
            error.to_string().contains("is not an object schema"),
            "{error}"
        );
        let error = union(json!([{"type": "string"}, {"type": "string", "format": "uri"}]))
            .err()
            .unwrap();
        assert!(
            error.to_string().contains("two alternatives are `String`"),
            "{error}"
        );
        let error = union(json!([{"type": "array"}])).err().unwrap();
        assert!(
            error.to_string().contains("an alternative must be"),
            "{error}"
        );
    }

    #[test]
    fn objects_and_json_types_make_a_union() {
        let unions = union(json!([
            {"$ref": "#/$defs/File"},
            {"type": "number"},
            {"type": "integer"}
        ]))
        .unwrap();
        let names: Vec<_> = unions[0].variants.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["File", "Number", "Integer"]);
    }
}
