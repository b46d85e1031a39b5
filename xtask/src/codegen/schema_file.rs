//! The schema files under `schemas/<vendor>/<stem>.schema.json`, and the names derived from them.

use std::fs;
use std::path::PathBuf;

use serde_json::Value;

use crate::Result;
use crate::project::Project;

const SUFFIX: &str = ".schema.json";

use hookschema_schema_diff::Version;

/// One schema file, read and parsed.
pub struct SchemaFile {
    /// `schemas/<vendor>/`'s folder name.
    pub vendor: String,
    /// The file name without `.schema.json`.
    pub stem: String,
    pub path: PathBuf,
    pub text: String,
    pub json: Value,
}

impl SchemaFile {
    /// Every schema file, ordered by name so the output never depends on directory order.
    pub fn discover(project: &Project) -> Result<Vec<SchemaFile>> {
        let mut files = Vec::new();
        for vendor in fs::read_dir(project.schemas_dir())? {
            let vendor = vendor?.path();
            if !vendor.is_dir() {
                continue;
            }
            for entry in fs::read_dir(&vendor)? {
                let path = entry?.path();
                let Some(stem) = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .and_then(|n| n.strip_suffix(SUFFIX))
                else {
                    continue;
                };
                let vendor_name = file_name(&vendor);
                for part in [vendor_name.as_str(), stem] {
                    if !is_module_name(part) {
                        return Err(format!(
                            "{}: `{part}` must be lowercase letters, digits and dashes, starting \
                             with a letter, to name a Rust module",
                            project.display(&path)
                        )
                        .into());
                    }
                }
                let text = fs::read_to_string(&path)?;
                let json = serde_json::from_str(&text)
                    .map_err(|e| format!("{}: not JSON: {e}", project.display(&path)))?;
                files.push(SchemaFile {
                    vendor: vendor_name,
                    stem: stem.to_owned(),
                    path,
                    text,
                    json,
                });
            }
        }
        files.sort_by_key(SchemaFile::name);
        Ok(files)
    }

    /// The name users pass to `--schema`: `<vendor>/<stem>`.
    pub fn name(&self) -> String {
        format!("{}/{}", self.vendor, self.stem)
    }

    /// The Rust module the schema's types live in.
    pub fn module(&self) -> String {
        self.stem.replace('-', "_")
    }

    /// The Rust module of the schema's vendor.
    pub fn vendor_module(&self) -> String {
        self.vendor.replace('-', "_")
    }

    /// The file's path under `schemas/`, with `/` separators on every platform.
    pub fn file(&self) -> String {
        format!("{}/{}{SUFFIX}", self.vendor, self.stem)
    }

    /// The schema's version: `$id` is an absolute URL ending `/<name>/<version>.json`, as
    /// `https://hookschema.dev/schemas/<name>/<version>.json` for hookschema's own schemas.
    pub fn version(&self) -> Result<String> {
        let id = self.keyword("$id")?;
        let ending = format!("/{}/", self.name());
        id.starts_with("https://")
            .then(|| id.rsplit_once(&ending))
            .flatten()
            .and_then(|(_, rest)| rest.strip_suffix(".json"))
            .filter(|version| Version::parse(version).is_some())
            .map(str::to_owned)
            .ok_or_else(|| {
                format!(
                    "{}: `$id` must be https://…{ending}<major>.<minor>.<patch>.json",
                    self.name()
                )
                .into()
            })
    }

    /// A top-level string keyword such as `$id` or `title`; the authoring rules require both.
    pub fn keyword(&self, keyword: &str) -> Result<&str> {
        self.json
            .get(keyword)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("schema {} has no string `{keyword}`", self.name()).into())
    }
}

/// Names that become Rust modules (dashes become underscores) and `--schema` names unchanged.
fn is_module_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
