//! Integers as JSON Schema counts them: `2.0` is the integer 2.
//!
//! serde's `u64` refuses `2.0`, while the strict validator accepts it for `"type": "integer"`.
//! Without this, a payload that keeps the schema could fail to decode, and a delivery would be
//! lost because a sender wrote its numbers as floats. The generator puts these functions on
//! every integer field; encoding is unchanged.

use std::fmt;

use serde::Deserializer;
use serde::de::{Error, Unexpected, Visitor};

/// Decodes a required non-negative integer, accepting integral floats.
pub(crate) fn required<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    deserializer.deserialize_any(Count)
}

/// Decodes an optional non-negative integer, accepting integral floats; `null` is `None`.
pub(crate) fn optional<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<u64>, D::Error> {
    deserializer.deserialize_option(OptionalCount)
}

struct Count;

impl Visitor<'_> for Count {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a non-negative integer")
    }

    fn visit_u64<E: Error>(self, value: u64) -> Result<u64, E> {
        Ok(value)
    }

    fn visit_i64<E: Error>(self, value: i64) -> Result<u64, E> {
        u64::try_from(value).map_err(|_| E::invalid_value(Unexpected::Signed(value), &self))
    }

    fn visit_f64<E: Error>(self, value: f64) -> Result<u64, E> {
        // 2^64 is the first float past u64::MAX; `as` is exact below it for integral values.
        const LIMIT: f64 = 18_446_744_073_709_551_616.0;
        if value.fract() == 0.0 && (0.0..LIMIT).contains(&value) {
            Ok(value as u64)
        } else {
            Err(E::invalid_value(Unexpected::Float(value), &self))
        }
    }
}

struct OptionalCount;

impl<'de> Visitor<'de> for OptionalCount {
    type Value = Option<u64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a non-negative integer or null")
    }

    fn visit_none<E: Error>(self) -> Result<Option<u64>, E> {
        Ok(None)
    }

    fn visit_unit<E: Error>(self) -> Result<Option<u64>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<u64>, D::Error> {
        required(deserializer).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Counts {
        #[serde(deserialize_with = "super::required")]
        required: u64,
        #[serde(default, deserialize_with = "super::optional")]
        optional: Option<u64>,
    }

    fn decode(json: &str) -> Result<Counts, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn integral_floats_are_integers() {
        assert_eq!(
            decode(r#"{"required": 2.0, "optional": 1e3}"#),
            Ok(Counts {
                required: 2,
                optional: Some(1000)
            })
        );
    }

    #[test]
    fn absent_and_null_optional_counts_are_none() {
        assert_eq!(
            decode(r#"{"required": 0}"#),
            Ok(Counts {
                required: 0,
                optional: None
            })
        );
        assert_eq!(
            decode(r#"{"required": 0, "optional": null}"#),
            Ok(Counts {
                required: 0,
                optional: None
            })
        );
    }

    #[test]
    fn fractions_negatives_and_overflow_are_refused() {
        for bad in ["1.5", "-1", "-1.0", "18446744073709551616", "1e20", "\"3\""] {
            let error = decode(&format!(r#"{{"required": {bad}}}"#)).unwrap_err();
            assert!(
                error.contains("expected a non-negative integer"),
                "{bad}: {error}"
            );
        }
    }
}
