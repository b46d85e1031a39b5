//! Project automation, run as `cargo xtask <command>` (the alias lives in `.cargo/config.toml`).
//!
//! Everything the repository generates is produced here and committed, so a reader sees the
//! generated code in review and `cargo xtask codegen --check` (also run by `cargo test`) proves it
//! is current.

mod codegen;
mod docs;
mod project;
mod schema_diff;
mod sync;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Every task's error: a message for the person who ran it.
pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

#[derive(Parser)]
#[command(about = "hookschema project automation")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate from `schemas/`: the Rust models, `schemas/index.json`, and the TypeScript and
    /// Python bindings (which need `tools/install` first).
    Codegen {
        /// Write nothing; fail, naming each stale file, if the committed output is not current.
        #[arg(long)]
        check: bool,
        /// Only what needs no other language's tools: the Rust models and the catalog.
        #[arg(long)]
        rust_only: bool,
    },
    /// Classify every schema change since a git revision as compatible or breaking, and fail if
    /// a schema's `$id` version does not say so.
    SchemaDiff {
        /// The revision to compare with; by default the last release `RELEASES` names.
        rev: Option<String>,
        /// Compare two folders laid out as `schemas/` instead, such as two imports of a
        /// vendor's published schemas (`hookschema import`), the old one first.
        #[arg(long, num_args = 2, value_names = ["OLD", "NEW"], conflicts_with = "rev")]
        folders: Option<Vec<std::path::PathBuf>>,
    },
    /// Generate the Markdown reference pages in `docs/schemas/` from `schemas/`.
    Docs {
        /// Write nothing; fail, naming each stale page, if the committed pages are not current.
        #[arg(long)]
        check: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let project = project::Project::from_manifest_dir();
    let result = match cli.command {
        Command::Codegen { check, rust_only } => {
            let scope = if rust_only {
                codegen::Scope::Rust
            } else {
                codegen::Scope::All
            };
            codegen::run(&project, sync::Mode::from_check_flag(check), scope)
        }
        Command::SchemaDiff {
            folders: Some(folders),
            ..
        } => schema_diff::run_folders(&folders[0], &folders[1]),
        Command::SchemaDiff { rev, .. } => match rev.map_or_else(|| project.last_release(), Ok) {
            Ok(rev) => schema_diff::run(&project, &rev),
            Err(error) => Err(error),
        },
        Command::Docs { check } => docs::run(&project, sync::Mode::from_check_flag(check)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
