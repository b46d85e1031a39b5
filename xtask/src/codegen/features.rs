//! The models crate's cargo features: one per vendor folder, all on by default, so a dependent
//! that receives one vendor compiles only its models (`default-features = false, features =
//! ["github"]`). The generator owns the `[features]` table of `crates/models/Cargo.toml`; the
//! rest of the manifest is hand-written and left as it is.

use super::schema_file::SchemaFile;
use crate::Result;
use crate::project::Project;
use crate::sync::GeneratedFile;

/// The manifest with its `[features]` table written for the vendors of `schemas`.
pub fn render(project: &Project, schemas: &[SchemaFile]) -> Result<GeneratedFile> {
    let path = project.models_manifest();
    let manifest =
        std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", project.display(&path)))?;
    Ok(GeneratedFile {
        path,
        contents: with_features(&manifest, &vendors(schemas)),
    })
}

/// The vendor folders, in order, once each.
fn vendors(schemas: &[SchemaFile]) -> Vec<&str> {
    let mut vendors: Vec<&str> = schemas.iter().map(|s| s.vendor.as_str()).collect();
    vendors.sort_unstable();
    vendors.dedup();
    vendors
}

/// `manifest` with its `[features]` table, if it has one, replaced by the vendors', put before
/// `[dev-dependencies]`, or at the end when there is none.
fn with_features(manifest: &str, vendors: &[&str]) -> String {
    let quoted: Vec<String> = vendors.iter().map(|v| format!("\"{v}\"")).collect();
    let mut table = format!(
        "[features]\n# One per vendor folder under `schemas/`: written by `cargo xtask codegen`.\n\
         default = [{}]\n",
        quoted.join(", ")
    );
    for vendor in vendors {
        table.push_str(&format!("{vendor} = []\n"));
    }
    let mut kept = Vec::new();
    let mut in_features = false;
    for line in manifest.lines() {
        if line.starts_with('[') {
            in_features = line.split('#').next().unwrap_or_default().trim() == "[features]";
        }
        if !in_features {
            kept.push(line);
        }
    }
    while kept.last().is_some_and(|line| line.trim().is_empty()) {
        kept.pop();
    }
    let mut text = String::new();
    let mut placed = false;
    for line in kept {
        if !placed && line.trim() == "[dev-dependencies]" {
            text.push_str(&table);
            text.push('\n');
            placed = true;
        }
        text.push_str(line);
        text.push('\n');
    }
    if !placed {
        text.push('\n');
        text.push_str(&table);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_features_table_is_the_vendors_and_the_rest_is_kept() {
        let manifest = "[package]\nname = \"m\"\n\n[dependencies]\nserde = \"1\"\n\n\
                        [features]\ndefault = [\"old\"]\nold = []\n\n[dev-dependencies]\ninsta = \"1\"\n";
        let written = with_features(manifest, &["github", "stripe"]);
        assert_eq!(
            written,
            "[package]\nname = \"m\"\n\n[dependencies]\nserde = \"1\"\n\n[features]\n\
             # One per vendor folder under `schemas/`: written by `cargo xtask codegen`.\n\
             default = [\"github\", \"stripe\"]\ngithub = []\nstripe = []\n\n\
             [dev-dependencies]\ninsta = \"1\"\n"
        );
        assert_eq!(with_features(&written, &["github", "stripe"]), written);
    }
}
