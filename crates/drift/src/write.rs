//! A checked proposal written out: the schema file in place, and the examples beside it.

use std::fs;
use std::path::{Path, PathBuf};

use hookschema_validate::Schema;

use crate::plan::Proposal;
use crate::redact::redact;

/// The files a proposal wrote.
#[derive(Debug, Clone, Default)]
pub struct Written {
    pub schema: Option<PathBuf>,
    pub examples: Vec<PathBuf>,
    /// Deliveries that made no example: even with what the schema constrains kept, they were
    /// not valid (none should be; the proposal was checked against them).
    pub skipped: usize,
}

/// Writes `proposal`'s patched schema over `schema_file` and its examples into
/// `examples/valid` (`drift-<today>-<n>.json`), each `redacted` if asked; nothing when the
/// proposal has no patch.
pub fn write(
    proposal: &Proposal,
    schema_file: &Path,
    examples: &Path,
    redacted: bool,
    today: &str,
) -> Result<Written, String> {
    let mut written = Written::default();
    let Some(text) = &proposal.patched else {
        return Ok(written);
    };
    let schema = Schema::compile(&proposal.schema, text).map_err(|e| e.to_string())?;
    fs::write(schema_file, text).map_err(|e| format!("{}: {e}", schema_file.display()))?;
    written.schema = Some(schema_file.to_path_buf());
    let folder = examples.join("valid");
    fs::create_dir_all(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    let mut n = 0;
    for delivery in &proposal.examples {
        let example = if redacted {
            redact(delivery, &schema)
        } else {
            schema.is_valid(delivery).then(|| delivery.clone())
        };
        let Some(example) = example else {
            written.skipped += 1;
            continue;
        };
        let path = loop {
            n += 1;
            let path = folder.join(format!("drift-{today}-{n}.json"));
            if !path.exists() {
                break path;
            }
        };
        let mut text = serde_json::to_string_pretty(&example).map_err(|e| e.to_string())?;
        text.push('\n');
        fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        written.examples.push(path);
    }
    Ok(written)
}
