//! Typed decoding from the tape that validation has already read ([`crate::tape`]), so that
//! hookschema-validate's `parse` reads a payload's bytes once instead of twice: walking the tape, its strings
//! unescaped and its numbers parsed already, takes about half the instructions serde_json takes
//! to decode the same model from the bytes.
//!
//! Every model must decode here to exactly what serde_json's `from_slice` makes of the same
//! bytes, so each request answers as serde_json's deserializer does, not as the more lenient
//! `serde_json::Value` one: a string hint refuses a number, a number hint a string; `null` is
//! `None` and anything else `Some`; an enum is a string (a unit variant) or an object of exactly
//! one member (a variant with content); a visitor that leaves elements or members unread fails
//! (serde_json then finds no closing bracket); keys are strings, whatever is asked. Numbers
//! arrive as the tape holds them, which is as serde_json reads them (`U64`, `I64`, `F64`), for
//! every numeric hint: the visitor judges what it is given.
//!
//! Strings are lent for `'de`, escaped ones too: their unescaped text lives in the parser's
//! buffers, which outlive the decoding. serde_json lends only strings without escapes and copies
//! the others, which a `&str` field would tell apart (serde_json refuses an escaped string
//! there); the models own their strings or take a `Cow`, and cannot.
//!
//! Where the tape no longer holds what serde_json would read, this refuses, and `parse` decodes
//! the bytes with serde_json instead: a key read as a number or a boolean (serde_json parses the
//! key's raw text, in which an escaped digit is no digit), and a float read as an `f32` or a
//! 128-bit integer (serde_json reads those from the digits, not from an `f64`). No model asks
//! for any of them.

use serde::de::{
    DeserializeSeed, EnumAccess, Error as _, Expected, MapAccess, SeqAccess, Unexpected,
    VariantAccess, Visitor,
};
use serde::{Deserialize, Deserializer, forward_to_deserialize_any};
use serde_json::Error;

use crate::tape::{Tape, size};

/// A value on the tape, to be decoded: the nodes it occupies, itself first.
#[derive(Clone, Copy)]
pub struct TapeDeserializer<'de> {
    nodes: &'de [Tape<'de>],
}

impl<'de> TapeDeserializer<'de> {
    /// The document whose tape `tape` is (the root's nodes are the whole tape).
    pub fn root(tape: &'de [Tape<'de>]) -> Self {
        TapeDeserializer { nodes: tape }
    }

    fn head(&self) -> Tape<'de> {
        self.nodes[0]
    }

    /// What the value is, for an error.
    fn unexpected(&self) -> Unexpected<'de> {
        match self.head() {
            Tape::String(s) => Unexpected::Str(s),
            Tape::Object { .. } => Unexpected::Map,
            Tape::Array { .. } => Unexpected::Seq,
            Tape::U64(n) => Unexpected::Unsigned(n),
            Tape::I64(n) => Unexpected::Signed(n),
            Tape::F64(n) => Unexpected::Float(n),
            Tape::Bool(b) => Unexpected::Bool(b),
            Tape::Null => Unexpected::Unit,
        }
    }

    fn invalid_type(&self, expected: &dyn Expected) -> Error {
        Error::invalid_type(self.unexpected(), expected)
    }

    /// An array's elements, to `visitor`, which must read them all.
    fn visit_elements<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        let mut elements = Elements {
            rest: &self.nodes[1..],
            len,
        };
        let value = visitor.visit_seq(&mut elements)?;
        if elements.len > 0 {
            return Err(Error::invalid_length(len, &"fewer elements in the array"));
        }
        Ok(value)
    }

    /// An object's members, to `visitor`, which must read them all.
    fn visit_members<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        let mut members = Members {
            rest: &self.nodes[1..],
            len,
            value: None,
        };
        let value = visitor.visit_map(&mut members)?;
        if members.len > 0 || members.value.is_some() {
            return Err(Error::invalid_length(len, &"fewer members in the object"));
        }
        Ok(value)
    }

    /// A number for a numeric hint, as the tape holds it.
    fn deserialize_number<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.head() {
            Tape::U64(n) => visitor.visit_u64(n),
            Tape::I64(n) => visitor.visit_i64(n),
            Tape::F64(n) => visitor.visit_f64(n),
            _ => Err(self.invalid_type(&visitor)),
        }
    }
}

/// What the tape cannot answer as serde_json would, reading the bytes: `parse` then decodes the
/// bytes with serde_json.
fn unreadable() -> Error {
    Error::custom("not decoded from the tape: serde_json reads this from the bytes")
}

/// Numeric hints, which serde_json answers with the number as it reads it, whatever the hint.
macro_rules! numbers {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            self.deserialize_number(visitor)
        }
    )*};
}

impl<'de> Deserializer<'de> for TapeDeserializer<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.head() {
            Tape::String(s) => visitor.visit_borrowed_str(s),
            Tape::Object { len, .. } => self.visit_members(len, visitor),
            Tape::Array { len, .. } => self.visit_elements(len, visitor),
            Tape::U64(n) => visitor.visit_u64(n),
            Tape::I64(n) => visitor.visit_i64(n),
            Tape::F64(n) => visitor.visit_f64(n),
            Tape::Bool(b) => visitor.visit_bool(b),
            Tape::Null => visitor.visit_unit(),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.head() {
            Tape::Bool(b) => visitor.visit_bool(b),
            _ => Err(self.invalid_type(&visitor)),
        }
    }

    numbers! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_f64
    }

    /// serde_json reads a fraction or an exponent straight into an `f32`, which rounding the
    /// tape's `f64` does not always give.
    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.head() {
            Tape::F64(_) => Err(unreadable()),
            _ => self.deserialize_number(visitor),
        }
    }

    /// serde_json reads the digits of an integer as an `i128` (a float fails); those past 64 bits
    /// the tape holds as a float.
    fn deserialize_i128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.head() {
            Tape::U64(n) => visitor.visit_i128(n.into()),
            Tape::I64(n) => visitor.visit_i128(n.into()),
            Tape::F64(_) => Err(unreadable()),
            _ => Err(self.invalid_type(&visitor)),
        }
    }

    /// As for `i128`; a negative number is out of range.
    fn deserialize_u128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.head() {
            Tape::U64(n) => visitor.visit_u128(n.into()),
            Tape::I64(_) => Err(Error::invalid_value(self.unexpected(), &visitor)),
            Tape::F64(_) => Err(unreadable()),
            _ => Err(self.invalid_type(&visitor)),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.head() {
            Tape::String(s) => visitor.visit_borrowed_str(s),
            _ => Err(self.invalid_type(&visitor)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    /// A string's UTF-8, or an array of byte values.
    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.head() {
            Tape::String(s) => visitor.visit_borrowed_bytes(s.as_bytes()),
            Tape::Array { len, .. } => self.visit_elements(len, visitor),
            _ => Err(self.invalid_type(&visitor)),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.head() {
            Tape::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.head() {
            Tape::Null => visitor.visit_unit(),
            _ => Err(self.invalid_type(&visitor)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.head() {
            Tape::Array { len, .. } => self.visit_elements(len, visitor),
            _ => Err(self.invalid_type(&visitor)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.head() {
            Tape::Object { len, .. } => self.visit_members(len, visitor),
            _ => Err(self.invalid_type(&visitor)),
        }
    }

    /// An object, or an array of the fields in order, as serde_json takes.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.head() {
            Tape::Object { len, .. } => self.visit_members(len, visitor),
            Tape::Array { len, .. } => self.visit_elements(len, visitor),
            _ => Err(self.invalid_type(&visitor)),
        }
    }

    /// A string is a unit variant; an object of one member is the variant its key names, with
    /// the member's value as its content.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.head() {
            Tape::String(_) => visitor.visit_enum(UnitVariant(self)),
            Tape::Object { len: 1, .. } => visitor.visit_enum(Variant {
                name: Key(TapeDeserializer {
                    nodes: &self.nodes[1..2],
                }),
                content: TapeDeserializer {
                    nodes: &self.nodes[2..],
                },
            }),
            Tape::Object { len, .. } => Err(Error::invalid_length(len, &"an object of one member")),
            _ => Err(self.invalid_type(&visitor)),
        }
    }

    /// Nothing to skip: the array or object holding the value moves past its nodes.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

/// An array's elements not yet read.
struct Elements<'de> {
    rest: &'de [Tape<'de>],
    len: usize,
}

impl<'de> SeqAccess<'de> for Elements<'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(first) = self.rest.first() else {
            return Ok(None);
        };
        let (nodes, rest) = self.rest.split_at(size(first));
        self.rest = rest;
        self.len -= 1;
        seed.deserialize(TapeDeserializer { nodes }).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.len)
    }
}

/// An object's members not yet read, and the value of the one whose key was just read.
struct Members<'de> {
    rest: &'de [Tape<'de>],
    len: usize,
    value: Option<TapeDeserializer<'de>>,
}

impl<'de> MapAccess<'de> for Members<'de> {
    type Error = Error;

    /// Another key before the last one's value is out of turn, as serde_json finds it.
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        if self.value.is_some() {
            return Err(Error::custom("a key read before the last key's value"));
        }
        if self.rest.is_empty() {
            return Ok(None);
        }
        let (key, rest) = self.rest.split_at(1);
        let (value, rest) = rest.split_at(size(&rest[0]));
        self.rest = rest;
        self.len -= 1;
        self.value = Some(TapeDeserializer { nodes: value });
        seed.deserialize(Key(TapeDeserializer { nodes: key }))
            .map(Some)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, Error> {
        let value = self
            .value
            .take()
            .ok_or_else(|| Error::custom("a value read before its key"))?;
        seed.deserialize(value)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.len)
    }
}

/// An object's key, a string on the tape, read as serde_json reads keys: a string whatever the
/// hint, but for a number or a boolean, which serde_json parses from the key's raw text.
struct Key<'de>(TapeDeserializer<'de>);

/// Hints serde_json answers from a key's raw text, which the tape no longer has.
macro_rules! unreadable_keys {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Error> {
            Err(unreadable())
        }
    )*};
}

impl<'de> Deserializer<'de> for Key<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.0.deserialize_str(visitor)
    }

    unreadable_keys! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
        deserialize_u128 deserialize_f32 deserialize_f64
    }

    /// A key is never null.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    /// A unit variant, named by the key.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.0.deserialize_enum(name, variants, visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.0.deserialize_bytes(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.0.deserialize_bytes(visitor)
    }

    forward_to_deserialize_any! {
        char str string unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

/// An enum sent as a string: its name, which has no content.
struct UnitVariant<'de>(TapeDeserializer<'de>);

impl<'de> EnumAccess<'de> for UnitVariant<'de> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), Error> {
        let variant = seed.deserialize(self.0)?;
        Ok((variant, self))
    }
}

impl<'de> VariantAccess<'de> for UnitVariant<'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _seed: T) -> Result<T::Value, Error> {
        Err(Error::invalid_type(
            Unexpected::UnitVariant,
            &"newtype variant",
        ))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value, Error> {
        Err(Error::invalid_type(
            Unexpected::UnitVariant,
            &"tuple variant",
        ))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Error> {
        Err(Error::invalid_type(
            Unexpected::UnitVariant,
            &"struct variant",
        ))
    }
}

/// An enum sent as an object of one member: the variant's name and its content.
struct Variant<'de> {
    name: Key<'de>,
    content: TapeDeserializer<'de>,
}

impl<'de> EnumAccess<'de> for Variant<'de> {
    type Error = Error;
    type Variant = TapeDeserializer<'de>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, TapeDeserializer<'de>), Error> {
        let variant = seed.deserialize(self.name)?;
        Ok((variant, self.content))
    }
}

/// A variant's content: `null` for a unit variant, as serde_json takes it.
impl<'de> VariantAccess<'de> for TapeDeserializer<'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        <()>::deserialize(self)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_struct("", fields, visitor)
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::collections::{BTreeMap, HashMap};
    use std::fmt::Debug;

    use serde::de::{DeserializeOwned, IgnoredAny};
    use serde_json::{Value, json};

    use super::*;
    use crate::parser::{self, Buffers};

    /// Decodes `json` from its tape, which `read` may borrow.
    fn with_tape<R>(json: &[u8], read: impl FnOnce(TapeDeserializer<'_>) -> R) -> R {
        let mut buffers = Buffers::default();
        let mut tape = Vec::new();
        parser::parse(json, &mut buffers, &mut tape, 127).expect("JSON");
        read(TapeDeserializer::root(&tape))
    }

    /// `json` decoded from its tape, or `None`, where serde_json, reading the bytes, must agree.
    fn agrees<T: DeserializeOwned + PartialEq + Debug>(json: &str) -> Option<T> {
        let from_tape = with_tape(json.as_bytes(), |tape| T::deserialize(tape).ok());
        let from_bytes = serde_json::from_str(json).ok();
        assert_eq!(from_tape, from_bytes, "{json}");
        from_tape
    }

    /// Each kind of field serde derives.
    #[derive(Deserialize, Debug, PartialEq)]
    struct Record {
        text: String,
        count: u8,
        ratio: f64,
        maybe: Option<bool>,
        wrapped: Wrapped,
        unit: Choice,
        variant: Choice,
        items: Vec<Choice>,
        pair: (i8, i8),
        nothing: (),
        map: BTreeMap<String, Value>,
        nested: Option<Box<Record>>,
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
    fn every_kind_of_field_decodes_as_from_the_bytes() {
        let record = json!({
            "text": "t", "count": 7, "ratio": 1, "maybe": null, "wrapped": -4,
            "unit": "Plain", "variant": {"Sized": 3}, "pair": [1, -1], "nothing": null,
            "map": {"a": [1, -1, 1.5, "x", null, true, {}]}, "nested": null,
            "items": [{"Pair": [1, -1]}, {"Named": {"name": "n"}}, "Plain", {"Plain": null}],
            "ignored": [{"deep": true}, 18446744073709551615_u64, -1.5]
        });
        let with = |key: &str, value: Value| {
            let mut changed = record.clone();
            changed[key] = value;
            changed.to_string()
        };
        let fine = [
            record.to_string(),
            with("nested", record.clone()),
            with("maybe", json!(false)),
            with("text", json!("with \"escapes\" and caf\u{e9}")),
            with("ratio", json!(-2.5e-3)),
            with("items", json!([])),
            // A struct may come as an array of its fields in order.
            with(
                "nested",
                json!([
                    "t",
                    0,
                    0,
                    null,
                    0,
                    "Plain",
                    "Plain",
                    [],
                    [0, 0],
                    null,
                    {},
                    null
                ]),
            ),
        ];
        let refused = [
            with("count", json!(300)),
            with("count", json!(2.0)),
            with("count", json!("7")),
            with("text", json!(7)),
            with("ratio", json!("1")),
            with("maybe", json!(0)),
            with("wrapped", json!(1.5)),
            with("unit", json!("Unknown")),
            with("unit", json!(5)),
            with("unit", json!({})),
            with("unit", json!({"Plain": 1})),
            with("unit", json!(["Plain"])),
            with("variant", json!({"Sized": 3, "Plain": null})),
            with("variant", json!("Sized")),
            with("variant", json!({"Pair": [1]})),
            with("variant", json!({"Pair": [1, 2, 3]})),
            with("variant", json!({"Named": "n"})),
            with("pair", json!([1, 2, 3])),
            with("pair", json!([1])),
            with("nothing", json!(0)),
            with("items", json!({})),
            with("map", json!([])),
            with("nested", json!(["t"])),
            with("nested", json!("t")),
            json!({"text": "t"}).to_string(),
            "[]".to_owned(),
            "null".to_owned(),
        ];
        for json in &fine {
            assert!(agrees::<Record>(json).is_some(), "{json}");
        }
        for json in &refused {
            assert!(agrees::<Record>(json).is_none(), "{json}");
        }
    }

    #[test]
    fn numbers_reach_the_visitor_as_read() {
        for json in [
            "0",
            "-0",
            "-1",
            "2.0",
            "1e3",
            "-9223372036854775808",
            "-9223372036854775809",
            "18446744073709551615",
            "18446744073709551616",
            "1e-400",
            "0.30000000000000004",
        ] {
            agrees::<Value>(json);
            agrees::<u64>(json);
            agrees::<i64>(json);
            agrees::<f64>(json);
            agrees::<u8>(json);
            agrees::<i32>(json);
            agrees::<Option<i16>>(json);
            agrees::<IgnoredAny>(json);
            agrees::<String>(json);
        }
    }

    #[test]
    fn strings_are_lent_escaped_or_not() {
        #[derive(Deserialize)]
        struct Lent<'a> {
            #[serde(borrow)]
            text: Cow<'a, str>,
        }
        for (json, text) in [
            (r#"{"text": "plain"}"#, "plain"),
            (
                r#"{"te\u0078t": "caf\u00e9 \"quoted\""}"#,
                "café \"quoted\"",
            ),
        ] {
            with_tape(json.as_bytes(), |tape| {
                let lent = Lent::deserialize(tape).unwrap();
                assert!(matches!(lent.text, Cow::Borrowed(_)), "{json}");
                assert_eq!(lent.text, text);
            });
        }
    }

    #[test]
    fn keys_are_strings_and_numeric_keys_are_left_to_serde_json() {
        agrees::<BTreeMap<String, u8>>(r#"{"b": 1, "\u0061": 2}"#).unwrap();
        #[derive(Deserialize, Debug, PartialEq, PartialOrd, Ord, Eq)]
        enum Side {
            Left,
            Right,
        }
        agrees::<BTreeMap<Side, u8>>(r#"{"Left": 1, "Right": 2}"#).unwrap();
        assert_eq!(agrees::<BTreeMap<Side, u8>>(r#"{"Up": 1}"#), None);
        // serde_json parses a key's raw text as a number, where an escaped digit is none.
        let numeric = r#"{"1": "a", "\u0032": "b"}"#;
        assert!(serde_json::from_str::<HashMap<u32, String>>(r#"{"1": "a"}"#).is_ok());
        assert!(serde_json::from_str::<HashMap<u32, String>>(numeric).is_err());
        with_tape(numeric.as_bytes(), |tape| {
            let error = HashMap::<u32, String>::deserialize(tape).unwrap_err();
            assert!(
                error
                    .to_string()
                    .contains("serde_json reads this from the bytes")
            );
        });
    }

    /// A visitor that stops early leaves serde_json before a closing bracket it does not find.
    #[test]
    fn what_a_visitor_leaves_unread_fails() {
        struct First;
        impl<'de> Visitor<'de> for First {
            type Value = Option<u8>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("anything")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Option<u8>, A::Error> {
                items.next_element()
            }
            fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Option<u8>, A::Error> {
                Ok(entries.next_key::<String>()?.map(|_| 0))
            }
        }
        impl<'de> Deserialize<'de> for FirstOf {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any(First).map(FirstOf)
            }
        }
        #[derive(Debug, PartialEq)]
        struct FirstOf(Option<u8>);
        assert_eq!(agrees::<FirstOf>("[1]"), Some(FirstOf(Some(1))));
        assert_eq!(agrees::<FirstOf>("[]"), Some(FirstOf(None)));
        assert_eq!(agrees::<FirstOf>("[1, 2]"), None);
        assert_eq!(agrees::<FirstOf>("{}"), Some(FirstOf(None)));
        assert_eq!(agrees::<FirstOf>(r#"{"a": 1}"#), None);
    }
}
