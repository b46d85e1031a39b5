//! `hookschema validate`: strict validation, reported as text, JSON or FastAPI's 422 body.

use std::io::{self, Write};
use std::path::PathBuf;

use hookschema_validate::{Schema, Violation, http_validation_error};
use serde::Serialize;

use crate::Format;
use crate::input::{Input, read};
use crate::outcome::Outcome;

pub fn run(
    out: &mut impl Write,
    schema: &str,
    format: Format,
    files: &[PathBuf],
) -> io::Result<Outcome> {
    let schema = Schema::named(schema).expect("clap checked the schema name");
    let mut worst = Outcome::Valid;
    for file in files {
        let outcome = match read(file) {
            Ok(input) => report(out, schema, format, &input)?,
            Err(unreadable) => {
                eprintln!("hookschema: {}", unreadable.message());
                if let Format::Json = format {
                    let error = Violation {
                        instance_path: String::new(),
                        schema_path: String::new(),
                        message: unreadable.message(),
                        kind: hookschema_validate::ViolationKind::Unreadable,
                    };
                    json_line(out, &unreadable.label, std::slice::from_ref(&error))?;
                }
                Outcome::Error
            }
        };
        worst = worst.max(outcome);
    }
    Ok(worst)
}

fn report(
    out: &mut impl Write,
    schema: Schema,
    format: Format,
    input: &Input,
) -> io::Result<Outcome> {
    let (document, violations) = match schema.validate_bytes(&input.bytes) {
        Ok(()) => (None, Vec::new()),
        Err(invalid) => (invalid.document, invalid.violations),
    };
    match format {
        Format::Text => text(out, &input.label, &violations)?,
        Format::Json => json_line(out, &input.label, &violations)?,
        Format::Fastapi => {
            let body = http_validation_error(&violations, document.as_ref());
            serde_json::to_writer(&mut *out, &body)?;
            writeln!(out)?;
        }
    }
    Ok(if violations.is_empty() {
        Outcome::Valid
    } else {
        Outcome::Invalid
    })
}

/// `--format json`'s line for one input, fields in the contract's order.
#[derive(Serialize)]
struct JsonReport<'a> {
    file: &'a str,
    valid: bool,
    errors: &'a [Violation],
}

fn json_line(out: &mut impl Write, file: &str, errors: &[Violation]) -> io::Result<()> {
    let report = JsonReport {
        file,
        valid: errors.is_empty(),
        errors,
    };
    serde_json::to_writer(&mut *out, &report)?;
    writeln!(out)
}

/// The text report: `<label>: valid`, or `<label>: invalid` and one indented line per violation.
pub fn text(out: &mut impl Write, label: &str, violations: &[Violation]) -> io::Result<()> {
    if violations.is_empty() {
        return writeln!(out, "{label}: valid");
    }
    writeln!(out, "{label}: invalid")?;
    for violation in violations {
        writeln!(out, "  {violation}")?;
    }
    Ok(())
}
