//! Vendors' schemas as they publish them, into a hookschema vendor folder.
//!
//! Vendors publish their webhooks' schemas in their own forms: GitHub's as draft-07 files with
//! relative `$ref`s between them (octokit/webhooks), Stripe's as components of an OpenAPI 3.0
//! document with `nullable`. An import turns either into the folder the catalog reads
//! (`<vendor>/<name>.schema.json`, examples under `examples/<name>/valid/`, a `vendor.json`):
//!
//! - every schema is **one file of draft 2020-12**: what it `$ref`s from other files or from
//!   the document's components is bundled into its `$defs`, and older keywords are said as
//!   2020-12 says them ([`convert`]);
//! - every schema records **where it came from** (`x-hookschema-source`: the file and place in
//!   it, its SHA-256, and the URL and version given), so it can be imported again and diffed;
//! - the same source gives **the same bytes**, every time;
//! - the vendor file is a **skeleton** that the catalog loads, with what only the user knows
//!   (the signature's headers, where the event's name is) marked `FILL IN`.
//!
//! [`json_schema`] imports schema files, [`openapi`] an OpenAPI document's components or
//! webhooks; [`Folder::write`] writes the result.

mod convert;
mod examples;
mod folder;
mod json_schema;
mod names;
mod openapi;
mod skeleton;
mod text;

use std::fmt;

use serde_json::{Map, Value, json};

pub use convert::Dialect;
pub use folder::{Folder, Written};
pub use json_schema::json_schema;
pub use openapi::{Envelope, Selection, openapi};

/// What every import is told.
#[derive(Debug, Clone)]
pub struct Options {
    /// The vendor's folder name: lowercase letters, digits and dashes.
    pub vendor: String,
    /// The version every schema's `$id` carries: `1.0.0` for a first import; a re-import of a
    /// newer source takes the version `cargo xtask schema-diff` asks for.
    pub version: String,
    /// Where the `$id`s live: `<id_base>/<vendor>/<name>/<version>.json`.
    pub id_base: String,
    /// Where the source was published, recorded in each schema.
    pub source_url: Option<String>,
    /// Which version of it (a commit, a tag, a date), recorded in each schema.
    pub source_version: Option<String>,
}

impl Options {
    /// A first import of `vendor`'s schemas, their `$id`s under `https://hookschema.dev/schemas`.
    pub fn new(vendor: &str) -> Options {
        Options {
            vendor: vendor.to_owned(),
            version: "1.0.0".to_owned(),
            id_base: "https://hookschema.dev/schemas".to_owned(),
            source_url: None,
            source_version: None,
        }
    }

    fn check(&self) -> Result<(), ImportError> {
        let fail = |message: String| Err(ImportError::new("--vendor", message));
        if !names::is_name(&self.vendor) {
            return fail(format!(
                "`{}` is not a vendor name: lowercase letters, digits and dashes, starting with \
                 a letter",
                self.vendor
            ));
        }
        let semver = self.version.split('.').collect::<Vec<_>>();
        if semver.len() != 3 || semver.iter().any(|n| n.parse::<u64>().is_err()) {
            return Err(ImportError::new(
                "--version",
                format!("`{}` is not MAJOR.MINOR.PATCH", self.version),
            ));
        }
        Ok(())
    }

    /// The `$id` of the schema `name`.
    fn id(&self, name: &str) -> String {
        let base = self.id_base.trim_end_matches('/');
        format!("{base}/{}/{name}/{}.json", self.vendor, self.version)
    }
}

/// Why an import failed: the file (or option) at fault, where in it, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub file: String,
    /// A JSON Pointer into the file, when the fault is at one place of it.
    pub at: Option<String>,
    pub message: String,
}

impl ImportError {
    fn new(file: impl Into<String>, message: impl Into<String>) -> ImportError {
        ImportError {
            file: file.into(),
            at: None,
            message: message.into(),
        }
    }

    fn at(file: impl Into<String>, at: &str, message: impl Into<String>) -> ImportError {
        ImportError {
            file: file.into(),
            at: Some(if at.is_empty() { "/" } else { at }.to_owned()),
            message: message.into(),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.at {
            Some(at) => write!(f, "{}: at {at}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for ImportError {}

/// The keyword each imported schema records its source in.
const SOURCE: &str = "x-hookschema-source";

/// The draft every imported schema is written in.
const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

/// The SHA-256 of a source file, hex: which version of it an import read.
fn digest(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

/// Where a schema came from, as its `x-hookschema-source` records it.
struct Origin {
    /// The source file, by its path under the import's root (or its name).
    file: String,
    /// The place in it, when the schema is one part of the file.
    pointer: Option<String>,
    sha256: String,
    /// The source's version when the import is not told one: an OpenAPI document's
    /// `info.version`.
    version: Option<String>,
}

/// `schema`, bundled, with `defs`, as the imported schema `name`: 2020-12, its `$id`, a title,
/// and the record of its source.
fn finish(
    mut schema: Map<String, Value>,
    defs: Map<String, Value>,
    name: &str,
    origin: Origin,
    options: &Options,
) -> Value {
    let mut source = Map::new();
    source.insert("file".to_owned(), json!(origin.file));
    if let Some(pointer) = origin.pointer {
        source.insert("pointer".to_owned(), json!(pointer));
    }
    source.insert("sha256".to_owned(), json!(origin.sha256));
    if let Some(url) = &options.source_url {
        source.insert("url".to_owned(), json!(url));
    }
    if let Some(version) = options.source_version.clone().or(origin.version) {
        source.insert("version".to_owned(), json!(version));
    }
    schema.insert("$schema".to_owned(), json!(DRAFT_2020_12));
    schema.insert("$id".to_owned(), json!(options.id(name)));
    schema
        .entry("title")
        .or_insert_with(|| json!(names::title(name)));
    schema.insert(SOURCE.to_owned(), Value::Object(source));
    if !defs.is_empty() {
        schema.insert("$defs".to_owned(), Value::Object(defs));
    }
    Value::Object(schema)
}
