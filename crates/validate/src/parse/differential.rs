//! [`parse`], decoding from the tape, gives exactly what it gave when it read the bytes twice
//! ([`read_twice`], which it still takes for bytes the strict parser refuses): the same values,
//! the same violations, the same decoding errors; so do [`parse_verdict`] and
//! [`Schema::validate_with_models`], which find the type at run time. Checked on every example
//! of every embedded schema, valid and invalid, and on the examples its schema file gives, each
//! also written and mutated the ways senders and attackers stray from a schema, and on the
//! hostile corpus.
//!
//! The tape's decoding is also checked by itself against serde_json's: `parse` falls back to
//! serde_json when it fails, which would hide a decoding that fails wrongly.

use std::fmt::{Debug, Write};

use hookschema_models::comfydeploy::HttpValidationError;
use hookschema_models::{MAX_DEPTH, RootVisitor, SCHEMAS};
use serde_json::{Map, Value};

use super::*;
use crate::wellformed;
use hookschema_json::{self as parser, Buffers};

/// Values put in place of each value of a document, as written: every kind of value, numbers as
/// serde_json reads them differently (negative zero, integral floats, past `i64`, past `u64`,
/// past what a float holds exactly), escapes, a date-time with an escape, unknown shapes.
const REPLACEMENTS: &[&str] = &[
    "null",
    "true",
    "0",
    "-1",
    "-0",
    "2.0",
    "1.5",
    "1e3",
    "9007199254740993",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775809",
    r#""text""#,
    r#""caf\u00e9 \"quoted\" \/ \ud83d\ude00""#,
    r#""2025-03-26T12:45\u003a00Z""#,
    "[]",
    "{}",
    r#"[{"unknown": [1, null]}]"#,
    r#"{"unknown": {"nested": [true, -2.5]}}"#,
];

/// Items added to each array: alternatives no union knows, and an array's own first item again.
const EXTRA_ITEMS: &[&str] = &["42", r#"{"exception_message": "x"}"#, r#"["nested"]"#];

/// How a document is written out.
#[derive(Clone, Copy, PartialEq)]
enum Style {
    /// Compact, each object's keys in descending order (a Kaizen envelope's `type` before its
    /// `data`, as vendors send it).
    Descending,
    /// Compact, keys in ascending order (the envelope's `data` first, read ahead).
    Ascending,
    /// As `Descending`, every character of every string and key a `\u` escape.
    Escaped,
    /// As `Descending`, every integer written as a float (`2.0`).
    FloatIntegers,
}

fn write(value: &Value, style: Style, out: &mut String) {
    match value {
        Value::String(text) => write_string(text, style, out),
        Value::Number(n) if style == Style::FloatIntegers && !n.is_f64() => {
            write!(out, "{n}.0").expect("a String takes it");
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, style, out);
            }
            out.push(']');
        }
        Value::Object(members) => {
            let mut members: Vec<_> = members.iter().collect();
            if style != Style::Ascending {
                members.reverse();
            }
            out.push('{');
            for (i, (key, item)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, style, out);
                out.push(':');
                write(item, style, out);
            }
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn write_string(text: &str, style: Style, out: &mut String) {
    if style == Style::Escaped {
        out.push('"');
        for unit in text.encode_utf16() {
            write!(out, "\\u{unit:04x}").expect("a String takes it");
        }
        out.push('"');
    } else {
        out.push_str(&Value::from(text).to_string());
    }
}

fn written(value: &Value, style: Style) -> Vec<u8> {
    let mut out = String::new();
    write(value, style, &mut out);
    out.into_bytes()
}

/// `document` with the value at `pointer` written as `raw`.
fn replaced(document: &Value, pointer: &str, raw: &str) -> Vec<u8> {
    const MARK: &str = "\u{1}replaced\u{1}";
    let mut changed = document.clone();
    *changed.pointer_mut(pointer).expect("a pointer into it") = Value::from(MARK);
    let text = String::from_utf8(written(&changed, Style::Descending)).expect("UTF-8");
    let mark = Value::from(MARK).to_string();
    text.replacen(&mark, raw, 1).into_bytes()
}

/// `document` with the value at `pointer` changed by `change`.
fn changed(document: &Value, pointer: &str, change: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut changed = document.clone();
    change(changed.pointer_mut(pointer).expect("a pointer into it"));
    written(&changed, Style::Descending)
}

/// The JSON Pointer of every value in `value`, `at` its own.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                pointers(item, format!("{at}/{i}"), out);
            }
        }
        Value::Object(members) => {
            for (key, item) in members {
                let key = key.replace('~', "~0").replace('/', "~1");
                pointers(item, format!("{at}/{key}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

/// `document` written each way, and mutated at each of its values: replaced by each of
/// [`REPLACEMENTS`]; an object without each of its keys, with a key it does not declare, and
/// wrapped in an array; an array with [`EXTRA_ITEMS`], and as an object.
fn mutations(document: &Value) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = [
        Style::Descending,
        Style::Ascending,
        Style::Escaped,
        Style::FloatIntegers,
    ]
    .into_iter()
    .map(|style| written(document, style))
    .collect();
    let mut all = Vec::new();
    pointers(document, String::new(), &mut all);
    for pointer in all {
        for raw in REPLACEMENTS {
            out.push(replaced(document, &pointer, raw));
        }
        match &document.pointer(&pointer) {
            Some(Value::Object(members)) => {
                for key in members.keys() {
                    out.push(changed(document, &pointer, |object| {
                        object.as_object_mut().expect("an object").remove(key);
                    }));
                }
                out.push(changed(document, &pointer, |object| {
                    object["x-undeclared"] = Value::from("\"\u{e9}");
                }));
                out.push(changed(document, &pointer, |object| {
                    *object = Value::Array(vec![object.take()]);
                }));
            }
            Some(Value::Array(items)) => {
                let first = items.first().cloned().unwrap_or_default();
                for raw in EXTRA_ITEMS.iter().copied().chain([&*first.to_string()]) {
                    let item: Value = serde_json::from_str(raw).expect("JSON");
                    out.push(changed(document, &pointer, |array| {
                        array.as_array_mut().expect("an array").push(item);
                    }));
                }
                out.push(changed(document, &pointer, |array| {
                    *array = Value::Object(Map::from_iter([("0".to_owned(), first)]));
                }));
            }
            _ => {}
        }
    }
    out
}

/// The payloads schema `name` is checked on: its examples, valid and invalid, and those its
/// schema file gives, each as it is and mutated; and the hostile inputs sent as it.
fn payloads(name: &str) -> Vec<Vec<u8>> {
    let mut seeds: Vec<Vec<u8>> = hookschema_fixtures::all()
        .into_iter()
        .filter(|fixture| fixture.schema == name)
        .map(|fixture| fixture.bytes)
        .collect();
    let file = SchemaFile::named(name).expect("an embedded schema");
    let schema: Value = serde_json::from_str(file.text).expect("JSON");
    if let Some(examples) = schema["examples"].as_array() {
        seeds.extend(
            examples
                .iter()
                .map(|e| serde_json::to_vec(e).expect("JSON")),
        );
    }
    let mut payloads = Vec::new();
    for seed in seeds {
        if let Ok(document) = serde_json::from_slice::<Value>(&seed) {
            payloads.extend(mutations(&document));
        }
        payloads.push(seed);
    }
    payloads.extend(
        hookschema_fixtures::hostile()
            .into_iter()
            .filter(|case| case.schema == name)
            .map(|case| case.bytes),
    );
    payloads
}

/// What the payloads of a schema came to.
#[derive(Default, Debug)]
struct Tally {
    /// Decoded from the tape, valid.
    decoded: usize,
    /// Valid, but the model refused it (serde_json said where).
    undecodable: usize,
    /// Breaking the schema, or no JSON document.
    invalid: usize,
}

/// Checks `T`'s schema on its payloads, and says what they came to.
fn check<T: HasSchema + DeserializeOwned + PartialEq + Debug>() -> Tally {
    let schema = Schema::of::<T>();
    let mut tally = Tally::default();
    for bytes in payloads(T::SCHEMA.name) {
        let shown = String::from_utf8_lossy(&bytes[..bytes.len().min(2_000)]).into_owned();
        let parsed = parse::<T>(&bytes);
        let twice = read_twice::<T>(&schema, &bytes);
        assert_eq!(parsed, twice, "{shown}");
        // Without the type, the same verdicts, from one read too.
        let verdict = twice.as_ref().map(drop).map_err(Clone::clone);
        assert_eq!(parse_verdict(T::SCHEMA, &bytes), verdict, "{shown}");
        let (validated, models) = schema.validate_with_models(&bytes, true);
        assert_eq!(validated, schema.validate_bytes(&bytes), "{shown}");
        assert_eq!(models, (T::SCHEMA.decode)(&bytes), "{shown}");
        let refusing = schema.validate_with_models(&bytes, false);
        let expected = if validated.is_ok() { models } else { Ok(()) };
        assert_eq!(refusing, (validated, expected), "{shown}");
        match &parsed {
            Ok(_) => tally.decoded += 1,
            Err(invalid) if invalid.violations[0].kind == crate::ViolationKind::Decode => {
                tally.undecodable += 1;
            }
            Err(_) => tally.invalid += 1,
        }
        let mut buffers = Buffers::default();
        let mut tape = Vec::new();
        if parser::parse(&bytes, &mut buffers, &mut tape, MAX_DEPTH).is_ok()
            && wellformed::check(&tape).is_ok()
        {
            let from_tape = T::deserialize(TapeDeserializer::root(&tape)).ok();
            let from_bytes = serde_json::from_slice::<T>(&bytes).ok();
            assert_eq!(from_tape, from_bytes, "the tape decodes otherwise: {shown}");
        }
    }
    tally
}

/// Runs [`check`] with a schema's root type.
struct Check;

impl RootVisitor for Check {
    type Output = Tally;

    fn visit<T>(self) -> Tally
    where
        T: HasSchema + DeserializeOwned + Debug + PartialEq,
    {
        check::<T>()
    }
}

#[test]
fn parse_from_the_tape_gives_what_reading_twice_gave() {
    let mut checked = Vec::new();
    for file in SCHEMAS {
        let tally = file
            .with_root(Check)
            .expect("an embedded schema has a root type");
        // Every schema's payloads reach a decoded value and a violation both.
        assert!(
            tally.decoded > 0 && tally.invalid > 0,
            "{}: {tally:?}",
            file.name
        );
        checked.push(format!("{}: {tally:?}", file.name));
    }
    eprintln!("{}", checked.join("\n"));
}

/// A model of FastAPI's answer that reads a location's index as a wider or narrower integer
/// than the generated one: the tape leaves a 128-bit integer to serde_json, and a byte refuses
/// what the schema allows.
#[derive(serde::Deserialize, Debug, PartialEq)]
struct Located<I> {
    detail: Vec<Location<I>>,
}

#[derive(serde::Deserialize, Debug, PartialEq)]
struct Location<I> {
    loc: (String, I),
}

impl<I> HasSchema for Located<I> {
    const SCHEMA: &'static SchemaFile = HttpValidationError::SCHEMA;
}

fn located(index: &str) -> Vec<u8> {
    format!(r#"{{"detail": [{{"loc": ["body", {index}], "msg": "m", "type": "t"}}]}}"#).into_bytes()
}

#[test]
fn what_the_tape_cannot_decode_serde_json_decodes_from_the_bytes() {
    for index in ["3", "18446744073709551616", "1e2", "-0", "300"] {
        let bytes = located(index);
        let schema = Schema::of::<Located<i128>>();
        assert_eq!(
            parse::<Located<i128>>(&bytes),
            read_twice(&schema, &bytes),
            "{index}"
        );
        assert_eq!(
            parse::<Located<u8>>(&bytes),
            read_twice(&schema, &bytes),
            "{index}"
        );
    }
    // Past 64 bits, the tape holds a float: serde_json reads the digits.
    let wide = parse::<Located<i128>>(&located("18446744073709551616")).unwrap();
    assert_eq!(wide.detail[0].loc.1, 1 << 64);
    // Valid, but no byte: serde_json says where.
    let Invalid { violations, .. } = parse::<Located<u8>>(&located("300")).unwrap_err();
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].kind, crate::ViolationKind::Decode);
    assert_eq!(violations[0].instance_path, "/detail/0/loc/1");
}
