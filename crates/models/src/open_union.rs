//! What the generated open unions share: decoding on the value's first token.
//!
//! The generator (`cargo xtask codegen`) turns every `anyOf` of the schemas into an open union:
//! a variant per alternative plus `Other(Value)`. serde's `#[serde(untagged)]` would read each
//! value into its private buffer first and try the variants on it in turn, building an error for
//! every variant that does not fit (a text tried as an object, then as a boolean…), and a union
//! inside another copies that buffer again. Here the value's kind, which the first token tells,
//! picks the variant: a string, boolean or number goes at once to the alternative of its type, or
//! to `Other`; an array to `Other`. Only an object is read ahead, into an [`Object`] that borrows
//! its strings from the input where the deserializer lends them ([`Buffered`]), because an object
//! that fits no alternative is kept whole. Nothing here depends on the format: any serde
//! deserializer works.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{Error, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Number, Value};

use crate::buffered::Buffered;

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

#[cfg(all(test, feature = "comfydeploy"))]
mod tests {
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
