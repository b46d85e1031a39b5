//! One route, many schemas: which schema a delivery's body keeps, by the event it names. GitHub
//! sends every event to one URL, named in `X-GitHub-Event` (and, for most, a body's `action`);
//! Stripe too, named by the body's `type`. Framework-neutral: a receiver hands in a way to read
//! a header and the raw body.

use std::collections::HashMap;

use hookschema_validate::Schema;
use serde_json::value::RawValue;

/// How a webhook's deliveries are dispatched to schemas.
#[derive(Debug, Clone)]
pub struct Dispatch {
    /// Where the event's name is, in parts joined by `.`: a part that is absent ends the name
    /// there (GitHub's `push` has no `action`).
    pub by: Vec<EventPart>,
    /// Event names and their schemas. A name ending in `*` matches every name it starts; an
    /// exact name wins over a pattern, and a longer pattern over a shorter.
    pub schemas: Vec<(String, Schema)>,
    /// What is done with a delivery whose event no entry names.
    pub unknown: UnknownEvent,
}

/// One part of an event's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventPart {
    /// A header's value (`X-GitHub-Event`).
    Header(String),
    /// The string at a JSON Pointer into the body (`/action`, `/type`).
    Pointer(String),
}

/// What a receiver does with a delivery of an event it has no schema for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownEvent {
    /// Keep it, unchecked, noting the event had no schema: a vendor's new event is news, not
    /// an error.
    Keep,
    /// Refuse it with 422.
    Refuse,
}

impl Dispatch {
    /// The event a delivery names, from its headers (`header` reads one by name) and raw body;
    /// `None` when its first part is absent.
    pub fn event<'h>(
        &self,
        header: impl Fn(&str) -> Option<&'h str>,
        body: &[u8],
    ) -> Option<String> {
        let mut parts = Vec::new();
        for part in &self.by {
            let value = match part {
                EventPart::Header(name) => header(name).map(str::to_owned),
                EventPart::Pointer(pointer) => string_at(body, pointer),
            };
            match value {
                Some(value) => parts.push(value),
                None => break,
            }
        }
        (!parts.is_empty()).then(|| parts.join("."))
    }

    /// The schema for `event`: the entry naming it, else the longest pattern matching it.
    pub fn schema(&self, event: &str) -> Option<&Schema> {
        if let Some((_, schema)) = self.schemas.iter().find(|(name, _)| name == event) {
            return Some(schema);
        }
        self.schemas
            .iter()
            .filter_map(|(name, schema)| {
                let prefix = name.strip_suffix('*')?;
                event.starts_with(prefix).then_some((prefix.len(), schema))
            })
            .max_by_key(|(length, _)| *length)
            .map(|(_, schema)| schema)
    }

    /// Where the event's name is, for people: `X-GitHub-Event, /action`.
    pub fn shown(&self) -> String {
        let parts: Vec<&str> = self
            .by
            .iter()
            .map(|part| match part {
                EventPart::Header(name) | EventPart::Pointer(name) => name.as_str(),
            })
            .collect();
        parts.join(", ")
    }
}

/// The string at `pointer` (RFC 6901) in the JSON `body`, or the digits of an integer there;
/// `None` when there is none (or the body is not JSON, which validation then refuses). Only
/// the values on the way are read: the rest of the body is skipped, not built.
pub fn string_at(body: &[u8], pointer: &str) -> Option<String> {
    let mut value: &RawValue = serde_json::from_slice(body).ok()?;
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        let text = value.get();
        value = match text.as_bytes().first()? {
            b'{' => serde_json::from_str::<HashMap<String, &RawValue>>(text)
                .ok()?
                .remove(&token)?,
            b'[' => *serde_json::from_str::<Vec<&RawValue>>(text)
                .ok()?
                .get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    let text = value.get();
    match text.as_bytes().first()? {
        b'"' => serde_json::from_str(text).ok(),
        b'-' | b'0'..=b'9' if text.bytes().all(|b| b == b'-' || b.is_ascii_digit()) => {
            Some(text.to_owned())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pointer_finds_a_string_or_an_integer_at_any_depth() {
        let body = br#"{"id": "evt_1", "data": {"object": {"n": 42, "a/b": ["x", 1.5]}}}"#;
        assert_eq!(string_at(body, "/id").as_deref(), Some("evt_1"));
        assert_eq!(string_at(body, "/data/object/n").as_deref(), Some("42"));
        assert_eq!(string_at(body, "/data/object/a~1b/0").as_deref(), Some("x"));
        for nothing in ["/data/object/a~1b/1", "/missing", "/data", "/id/0"] {
            assert_eq!(string_at(body, nothing), None, "{nothing}");
        }
        assert_eq!(string_at(b"not json", "/id"), None);
    }

    fn dispatch() -> Dispatch {
        let schema = |name: &str| Schema::compile(name, "{}").unwrap();
        Dispatch {
            by: vec![
                EventPart::Header("X-Event".to_owned()),
                EventPart::Pointer("/action".to_owned()),
            ],
            schemas: vec![
                ("push".to_owned(), schema("v/push")),
                ("pull_request.opened".to_owned(), schema("v/opened")),
                ("pull_request.*".to_owned(), schema("v/pull-request")),
                ("pull_request.review*".to_owned(), schema("v/review")),
            ],
            unknown: UnknownEvent::Keep,
        }
    }

    #[test]
    fn the_event_is_its_parts_until_one_is_absent() {
        let dispatch = dispatch();
        let header = |value: Option<&'static str>| move |_: &str| value;
        let event = |h, body: &[u8]| dispatch.event(header(h), body);
        assert_eq!(event(Some("push"), b"{}").as_deref(), Some("push"));
        assert_eq!(
            event(Some("pull_request"), br#"{"action": "opened"}"#).as_deref(),
            Some("pull_request.opened")
        );
        assert_eq!(event(None, br#"{"action": "opened"}"#), None);
    }

    #[test]
    fn an_exact_name_wins_then_the_longest_pattern() {
        let dispatch = dispatch();
        let chosen = |event: &str| dispatch.schema(event).map(|s| s.name().to_owned());
        assert_eq!(chosen("pull_request.opened").as_deref(), Some("v/opened"));
        assert_eq!(
            chosen("pull_request.closed").as_deref(),
            Some("v/pull-request")
        );
        assert_eq!(
            chosen("pull_request.review_requested").as_deref(),
            Some("v/review")
        );
        assert_eq!(chosen("push.x"), None);
        assert_eq!(chosen("issues.opened"), None);
    }
}
