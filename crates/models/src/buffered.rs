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

/// An object read ahead so that each object alternative can be tried on it and, if none fits,
/// it is kept as sent.
pub(crate) struct Object<'de>(Buffered<'de>);

impl<'de> Object<'de> {
    /// Reads the rest of the object `entries` is reading.
    pub(crate) fn read<A: MapAccess<'de>>(entries: A) -> Result<Self, A::Error> {
        Buffered::object(entries).map(Object)
    }

    /// The object as a `T`, if it is one. Why not is no concern of a union: it then tries its
    /// next alternative, or keeps the object.
    pub(crate) fn decode<T: Deserialize<'de>>(&self) -> Option<T> {
        T::deserialize(&self.0).ok()
    }

    /// The object as sent.
    pub(crate) fn into_value(self) -> Value {
        self.0.into_value()
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

#[cfg(all(test, feature = "comfydeploy"))]
/// The open unions, decoded from a value read ahead as from every other input.
mod open_unions {
    use std::fmt;

    use serde::de::DeserializeOwned;

    use super::*;
    use crate::comfydeploy::{LocationItem, MediaItem, OutputValue};

    /// `json` decoded as a `T` every way the models may be: from bytes, from a value read ahead
    /// (as an envelope's `data` sent before its `type` is), from a `Value` by value and by
    /// reference, and with serde_path_to_error over bytes and values; all must agree.
    fn decode<T: DeserializeOwned + PartialEq + fmt::Debug>(json: &str) -> T {
        let value: Value = serde_json::from_str(json).unwrap();
        let buffered: Buffered = serde_json::from_str(json).unwrap();
        let from_bytes: T = serde_json::from_slice(json.as_bytes()).unwrap();
        let tracked_bytes: T = serde_path_to_error::deserialize(
            &mut serde_json::Deserializer::from_slice(json.as_bytes()),
        )
        .unwrap();
        let from_buffered = T::deserialize(&buffered).unwrap();
        let tracked_buffered: T = serde_path_to_error::deserialize(&buffered).unwrap();
        let from_value: T = serde_json::from_value(value.clone()).unwrap();
        let from_ref = T::deserialize(&value).unwrap();
        let tracked_value: T = serde_path_to_error::deserialize(value).unwrap();
        for (how, decoded) in [
            ("tracked bytes", &tracked_bytes),
            ("a value read ahead", &from_buffered),
            ("a value read ahead, tracked", &tracked_buffered),
            ("a value", &from_value),
            ("a reference", &from_ref),
            ("a tracked value", &tracked_value),
        ] {
            assert_eq!(decoded, &from_bytes, "{json} from {how}");
        }
        from_bytes
    }

    fn kept(json: &str) -> Value {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn each_kind_of_value_goes_to_its_alternative() {
        let media = r#"{"url": "https://x/a.png", "type": "output", "filename": "a.png", "is_public": null, "extra": [1]}"#;
        let escaped =
            r#"{"u\u0072l": "https:\/\/x\/a.png", "type": "out\"put", "filename": "a.png"}"#;
        for json in [media, escaped] {
            let item: MediaItem = serde_json::from_str(json).unwrap();
            assert_eq!(decode::<OutputValue>(json), OutputValue::MediaItem(item));
        }
        assert_eq!(
            decode::<OutputValue>(r#""a red fox""#),
            OutputValue::String("a red fox".into())
        );
        assert_eq!(
            decode::<OutputValue>(r#""caf\u00e9""#),
            OutputValue::String("café".into())
        );
        assert_eq!(decode::<OutputValue>("true"), OutputValue::Boolean(true));
    }

    #[test]
    fn what_fits_no_alternative_is_kept_as_sent() {
        for json in [
            "null",
            "0",
            "-1.5",
            "18446744073709551615",
            "[]",
            r#"["a.png", true]"#,
            // An array of MediaItem's fields in order is no object: serde's `untagged` took it.
            r#"["a.png", true, null, null, "output", 1.0, "https://x/a.png"]"#,
            "{}",
            // A required field missing, a known field of the wrong type.
            r#"{"url": "https://x/a.png", "type": "output"}"#,
            r#"{"url": "https://x/a.png", "type": "output", "filename": "a.png", "is_public": "yes"}"#,
            r#"{"exception_message": "CUDA out of memory", "traceback": ["a", {"b": null}]}"#,
        ] {
            assert_eq!(
                decode::<OutputValue>(json),
                OutputValue::Other(kept(json)),
                "{json}"
            );
        }
    }

    #[test]
    fn an_object_with_a_key_repeated_is_kept_with_the_last() {
        // Only bytes can repeat a key: a `Value` has kept one already.
        let json = r#"{"url": "https://x/a.png", "type": "output", "filename": "a.png", "url": "https://x/b.png"}"#;
        assert_eq!(
            serde_json::from_str::<OutputValue>(json).unwrap(),
            OutputValue::Other(kept(json))
        );
        assert_eq!(kept(json)["url"], "https://x/b.png");
    }

    #[test]
    fn a_number_goes_to_the_integer_alternative_only_if_it_is_an_i64() {
        assert_eq!(decode::<LocationItem>("3"), LocationItem::Integer(3));
        assert_eq!(decode::<LocationItem>("-3"), LocationItem::Integer(-3));
        assert_eq!(
            decode::<LocationItem>("9223372036854775807"),
            LocationItem::Integer(i64::MAX)
        );
        for json in [
            "9223372036854775808",
            "3.0",
            "-0.5",
            "true",
            r#"{"a": 1}"#,
            "[0]",
        ] {
            assert_eq!(
                decode::<LocationItem>(json),
                LocationItem::Other(kept(json)),
                "{json}"
            );
        }
        assert_eq!(
            decode::<LocationItem>(r#""body""#),
            LocationItem::String("body".into())
        );
    }

    #[test]
    fn syntax_errors_in_an_object_read_ahead_point_into_it() {
        let json = br#"[{"url": "https://x/a.png", "type": "output", "filename": tru}]"#;
        let error = crate::from_slice::<Vec<OutputValue>>(json).unwrap_err();
        assert_eq!(
            (error.pointer.as_str(), error.message.as_str()),
            ("/0/filename", "expected ident")
        );
    }
}
