//! The vendor files, `schemas/<vendor>/vendor.json`: how each vendor's webhooks are received,
//! read at run time by the command line and the receiver. The generator embeds them in the
//! models crate and turns their `meanings` into methods of the open enums; the rest of the file
//! is checked against `schemas/vendor.schema.json` by the catalog's tests and at load.

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use serde::Deserialize;
use serde_json::Value;

use super::SchemaFile;
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
    /// Its webhooks, by schema file stem.
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
    #[serde(default)]
    pub success: Success,
    pub rejection: String,
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

    /// Every webhook must name a schema of the vendor's folder.
    pub fn check(&self, project: &Project, schemas: &[SchemaFile]) -> Result<()> {
        for name in self.webhooks.keys() {
            if !schemas
                .iter()
                .any(|s| s.vendor == self.vendor && &s.stem == name)
            {
                return Err(format!(
                    "{}: webhook `{name}` has no schema {}/{name}.schema.json",
                    project.display(&self.path),
                    self.vendor
                )
                .into());
            }
        }
        Ok(())
    }

    /// The meanings the vendor file gives the enums of `schema`, by enum name.
    pub fn meanings(&self, schema: &SchemaFile) -> BTreeMap<String, Vec<Meaning>> {
        (self.vendor == schema.vendor)
            .then(|| self.webhooks.get(&schema.stem))
            .flatten()
            .map(|webhook| meanings(&webhook.meanings))
            .unwrap_or_default()
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
