//! What an import makes: the vendor folder's files, and writing them.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::Path;

use serde_json::Value;

use crate::text::pretty;
use crate::{ImportError, Options, SOURCE, skeleton};

/// One schema an import made.
pub(crate) struct Imported {
    /// Its name, the file's stem.
    pub name: String,
    /// The event it is, as the sender names it (`pull_request.opened`, `payment_intent.*`): a
    /// key of the skeleton vendor file's `dispatch`.
    pub event: String,
    pub schema: Value,
    /// Its valid examples, by file name: published bytes kept as they are.
    pub examples: Vec<(String, Vec<u8>)>,
}

/// A vendor folder, made: `<vendor>/<name>.schema.json`, `examples/<name>/valid/<file>` and a
/// skeleton `vendor.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    pub vendor: String,
    /// Each file, by its path inside the vendor's folder (`/`-separated), and its bytes.
    pub files: BTreeMap<String, Vec<u8>>,
}

/// What [`Folder::write`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub schemas: usize,
    pub examples: usize,
    /// The folder had a `vendor.json` already: it was left as it was, since the user completes
    /// it by hand.
    pub vendor_file_kept: bool,
}

const VENDOR_FILE: &str = "vendor.json";
const EXAMPLES: &str = "examples";

impl Folder {
    /// The folder of `imported`, which must name their schemas and events apart: two sources
    /// that would make one file (`order.paid` and `order_paid` are both `order-paid`), or one
    /// event two schemas, are refused rather than one silently kept.
    pub(crate) fn new(
        options: &Options,
        imported: Vec<Imported>,
        from: &str,
    ) -> Result<Folder, ImportError> {
        for (i, schema) in imported.iter().enumerate() {
            for earlier in &imported[..i] {
                let clash = if earlier.name == schema.name {
                    format!("two sources would both be {}.schema.json", schema.name)
                } else if earlier.event == schema.event {
                    format!(
                        "{} and {} would both be the event `{}`",
                        earlier.name, schema.name, schema.event
                    )
                } else {
                    continue;
                };
                return Err(ImportError::new(from, clash));
            }
        }
        let events: Vec<(&str, &str)> = imported
            .iter()
            .map(|schema| (schema.event.as_str(), schema.name.as_str()))
            .collect();
        let mut files = BTreeMap::new();
        files.insert(
            VENDOR_FILE.to_owned(),
            pretty(&skeleton::vendor_file(options, &events, from)).into_bytes(),
        );
        for schema in imported {
            let path = format!("{}.schema.json", schema.name);
            files.insert(path, pretty(&schema.schema).into_bytes());
            for (file, bytes) in schema.examples {
                files.insert(format!("{EXAMPLES}/{}/valid/{file}", schema.name), bytes);
            }
        }
        Ok(Folder {
            vendor: options.vendor.clone(),
            files,
        })
    }

    /// Writes the folder as `out/<vendor>/`. What an earlier import wrote there (each schema
    /// recording its source, and its examples) is replaced, so a schema the source dropped goes
    /// too; a schema written by hand, and a `vendor.json`, are kept, being the user's.
    pub fn write(&self, out: &Path) -> io::Result<Written> {
        let dir = out.join(&self.vendor);
        let vendor_file_kept = dir.join(VENDOR_FILE).exists();
        if dir.exists() {
            for entry in fs::read_dir(&dir)? {
                let path = entry?.path();
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                let Some(stem) = name.strip_suffix(".schema.json") else {
                    continue;
                };
                let text = fs::read_to_string(&path)?;
                let recorded = serde_json::from_str::<Value>(&text)
                    .is_ok_and(|schema| schema.get(SOURCE).is_some());
                if recorded {
                    fs::remove_file(&path)?;
                    let examples = dir.join(EXAMPLES).join(stem);
                    if examples.is_dir() {
                        fs::remove_dir_all(examples)?;
                    }
                }
            }
        }
        let mut written = Written {
            schemas: 0,
            examples: 0,
            vendor_file_kept,
        };
        for (path, bytes) in &self.files {
            if path == VENDOR_FILE && vendor_file_kept {
                continue;
            }
            let target = dir.join(path);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(&target, bytes)?;
            if path.ends_with(".schema.json") {
                written.schemas += 1;
            } else if path.starts_with(EXAMPLES) {
                written.examples += 1;
            }
        }
        Ok(written)
    }
}
