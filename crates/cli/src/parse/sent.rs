//! Numbers as they were sent. The models keep a number as a 64-bit float or integer, so
//! `18446744073709551616` (2^64) comes back as `1.8446744073709552e19` and `1e-400` as `0.0`;
//! a store keeps the text. `parse` prints what the models keep, each number in the text it came
//! in wherever the models kept that number.

use std::collections::HashMap;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Number, Value};

/// A document as it was sent, for its numbers' text: arrays and objects by index and key, each
/// number as written. Other values are not needed.
pub enum Sent<'a> {
    Number(&'a str),
    Array(Vec<Sent<'a>>),
    Object(HashMap<String, Sent<'a>>),
    Other,
}

impl<'a> Sent<'a> {
    /// `text`, one JSON document the validator found well formed (no key repeated, nested 127
    /// levels at most), read again level by level.
    pub fn read(text: &'a str) -> Sent<'a> {
        let raw: &RawValue = serde_json::from_str(text).unwrap_or_else(|_| empty());
        Sent::of(raw)
    }

    fn of(raw: &'a RawValue) -> Sent<'a> {
        let text = raw.get();
        match text.as_bytes().first() {
            Some(b'{') => serde_json::from_str::<HashMap<String, &RawValue>>(text).map_or(
                Sent::Other,
                |members| {
                    Sent::Object(
                        members
                            .into_iter()
                            .map(|(key, value)| (key, Sent::of(value)))
                            .collect(),
                    )
                },
            ),
            Some(b'[') => serde_json::from_str::<Vec<&RawValue>>(text)
                .map_or(Sent::Other, |items| {
                    Sent::Array(items.into_iter().map(Sent::of).collect())
                }),
            Some(b'-' | b'0'..=b'9') => Sent::Number(text),
            _ => Sent::Other,
        }
    }
}

fn empty() -> &'static RawValue {
    serde_json::from_str("null").expect("null is JSON")
}

/// `kept` (what the models keep) serialised with the numbers of `sent` where they are the same
/// number.
pub struct Printed<'a> {
    pub kept: &'a Value,
    pub sent: Option<&'a Sent<'a>>,
}

impl Serialize for Printed<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match (self.kept, self.sent) {
            (Value::Number(kept), Some(Sent::Number(text))) if same(kept, text) => {
                let raw =
                    RawValue::from_string((*text).to_owned()).map_err(serde::ser::Error::custom)?;
                raw.serialize(serializer)
            }
            (Value::Array(items), sent) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for (n, kept) in items.iter().enumerate() {
                    let sent = match sent {
                        Some(Sent::Array(sent)) => sent.get(n),
                        _ => None,
                    };
                    seq.serialize_element(&Printed { kept, sent })?;
                }
                seq.end()
            }
            (Value::Object(members), sent) => {
                let mut map = serializer.serialize_map(Some(members.len()))?;
                for (key, kept) in members {
                    let sent = match sent {
                        Some(Sent::Object(sent)) => sent.get(key),
                        _ => None,
                    };
                    map.serialize_entry(key, &Printed { kept, sent })?;
                }
                map.end()
            }
            (kept, _) => kept.serialize(serializer),
        }
    }
}

/// Whether the number the models kept is the one `text` writes, as a 64-bit float reads both.
fn same(kept: &Number, text: &str) -> bool {
    let sent: Option<f64> = text.parse().ok();
    sent.is_some() && sent == kept.as_f64()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printed(sent: &str, kept: Value) -> String {
        let sent = Sent::read(sent);
        serde_json::to_string(&Printed {
            kept: &kept,
            sent: Some(&sent),
        })
        .unwrap()
    }

    #[test]
    fn numbers_are_printed_as_sent_where_the_models_kept_them() {
        let text = r#"{"big": 18446744073709551616, "tiny": 1e-400, "list": [1.50, -0.0], "n": 7}"#;
        let kept: Value = serde_json::from_str(text).unwrap();
        assert_eq!(
            kept["big"],
            serde_json::json!(1.8446744073709552e19),
            "what serde keeps"
        );
        assert_eq!(
            printed(text, kept),
            r#"{"big":18446744073709551616,"list":[1.50,-0.0],"n":7,"tiny":1e-400}"#
        );
    }

    #[test]
    fn a_number_the_models_changed_or_added_is_printed_as_kept() {
        let kept = serde_json::json!({"n": 8, "added": 0, "list": [2]});
        assert_eq!(
            printed(r#"{"n": 7, "list": "not a list"}"#, kept),
            r#"{"added":0,"list":[2],"n":8}"#
        );
    }
}
