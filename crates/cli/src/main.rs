//! `hookschema`: validate, parse, verify and list webhook payloads against hookschema's schemas.
//!
//! Exit codes (README.md, "The `hookschema` command"): 0 when every input is valid (or authentic), 1 when any input is
//! invalid (input that is not JSON included) or not authentic, 2 on a usage or I/O error.

mod input;
mod ndjson;
mod outcome;
mod parse;
mod schemas;
mod secrets;
mod serve;
mod validate;
mod verify;

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::PossibleValuesParser;
use clap::{Parser, Subcommand, ValueEnum};

use crate::outcome::Outcome;

#[derive(Parser)]
#[command(
    name = "hookschema",
    version,
    about = "Validate, parse, verify and list webhook payloads"
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
        /// Read one file (or standard input) of one payload per line; report only the invalid
        /// lines, by number, then a summary. Memory stays flat however long the input.
        #[arg(long)]
        ndjson: bool,
        /// With --ndjson: how many threads validate (default: one per core, at most eight).
        #[arg(long, default_value_t = default_jobs())]
        jobs: usize,
        /// Report at most this many errors per payload, and say when there are more; 0 reports
        /// every one. A hostile payload can break the schema a million times.
        #[arg(long, default_value_t = 100)]
        max_errors: usize,
        /// Payload files; none, or `-`, reads standard input.
        files: Vec<PathBuf>,
    },
    /// Decode payloads into the typed models and print what the models keep, as JSON.
    Parse {
        #[arg(long, value_parser = schema_names())]
        schema: String,
        /// Payload files; none, or `-`, reads standard input.
        files: Vec<PathBuf>,
    },
    /// List the schemas with their `$id`.
    Schemas,
    /// Check a delivery's signature on its raw body.
    #[command(subcommand)]
    Verify(Vendor<verify::VerifyArgs>),
    /// Sign a body as the vendor would, printing the headers to send with it.
    #[command(subcommand)]
    Sign(Vendor<verify::SignArgs>),
    /// Receive both vendors' webhooks over HTTP, writing each accepted delivery as a JSON line.
    Serve(serve::ServeArgs),
}

/// The vendors that sign their webhooks.
#[derive(Subcommand)]
enum Vendor<A: clap::Args> {
    /// Kaizen Automation: `X-Webhooks-Id`, `X-Webhooks-Timestamp`, `X-Webhooks-Signature`.
    Kaizen(A),
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

/// One validating thread per core, at most eight.
fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

/// The `--schema` values: the embedded schemas' names, so clap lists them on a typo.
fn schema_names() -> PossibleValuesParser {
    PossibleValuesParser::new(hookschema_models::SCHEMAS.iter().map(|s| s.name))
}

fn main() -> ExitCode {
    // Not `stdout().lock()`: the receiver writes to standard output from other threads.
    let mut out = io::BufWriter::new(io::stdout());
    let result = match Cli::parse().command {
        Command::Validate {
            schema,
            format,
            ndjson,
            jobs,
            max_errors,
            files,
        } => {
            let schema = hookschema_validate::Schema::named(&schema)
                .expect("clap checked the schema name")
                .limit_violations(if max_errors == 0 {
                    usize::MAX
                } else {
                    max_errors
                });
            with_files(&files, |files| {
                if ndjson {
                    ndjson::run(&mut out, schema, format, files, jobs)
                } else {
                    validate::run(&mut out, schema, format, files)
                }
            })
        }
        Command::Parse { schema, files } => {
            with_files(&files, |files| parse::run(&mut out, &schema, files))
        }
        Command::Schemas => schemas::run(&mut out),
        Command::Verify(Vendor::Kaizen(args)) => verify::run_verify(&mut out, &args),
        Command::Sign(Vendor::Kaizen(args)) => verify::run_sign(&mut out, &args),
        Command::Serve(args) => Ok(serve::run(&args)),
    };
    let outcome = result
        .and_then(|outcome| out.flush().map(|()| outcome))
        .unwrap_or_else(|error| Outcome::from_write_error(&error));
    outcome.exit_code()
}

/// Runs `command` on the files to read, or fails with a usage error.
fn with_files(
    files: &[PathBuf],
    command: impl FnOnce(&[PathBuf]) -> io::Result<Outcome>,
) -> io::Result<Outcome> {
    match input::files_or_stdin(files) {
        Ok(files) => command(&files),
        Err(usage) => {
            eprintln!("hookschema: {usage}");
            Ok(Outcome::Error)
        }
    }
}
