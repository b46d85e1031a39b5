//! `hookschema validate`: strict validation, reported as text, JSON or FastAPI's 422 body.

use std::io::{self, Write};
use std::path::PathBuf;

use hookschema_catalog::rejection::http_validation_error;
use hookschema_validate::{Invalid, Schema, Violation};
use serde::Serialize;

use crate::format::Format;
use crate::input::{Input, read};
use crate::outcome::Outcome;

pub fn run(
    out: &mut impl Write,
    schema: &Schema,
    format: Format,
    files: &[PathBuf],
) -> io::Result<Outcome> {
    let mut worst = Outcome::Valid;
    let several = files.len() > 1;
    for file in files {
        let outcome = match read(file) {
            Ok(input) => report(out, schema, format, &input, several)?,
            Err(unreadable) => {
                eprintln!("hookschema: {}", unreadable.message());
                if let Format::Json = format {
                    let error = Violation {
                        instance_path: String::new(),
                        schema_path: String::new(),
                        message: unreadable.message(),
                        kind: hookschema_validate::ViolationKind::Unreadable,
                    };
                    let report = Report {
                        violations: std::slice::from_ref(&error),
                        more: false,
                    };
                    json_line(out, &unreadable.label, &report)?;
                }
                Outcome::Error
            }
        };
        worst = worst.max(outcome);
    }
    Ok(worst)
}

/// Reports one input. A FastAPI body is the body a request gets, so it names no file; among
/// several inputs, each body says which file it is, in a `file` key beside `detail`.
fn report(
    out: &mut impl Write,
    schema: &Schema,
    format: Format,
    input: &Input,
    several: bool,
) -> io::Result<Outcome> {
    let invalid = schema.validate_bytes(&input.bytes).err();
    let report = Report::of(invalid.as_ref());
    match format {
        Format::Text => text(out, &input.label, &report)?,
        Format::Json => json_line(out, &input.label, &report)?,
        Format::Fastapi => {
            let document = invalid.as_ref().and_then(|i| i.document.as_ref());
            let body = http_validation_error(report.violations, document);
            let mut body = serde_json::to_value(body)?;
            if several {
                body["file"] = serde_json::Value::from(input.label.as_str());
            }
            serde_json::to_writer(&mut *out, &body)?;
            writeln!(out)?;
        }
    }
    Ok(if report.violations.is_empty() {
        Outcome::Valid
    } else {
        Outcome::Invalid
    })
}

/// What is reported of one payload: its violations, up to `--max-errors`, and whether there
/// were more.
pub struct Report<'a> {
    pub violations: &'a [Violation],
    pub more: bool,
}

impl<'a> Report<'a> {
    pub fn of(invalid: Option<&'a Invalid>) -> Self {
        match invalid {
            Some(invalid) => Report {
                violations: &invalid.violations,
                more: invalid.more,
            },
            None => Report {
                violations: &[],
                more: false,
            },
        }
    }
}

/// `--format json`'s line for one input, fields in the order README.md documents; `more` only when
/// `--max-errors` held some back.
#[derive(Serialize)]
struct JsonReport<'a> {
    file: &'a str,
    valid: bool,
    errors: &'a [Violation],
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    more: bool,
}

fn json_line(out: &mut impl Write, file: &str, report: &Report<'_>) -> io::Result<()> {
    let line = JsonReport {
        file,
        valid: report.violations.is_empty(),
        errors: report.violations,
        more: report.more,
    };
    serde_json::to_writer(&mut *out, &line)?;
    writeln!(out)
}

/// The text report: `<label>: valid`, or `<label>: invalid` and one indented line per violation,
/// and a last line when `--max-errors` held some back.
pub fn text(out: &mut impl Write, label: &str, report: &Report<'_>) -> io::Result<()> {
    write!(out, "{label}")?;
    text_verdict(out, report)
}

/// The text report after its label: `: valid`, or `: invalid` and the violations' lines.
pub fn text_verdict(out: &mut impl Write, report: &Report<'_>) -> io::Result<()> {
    if report.violations.is_empty() {
        return writeln!(out, ": valid");
    }
    writeln!(out, ": invalid")?;
    for violation in report.violations {
        writeln!(out, "  {violation}")?;
    }
    if report.more {
        writeln!(
            out,
            "  … and perhaps more errors (at most --max-errors are shown, and a payload of over 16,384 values shows its first)"
        )?;
    }
    Ok(())
}
