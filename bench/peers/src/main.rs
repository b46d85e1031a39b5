//! The Rust peers of `hookschema validate --ndjson` in bench/compare.sh, as a Rust team would
//! write batch validation without hookschema: read the archive, parse each line into a
//! `serde_json::Value` and validate it with a validator compiled once, either
//!
//! - `jsonschema`, the crate hookschema builds on, set up as hookschema sets it up (draft
//!   2020-12, formats asserted, unknown formats refused), but over `serde_json::Value` instead of
//!   hookschema's own parsed form of the payload; its formats are the ones hookschema's validator
//!   uses, so they are strict already; or
//! - `boon`, with format assertions on (draft 2020-12 leaves them off) and `date-time` replaced
//!   by [`strict_date_time`]: boon's own reads its numbers with `str::parse`, which takes a `+`
//!   sign, so it accepts `+123-01-01T00:00:00Z` and `…T00:00:00++5:30`, which hookschema rejects.
//!   Its `uuid` is as strict as hookschema's (8-4-4-4-12 ASCII hex digits, nothing around
//!   them); the tests below check both formats against jsonschema's.
//!
//! It prints what `hookschema validate --ndjson --format json` prints that compare.py checks:
//! `{"line": n}` per invalid line, then `{"summary": …}`.
//!
//! Usage: `hookschema-bench-peers <jsonschema|boon> <schema file> <NDJSON file>`

use std::error::Error;
use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;

use serde_json::Value;

/// A compiled validator: whether one parsed payload is valid.
type Validate = Box<dyn Fn(&Value) -> bool>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [mode, schema, file] = args.as_slice() else {
        eprintln!("usage: hookschema-bench-peers <jsonschema|boon> <schema file> <NDJSON file>");
        return ExitCode::from(2);
    };
    match run(mode, schema, file) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::from(2)
        }
    }
}

fn run(mode: &str, schema: &str, file: &str) -> Result<(), Box<dyn Error>> {
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(schema)?)?;
    let validate = match mode {
        "jsonschema" => jsonschema_validator(&schema)?,
        "boon" => boon_validator(schema)?,
        _ => return Err(format!("unknown mode {mode:?}: jsonschema or boon").into()),
    };
    let text = std::fs::read_to_string(file)?;
    let (mut lines, mut payloads, mut valid) = (0u64, 0u64, 0u64);
    let mut report = String::new();
    for (index, line) in text.lines().enumerate() {
        lines += 1;
        if line.trim().is_empty() {
            continue;
        }
        payloads += 1;
        // A line that is not JSON is invalid, as it is to every other tool compared.
        if serde_json::from_str(line).is_ok_and(|payload| validate(&payload)) {
            valid += 1;
        } else {
            writeln!(report, r#"{{"line":{}}}"#, index + 1)?;
        }
    }
    let invalid = payloads - valid;
    writeln!(
        report,
        r#"{{"summary":{{"lines":{lines},"payloads":{payloads},"valid":{valid},"invalid":{invalid}}}}}"#
    )?;
    std::io::stdout().lock().write_all(report.as_bytes())?;
    Ok(())
}

/// jsonschema over `serde_json::Value`, with the options hookschema-validate's `Schema` uses.
fn jsonschema_validator(schema: &Value) -> Result<Validate, Box<dyn Error>> {
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .should_ignore_unknown_formats(false)
        .build(schema)?;
    Ok(Box::new(move |payload| validator.is_valid(payload)))
}

/// boon, with formats asserted and hookschema's `date-time`.
fn boon_validator(schema: Value) -> Result<Validate, Box<dyn Error>> {
    // boon needs a location for the schema; its `$id` is the one the schema gives itself.
    let location = schema
        .get("$id")
        .and_then(Value::as_str)
        .unwrap_or("https://hookschema.dev/schema.json")
        .to_owned();
    let mut compiler = boon::Compiler::new();
    // For a schema without `$schema`; hookschema's name theirs, and it is the same draft.
    compiler.set_default_draft(boon::Draft::V2020_12);
    compiler.enable_format_assertions();
    compiler.register_format(boon::Format {
        name: "date-time",
        func: strict_date_time,
    });
    compiler.add_resource(&location, schema)?;
    let mut schemas = boon::Schemas::new();
    let index = compiler.compile(&location, &mut schemas)?;
    Ok(Box::new(move |payload| {
        schemas.validate(payload, index).is_ok()
    }))
}

/// boon's `date-time` format as hookschema means it (README.md, "For other languages"). Only
/// strings are judged, as JSON Schema's formats apply to strings only.
fn strict_date_time(value: &Value) -> Result<(), Box<dyn Error>> {
    match value {
        Value::String(text) if !is_date_time(text) => Err("not an RFC 3339 date-time".into()),
        _ => Ok(()),
    }
}

/// Whether `text` is an RFC 3339 date-time: a real calendar day, a `T`, a time with seconds (a
/// leap second only at 23:59:60 UTC), and `Z` or an offset with its colon; letters in either
/// case, ASCII digits only. The same rules as hookschema_webhooks/formats.py and
/// @hookschema/webhooks/formats, written for bytes.
fn is_date_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    // The number written by `bytes[from..to]`, all ASCII digits, or None.
    let number = |from: usize, to: usize| -> Option<u32> {
        bytes.get(from..to)?.iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let at = |index: usize, allowed: &[u8]| bytes.get(index).is_some_and(|c| allowed.contains(c));
    if !(at(4, b"-") && at(7, b"-") && at(10, b"Tt") && at(13, b":") && at(16, b":")) {
        return false;
    }
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = (
        number(0, 4),
        number(5, 7),
        number(8, 10),
        number(11, 13),
        number(14, 16),
        number(17, 19),
    ) else {
        return false;
    };
    let mut rest = 19;
    if at(rest, b".") {
        let digits = bytes[rest + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if digits == 0 {
            return false;
        }
        rest += 1 + digits;
    }
    let offset = match &bytes[rest..] {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (Some(hours), Some(minutes)) =
                (number(rest + 1, rest + 3), number(rest + 4, rest + 6))
            else {
                return false;
            };
            if hours > 23 || minutes > 59 {
                return false;
            }
            let minutes = i64::from(hours * 60 + minutes);
            if *sign == b'-' { -minutes } else { minutes }
        }
        _ => return false,
    };
    let leap_year = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap_year => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return false,
    };
    if !(1..=days).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return false;
    }
    second < 60 || (i64::from(hour * 60 + minute) - offset).rem_euclid(1440) == 23 * 60 + 59
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    /// Edge cases beyond checks/differential/format-probes.json: where boon's own formats or a
    /// hand-written check could go wrong.
    const MORE_DATE_TIMES: &[&str] = &[
        "+123-01-01T00:00:00Z",
        "2025-+1-01T00:00:00Z",
        "2025-01-01T+1:00:00Z",
        "2025-01-01T00:00:00++5:30",
        "2025-01-01T00:00:00+-5:30",
        "2025-01-01T00:00:00.5+05:30",
        "2025-01-01T00:00:00.5",
        "2025-01-01T00:00:00Z ",
        " 2025-01-01T00:00:00Z",
        "2025-01-01T00:00:00ZZ",
        "2025-01-01T00:00:00+05:30:00",
        "2025-01-01T00:00:00+0530",
        "2000-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z",
        "2025-04-31T00:00:00Z",
        "2025-00-10T00:00:00Z",
        "2025-13-10T00:00:00Z",
        "2025-01-00T00:00:00Z",
        "2025-01-01T23:60:00Z",
        "2025-01-01T00:00:61Z",
        "2025-01-01T00:00:00+23:59",
        "2025-01-01T00:00:00-00:60",
        "1998-12-31T23:59:60+00:00",
        "1999-01-01T00:59:60+01:00",
        "1998-12-31T22:59:60-01:00",
        "1998-12-31T23:59:60-01:00",
        "2025-01-01T00:00:60Z",
        "2025-01-01\u{0}00:00:00Z",
        "２０２５-01-01T00:00:00Z",
        "2025-01-01T00:00:00.١Z",
        "",
    ];
    const MORE_UUIDS: &[&str] = &[
        "+7e21c44-0f3a-4d8e-a1b2-6c9d0e7f8a11",
        "b7e21c44-0f3a-4d8e-a1b2-6c9d0e7f8a1g",
        "b7e21c44-0f3a-4d8e-a1b2-6c9d0e7f8a11-",
        "b7e21c44--0f3a-4d8e-a1b2-6c9d0e7f8a1",
        "b7e21c44-0f3a-4d8e-a1b2-6c9d0e7f8a1١",
        "",
    ];

    /// checks/differential/format-probes.json: edge cases of both formats, with their verdicts.
    fn format_probes() -> Value {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../checks/differential/format-probes.json"
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    /// Every `date-time` and `uuid` probe of checks/differential/format-probes.json, and the ones
    /// above, with the format each is for.
    fn probes() -> Vec<(&'static str, String)> {
        let file = format_probes();
        let mut probes = Vec::new();
        for probe in file["probes"].as_array().unwrap() {
            let format = match probe["format"].as_str().unwrap() {
                "date-time" => "date-time",
                "uuid" => "uuid",
                other => panic!("a probe of a format the benchmark does not know: {other}"),
            };
            for case in probe["values"].as_array().unwrap() {
                probes.push((format, case["value"].as_str().unwrap().to_owned()));
            }
        }
        probes.extend(
            MORE_DATE_TIMES
                .iter()
                .map(|text| ("date-time", (*text).to_owned())),
        );
        probes.extend(MORE_UUIDS.iter().map(|text| ("uuid", (*text).to_owned())));
        probes
    }

    /// A draft 2020-12 schema of one string format.
    fn format_schema(format: &str) -> Value {
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://hookschema.dev/probe.json",
            "format": format,
        })
    }

    /// boon, set up as the benchmark sets it up, judges every probe as jsonschema does, which is
    /// how hookschema judges them.
    #[test]
    fn boon_asserts_the_formats_as_hookschema() {
        let mut disagreements = Vec::new();
        for (format, text) in probes() {
            let schema = format_schema(format);
            let ours = super::jsonschema_validator(&schema).unwrap()(&json!(text));
            let boon = super::boon_validator(schema).unwrap()(&json!(text));
            if ours != boon {
                disagreements.push(format!("{format} {text:?}: jsonschema {ours}, boon {boon}"));
            }
        }
        assert!(disagreements.is_empty(), "{disagreements:#?}");
    }

    /// Why `date-time` is replaced: boon's own accepts what hookschema rejects. When this fails
    /// after a boon upgrade, boon's own may have become strict enough to keep.
    #[test]
    fn boons_own_date_time_is_too_lax() {
        let mut compiler = boon::Compiler::new();
        compiler.enable_format_assertions();
        let schema = format_schema("date-time");
        let location = schema["$id"].as_str().unwrap();
        compiler.add_resource(location, schema.clone()).unwrap();
        let mut schemas = boon::Schemas::new();
        let index = compiler.compile(location, &mut schemas).unwrap();
        let lax = json!("2025-01-01T00:00:00++5:30");
        assert!(schemas.validate(&lax, index).is_ok());
        assert!(!super::jsonschema_validator(&schema).unwrap()(&lax));
    }

    /// The hand-written check gives every `date-time` probe the verdict the probes file states,
    /// whatever jsonschema says.
    #[test]
    fn strict_date_time_matches_the_probes_verdicts() {
        let file = format_probes();
        for probe in file["probes"].as_array().unwrap() {
            if probe["format"] != "date-time" {
                continue;
            }
            for case in probe["values"].as_array().unwrap() {
                let text = case["value"].as_str().unwrap();
                assert_eq!(super::is_date_time(text), case["valid"] == true, "{text}");
            }
        }
    }
}
