//! `hookschema validate`: strict validation, reported as text, JSON or FastAPI's 422 body.

use hookschema_validate::{Schema, Violation, http_validation_error};
use serde::Serialize;
use serde_json::Value;

use crate::Format;
use crate::input::{Input, read_all};
use crate::outcome::Outcome;

pub fn run(schema: &str, format: Format, files: &[String]) -> Outcome {
    // clap only accepts embedded schema names.
    let schema = Schema::named(schema).expect("clap checked the schema name");
    crate::worst(read_all(files).into_iter().map(|input| match input {
        Ok(input) => report(schema, format, &input),
        Err(()) => Outcome::Error,
    }))
}

fn report(schema: Schema, format: Format, input: &Input) -> Outcome {
    let (instance, violations) = match serde_json::from_slice::<Value>(&input.bytes) {
        Ok(instance) => {
            let violations = schema.validate(&instance);
            (Some(instance), violations)
        }
        Err(error) => (None, vec![Violation::not_json(&error)]),
    };
    match format {
        Format::Text => print_text(&input.label, &violations),
        Format::Json => {
            let report = JsonReport {
                file: &input.label,
                valid: violations.is_empty(),
                errors: &violations,
            };
            println!(
                "{}",
                serde_json::to_string(&report).expect("the report serialises")
            );
        }
        Format::Fastapi => {
            let body = http_validation_error(&violations, instance.as_ref());
            println!(
                "{}",
                serde_json::to_string(&body).expect("the body serialises")
            );
        }
    }
    if violations.is_empty() {
        Outcome::Valid
    } else {
        Outcome::Invalid
    }
}

/// `--format json`'s line for one input, fields in the contract's order.
#[derive(Serialize)]
struct JsonReport<'a> {
    file: &'a str,
    valid: bool,
    errors: &'a [Violation],
}

fn print_text(label: &str, violations: &[Violation]) {
    if violations.is_empty() {
        println!("{label}: valid");
        return;
    }
    println!("{label}: invalid");
    for violation in violations {
        println!("  {violation}");
    }
}
