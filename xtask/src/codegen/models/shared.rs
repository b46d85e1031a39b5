//! Types a vendor's schemas share. An imported vendor's schemas each bundle what they refer to
//! (every GitHub event carries `common-user`, `common-repository`, …), and a type used by several
//! schemas is generated once, in the vendor's `shared` module, which the schemas' modules
//! re-export: one `User` type whichever event it came in, and a fraction of the code.
//!
//! Entries are shared by name: the same type name in two schemas of a vendor must be the same
//! schema in both (after the working copy's renaming), or the generator refuses, naming both
//! places; it never picks one.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use super::references::{def_name, references};
use super::working_copy::WorkingCopy;
use crate::Result;
use crate::codegen::SchemaFile;

/// The name of a vendor's module of shared types.
pub const MODULE: &str = "shared";

pub struct Shared {
    /// The type names defined in the shared module.
    pub names: BTreeSet<String>,
    /// The schema the shared module is generated from: the shared `$defs` entries and no root;
    /// none when the vendor's schemas share nothing.
    pub schema: Option<SchemaFile>,
}

/// What `copies`, the working copies of one vendor's schemas, share.
pub fn find(copies: &[WorkingCopy]) -> Result<Shared> {
    let mut first: BTreeMap<&str, (&WorkingCopy, &Value)> = BTreeMap::new();
    let mut names = BTreeSet::new();
    for copy in copies {
        if copy.schema.module() == MODULE {
            return Err(format!(
                "{}: a schema may not be called `{MODULE}`, the module of a vendor's shared types",
                copy.schema.file()
            )
            .into());
        }
        for (name, def) in copy.schema.json["$defs"].as_object().into_iter().flatten() {
            match first.get(name.as_str()) {
                None => {
                    first.insert(name, (copy, def));
                }
                Some((_, earlier)) if *earlier == def => {
                    names.insert(name.clone());
                }
                Some((other, _)) => {
                    return Err(format!(
                        "{} and {} are both the type `{name}`, and differ: a name the schemas of \
                         a vendor share must be one type; rename one of them",
                        other.origin(name),
                        copy.origin(name)
                    )
                    .into());
                }
            }
        }
    }
    let Some((copy, _)) = first.values().next().filter(|_| !names.is_empty()) else {
        return Ok(Shared {
            names,
            schema: None,
        });
    };
    let defs: Map<String, Value> = names
        .iter()
        .map(|name| (name.clone(), first[name.as_str()].1.clone()))
        .collect();
    for (name, def) in &defs {
        check_references(def, &names).map_err(|reference| {
            format!(
                "{}: a type the vendor's schemas share refers to `{reference}`, which is no type \
                 they share",
                first[name.as_str()].0.origin(name)
            )
        })?;
    }
    let json = json!({ "$defs": defs });
    Ok(Shared {
        names,
        schema: Some(SchemaFile {
            vendor: copy.schema.vendor.clone(),
            stem: MODULE.to_owned(),
            path: copy.schema.path.with_file_name(MODULE),
            text: serde_json::to_string(&json)?,
            json,
        }),
    })
}

/// Every `$ref` under `value` names one of `names`, or the `Err` is the first that does not.
fn check_references(value: &Value, names: &BTreeSet<String>) -> std::result::Result<(), String> {
    match references(value)
        .into_iter()
        .find(|reference| !def_name(reference).is_some_and(|name| names.contains(name)))
    {
        Some(reference) => Err(reference.to_owned()),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use serde_json::json;

    use super::*;

    fn copy(stem: &str, json: Value) -> WorkingCopy {
        let schema = SchemaFile {
            vendor: "github".to_owned(),
            stem: stem.to_owned(),
            path: PathBuf::from(format!("schemas/github/{stem}.schema.json")),
            text: json.to_string(),
            json,
        };
        WorkingCopy::new(&schema).unwrap()
    }

    fn user() -> Value {
        json!({"type": "object", "properties": {"login": {"type": "string"}, "org": {"$ref": "#/$defs/common-org"}}})
    }

    #[test]
    fn entries_two_schemas_hold_alike_are_shared_with_what_they_refer_to() {
        let org =
            json!({"type": "object", "properties": {"kind": {"type": "string", "enum": ["a"]}}});
        let opened = copy(
            "issues-opened",
            json!({"title": "opened", "$defs": {"common-user": user(), "common-org": org, "only": {}}}),
        );
        let closed = copy(
            "issues-closed",
            json!({"title": "closed", "$defs": {"common-user": user(), "common-org": org}}),
        );
        let shared = find(&[opened, closed]).unwrap();
        // The enum inside the shared entry is hoisted alike in both, and shared too.
        assert_eq!(
            shared.names.iter().collect::<Vec<_>>(),
            ["CommonOrg", "CommonOrgKind", "CommonUser"]
        );
        let schema = shared.schema.unwrap();
        assert_eq!(schema.stem, MODULE);
        assert!(schema.json["$defs"].get("Only").is_none());
    }

    #[test]
    fn one_name_for_two_different_types_is_an_error_naming_both() {
        let org = json!({"type": "object"});
        let opened = copy(
            "issues-opened",
            json!({"title": "opened", "$defs": {"common-user": user(), "common-org": org}}),
        );
        let mut other = user();
        other["properties"]["id"] = json!({"type": "integer"});
        let closed = copy(
            "issues-closed",
            json!({"title": "closed", "$defs": {"common-user": other, "common-org": org}}),
        );
        let error = find(&[opened, closed]).err().unwrap().to_string();
        assert!(
            error.contains("github/issues-opened.schema.json#/$defs/common-user and github/issues-closed.schema.json#/$defs/common-user are both the type `CommonUser`"),
            "{error}"
        );
    }
}
