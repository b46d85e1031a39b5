//! `hookschema deliveries export`: what a receiver stored, as JSON lines, for a consumer that
//! reads them in order (`--after` the last id it took).

use std::io::{self, Write};

use clap::{Args, Subcommand};
use hookschema_store::{Location, Selection, export};

use crate::defaults;
use crate::outcome::Outcome;

#[derive(Subcommand)]
pub enum Deliveries {
    /// Print the stored deliveries, oldest first, one JSON line each: `{"id", "vendor", "schema",
    /// "delivery_id", "received_at", "body", "errors"}` and their `"headers"` where they were
    /// kept, the lines a `jsonl:` store holds, with the id first (a `jsonl:` store's ids are its
    /// line numbers).
    Export(ExportArgs),
}

#[derive(Args)]
pub struct ExportArgs {
    /// The store a receiver writes: `sqlite:PATH`, `postgres://…` or `jsonl:PATH`; by default
    /// the one `hookschema serve` writes by default.
    #[arg(long, default_value = defaults::STORE, env = "HOOKSCHEMA_STORE", value_name = "URL")]
    store: Location,
    /// Only this vendor's deliveries.
    #[arg(long)]
    vendor: Option<String>,
    /// Only the deliveries stored after this id.
    #[arg(long, value_name = "ID")]
    after: Option<i64>,
}

pub fn run(out: &mut (impl Write + Send), command: &Deliveries) -> io::Result<Outcome> {
    let Deliveries::Export(args) = command;
    let selection = Selection {
        after: args.after,
        vendor: args.vendor.as_deref(),
    };
    match export(&args.store, &selection, out) {
        Ok(_) => Ok(Outcome::Valid),
        Err(error) => {
            eprintln!("hookschema: cannot export {}: {error}", args.store);
            Ok(Outcome::Error)
        }
    }
}
