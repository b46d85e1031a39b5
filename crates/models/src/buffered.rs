//! JSON values read ahead, for the two places the models cannot decode a value as it comes: an
//! object an open union tries on each of its object alternatives, and an envelope's `data` sent
//! before its `type`.
//!
//! serde_json's `Value` would do, at a cost: a string for every key and value, a map for every
//! object. A [`Buffered`] value borrows its keys and strings from the input where the
//! deserializer lends them (serde_json reading a slice, for a string without escapes) and keeps
//! an object's entries in a vector, as sent. Read back, it gives a type what the input would
//! have.

use std::borrow::Cow;

use serde::de::value::{MapAccessDeserializer, MapDeserializer, SeqDeserializer};
use serde::de::{IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, forward_to_deserialize_any};
use serde_json::{Map, Number, Value};

use crate::open_union::{self, OpenUnion};
use crate::text::Text;

/// A JSON value read ahead.
pub(crate) enum Buffered<'de> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'de, str>),
    Array(Vec<Buffered<'de>>),
    /// Every entry in the order sent, a repeated key included, as a type decoding from it sees.
    Object(Vec<(Cow<'de, str>, Buffered<'de>)>),
}

impl Buffered<'_> {
    /// The value as serde_json would have decoded it: for a repeated key, the last one counts.
    pub(crate) fn into_value(self) -> Value {
        match self {
            Buffered::Null => Value::Null,
            Buffered::Bool(value) => Value::Bool(value),
            Buffered::Number(value) => Value::Number(value),
            Buffered::String(value) => Value::String(value.into_owned()),
            Buffered::Array(items) => {
                Value::Array(items.into_iter().map(Self::into_value).collect())
            }
            Buffered::Object(entries) => {
                let mut object = Map::new();
                for (key, value) in entries {
                    object.insert(key.into_owned(), value.into_value());
                }
                Value::Object(object)
            }
        }
    }
}

/// A value read ahead is what an open union sees, kind by kind.
impl<'de> OpenUnion<'de> for Buffered<'de> {
    /// Every other kind has its own method here, so only `null` comes this way.
    fn other(value: Value) -> Self {
        debug_assert!(value.is_null(), "{value}");
        Buffered::Null
    }

    fn boolean(value: bool) -> Self {
        Buffered::Bool(value)
    }

    fn number(value: Number) -> Self {
        Buffered::Number(value)
    }

    fn string(value: Cow<'de, str>) -> Self {
        Buffered::String(value)
    }

    fn array<A: SeqAccess<'de>>(mut items: A) -> Result<Self, A::Error> {
        let mut buffered = Vec::new();
        while let Some(item) = items.next_element()? {
            buffered.push(item);
        }
        Ok(Buffered::Array(buffered))
    }

    fn object<A: MapAccess<'de>>(mut entries: A) -> Result<Self, A::Error> {
        let mut buffered = Vec::with_capacity(entries.size_hint().unwrap_or(FIELDS));
        while let Some((Text(key), value)) = entries.next_entry()? {
            buffered.push((key, value));
        }
        Ok(Buffered::Object(buffered))
    }
}

/// Room for the entries of an object whose size the deserializer does not tell (serde_json
/// does not): objects read ahead are mostly records of a few fields, and a vector growing to
/// hold seven would be allocated twice.
const FIELDS: usize = 8;

impl<'de> Deserialize<'de> for Buffered<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        open_union::deserialize(deserializer)
    }
}

/// Reading a value read ahead as serde_json reads the input: what a type decodes from it is what
/// it decodes from the input, but for keys, which are lent for the visit only (no model borrows
/// its keys).
impl<'de> Deserializer<'de> for &Buffered<'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self {
            Buffered::Null => visitor.visit_unit(),
            Buffered::Bool(value) => visitor.visit_bool(*value),
            Buffered::Number(value) => value.deserialize_any(visitor),
            Buffered::String(Cow::Borrowed(value)) => visitor.visit_borrowed_str(value),
            Buffered::String(Cow::Owned(value)) => visitor.visit_str(value),
            Buffered::Array(items) => {
                let mut items = SeqDeserializer::new(items.iter());
                let value = visitor.visit_seq(&mut items)?;
                items.end()?;
                Ok(value)
            }
            Buffered::Object(entries) => {
                let mut entries = entries_of(entries);
                let value = visitor.visit_map(&mut entries)?;
                entries.end()?;
                Ok(value)
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self {
            Buffered::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    /// A unit variant is its name; any other variant an object of one entry, its name and its
    /// data.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match self {
            Buffered::String(name) => visitor.visit_enum(name.as_ref().into_deserializer()),
            Buffered::Object(entries) if entries.len() == 1 => {
                visitor.visit_enum(MapAccessDeserializer::new(entries_of(entries)))
            }
            // The visitor says what it found instead.
            _ => self.deserialize_any(visitor),
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

impl<'de> IntoDeserializer<'de, serde_json::Error> for &Buffered<'de> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

/// An object's entries, for a visitor.
fn entries_of<'a, 'de>(
    entries: &'a [(Cow<'de, str>, Buffered<'de>)],
) -> MapDeserializer<'de, impl Iterator<Item = (&'a str, &'a Buffered<'de>)>, serde_json::Error> {
    MapDeserializer::new(entries.iter().map(|(key, value)| (key.as_ref(), value)))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Each kind of field serde derives, and a string borrowed when it can be.
    #[derive(Deserialize, Debug, PartialEq)]
    struct Record<'a> {
        #[serde(borrow)]
        text: Cow<'a, str>,
        count: u8,
        ratio: f64,
        maybe: Option<bool>,
        wrapped: Wrapped,
        unit: Choice,
        variant: Choice,
        items: Vec<Choice>,
        pair: (i8, i8),
        nested: Option<Box<Record<'a>>>,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Wrapped(i64);

    #[derive(Deserialize, Debug, PartialEq)]
    enum Choice {
        Plain,
        Sized(u32),
        Pair(i8, i8),
        Named { name: String },
    }

    #[test]
    fn a_value_read_ahead_decodes_as_the_input_would() {
        let record = json!({
            "text": "borrowed", "count": 7, "ratio": 1, "maybe": null, "wrapped": -4,
            "unit": "Plain", "variant": {"Sized": 3}, "pair": [1, -1], "nested": null,
            "items": [{"Pair": [1, -1]}, {"Named": {"name": "n"}}, "Plain"],
            "ignored": [{"deep": true}, 18446744073709551615_u64, -1.5]
        });
        let with = |key: &str, value: Value| {
            let mut changed = record.clone();
            changed[key] = value;
            changed.to_string()
        };
        let cases = [
            record.to_string(),
            with("nested", record.clone()),
            with("maybe", json!(false)),
            with("text", json!("with \"escapes\"")),
            // Each refused.
            with("count", json!(300)),
            with("wrapped", json!(1.5)),
            with("unit", json!("Unknown")),
            with("unit", json!(5)),
            with("variant", json!({"Sized": 3, "Plain": null})),
            with("variant", json!({"Pair": [1]})),
            with("pair", json!([1, 2, 3])),
            with("items", json!({})),
            with("maybe", json!(0)),
            json!({"text": "t"}).to_string(),
            r#"{"text": "a", "text": "b"}"#.to_owned(),
        ];
        fn read(json: &str) -> Option<Record<'_>> {
            let buffered: Buffered = serde_json::from_str(json).unwrap();
            Record::deserialize(&buffered).ok()
        }
        for json in &cases {
            assert_eq!(read(json), serde_json::from_str(json).ok(), "{json}");
        }
        let lent = |json: &str| read(json).map(|record| matches!(record.text, Cow::Borrowed(_)));
        assert_eq!(lent(&cases[0]), Some(true), "an unescaped string is lent");
        assert_eq!(lent(&cases[3]), Some(false), "an escaped one is not");
        assert!(cases[4..].iter().all(|json| read(json).is_none()));
    }

    #[test]
    fn a_value_read_ahead_is_kept_as_sent() {
        for json in [
            "null",
            "[true, 0, -1, 18446744073709551615, 1.5, \"caf\\u00e9\", [], {}]",
            r#"{"b": {"nested": [null, {"x": "y"}]}, "a": "s", "\u0061a": 1}"#,
            // A key repeated: the last one counts, as in a `Value`.
            r#"{"k": 1, "k": 2}"#,
        ] {
            let buffered: Buffered = serde_json::from_str(json).unwrap();
            assert_eq!(
                buffered.into_value(),
                serde_json::from_str::<Value>(json).unwrap(),
                "{json}"
            );
        }
    }
}
