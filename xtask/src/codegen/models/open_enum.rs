//! Open enums: every string enum of a schema becomes a `#[non_exhaustive]` Rust enum with a
//! variant per listed value and `Unknown(String)` for any other, so a value a vendor adds later
//! decodes (and encodes back unchanged) instead of failing the delivery. The schema stays strict.
//!
//! This is the one place that decides it: typify is told the enum is replaced, and the
//! replacement is written here, with a method per question the vendor file's `meanings` answer
//! about its values (`is_terminal`), each value classified, or the generator refuses.

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::Result;
use crate::codegen::vendor_file::Meaning;

/// A string enum defined in a schema's `$defs`.
pub struct OpenEnum {
    pub name: String,
    description: String,
    values: Vec<String>,
}

/// The names the variant that keeps values the schema does not list takes: the first that no
/// listed value's variant has.
const CATCH_ALLS: &[&str] = &["Unknown", "Unlisted", "Other"];

impl OpenEnum {
    /// Every string enum in `schema`. They must live in `$defs`, where they have a name; an
    /// inline one is an error, so no enum escapes being opened.
    pub fn find_all(schema: &Value) -> Result<Vec<OpenEnum>> {
        let mut found = Vec::new();
        let defs = schema.get("$defs").and_then(Value::as_object);
        for (name, def) in defs.into_iter().flatten() {
            if let Some(values) = string_enum(def) {
                let description = def
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                found.push(OpenEnum {
                    name: name.clone(),
                    description: description.to_owned(),
                    values,
                });
            }
        }
        let mut pointers = Vec::new();
        find_enums("", schema, &mut pointers);
        let opened: Vec<String> = found
            .iter()
            .map(|e| format!("/$defs/{}/enum", e.name))
            .collect();
        if let Some(at) = pointers.iter().find(|p| !opened.contains(p)) {
            return Err(format!(
                "the enum at #{at} cannot be opened: make it a `$defs` entry of `\"type\": \"string\"`"
            )
            .into());
        }
        Ok(found)
    }

    /// The Rust code: the enum, its conversions, serde and schemars impls, and a method per
    /// meaning.
    pub fn tokens(&self, meanings: &[Meaning]) -> Result<TokenStream> {
        let name = format_ident!("{}", self.name);
        let (variants, catch_all) = self.variants();
        let meanings = meanings
            .iter()
            .map(|meaning| self.meaning(meaning, &variants))
            .collect::<Result<Vec<_>>>()?;
        let idents: Vec<_> = variants.iter().map(|v| format_ident!("{v}")).collect();
        let values = &self.values;
        let open_doc = format!(
            "Open: a value this version does not know decodes to `{catch_all}` with the string \
             kept, and encodes back unchanged; strict validation still reports it."
        );
        let catch_all = format_ident!("{catch_all}");
        let value_docs = values.iter().map(|v| format!("`{v}`"));
        let description = &self.description;
        let name_text = &self.name;
        Ok(quote! {
            #[doc = #description]
            #[doc = ""]
            #[doc = #open_doc]
            #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
            #[non_exhaustive]
            pub enum #name {
                #( #[doc = #value_docs] #idents, )*
                /// A value this version does not know, kept as sent.
                #catch_all(::std::string::String),
            }

            impl #name {
                /// Every value the schema lists, in its order.
                pub const KNOWN: &'static [Self] = &[#(Self::#idents),*];

                /// The value as it is written on the wire.
                pub fn as_str(&self) -> &str {
                    match self {
                        #( Self::#idents => #values, )*
                        Self::#catch_all(value) => value,
                    }
                }

                /// Whether the schema lists this value.
                pub fn is_known(&self) -> bool {
                    !matches!(self, Self::#catch_all(_))
                }

                #(#meanings)*
            }

            impl ::std::convert::From<&str> for #name {
                fn from(value: &str) -> Self {
                    match value {
                        #( #values => Self::#idents, )*
                        other => Self::#catch_all(other.to_owned()),
                    }
                }
            }

            impl ::std::convert::From<::std::string::String> for #name {
                fn from(value: ::std::string::String) -> Self {
                    match Self::from(value.as_str()) {
                        Self::#catch_all(_) => Self::#catch_all(value),
                        known => known,
                    }
                }
            }

            impl ::std::str::FromStr for #name {
                type Err = ::std::convert::Infallible;
                fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                    Ok(Self::from(value))
                }
            }

            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }

            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    crate::open_enum::deserialize(deserializer)
                }
            }

            impl ::schemars::JsonSchema for #name {
                fn schema_name() -> ::std::borrow::Cow<'static, str> {
                    #name_text.into()
                }
                fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                    crate::open_enum::json_schema(#description, &[#(#values),*])
                }
            }
        })
    }

    /// The method answering `meaning` for each value: yes for the values it lists under `true`,
    /// no for every other, unknown ones included. Every value the schema lists must be under
    /// `true` or `false`, once, and nothing else may be.
    fn meaning(&self, meaning: &Meaning, variants: &[String]) -> Result<TokenStream> {
        let at = format!("meaning `{}` of {}", meaning.method, self.name);
        if meaning.yes.is_empty() {
            return Err(format!("{at}: no value answers yes").into());
        }
        for value in meaning.yes.iter().chain(&meaning.no) {
            if !self.values.contains(value) {
                return Err(format!("{at}: `{value}` is not one of the enum's values").into());
            }
            if meaning.yes.contains(value) && meaning.no.contains(value) {
                return Err(format!("{at}: `{value}` is both true and false").into());
            }
        }
        if let Some(value) = self
            .values
            .iter()
            .find(|v| !meaning.yes.contains(v) && !meaning.no.contains(v))
        {
            return Err(format!(
                "{at}: `{value}` is neither true nor false; classify every value the schema lists"
            )
            .into());
        }
        let method = syn::parse_str::<syn::Ident>(&meaning.method)
            .map_err(|_| format!("{at}: not a method name"))?;
        let yes = self
            .values
            .iter()
            .zip(variants)
            .filter(|(value, _)| meaning.yes.contains(value))
            .map(|(_, variant)| format_ident!("{variant}"));
        let listed: Vec<String> = meaning.yes.iter().map(|v| format!("`{v}`")).collect();
        let doc = format!("{} Yes for {}.", meaning.description, listed.join(", "));
        Ok(quote! {
            #[doc = #doc]
            pub fn #method(&self) -> bool {
                matches!(self, #(Self::#yes)|*)
            }
        })
    }

    /// A variant name for each value, and the catch-all's. Any string is a value: one that
    /// starts with a digit (`"0"`, `"1.0.2"`) is `V` and its characters (`V0`, `V1_0_2`), one
    /// with no letter or digit is `Value` and its place, and two values that would share a
    /// name (`in-progress`, `in_progress`) are told apart by a number; the value on the wire is
    /// always the string itself.
    fn variants(&self) -> (Vec<String>, String) {
        let mut variants: Vec<String> = Vec::new();
        for (i, value) in self.values.iter().enumerate() {
            let camel = value.to_upper_camel_case();
            let base = if camel.starts_with(|c: char| c.is_ascii_digit()) {
                let digits: String = value
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                    .collect();
                format!("V{}", digits.trim_matches('_'))
            } else if camel.is_empty() || !camel.chars().all(|c| c.is_ascii_alphanumeric()) {
                format!("Value{}", i + 1)
            } else {
                camel
            };
            let mut variant = base.clone();
            let mut n = 2;
            while variants.contains(&variant) {
                variant = format!("{base}{n}");
                n += 1;
            }
            variants.push(variant);
        }
        let catch_all = CATCH_ALLS
            .iter()
            .find(|name| !variants.iter().any(|v| v == *name))
            .map_or_else(
                || format!("Unlisted{}", variants.len() + 1),
                |name| (*name).to_owned(),
            );
        (variants, catch_all)
    }
}

/// The values of a `{"type": "string", "enum": [...]}` schema.
fn string_enum(schema: &Value) -> Option<Vec<String>> {
    if schema.get("type")? != "string" {
        return None;
    }
    schema
        .get("enum")?
        .as_array()?
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// Pointers to every `enum` keyword in `node`.
fn find_enums(pointer: &str, node: &Value, found: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            for (key, child) in map {
                let here = format!("{pointer}/{key}");
                match key.as_str() {
                    "enum" => found.push(here),
                    // Values, not subschemas.
                    "const" | "examples" | "default" => {}
                    _ => find_enums(&here, child, found),
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                find_enums(&format!("{pointer}/{i}"), child, found);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn an_enum_outside_defs_cannot_escape_being_opened() {
        let schema = json!({
            "properties": {"mode": {"type": "string", "enum": ["fast", "slow"]}},
            "$defs": {"Status": {"type": "string", "enum": ["done"]}}
        });
        let error = OpenEnum::find_all(&schema).err().unwrap().to_string();
        assert!(error.contains("#/properties/mode/enum"), "{error}");

        let schema = json!({"$defs": {"Status": {"type": "string", "enum": ["done"]}}});
        let found = OpenEnum::find_all(&schema).unwrap();
        assert_eq!(found[0].values, ["done"]);
    }

    /// Any string is a value: digits (GitHub's `insecure_ssl` is `"0"` or `"1"`), `unknown`
    /// (one of Stripe's), punctuation, nothing, or two spellings of one name.
    #[test]
    fn every_string_is_a_variant_and_the_catch_all_clashes_with_none() {
        for (values, variants, catch_all) in [
            (
                json!(["0", "1", "1.0.2"]),
                vec!["V0", "V1", "V1_0_2"],
                "Unknown",
            ),
            (
                json!(["unknown", "known"]),
                vec!["Unknown", "Known"],
                "Unlisted",
            ),
            (
                json!(["in-progress", "in_progress"]),
                vec!["InProgress", "InProgress2"],
                "Unknown",
            ),
            (
                json!(["", "+", "a"]),
                vec!["Value1", "Value2", "A"],
                "Unknown",
            ),
        ] {
            let schema = json!({"$defs": {"Status": {"type": "string", "enum": values}}});
            let open = &OpenEnum::find_all(&schema).unwrap()[0];
            assert_eq!(
                open.variants(),
                (
                    variants.iter().map(|v| v.to_string()).collect(),
                    catch_all.to_owned()
                ),
                "{values}"
            );
            let generated = open.tokens(&[]).unwrap();
            syn::parse2::<syn::File>(generated).unwrap();
        }
    }

    fn meaning(yes: &[&str], no: &[&str]) -> Meaning {
        Meaning {
            method: "is_done".to_owned(),
            description: "Whether it is over.".to_owned(),
            yes: yes.iter().map(|v| v.to_string()).collect(),
            no: no.iter().map(|v| v.to_string()).collect(),
        }
    }

    /// A value the vendor file does not classify, or classifies twice, or that the enum does not
    /// have, stops the generator: code relying on a meaning must not guess a new value's.
    #[test]
    fn every_value_must_have_its_meaning() {
        let schema =
            json!({"$defs": {"Status": {"type": "string", "enum": ["queued", "done", "failed"]}}});
        let open = &OpenEnum::find_all(&schema).unwrap()[0];
        let generated = open
            .tokens(&[meaning(&["done", "failed"], &["queued"])])
            .unwrap()
            .to_string();
        assert!(generated.contains("pub fn is_done"), "{generated}");
        assert!(
            generated.contains("Self :: Done | Self :: Failed"),
            "{generated}"
        );
        for (bad, says) in [
            (
                meaning(&["done"], &["queued"]),
                "`failed` is neither true nor false",
            ),
            (
                meaning(&["done", "failed"], &["queued", "done"]),
                "`done` is both",
            ),
            (
                meaning(&["done", "failed", "paused"], &["queued"]),
                "`paused` is not one of",
            ),
            (
                meaning(&[], &["queued", "done", "failed"]),
                "no value answers yes",
            ),
        ] {
            let error = open.tokens(&[bad]).err().unwrap().to_string();
            assert!(error.contains(says), "{error}");
        }
    }
}
