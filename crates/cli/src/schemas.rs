//! `hookschema schemas`: the catalog's schemas, with their `$id`.

use std::io::{self, Write};

use hookschema_catalog::Catalog;

use crate::outcome::Outcome;

pub fn run(out: &mut impl Write, catalog: &Catalog) -> io::Result<Outcome> {
    let schemas = catalog.schemas();
    let width = schemas.iter().map(|s| s.name().len()).max().unwrap_or(0);
    for schema in schemas {
        writeln!(out, "{:width$}  {}", schema.name(), schema.id())?;
    }
    Ok(Outcome::Valid)
}
