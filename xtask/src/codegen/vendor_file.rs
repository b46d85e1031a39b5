//! The vendor files, `schemas/<vendor>/vendor.json`: how each vendor's webhooks are received,
//! read at run time by the command line and the receiver. The generator embeds them in the
//! models crate and turns their `meanings` into methods of the open enums; the rest of the file
//! is checked against `schemas/vendor.schema.json` by the catalog's tests and at load.

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use serde::Deserialize;
use serde_json::Value;

use super::schema_file::SchemaFile;
use crate::Result;
use crate::project::Project;

/// The file name of a vendor file in its vendor's folder.
pub const VENDOR_FILE: &str = "vendor.json";
/// The schema every vendor file keeps, at the top of `schemas/`.
pub const VENDOR_SCHEMA: &str = "vendor.schema.json";

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

/// What the generator reads of a webhook: its meanings, for the models; how it is received,
/// for the OpenAPI document. The vendor file's schema gives each field's meaning and default.
#[derive(Deserialize)]
pub struct Webhook {
    #[serde(default)]
    meanings: Entries,
    pub description: Option<String>,
    pub route: String,
    #[serde(default = "post")]
    pub methods: Vec<String>,
    pub auth: Value,
    pub delivery_id: Option<DeliveryId>,
    pub dispatch: Option<Dispatch>,
    #[serde(default)]
    pub success: Success,
    pub rejection: String,
}

/// What the generator reads of a webhook that chooses its schema by the event a delivery names.
#[derive(Deserialize)]
pub struct Dispatch {
    /// How the event's name is built, for people reading the OpenAPI document.
    pub by: Vec<Value>,
    /// Schema file stems, by event name or pattern.
    pub schemas: BTreeMap<String, String>,
}

impl Webhook {
    /// The stems of the schemas a delivery's body may keep: the webhook's own name's, or, when
    /// it dispatches, each its dispatch names once, in order.
    pub fn schema_stems<'a>(&'a self, name: &'a str) -> Vec<&'a str> {
        match &self.dispatch {
            None => vec![name],
            Some(dispatch) => {
                let mut stems: Vec<&str> = dispatch.schemas.values().map(String::as_str).collect();
                stems.sort_unstable();
                stems.dedup();
                stems
            }
        }
    }
}

fn post() -> Vec<String> {
    vec!["POST".to_owned()]
}

#[derive(Deserialize)]
pub struct DeliveryId {
    /// The header it is read from, when it is not a JSON Pointer into the body.
    pub header: Option<String>,
}

#[derive(Deserialize)]
pub struct Success {
    #[serde(default = "ok")]
    pub body: Value,
    pub duplicate: Option<Value>,
    /// A schema of the vendor's folder, by its file stem.
    pub schema: Option<String>,
}

impl Default for Success {
    fn default() -> Self {
        Success {
            body: ok(),
            duplicate: None,
            schema: None,
        }
    }
}

fn ok() -> Value {
    serde_json::json!({ "status": "ok" })
}

#[derive(Deserialize)]
struct MeaningEntry {
    description: String,
    #[serde(rename = "true")]
    yes: Vec<String>,
    #[serde(rename = "false")]
    no: Vec<String>,
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
            let webhooks = serde_json::from_value(json["webhooks"].clone())
                .map_err(|e| format!("{}: /webhooks: {e}", project.display(&path)))?;
            let title = json["title"].as_str().unwrap_or(&vendor).to_owned();
            let description = json["description"].as_str().unwrap_or_default().to_owned();
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

type Entries = BTreeMap<String, BTreeMap<String, MeaningEntry>>;

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
