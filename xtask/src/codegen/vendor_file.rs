//! The vendor files, `schemas/<vendor>/vendor.json`: how each vendor's webhooks are received,
//! read at run time by the command line and the receiver. The generator embeds them in the
//! models crate, turns their `meanings` into methods of the open enums and their webhooks into
//! the OpenAPI document. It reads them with `hookschema-vendor-file`, as the catalog does, with
//! the defaults of `schemas/vendor.schema.json` as it is now; the catalog's tests and every
//! load check a file against that schema.

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

pub use hookschema_vendor_file::{
    Auth, FILE_NAME as VENDOR_FILE, Place, SCHEMA_FILE_NAME as VENDOR_SCHEMA, Webhook,
};
use serde_json::Value;

use super::schema_file::SchemaFile;
use crate::Result;
use crate::project::Project;

pub struct VendorFile {
    /// `schemas/<vendor>/`'s folder name.
    pub vendor: String,
    pub path: PathBuf,
    pub text: String,
    /// The vendor's display name, its `title`.
    pub title: String,
    pub description: String,
    /// Its webhooks, by name: the stem of its schema file, or, for one that dispatches, a name
    /// of its own.
    pub webhooks: BTreeMap<String, Webhook>,
}

/// One yes-or-no question about an enum's values, generated as a method.
#[derive(PartialEq)]
pub struct Meaning {
    /// The method's name, such as `is_terminal`.
    pub method: String,
    pub description: String,
    /// The values that answer yes.
    pub yes: Vec<String>,
    /// The values that answer no.
    pub no: Vec<String>,
}

impl VendorFile {
    /// Every vendor file, ordered by vendor.
    pub fn discover(project: &Project) -> Result<Vec<VendorFile>> {
        let mut files = Vec::new();
        let schema: Value = serde_json::from_str(&fs::read_to_string(
            project.schemas_dir().join(VENDOR_SCHEMA),
        )?)?;
        for entry in fs::read_dir(project.schemas_dir())? {
            let path = entry?.path().join(VENDOR_FILE);
            if !path.is_file() {
                continue;
            }
            let vendor = path
                .parent()
                .and_then(|dir| dir.file_name())
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = fs::read_to_string(&path)?;
            let json: Value = serde_json::from_str(&text)
                .map_err(|e| format!("{}: not JSON: {e}", project.display(&path)))?;
            let file = hookschema_vendor_file::VendorFile::read(json, &schema)
                .map_err(|e| format!("{}: {e}", project.display(&path)))?;
            let title = file.title;
            let description = file.description.unwrap_or_default();
            let webhooks = file.webhooks;
            files.push(VendorFile {
                vendor,
                path,
                text,
                title,
                description,
                webhooks,
            });
        }
        files.sort_by(|a, b| a.vendor.cmp(&b.vendor));
        Ok(files)
    }

    /// Every schema a webhook names must be a schema of the vendor's folder.
    pub fn check(&self, project: &Project, schemas: &[SchemaFile]) -> Result<()> {
        for (name, webhook) in &self.webhooks {
            for stem in webhook.schema_stems(name) {
                if !schemas
                    .iter()
                    .any(|s| s.vendor == self.vendor && s.stem == stem)
                {
                    return Err(format!(
                        "{}: webhook `{name}` names a schema {}/{stem}.schema.json, which is \
                         not there",
                        project.display(&self.path),
                        self.vendor
                    )
                    .into());
                }
            }
        }
        Ok(())
    }

    /// The meanings the vendor file gives the enums of its schemas, by enum name; an error when
    /// two webhooks ask one question of an enum and answer it differently.
    pub fn meanings(&self) -> Result<BTreeMap<String, Vec<Meaning>>> {
        let mut all: BTreeMap<String, Vec<Meaning>> = BTreeMap::new();
        for webhook in self.webhooks.values() {
            for (name, meanings) in meanings(&webhook.meanings) {
                let known = all.entry(name.clone()).or_default();
                for meaning in meanings {
                    match known.iter().find(|m| m.method == meaning.method) {
                        Some(earlier) if *earlier == meaning => {}
                        Some(_) => {
                            return Err(format!(
                                "{}: two webhooks answer `{}` of `{name}` differently",
                                self.vendor, meaning.method
                            )
                            .into());
                        }
                        None => known.push(meaning),
                    }
                }
            }
        }
        Ok(all)
    }
}

/// A vendor file's `meanings` object (enum name → question → classification), read: for the
/// generator's feature tests, which give an enum meanings without a vendor file.
#[cfg(test)]
pub fn parse_meanings(value: &Value) -> Result<BTreeMap<String, Vec<Meaning>>> {
    let entries: Entries = serde_json::from_value(value.clone())?;
    Ok(meanings(&entries))
}

type Entries = BTreeMap<String, BTreeMap<String, hookschema_vendor_file::Meaning>>;

fn meanings(entries: &Entries) -> BTreeMap<String, Vec<Meaning>> {
    entries
        .iter()
        .map(|(enum_name, questions)| {
            let meanings = questions
                .iter()
                .map(|(method, entry)| Meaning {
                    method: method.clone(),
                    description: entry.description.clone(),
                    yes: entry.yes.clone(),
                    no: entry.no.clone(),
                })
                .collect();
            (enum_name.clone(), meanings)
        })
        .collect()
}
