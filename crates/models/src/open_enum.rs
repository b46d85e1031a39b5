//! What the generated open enums share: decoding from any string, and their JSON Schema.
//!
//! The generator (`cargo xtask codegen`) turns every string enum of the schemas into an open
//! enum: one variant per listed value plus `Unknown(String)`, `#[non_exhaustive]`, so a value a
//! vendor adds later decodes instead of failing the delivery, and encodes back unchanged.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserializer;
use serde::de::{Error, Visitor};

/// Decodes an open enum from a string, reusing the string's allocation for unknown values.
pub(crate) fn deserialize<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str> + From<String>,
{
    struct StringVisitor<T>(PhantomData<T>);

    impl<T: for<'a> From<&'a str> + From<String>> Visitor<'_> for StringVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: Error>(self, value: &str) -> Result<T, E> {
            Ok(T::from(value))
        }

        fn visit_string<E: Error>(self, value: String) -> Result<T, E> {
            Ok(T::from(value))
        }
    }

    deserializer.deserialize_str(StringVisitor(PhantomData))
}

/// The schema of an open enum: the listed values, or any other string.
pub(crate) fn json_schema(description: &str, known: &[&str]) -> schemars::Schema {
    schemars::json_schema!({
        "description": description,
        "anyOf": [
            {"type": "string", "enum": known},
            {"type": "string", "description": "A value this version does not know yet."}
        ]
    })
}
