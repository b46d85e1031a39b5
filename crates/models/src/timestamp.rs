//! Date-times as the vendors send them: parsed for use, kept as text for an exact round trip.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::text::Text;

/// A date-time field (`format: date-time` in the schemas).
///
/// It keeps the text exactly as sent, so a model serialises back to the same string, and the
/// instant it names. Three shapes are accepted:
///
/// - RFC 3339 date-times, with any offset and any number of fractional digits
///   (`2025-03-26T12:45:46.123Z`, `2025-11-03T18:00:00+01:00`);
/// - ComfyDeploy's `2025-03-26T12:45Z`. Its sender formats `isoformat()[:-3] + "Z"` to cut
///   microseconds down to milliseconds; when the stored microseconds are exactly zero Python
///   prints no fraction, so the cut removes the seconds instead. The value is read as the start
///   of that minute, up to 59 s before the real instant, and [`Timestamp::seconds_lost`] says
///   so;
/// - `2018-04-25 20:42:10`, a date and time with no offset, as GitHub's older check-run
///   payloads (two of octokit/webhooks' published examples) carry them: read as UTC, and
///   [`Timestamp::zone_assumed`] says so.
///
/// The strict validator still reports the last two shapes, which are not RFC 3339.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Timestamp {
    text: String,
    instant: DateTime<FixedOffset>,
    seconds_lost: bool,
    zone_assumed: bool,
}

/// Text that is not a date-time in any accepted shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampError {
    text: String,
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not an RFC 3339 date-time", self.text)
    }
}

impl std::error::Error for TimestampError {}

impl Timestamp {
    /// Parses any accepted shape.
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        Self::parse_owned(text.to_owned())
    }

    /// Parses any accepted shape, keeping `text` itself: a decoder that owns the string
    /// gives it, so the text is not copied again.
    fn parse_owned(text: String) -> Result<Self, TimestampError> {
        let (instant, seconds_lost, zone_assumed) = match DateTime::parse_from_rfc3339(&text) {
            Ok(instant) => (instant, false, false),
            Err(_) => match (parse_seconds_lost(&text), parse_zoneless(&text)) {
                (Some(instant), _) => (instant, true, false),
                (None, Some(instant)) => (instant, false, true),
                (None, None) => return Err(TimestampError { text }),
            },
        };
        Ok(Timestamp {
            text,
            instant,
            seconds_lost,
            zone_assumed,
        })
    }

    /// The text exactly as sent.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The instant, in the offset it was sent with.
    pub fn instant(&self) -> DateTime<FixedOffset> {
        self.instant
    }

    /// The instant in UTC.
    pub fn to_utc(&self) -> DateTime<Utc> {
        self.instant.with_timezone(&Utc)
    }

    /// Whether this is ComfyDeploy's `…T12:45Z` shape, whose seconds the sender dropped: the
    /// real instant lies within the 60 s from [`Timestamp::instant`].
    pub fn seconds_lost(&self) -> bool {
        self.seconds_lost
    }

    /// Whether this is the `2018-04-25 20:42:10` shape, which names no offset: the instant is
    /// read as UTC.
    pub fn zone_assumed(&self) -> bool {
        self.zone_assumed
    }
}

/// Whether `text` is written as `shape` says, byte for byte: `d` a digit, anything else itself.
fn has_shape(text: &str, shape: &str) -> bool {
    text.len() == shape.len()
        && text.bytes().zip(shape.bytes()).all(|(b, s)| {
            if s == b'd' {
                b.is_ascii_digit()
            } else {
                b == s
            }
        })
}

/// `YYYY-MM-DD HH:MM:SS`, exactly: two-digit fields, a space, nothing else.
fn parse_zoneless(text: &str) -> Option<DateTime<FixedOffset>> {
    if !has_shape(text, "dddd-dd-dd dd:dd:dd") {
        return None;
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .ok()
        .map(|naive| naive.and_utc().fixed_offset())
}

/// `YYYY-MM-DDTHH:MMZ`, exactly: two-digit fields, nothing else.
fn parse_seconds_lost(text: &str) -> Option<DateTime<FixedOffset>> {
    if !has_shape(text, "dddd-dd-ddTdd:ddZ") {
        return None;
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%MZ")
        .ok()
        .map(|naive| naive.and_utc().fixed_offset())
}

/// A `Timestamp` for an instant, written as RFC 3339 in UTC with milliseconds, the way
/// ComfyDeploy writes its well-formed timestamps.
impl From<DateTime<Utc>> for Timestamp {
    fn from(instant: DateTime<Utc>) -> Self {
        Timestamp {
            text: instant.to_rfc3339_opts(SecondsFormat::Millis, true),
            instant: instant.fixed_offset(),
            seconds_lost: false,
            zone_assumed: false,
        }
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(text)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Chronological, then by text, so that the order agrees with equality.
impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> Ordering {
        self.instant
            .cmp(&other.instant)
            .then_with(|| self.text.cmp(&other.text))
    }
}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

/// Copies the text once, and not at all when the deserializer hands over a string of its own.
impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Text(text) = Text::deserialize(deserializer)?;
        Timestamp::parse_owned(text.into_owned()).map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> Cow<'static, str> {
        "Timestamp".into()
    }

    /// What the type accepts, which is more than the schemas' `date-time`: an RFC 3339
    /// date-time, ComfyDeploy's seconds-less shape, or GitHub's offset-less one.
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "anyOf": [
                {"format": "date-time"},
                {"pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}Z$"},
                {"pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$"}
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_text_is_kept_and_its_instant_parsed() {
        let ts = Timestamp::parse("2025-11-03T18:00:00.5+01:00").unwrap();
        assert_eq!(ts.as_str(), "2025-11-03T18:00:00.5+01:00");
        assert_eq!(ts.to_utc().to_rfc3339(), "2025-11-03T17:00:00.500+00:00");
        assert!(!ts.seconds_lost());
    }

    #[test]
    fn comfydeploy_seconds_lost_shape_is_the_start_of_its_minute() {
        let ts = Timestamp::parse("2025-03-26T12:45Z").unwrap();
        assert_eq!(ts.to_utc().to_rfc3339(), "2025-03-26T12:45:00+00:00");
        assert!(ts.seconds_lost());
        assert_eq!(
            serde_json::to_string(&ts).unwrap(),
            r#""2025-03-26T12:45Z""#
        );
    }

    #[test]
    fn a_date_and_time_with_no_offset_is_read_as_utc() {
        let at = Timestamp::parse("2018-04-25 20:42:10").unwrap();
        assert!(at.zone_assumed() && !at.seconds_lost());
        assert_eq!(at.to_utc().to_rfc3339(), "2018-04-25T20:42:10+00:00");
        assert_eq!(at.as_str(), "2018-04-25 20:42:10");
        assert!(
            !Timestamp::parse("2018-04-25T20:42:10Z")
                .unwrap()
                .zone_assumed()
        );
    }

    #[test]
    fn other_shapes_are_rejected_with_the_text() {
        for text in [
            "15/09/2025 14:02",
            "2018-04-25 20:42",
            "2018-04-25  20:42:1",
            "2025-03-26",
            "2025-03-26T12Z",
            "2025-13-01T00:00:00Z",
            "2025-1-1T1:5Z",
            "2025-03-26T12:45z",
            "",
        ] {
            let error = Timestamp::parse(text).unwrap_err();
            assert_eq!(
                error.to_string(),
                format!("`{text}` is not an RFC 3339 date-time")
            );
        }
    }

    #[test]
    fn decodes_from_borrowed_escaped_and_owned_strings() {
        let expected = Timestamp::parse("2025-03-26T12:45Z").unwrap();
        let borrowed: Timestamp = serde_json::from_str(r#""2025-03-26T12:45Z""#).unwrap();
        let escaped: Timestamp = serde_json::from_str(r#""2025-03-26T12:45\u005A""#).unwrap();
        let owned: Timestamp = serde_json::from_value("2025-03-26T12:45Z".into()).unwrap();
        assert_eq!(
            [borrowed, escaped, owned],
            [(); 3].map(|()| expected.clone())
        );
        let error = serde_json::from_value::<Timestamp>("2025-03-26".into()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "`2025-03-26` is not an RFC 3339 date-time"
        );
    }

    #[test]
    fn order_is_chronological_across_offsets() {
        let early = Timestamp::parse("2025-01-01T10:00:00+02:00").unwrap();
        let late = Timestamp::parse("2025-01-01T09:00:00Z").unwrap();
        assert!(early < late);
    }

    #[test]
    fn from_an_instant_writes_milliseconds_and_z() {
        let instant = DateTime::parse_from_rfc3339("2025-03-26T12:45:46.123456Z").unwrap();
        let ts = Timestamp::from(instant.with_timezone(&Utc));
        assert_eq!(ts.as_str(), "2025-03-26T12:45:46.123Z");
    }
}
