//! Event envelopes: a root schema `{"type": {"const": T}, "data": {"$ref": D}}` becomes an enum
//! with a variant per documented `type` (its data typed as `D`) and `Unknown(UnknownEvent)` for
//! any other type, keeping the type and the raw data. The schema stays strict: only `T` is
//! valid there.

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::Result;

/// A root schema that is an event envelope.
pub struct Envelope {
    name: String,
    description: String,
    event_type: String,
    data_type: String,
}

impl Envelope {
    /// The envelope `schema` describes, if it is one.
    pub fn find(schema: &Value) -> Result<Option<Envelope>> {
        let properties = &schema["properties"];
        let (Some(event_type), Some(reference)) = (
            properties["type"]["const"].as_str(),
            properties["data"]["$ref"].as_str(),
        ) else {
            return Ok(None);
        };
        let data_type = reference
            .strip_prefix("#/$defs/")
            .ok_or_else(|| format!("envelope data refers to `{reference}`, not a `$defs` entry"))?;
        Ok(Some(Envelope {
            name: schema["title"]
                .as_str()
                .unwrap_or_default()
                .to_upper_camel_case(),
            description: schema["description"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            event_type: event_type.to_owned(),
            data_type: data_type.to_owned(),
        }))
    }

    /// The Rust code: the enum and its serde, schemars and envelope impls.
    pub fn tokens(&self) -> TokenStream {
        let name = format_ident!("{}", self.name);
        let variant = format_ident!("{}", self.event_type.to_upper_camel_case());
        let data = format_ident!("{}", self.data_type);
        let event_type = &self.event_type;
        let description = &self.description;
        let variant_doc = format!("`{event_type}`, with its `data` decoded (boxed: it is large).");
        quote! {
            #[doc = #description]
            #[doc = ""]
            #[doc = "Open: an event `type` this version does not know decodes to `Unknown`, which keeps the type and the raw `data`."]
            #[derive(Clone, Debug, PartialEq)]
            #[non_exhaustive]
            pub enum #name {
                #[doc = #variant_doc]
                #variant(::std::boxed::Box<#data>),
                /// An event type this version does not know, kept as sent.
                Unknown(crate::UnknownEvent),
            }

            impl #name {
                /// The event types the schema documents.
                pub const KNOWN_TYPES: &'static [&'static str] = &[#event_type];

                /// The event's `type`, as sent.
                pub fn event_type(&self) -> &str {
                    match self {
                        Self::#variant(_) => #event_type,
                        Self::Unknown(event) => &event.event_type,
                    }
                }
            }

            impl crate::envelope::Envelope for #name {
                fn is_known(event_type: &str) -> bool {
                    Self::KNOWN_TYPES.contains(&event_type)
                }

                fn decode_known<'de, D: ::serde::Deserializer<'de>>(event_type: &str, data: D) -> ::std::result::Result<Self, D::Error> {
                    match event_type {
                        #event_type => <#data as ::serde::Deserialize>::deserialize(data).map(|data| Self::#variant(::std::boxed::Box::new(data))),
                        other => Err(<D::Error as ::serde::de::Error>::custom(format!("`{other}` is not a documented event type"))),
                    }
                }

                fn unknown(event: crate::UnknownEvent) -> Self {
                    Self::Unknown(event)
                }
            }

            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                    match self {
                        Self::#variant(data) => crate::envelope::serialize(serializer, #event_type, data),
                        Self::Unknown(event) => crate::envelope::serialize(serializer, &event.event_type, &event.data),
                    }
                }
            }

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    crate::envelope::deserialize(deserializer)
                }
            }

            impl ::schemars::JsonSchema for #name {
                fn schema_name() -> ::std::borrow::Cow<'static, str> {
                    stringify!(#name).into()
                }
                fn json_schema(generator: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                    crate::envelope::json_schema(#description, vec![(#event_type, generator.subschema_for::<#data>())])
                }
            }
        }
    }
}
