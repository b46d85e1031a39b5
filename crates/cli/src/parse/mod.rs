//! `hookschema parse`: forgiving typed decoding through the models, printed back as JSON: the
//! value alone for one input, a line `{"file", "parsed"}` per input for several.
//!
//! A payload is read only if it is one unambiguous JSON document, as the validator asks: a key
//! repeated at any depth is refused where it repeats (serde_json would keep its last copy). What
//! the models keep is printed with each number in the text it was sent in ([`sent`]).

mod sent;

use std::io::{self, Write};
use std::path::PathBuf;

use hookschema_models::SchemaFile;
use hookschema_validate::ViolationKind;
use serde::Serialize;

use crate::input::read;
use crate::outcome::Outcome;
use sent::{Printed, Sent};

/// One line of `parse` over several inputs.
#[derive(Serialize)]
struct Line<'a> {
    file: &'a str,
    parsed: Printed<'a>,
}

pub fn run(out: &mut impl Write, schema: &SchemaFile, files: &[PathBuf]) -> io::Result<Outcome> {
    let mut worst = Outcome::Valid;
    for file in files {
        let outcome = match read(file) {
            Err(unreadable) => {
                eprintln!("hookschema: {}", unreadable.message());
                Outcome::Error
            }
            Ok(input) => {
                // Bytes that are not JSON at all, the decoder names the value it was reading.
                let decoded = match hookschema_validate::wellformed(&input.bytes) {
                    Err(violation) if !matches!(violation.kind, ViolationKind::NotJson { .. }) => {
                        Err(violation.to_string())
                    }
                    _ => Ok(()),
                }
                .and_then(|()| {
                    (schema.reserialize)(&input.bytes).map_err(|error| {
                        let (line, column) = (error.line, error.column);
                        format!("{error} (line {line}, column {column})")
                    })
                });
                match decoded {
                    Ok(kept) => {
                        // Well formed, so UTF-8.
                        let text = std::str::from_utf8(&input.bytes).unwrap_or_default();
                        let sent = Sent::read(text);
                        let parsed = Printed {
                            kept: &kept,
                            sent: Some(&sent),
                        };
                        // One input: what the models keep, as it is. Several: one line each,
                        // saying which file it is.
                        if files.len() == 1 {
                            serde_json::to_writer_pretty(&mut *out, &parsed)?;
                        } else {
                            let line = Line {
                                file: &input.label,
                                parsed,
                            };
                            serde_json::to_writer(&mut *out, &line)?;
                        }
                        writeln!(out)?;
                        Outcome::Valid
                    }
                    Err(why) => {
                        eprintln!("{}: {why}", input.label);
                        Outcome::Invalid
                    }
                }
            }
        };
        worst = worst.max(outcome);
    }
    Ok(worst)
}
