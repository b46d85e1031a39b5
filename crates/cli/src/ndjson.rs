//! `hookschema validate --ndjson`: an archive of deliveries, one payload per line, validated as
//! a stream: quiet on valid lines, one report per invalid line, a summary at the end.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::PathBuf;

use hookschema_validate::{Schema, Violation};
use serde::Serialize;

use crate::Format;
use crate::outcome::Outcome;

/// Lines are read into one buffer, reused: memory holds a line at a time.
const READ_BUFFER: usize = 1 << 16;

pub fn run(
    out: &mut impl Write,
    schema: &str,
    format: Format,
    files: &[PathBuf],
) -> io::Result<Outcome> {
    let schema = Schema::named(schema).expect("clap checked the schema name");
    if matches!(format, Format::Fastapi) {
        eprintln!(
            "hookschema: --ndjson reports as text or json; FastAPI bodies answer one request"
        );
        return Ok(Outcome::Error);
    }
    let [file] = files else {
        eprintln!("hookschema: --ndjson reads one file, or standard input");
        return Ok(Outcome::Error);
    };
    let label = file.to_string_lossy();
    let input: Box<dyn Read> = if label == "-" {
        Box::new(io::stdin().lock())
    } else {
        match File::open(file) {
            Ok(file) => Box::new(file),
            Err(error) => {
                eprintln!("hookschema: cannot read {label}: {error}");
                return Ok(Outcome::Error);
            }
        }
    };
    let mut reader = BufReader::with_capacity(READ_BUFFER, input);
    let mut line = Vec::new();
    let mut summary = Summary::default();
    let mut number = 0;
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(error) => {
                eprintln!("hookschema: cannot read {label} after line {number}: {error}");
                return Ok(Outcome::Error);
            }
        }
        number += 1;
        let payload = line.trim_ascii();
        if payload.is_empty() {
            continue;
        }
        summary.lines += 1;
        match schema.validate_bytes(payload) {
            Ok(_) => summary.valid += 1,
            Err(invalid) => {
                summary.invalid += 1;
                report(out, format, number, &invalid.violations)?;
            }
        }
    }
    match format {
        Format::Json => {
            serde_json::to_writer(&mut *out, &SummaryLine { summary })?;
            writeln!(out)?;
        }
        _ => writeln!(
            out,
            "{label}: {} lines, {} valid, {} invalid",
            summary.lines, summary.valid, summary.invalid
        )?,
    }
    Ok(if summary.invalid == 0 {
        Outcome::Valid
    } else {
        Outcome::Invalid
    })
}

#[derive(Default, Clone, Copy, Serialize)]
struct Summary {
    lines: u64,
    valid: u64,
    invalid: u64,
}

#[derive(Serialize)]
struct SummaryLine {
    summary: Summary,
}

#[derive(Serialize)]
struct InvalidLine<'a> {
    line: u64,
    valid: bool,
    errors: &'a [Violation],
}

fn report(
    out: &mut impl Write,
    format: Format,
    line: u64,
    violations: &[Violation],
) -> io::Result<()> {
    match format {
        Format::Json => {
            let report = InvalidLine {
                line,
                valid: false,
                errors: violations,
            };
            serde_json::to_writer(&mut *out, &report)?;
            writeln!(out)
        }
        _ => {
            writeln!(out, "line {line}: invalid")?;
            for violation in violations {
                writeln!(out, "  {violation}")?;
            }
            Ok(())
        }
    }
}
