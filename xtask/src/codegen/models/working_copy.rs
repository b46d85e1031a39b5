//! A schema as the generator reads it: its inline enums named in `$defs` ([`inline_types`]),
//! every `$defs` key made the Rust type name it gives ([`type_names`]), and what only validation
//! asserts left out ([`forgiving`]). The schema file itself is untouched: validation reads it as
//! written.

use std::collections::BTreeMap;

use super::{forgiving, inline_types, type_names};
use crate::Result;
use crate::codegen::SchemaFile;

pub struct WorkingCopy {
    /// The schema, its `json` and `text` the working copy's.
    pub schema: SchemaFile,
    /// Where each `$defs` entry is in the schema file, by type name: a JSON Pointer.
    origins: BTreeMap<String, String>,
}

impl WorkingCopy {
    pub fn new(schema: &SchemaFile) -> Result<WorkingCopy> {
        let (json, hoisted) = inline_types::hoist(&schema.json);
        let (mut json, keys) = type_names::rename_defs(&json)?;
        forgiving::loosen(&mut json);
        let origins = keys
            .into_iter()
            .map(|(name, key)| {
                let origin = hoisted
                    .get(&key)
                    .cloned()
                    .unwrap_or_else(|| format!("/$defs/{key}"));
                (name, origin)
            })
            .collect();
        Ok(WorkingCopy {
            schema: SchemaFile {
                vendor: schema.vendor.clone(),
                stem: schema.stem.clone(),
                path: schema.path.clone(),
                text: serde_json::to_string(&json)?,
                json,
            },
            origins,
        })
    }

    /// Where the type `name` of `$defs` is defined, as `<vendor>/<file>#<pointer>`.
    pub fn origin(&self, name: &str) -> String {
        let pointer = self
            .origins
            .get(name)
            .cloned()
            .unwrap_or_else(|| format!("/$defs/{name}"));
        format!("{}#{pointer}", self.schema.file())
    }
}
