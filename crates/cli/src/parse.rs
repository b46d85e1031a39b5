//! `hookschema parse`: forgiving typed decoding through the models, printed back as JSON: the
//! value alone for one input, a line `{"file", "parsed"}` per input for several.

use std::io::{self, Write};
use std::path::PathBuf;

use hookschema_models::SchemaFile;

use crate::input::read;
use crate::outcome::Outcome;

pub fn run(out: &mut impl Write, schema: &SchemaFile, files: &[PathBuf]) -> io::Result<Outcome> {
    let mut worst = Outcome::Valid;
    for file in files {
        let outcome = match read(file) {
            Err(unreadable) => {
                eprintln!("hookschema: {}", unreadable.message());
                Outcome::Error
            }
            Ok(input) => match (schema.reserialize)(&input.bytes) {
                // One input: what the models keep, as it is. Several: one line each, saying
                // which file it is.
                Ok(value) if files.len() == 1 => {
                    serde_json::to_writer_pretty(&mut *out, &value)?;
                    writeln!(out)?;
                    Outcome::Valid
                }
                Ok(value) => {
                    let line = serde_json::json!({ "file": input.label, "parsed": value });
                    serde_json::to_writer(&mut *out, &line)?;
                    writeln!(out)?;
                    Outcome::Valid
                }
                Err(error) => {
                    let (line, column) = (error.line, error.column);
                    eprintln!("{}: {error} (line {line}, column {column})", input.label);
                    Outcome::Invalid
                }
            },
        };
        worst = worst.max(outcome);
    }
    Ok(worst)
}
