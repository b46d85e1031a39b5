//! `hookschema schemas`: the embedded schemas, with their `$id`.

use std::io::{self, Write};

use crate::outcome::Outcome;

pub fn run(out: &mut impl Write) -> io::Result<Outcome> {
    let width = hookschema_models::SCHEMAS
        .iter()
        .map(|s| s.name.len())
        .max()
        .unwrap_or(0);
    for schema in hookschema_models::SCHEMAS {
        writeln!(out, "{:width$}  {}", schema.name, schema.id)?;
    }
    Ok(Outcome::Valid)
}
