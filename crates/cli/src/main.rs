//! `hookschema`: validate, parse and list webhook payloads against hookschema's schemas.
//!
//! Exit codes (CONTRACT.md §4): 0 when every input is valid, 1 when any input is invalid (input
//! that is not JSON included), 2 on a usage or I/O error.

mod input;
mod outcome;
mod parse;
mod schemas;
mod validate;

use std::process::ExitCode;

use clap::builder::PossibleValuesParser;
use clap::{Parser, Subcommand, ValueEnum};

use crate::outcome::Outcome;

#[derive(Parser)]
#[command(
    name = "hookschema",
    version,
    about = "Validate, parse and list webhook payloads"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check payloads strictly against a schema, reporting every error with its JSON Pointer.
    Validate {
        #[arg(long, value_parser = schema_names())]
        schema: String,
        /// How to report each input.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Payload files; none, or `-`, reads standard input.
        files: Vec<String>,
    },
    /// Decode payloads into the typed models and print what the models keep, as JSON.
    Parse {
        #[arg(long, value_parser = schema_names())]
        schema: String,
        /// Payload files; none, or `-`, reads standard input.
        files: Vec<String>,
    },
    /// List the schemas with their `$id`.
    Schemas,
}

/// How `validate` reports each input.
#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// A verdict line, then one line per error.
    Text,
    /// One JSON object per input: `{"file", "valid", "errors": [{"instance_path", "schema_path", "message"}]}`.
    Json,
    /// One FastAPI 422 body per input (`comfydeploy/http-validation-error`).
    Fastapi,
}

/// The `--schema` values: the embedded schemas' names, so clap lists them on a typo.
fn schema_names() -> PossibleValuesParser {
    PossibleValuesParser::new(hookschema_models::SCHEMAS.iter().map(|s| s.name))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Validate {
            schema,
            format,
            files,
        } => validate::run(&schema, format, &files),
        Command::Parse { schema, files } => parse::run(&schema, &files),
        Command::Schemas => schemas::run(),
    };
    outcome.exit_code()
}

/// Every input's outcome, worst first wins.
fn worst(outcomes: impl IntoIterator<Item = Outcome>) -> Outcome {
    outcomes.into_iter().max().unwrap_or(Outcome::Valid)
}
