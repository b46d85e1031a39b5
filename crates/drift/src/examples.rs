//! A schema's examples (`examples/<name>/valid/*.json` and `invalid/*.json` beside it) and
//! their verdicts: what a widening must leave as it was.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use hookschema_validate::Schema;
use serde_json::Value;

use crate::edit::shown;

/// A schema's example payloads, by file name.
#[derive(Debug, Clone, Default)]
pub struct Examples {
    pub valid: BTreeMap<String, Value>,
    pub invalid: BTreeMap<String, Value>,
}

/// Where a schema breaks each example: no pointer for a valid one.
pub type Verdicts = BTreeMap<String, BTreeSet<String>>;

impl Examples {
    /// The examples in `folder` (`<folder>/valid`, `<folder>/invalid`); none when it is not
    /// there.
    pub fn read(folder: &Path) -> Result<Examples, String> {
        Ok(Examples {
            valid: read_dir(&folder.join("valid"))?,
            invalid: read_dir(&folder.join("invalid"))?,
        })
    }

    /// How `schema` judges every example, by `valid/<file>` and `invalid/<file>`.
    pub fn verdicts(&self, schema: &Schema) -> Verdicts {
        let mut verdicts = BTreeMap::new();
        for (side, examples) in [("valid", &self.valid), ("invalid", &self.invalid)] {
            for (name, example) in examples {
                let pointers = schema
                    .validate(example)
                    .into_iter()
                    .map(|violation| violation.instance_path)
                    .collect();
                verdicts.insert(format!("{side}/{name}"), pointers);
            }
        }
        verdicts
    }

    pub fn is_empty(&self) -> bool {
        self.valid.is_empty() && self.invalid.is_empty()
    }
}

/// How the verdicts `after` differ from `before`, for people; `None` when they do not.
pub fn changed(before: &Verdicts, after: &Verdicts) -> Option<String> {
    let changes: Vec<String> = before
        .iter()
        .filter(|(name, pointers)| after.get(*name) != Some(pointers))
        .map(|(name, pointers)| {
            let now = after.get(name).cloned().unwrap_or_default();
            let was = |p: &BTreeSet<String>| {
                if p.is_empty() {
                    "valid".to_owned()
                } else {
                    let at: Vec<&str> = p.iter().map(|p| shown(p)).collect();
                    format!("invalid at {}", at.join(", "))
                }
            };
            format!("{name} was {} and would be {}", was(pointers), was(&now))
        })
        .collect();
    (!changes.is_empty()).then(|| changes.join("; "))
}

fn read_dir(dir: &Path) -> Result<BTreeMap<String, Value>, String> {
    let mut examples = BTreeMap::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(examples);
    };
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            // An example that is not JSON (a truncated body) is refused by any schema alike.
            let Ok(value) = serde_json::from_str(&text) else {
                continue;
            };
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            examples.insert(name.into_owned(), value);
        }
    }
    Ok(examples)
}
