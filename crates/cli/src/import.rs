//! `hookschema import`: a vendor's schemas as it publishes them, into a vendor folder that
//! `--schemas` reads (see `hookschema-import`).

use std::io::{self, Write};
use std::path::PathBuf;

use clap::{Args, Subcommand};
use hookschema_import::{Envelope, Folder, Options, Selection};

use crate::outcome::Outcome;

#[derive(Subcommand)]
pub enum Import {
    /// JSON Schema files of draft-04, -06, -07, 2019-09 or 2020-12, with `$ref`s between them:
    /// each file given becomes one schema, what it refers to bundled into its `$defs`.
    Jsonschema {
        /// The schema files, one per webhook body (`payload-schemas/api.github.com/push/event.schema.json`, …).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The folder the files' names and relative `$id`s are taken from (octokit/webhooks:
        /// `payload-schemas/api.github.com`); by default the deepest folder holding them all.
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// A folder laid out as `--root` holding each schema's valid examples
        /// (octokit/webhooks: `payload-examples/api.github.com`).
        #[arg(long, value_name = "DIR")]
        examples: Option<PathBuf>,
        #[command(flatten)]
        common: Common,
    },
    /// An OpenAPI 3.0 or 3.1 document, JSON or YAML: chosen components, or its webhooks.
    Openapi {
        /// The document.
        file: PathBuf,
        /// A component of `#/components/schemas` to import as a webhook body; repeat for
        /// several.
        #[arg(
            long = "component",
            value_name = "NAME",
            required_unless_present = "webhooks"
        )]
        components: Vec<String>,
        /// Every operation of the document's `webhooks` (OpenAPI 3.1).
        #[arg(long, conflicts_with = "components")]
        webhooks: bool,
        /// Deliver each component inside another, at a place of its payload:
        /// `event:/data/object` (Stripe's events). Each becomes `<component>-<envelope>`:
        /// `payment-intent-event`.
        #[arg(long, value_name = "COMPONENT:POINTER", value_parser = envelope, requires = "components")]
        envelope: Option<Envelope>,
        /// A JSON file of example objects by component name (Stripe's `fixtures3.json`).
        #[arg(long, value_name = "FILE")]
        fixtures: Option<PathBuf>,
        #[command(flatten)]
        common: Common,
    },
}

/// What both imports take.
#[derive(Args)]
pub struct Common {
    /// The vendor's folder name: lowercase letters, digits and dashes.
    #[arg(long)]
    vendor: String,
    /// The folder the vendor's folder is written in (`--schemas` reads it).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The version in every schema's `$id`; a re-import of a newer source takes the one
    /// `cargo xtask schema-diff` asks for.
    #[arg(long, default_value = "1.0.0")]
    version: String,
    /// Where the `$id`s live: `<BASE>/<vendor>/<name>/<version>.json`.
    #[arg(
        long,
        value_name = "BASE",
        default_value = "https://hookschema.dev/schemas"
    )]
    id_base: String,
    /// Where the source is published, recorded in each schema.
    #[arg(long, value_name = "URL")]
    source_url: Option<String>,
    /// Which version of the source (a commit, a tag, a date), recorded in each schema.
    #[arg(long, value_name = "VERSION")]
    source_version: Option<String>,
}

impl Common {
    fn options(&self) -> Options {
        Options {
            version: self.version.clone(),
            id_base: self.id_base.clone(),
            source_url: self.source_url.clone(),
            source_version: self.source_version.clone(),
            ..Options::new(&self.vendor)
        }
    }
}

fn envelope(given: &str) -> Result<Envelope, String> {
    match given.split_once(':') {
        Some((component, pointer)) if pointer.starts_with('/') => Ok(Envelope {
            component: component.to_owned(),
            pointer: pointer.to_owned(),
        }),
        _ => Err("expected COMPONENT:POINTER, such as event:/data/object".to_owned()),
    }
}

pub fn run(out: &mut impl Write, command: &Import) -> io::Result<Outcome> {
    let (folder, common) = match command {
        Import::Jsonschema {
            paths,
            root,
            examples,
            common,
        } => (
            hookschema_import::json_schema(
                paths,
                root.as_deref(),
                examples.as_deref(),
                &common.options(),
            ),
            common,
        ),
        Import::Openapi {
            file,
            components,
            webhooks,
            envelope,
            fixtures,
            common,
        } => {
            let selection = if *webhooks {
                Selection::Webhooks
            } else {
                Selection::Components {
                    names: components.clone(),
                    envelope: envelope.clone(),
                }
            };
            let folder = hookschema_import::openapi(
                file,
                &selection,
                fixtures.as_deref(),
                &common.options(),
            );
            (folder, common)
        }
    };
    let folder: Folder = match folder {
        Ok(folder) => folder,
        Err(error) => {
            eprintln!("hookschema: import: {error}");
            return Ok(Outcome::Invalid);
        }
    };
    let written = match folder.write(&common.out) {
        Ok(written) => written,
        Err(error) => {
            eprintln!("hookschema: cannot write {}: {error}", common.out.display());
            return Ok(Outcome::Error);
        }
    };
    let dir = common.out.join(&folder.vendor);
    writeln!(
        out,
        "{}: {} schemas, {} examples",
        dir.display(),
        written.schemas,
        written.examples
    )?;
    let vendor_file = dir.join("vendor.json");
    if written.vendor_file_kept {
        writeln!(out, "{}: kept as it was", vendor_file.display())?;
    } else {
        writeln!(
            out,
            "{}: a skeleton: complete what it marks FILL IN before receiving",
            vendor_file.display()
        )?;
    }
    Ok(Outcome::Valid)
}
