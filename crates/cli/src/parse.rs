//! `hookschema parse`: forgiving typed decoding through the models, printed back as JSON.

use hookschema_models::SchemaFile;

use crate::input::read_all;
use crate::outcome::Outcome;

pub fn run(schema: &str, files: &[String]) -> Outcome {
    let schema = SchemaFile::named(schema).expect("clap checked the schema name");
    crate::worst(read_all(files).into_iter().map(|input| {
        let Ok(input) = input else {
            return Outcome::Error;
        };
        match (schema.decode)(&input.bytes) {
            Ok(value) => {
                let text = serde_json::to_string_pretty(&value).expect("a JSON value serialises");
                println!("{text}");
                Outcome::Valid
            }
            Err(error) => {
                eprintln!(
                    "{}: {error} (line {}, column {})",
                    input.label, error.line, error.column
                );
                Outcome::Invalid
            }
        }
    }))
}
