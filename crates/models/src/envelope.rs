//! Event envelopes `{"type": …, "data": …}` whose known types decode into typed data and whose
//! other types are kept whole, so a receiver can log and acknowledge an event it does not know.
//!
//! The generator writes, for each envelope schema, an enum with one variant per documented
//! `type` and an `Unknown(UnknownEvent)` variant, and implements [`Envelope`] for it; the serde
//! plumbing here is shared.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeSeed, Error, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::buffered::Buffered;
use crate::place::{place, pointer};
use crate::text::Text;

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
/// `data` comes first it is read ahead, its strings borrowed from the input where they can be,
/// and decoded once `type` is known. Out of the input, that error cannot carry its path: its
/// message starts with it
/// (`at /data/…: `, see `place`), which [`crate::DecodeError`] turns back into its pointer. Other
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
        // Borrowed from the input where it can be: only an unknown event keeps it.
        let mut event_type: Option<Cow<'de, str>> = None;
        let mut data: Option<Data<'de, E>> = None;
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Type if event_type.is_some() => return Err(A::Error::duplicate_field("type")),
                Key::Type => event_type = Some(map.next_value::<Text>()?.0),
                Key::Data if data.is_some() => return Err(A::Error::duplicate_field("data")),
                Key::Data => {
                    data = Some(match event_type.as_deref() {
                        Some(known) if E::is_known(known) => {
                            Data::Decoded(map.next_value_seed(KnownData {
                                event_type: known,
                                envelope: PhantomData,
                            })?)
                        }
                        Some(_) => Data::Unknown(map.next_value()?),
                        None => Data::Ahead(map.next_value()?),
                    });
                }
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let event_type = event_type.ok_or_else(|| A::Error::missing_field("type"))?;
        let data = match data.ok_or_else(|| A::Error::missing_field("data"))? {
            Data::Decoded(event) => return Ok(event),
            Data::Ahead(data) if E::is_known(&event_type) => {
                return decode_ahead(&event_type, data);
            }
            Data::Unknown(data) => data,
            Data::Ahead(data) => data.into_value(),
        };
        Ok(E::unknown(UnknownEvent {
            event_type: event_type.into_owned(),
            data,
        }))
    }
}

/// An envelope's `data`, as read.
enum Data<'de, E> {
    /// Decoded straight from the input, its type known already.
    Decoded(E),
    /// Kept whole, its type known to be unknown.
    Unknown(Value),
    /// Read ahead of its type.
    Ahead(Buffered<'de>),
}

/// Decodes `data`, read ahead, for a known `event_type`. Data that fails is decoded again as a
/// `Value`, as it always was, tracking the path: a `Value` keeps the last of a repeated key,
/// which a struct read ahead refuses; and out of the map, an error can no longer carry its
/// path, so its message does.
fn decode_ahead<E: Envelope, Err: Error>(event_type: &str, data: Buffered) -> Result<E, Err> {
    E::decode_known(event_type, &data).or_else(|_| {
        let mut track = serde_path_to_error::Track::new();
        E::decode_known(
            event_type,
            serde_path_to_error::Deserializer::new(data.into_value(), &mut track),
        )
        .map_err(|e| {
            let at = pointer(&track.path());
            Err::custom(place(&format!("/data{at}"), &e))
        })
    })
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
