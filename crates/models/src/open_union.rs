//! What the generated open unions share: decoding on the value's first token.
//!
//! The generator (`cargo xtask codegen`) turns every `anyOf` of the schemas into an open union:
//! a variant per alternative plus `Other(Value)`. serde's `#[serde(untagged)]` would read each
//! value into its private buffer first and try the variants on it in turn, building an error for
//! every variant that does not fit (a text tried as an object, then as a boolean…), and a union
//! inside another copies that buffer again. Here the value's kind, which the first token tells,
//! picks the variant: a string, boolean or number goes at once to the alternative of its type, or
//! to `Other`; an array to `Other`. Only an object is read ahead, into a `buffered::Object` that
//! borrows its strings from the input where the deserializer lends them, because an object
//! that fits no alternative is kept whole. Nothing here depends on the format: any serde
//! deserializer works.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{Error, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Number, Value};

/// Implemented by the generated open unions: what each kind of value becomes. A kind the union
/// has no alternative for is kept as sent, in [`OpenUnion::other`].
pub(crate) trait OpenUnion<'de>: Sized {
    /// A value that fits no alternative.
    fn other(value: Value) -> Self;

    fn boolean(value: bool) -> Self {
        Self::other(Value::Bool(value))
    }

    fn number(value: Number) -> Self {
        Self::other(Value::Number(value))
    }

    fn string(value: Cow<'de, str>) -> Self {
        Self::other(Value::String(value.into_owned()))
    }

    fn array<A: SeqAccess<'de>>(items: A) -> Result<Self, A::Error> {
        Value::deserialize(SeqAccessDeserializer::new(items)).map(Self::other)
    }

    fn object<A: MapAccess<'de>>(entries: A) -> Result<Self, A::Error> {
        Value::deserialize(MapAccessDeserializer::new(entries)).map(Self::other)
    }
}

/// Decodes an open union from whatever value comes next.
pub(crate) fn deserialize<'de, D: Deserializer<'de>, U: OpenUnion<'de>>(
    deserializer: D,
) -> Result<U, D::Error> {
    deserializer.deserialize_any(FirstToken(PhantomData))
}

struct FirstToken<U>(PhantomData<U>);

impl<'de, U: OpenUnion<'de>> Visitor<'de> for FirstToken<U> {
    type Value = U;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: Error>(self) -> Result<U, E> {
        Ok(U::other(Value::Null))
    }

    fn visit_bool<E: Error>(self, value: bool) -> Result<U, E> {
        Ok(U::boolean(value))
    }

    fn visit_i64<E: Error>(self, value: i64) -> Result<U, E> {
        Ok(U::number(value.into()))
    }

    fn visit_u64<E: Error>(self, value: u64) -> Result<U, E> {
        Ok(U::number(value.into()))
    }

    fn visit_f64<E: Error>(self, value: f64) -> Result<U, E> {
        // Not finite: no JSON number, and `null` as serde_json's `Value` makes it.
        Ok(Number::from_f64(value).map_or(U::other(Value::Null), U::number))
    }

    fn visit_str<E: Error>(self, value: &str) -> Result<U, E> {
        Ok(U::string(Cow::Owned(value.to_owned())))
    }

    fn visit_borrowed_str<E: Error>(self, value: &'de str) -> Result<U, E> {
        Ok(U::string(Cow::Borrowed(value)))
    }

    fn visit_string<E: Error>(self, value: String) -> Result<U, E> {
        Ok(U::string(Cow::Owned(value)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, items: A) -> Result<U, A::Error> {
        U::array(items)
    }

    fn visit_map<A: MapAccess<'de>>(self, entries: A) -> Result<U, A::Error> {
        U::object(entries)
    }
}
