//! `hookschema`: validate, parse, sign, verify and receive webhook payloads against a catalog of
//! schemas and vendor files: the one built in, or a folder given with `--schemas`.
//!
//! Exit codes (README.md, "The `hookschema` command"): 0 when every input is valid (or
//! authentic), 1 when any input is invalid (input that is not JSON included) or not authentic,
//! 2 on a usage or I/O error.

mod defaults;
mod deliveries;
mod drift;
mod format;
mod import;
mod input;
mod ndjson;
mod outcome;
mod parse;
mod schemas;
mod serve;
mod validate;
mod verify;

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};
use hookschema_catalog::Catalog;
use hookschema_validate::Schema;

use crate::format::Format;
use crate::outcome::Outcome;

/// mimalloc rather than the system's allocator: a receiver allocates and frees per request on
/// every worker thread, and under load glibc's malloc and free took a sixth of its time, against
/// a fraction of that with mimalloc (bench/HISTORY.md, "The receiver"). Built without asking for
/// transparent huge pages (`no_thp`): each fresh 2 MiB page is zeroed whole when first touched,
/// which on a virtual machine took milliseconds apiece; in 4 KiB pages a 200,000-line batch
/// takes 2 % less CPU and half the memory (13 MiB).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "hookschema",
    version,
    about = "Validate, parse, sign, verify and receive webhook payloads"
)]
struct Cli {
    /// A folder of schemas and vendor files laid out as hookschema's `schemas/` (one folder
    /// per vendor: `<name>.schema.json` files and a `vendor.json`), read instead of the built-in
    /// one.
    #[arg(long, global = true, env = "HOOKSCHEMA_SCHEMAS", value_name = "DIR")]
    schemas: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check payloads strictly against a schema, reporting every error with its JSON Pointer.
    Validate {
        /// The schema: its name, `<vendor>/<name>` (`hookschema schemas` lists them), with or
        /// without `.schema.json`, or the path of a schema file.
        #[arg(long)]
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
    /// Decode payloads into the typed models built into this binary and print what they keep,
    /// as JSON.
    Parse {
        /// The schema, as `validate` takes it; it must be one this binary has models of.
        #[arg(long)]
        schema: String,
        /// Payload files; none, or `-`, reads standard input.
        files: Vec<PathBuf>,
    },
    /// List the schemas with their `$id`.
    Schemas,
    /// Check a delivery's signature on its raw body, as the vendor's file says it is signed.
    Verify(verify::VerifyArgs),
    /// Sign a body as the vendor would, printing the headers to send with it.
    Sign(verify::SignArgs),
    /// Receive every configured vendor's webhooks over HTTP, storing each accepted delivery
    /// durably before answering.
    Serve(serve::ServeArgs),
    /// Read back what a receiver stored.
    #[command(subcommand)]
    Deliveries(deliveries::Deliveries),
    /// Read what senders really sent (a store, or an NDJSON file) beside the schemas: each
    /// drift by schema location, and the smallest checked widening that accepts it.
    Drift(drift::DriftArgs),
    /// Turn a vendor's published schemas (JSON Schema files of any draft, or an OpenAPI
    /// document) into a vendor folder that `--schemas` reads.
    #[command(subcommand)]
    Import(import::Import),
    /// Print a completion script for a shell: `hookschema completions bash > …`.
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
}

/// One validating thread per core, at most eight.
fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

/// Runs the command on a thread whose stack decodes the deepest generated model, which a main
/// thread's 8 MiB may not.
fn main() -> ExitCode {
    std::thread::Builder::new()
        .name("hookschema".to_owned())
        .stack_size(hookschema_models::DECODE_STACK_BYTES)
        .spawn(command)
        .expect("the command's thread starts")
        .join()
        .unwrap_or_else(|_| Outcome::Error.exit_code())
}

fn command() -> ExitCode {
    let cli = Cli::parse();
    let catalog = match &cli.schemas {
        Some(dir) => match Catalog::load(dir) {
            Ok(catalog) => catalog,
            Err(error) => {
                eprintln!("hookschema: {error}");
                return Outcome::Error.exit_code();
            }
        },
        None => Catalog::embedded().clone(),
    };
    // Not `stdout().lock()`: the receiver writes to standard output from other threads. A
    // batch's reports run to megabytes: written 64 KiB at a time, whoever reads them (a pipe)
    // is woken an eighth as often as with the default 8 KiB.
    let mut out = io::BufWriter::with_capacity(64 * 1024, io::stdout());
    let result = run(&catalog, cli.schemas.as_deref(), cli.command, &mut out);
    let outcome = result
        .and_then(|outcome| out.flush().map(|()| outcome))
        .unwrap_or_else(|error| Outcome::from_write_error(&error));
    outcome.exit_code()
}

fn run(
    catalog: &Catalog,
    schemas: Option<&std::path::Path>,
    command: Command,
    out: &mut (impl Write + Send),
) -> io::Result<Outcome> {
    match command {
        Command::Validate {
            schema,
            format,
            ndjson,
            jobs,
            max_errors,
            files,
        } => {
            let Some(schema) = known_schema(catalog, &schema) else {
                return Ok(Outcome::Error);
            };
            let schema = schema.limit_violations(if max_errors == 0 {
                usize::MAX
            } else {
                max_errors
            });
            with_files(&files, |files| {
                if ndjson {
                    ndjson::run(out, schema, format, files, jobs)
                } else {
                    validate::run(out, &schema, format, files)
                }
            })
        }
        Command::Parse { schema, files } => {
            let Some(schema) = known_schema(catalog, &schema) else {
                return Ok(Outcome::Error);
            };
            let Some(models) = schema.embedded() else {
                eprintln!(
                    "hookschema: {} has no typed models in this build: `parse` decodes with the \
                     models generated into hookschema; `validate` checks any schema",
                    schema.name()
                );
                return Ok(Outcome::Error);
            };
            with_files(&files, |files| parse::run(out, models, files))
        }
        Command::Schemas => schemas::run(out, catalog),
        Command::Verify(args) => verify::run_verify(out, catalog, &args),
        Command::Sign(args) => verify::run_sign(out, catalog, &args),
        Command::Serve(args) => Ok(serve::run(catalog, schemas, &args)),
        Command::Deliveries(command) => deliveries::run(out, &command),
        Command::Drift(args) => drift::run(out, catalog, schemas, &args),
        Command::Import(command) => import::run(out, &command),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "hookschema", out);
            Ok(Outcome::Valid)
        }
    }
}

/// The schema `--schema` names: a catalog name (`kaizen/webhook-event`), the same with
/// `.schema.json`, or the path of a schema file, which need not be in the catalog (a file with
/// the text of a catalog schema is that schema). `None` after saying why not.
fn known_schema(catalog: &Catalog, given: &str) -> Option<Schema> {
    let name = given.strip_suffix(".schema.json").unwrap_or(given);
    if let Some(schema) = catalog.schema(name) {
        return Some(schema.clone());
    }
    let path = std::path::Path::new(given);
    if path.is_file() {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) => {
                eprintln!("hookschema: cannot read {given}: {error}");
                return None;
            }
        };
        if let Some(same) = catalog.schemas().iter().find(|s| s.text() == text) {
            return Some(same.clone());
        }
        let stem = path
            .file_name()
            .map_or_else(|| given.into(), |n| n.to_string_lossy());
        let name = stem
            .strip_suffix(".schema.json")
            .unwrap_or(&stem)
            .to_owned();
        return match Schema::compile(&name, &text) {
            Ok(schema) => Some(schema),
            Err(error) => {
                eprintln!("hookschema: {given}: {}", error.message);
                None
            }
        };
    }
    let known: Vec<&str> = catalog.schemas().iter().map(|s| s.name()).collect();
    eprintln!(
        "hookschema: unknown schema `{given}`: neither a schema of the catalog nor a file; \
         known: {}",
        known.join(", ")
    );
    None
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
