//! `hookschema schemas`: the embedded schemas, with their `$id`.

use crate::outcome::Outcome;

pub fn run() -> Outcome {
    let width = hookschema_models::SCHEMAS
        .iter()
        .map(|s| s.name.len())
        .max()
        .unwrap_or(0);
    for schema in hookschema_models::SCHEMAS {
        println!("{:width$}  {}", schema.name, schema.id);
    }
    Outcome::Valid
}
