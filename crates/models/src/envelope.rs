//! Event envelopes `{"type": …, "data": …}` whose known types decode into typed data and whose
//! other types are kept whole, so a receiver can log and acknowledge an event it does not know.
//!
//! The generator writes, for each envelope schema, an enum with one variant per documented
//! `type` and an `Unknown(UnknownEvent)` variant, and implements [`Envelope`] for it; the serde
//! plumbing here is shared.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeSeed, Error, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::decode::pointer;

/// How an error raised outside the input's path starts its message: then its JSON Pointer and
/// `: `.
pub(crate) const PLACE_PREFIX: &str = "at ";

/// An event whose `type` this version does not know: the type and the raw `data`, as sent. It
/// serialises as the envelope it came in, for a receiver to log or store.
#[derive(Clone, Debug, PartialEq)]
pub struct UnknownEvent {
    /// The event's `type`.
    pub event_type: String,
    /// The event's `data`, undecoded.
    pub data: Value,
}

impl Serialize for UnknownEvent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize(serializer, &self.event_type, &self.data)
    }
}

/// Implemented by the generated envelope enums.
pub(crate) trait Envelope: Sized {
    /// Whether `event_type` is one of the documented types.
    fn is_known(event_type: &str) -> bool;

    /// Decodes `data` for a documented `event_type`.
    fn decode_known<'de, D: Deserializer<'de>>(event_type: &str, data: D)
    -> Result<Self, D::Error>;

    fn unknown(event: UnknownEvent) -> Self;
}

/// Writes `{"type": event_type, "data": data}`.
pub(crate) fn serialize<S: Serializer, T: Serialize + ?Sized>(
    serializer: S,
    event_type: &str,
    data: &T,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(2))?;
    map.serialize_entry("type", event_type)?;
    map.serialize_entry("data", data)?;
    map.end()
}

/// Reads an envelope in one pass when `type` comes before `data` (as vendors send it); when
/// `data` comes first it is buffered as a JSON value and decoded once `type` is known. Out of
/// the input, that error cannot carry its path: its message starts with it
/// ([`PLACE_PREFIX`]`/data/…: `), which [`crate::DecodeError`] turns back into its pointer. Other
/// keys are ignored.
pub(crate) fn deserialize<'de, D: Deserializer<'de>, E: Envelope>(
    deserializer: D,
) -> Result<E, D::Error> {
    deserializer.deserialize_map(EnvelopeVisitor(PhantomData))
}

struct EnvelopeVisitor<E>(PhantomData<E>);

/// The envelope's keys.
enum Key {
    Type,
    Data,
    Other,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: Error>(self, key: &str) -> Result<Key, E> {
                Ok(match key {
                    "type" => Key::Type,
                    "data" => Key::Data,
                    _ => Key::Other,
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// Decodes `data` for a known type straight from the input.
struct KnownData<'a, E> {
    event_type: &'a str,
    envelope: PhantomData<E>,
}

impl<'de, E: Envelope> DeserializeSeed<'de> for KnownData<'_, E> {
    type Value = E;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<E, D::Error> {
        E::decode_known(self.event_type, deserializer)
    }
}

impl<'de, E: Envelope> Visitor<'de> for EnvelopeVisitor<E> {
    type Value = E;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(r#"an event object {"type": …, "data": …}"#)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<E, A::Error> {
        let mut event_type: Option<String> = None;
        let mut decoded: Option<E> = None;
        let mut raw: Option<Value> = None;
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Type if event_type.is_some() => return Err(A::Error::duplicate_field("type")),
                Key::Type => event_type = Some(map.next_value()?),
                Key::Data if decoded.is_some() || raw.is_some() => {
                    return Err(A::Error::duplicate_field("data"));
                }
                Key::Data => match event_type.as_deref() {
                    Some(known) if E::is_known(known) => {
                        decoded = Some(map.next_value_seed(KnownData {
                            event_type: known,
                            envelope: PhantomData,
                        })?);
                    }
                    _ => raw = Some(map.next_value()?),
                },
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let event_type = event_type.ok_or_else(|| A::Error::missing_field("type"))?;
        if let Some(event) = decoded {
            return Ok(event);
        }
        let data = raw.ok_or_else(|| A::Error::missing_field("data"))?;
        if E::is_known(&event_type) {
            // Out of the map, the error can no longer carry its path: the message does.
            let mut track = serde_path_to_error::Track::new();
            E::decode_known(
                &event_type,
                serde_path_to_error::Deserializer::new(data, &mut track),
            )
            .map_err(|e| {
                let at = pointer(&track.path());
                A::Error::custom(format!("{PLACE_PREFIX}/data{at}: {e}"))
            })
        } else {
            Ok(E::unknown(UnknownEvent { event_type, data }))
        }
    }
}

/// The schema of an envelope enum: each documented type with its data, or any other type with
/// any data.
pub(crate) fn json_schema(
    description: &str,
    known: Vec<(&str, schemars::Schema)>,
) -> schemars::Schema {
    let mut branches: Vec<Value> = known
        .into_iter()
        .map(|(event_type, data)| {
            serde_json::json!({
                "properties": {"type": {"const": event_type}, "data": data}
            })
        })
        .collect();
    branches.push(serde_json::json!({
        "description": "An event type this version does not know.",
        "properties": {"type": {"type": "string"}, "data": true}
    }));
    schemars::json_schema!({
        "description": description,
        "type": "object",
        "required": ["type", "data"],
        "anyOf": branches
    })
}
