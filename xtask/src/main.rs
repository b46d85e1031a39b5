//! Project automation, run as `cargo xtask <command>` (the alias lives in `.cargo/config.toml`).
//!
//! Everything the repository generates is produced here and committed, so a reader sees the
//! generated code in review and `cargo xtask codegen --check` (also run by `cargo test`) proves it
//! is current.

mod codegen;
mod project;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "hookschema project automation")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the Rust models in `crates/models/src/generated/` from `schemas/`.
    Codegen {
        /// Write nothing; fail, naming each stale file, if the committed output is not current.
        #[arg(long)]
        check: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let project = project::Project::from_manifest_dir();
    let result = match cli.command {
        Command::Codegen { check } => codegen::run(&project, codegen::Mode::from_check_flag(check)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
