//! A schema's examples, as files beside it: those its source publishes as files, kept byte for
//! byte, and those written in the schema itself.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::ImportError;
use crate::text::pretty;

/// The valid examples of `schema` (a file under `root`) in `folder`, a folder laid out as `root`:
/// in the schema's own subfolder there, the files named `<schema stem>.….json`, or every
/// `.json` file when no other schema imported lives in that subfolder.
pub(crate) fn beside(
    folder: &Path,
    root: &Path,
    schema: &Path,
    schemas: &[PathBuf],
) -> Result<Vec<(String, Vec<u8>)>, ImportError> {
    let Ok(relative) = schema.strip_prefix(root) else {
        return Ok(Vec::new());
    };
    let place = folder.join(relative.parent().unwrap_or(Path::new("")));
    let stem = file_stem(schema);
    let alone = schemas
        .iter()
        .filter(|other| other.parent() == schema.parent())
        .count()
        == 1;
    let Ok(entries) = fs::read_dir(&place) else {
        return Ok(Vec::new());
    };
    let mut examples = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|error| ImportError::new(place.display().to_string(), error.to_string()))?
            .path();
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let first = name.split('.').next().unwrap_or_default();
        if path.is_file() && name.ends_with(".json") && (alone || first == stem) {
            let bytes = fs::read(&path)
                .map_err(|error| ImportError::new(path.display().to_string(), error.to_string()))?;
            examples.push((name, bytes));
        }
    }
    examples.sort();
    Ok(examples)
}

/// `opened` for `…/opened.schema.json`.
fn file_stem(schema: &Path) -> String {
    let name = schema.file_name().unwrap_or_default().to_string_lossy();
    name.split('.').next().unwrap_or_default().to_owned()
}

/// The examples a schema carries at its root: `examples` (kept there too, being a keyword of
/// 2020-12) and OpenAPI's `x-examples` (a list, or a map of named examples, each a value or
/// `{"value": …}`), which is taken out.
pub(crate) fn from_schema(schema: &mut Value) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    if let Some(Value::Array(examples)) = schema.get("examples") {
        for (i, example) in examples.iter().enumerate() {
            files.push((
                format!("example-{}.json", i + 1),
                pretty(example).into_bytes(),
            ));
        }
    }
    let named = schema.as_object_mut().and_then(|s| s.remove("x-examples"));
    match named {
        Some(Value::Array(examples)) => {
            for (i, example) in examples.iter().enumerate() {
                files.push((
                    format!("x-example-{}.json", i + 1),
                    pretty(example).into_bytes(),
                ));
            }
        }
        Some(Value::Object(examples)) => {
            for (name, example) in &examples {
                let value = example.get("value").unwrap_or(example);
                let file = format!("x-example-{}.json", crate::names::kebab(name));
                files.push((file, pretty(value).into_bytes()));
            }
        }
        _ => {}
    }
    files
}
