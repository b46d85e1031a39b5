//! What a payload must be, besides JSON, before its values are judged: nested no deeper than
//! serde_json reads, and with no key repeated in an object.
//!
//! The models decode with serde_json, which refuses nesting past [`MAX_DEPTH`]; the validator
//! reads a tape (`hookschema_json::parse`), which has no such limit. Checking the tape against the same limit
//! makes both refuse the same payloads, and keeps a hostile `[[[[…` from overflowing the stack
//! of anything that walks a value recursively (error reports, equality, `Drop`).
//!
//! A repeated key makes the payload mean different things to different readers: JavaScript and
//! Python keep the last value, serde refuses a repeated field, a schema validator may judge
//! either. A payload whose meaning depends on who reads it is not one a vendor sends (their JSON
//! encoders cannot write it), so it is refused, at the object that repeats the key.

use std::collections::HashSet;

use crate::violation::{Violation, ViolationKind};
use hookschema_json::KeyFilter;
use hookschema_json::{Tape, size};
use hookschema_models::MAX_DEPTH;

/// Whether `bytes` are one unambiguous JSON document, as the validator asks of a payload before
/// it judges any value: JSON, read as strictly as [`crate::Schema::validate_bytes`] reads it,
/// nested at most [`MAX_DEPTH`] levels deep, and with no key repeated in an object at any
/// depth. The first way they are not, with its JSON Pointer (or line and column). For a reader
/// that keeps the last copy of a repeated key (serde_json's `Value` does), so that it never
/// reads what a validator refuses.
pub fn wellformed(bytes: &[u8]) -> Result<(), Violation> {
    let mut buffers = hookschema_json::Buffers::default();
    let mut tape = Vec::new();
    match hookschema_json::parse(bytes, &mut buffers, &mut tape, MAX_DEPTH) {
        Ok(false) => Ok(()),
        Ok(true) => check(&tape),
        // The strict parser only says that bytes are not JSON; serde_json says what and where
        // (and, should the two ever part, decides, as it does for the validator).
        Err(hookschema_json::NotJson) => serde_json::from_slice::<serde::de::IgnoredAny>(bytes)
            .map(drop)
            .map_err(|error| Violation::not_json(&error, bytes)),
    }
}

/// The first way the parsed `tape` breaks the rules above, in document order.
pub(crate) fn check(tape: &[Tape<'_>]) -> Result<(), Violation> {
    // Where each open array or object ends: one past its last node.
    let mut ends = [0; MAX_DEPTH];
    let mut depth = 0;
    for (at, node) in tape.iter().enumerate() {
        while depth > 0 && ends[depth - 1] == at {
            depth -= 1;
        }
        if let Tape::Object { count, .. } | Tape::Array { count, .. } = node {
            if depth == MAX_DEPTH {
                return Err(Violation {
                    instance_path: pointer_to(tape, at),
                    schema_path: String::new(),
                    message: format!("arrays and objects nest deeper than {MAX_DEPTH} levels"),
                    kind: ViolationKind::TooDeep { limit: MAX_DEPTH },
                });
            }
            ends[depth] = at + count + 1;
            depth += 1;
        }
        if let Tape::Object { .. } = node
            && let Some(key) = repeated_key(tape, at)
        {
            return Err(Violation {
                instance_path: pointer_to(tape, at),
                schema_path: String::new(),
                message: format!("the key {key:?} appears more than once"),
                kind: ViolationKind::DuplicateKey {
                    key: key.to_owned(),
                },
            });
        }
    }
    Ok(())
}

/// The children of the array or object at `container`: each one's key (objects) and index.
fn children<'a>(
    tape: &'a [Tape<'a>],
    container: usize,
) -> impl Iterator<Item = (Option<&'a str>, usize)> + 'a {
    let (is_object, len) = match tape[container] {
        Tape::Object { len, .. } => (true, len),
        Tape::Array { len, .. } => (false, len),
        _ => (false, 0),
    };
    let mut next = container + 1;
    (0..len).map(move |_| {
        let key = match (is_object, &tape[next]) {
            (true, Tape::String(key)) => {
                next += 1;
                Some(*key)
            }
            _ => None,
        };
        let child = next;
        next += size(&tape[child]);
        (key, child)
    })
}

/// A key the object at `object` names twice, if any. This runs on every object of a payload
/// the parser suspects, and webhook objects are small: up to [`FILTERED`] keys, a [`KeyFilter`]
/// of cheap fingerprints lets most keys pass without a comparison, and only a key whose
/// fingerprint was seen is compared with the keys before it. Past that, a hash set.
fn repeated_key<'a>(tape: &'a [Tape<'a>], object: usize) -> Option<&'a str> {
    let mut filter = KeyFilter::default();
    let mut more: Option<HashSet<&str>> = None;
    for (n, (key, _)) in children(tape, object).enumerate() {
        let key = key.unwrap_or_default();
        if n < FILTERED {
            let seen = filter.insert(key)
                && children(tape, object)
                    .take(n)
                    .any(|(earlier, _)| earlier == Some(key));
            if seen {
                return Some(key);
            }
        } else if !more
            .get_or_insert_with(|| {
                children(tape, object)
                    .take(n)
                    .map(|(key, _)| key.unwrap_or_default())
                    .collect()
            })
            .insert(key)
        {
            return Some(key);
        }
    }
    None
}

/// How many keys of an object [`repeated_key`] tells apart by its filter alone.
const FILTERED: usize = 32;

/// The JSON Pointer of the value at tape index `target`.
fn pointer_to(tape: &[Tape<'_>], target: usize) -> String {
    let mut pointer = String::new();
    let mut at = 0;
    while at != target {
        let Some((key, child)) = children(tape, at)
            .enumerate()
            .map(|(index, (key, child))| (key.map_or_else(|| index.to_string(), escape), child))
            .take_while(|(_, child)| *child <= target)
            .last()
        else {
            break;
        };
        pointer.push('/');
        pointer.push_str(&key);
        at = child;
    }
    pointer
}

/// A key as a JSON Pointer step (RFC 6901).
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked(json: &str) -> Result<(), Violation> {
        let mut buffers = hookschema_json::Buffers::default();
        let mut tape = Vec::new();
        hookschema_json::parse(json.as_bytes(), &mut buffers, &mut tape, MAX_DEPTH).unwrap();
        check(&tape)
    }

    fn nested(depth: usize) -> String {
        format!("{}{}", "[".repeat(depth), "]".repeat(depth))
    }

    #[test]
    fn nesting_is_refused_exactly_where_serde_json_refuses_it() {
        for depth in [1, MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, 10_000] {
            let json = nested(depth);
            let serde = serde_json::from_str::<serde_json::Value>(&json).is_ok();
            assert_eq!(checked(&json).is_ok(), serde, "depth {depth}");
        }
        let deep = format!(r#"{{"a": [1, {{"b~/": {}}}]}}"#, nested(MAX_DEPTH));
        let violation = checked(&deep).unwrap_err();
        let inner = "/0".repeat(MAX_DEPTH - 3);
        assert_eq!(violation.instance_path, format!("/a/1/b~0~1{inner}"));
        assert_eq!(violation.kind, ViolationKind::TooDeep { limit: MAX_DEPTH });
    }

    #[test]
    fn a_repeated_key_is_found_in_any_object_small_or_large() {
        assert!(checked(r#"{"a": 1, "b": {"a": 1}, "c": [{"a": 1}]}"#).is_ok());
        let violation = checked(r#"{"a": 1, "b": [0, {"x": 1, "y": 2, "x": 3}]}"#).unwrap_err();
        assert_eq!(violation.instance_path, "/b/1");
        assert_eq!(violation.message, r#"the key "x" appears more than once"#);

        // Held on the stack, and past it in a hash set.
        for count in [40, 100] {
            let keys: Vec<String> = (0..count).map(|n| format!(r#""k{n}": {n}"#)).collect();
            assert!(checked(&format!("{{{}}}", keys.join(","))).is_ok());
            for again in ["k3", "k39"] {
                let repeated = format!(r#"{{{}, "{again}": 0}}"#, keys.join(","));
                let violation = checked(&repeated).unwrap_err();
                let expected = ViolationKind::DuplicateKey { key: again.into() };
                assert_eq!(violation.kind, expected);
                assert_eq!(violation.instance_path, "");
            }
        }
    }
}
