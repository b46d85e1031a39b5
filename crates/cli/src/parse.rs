//! `hookschema parse`: forgiving typed decoding through the models, printed back as JSON.

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
                Ok(value) => {
                    serde_json::to_writer_pretty(&mut *out, &value)?;
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
