//! `cargo xtask schema-diff <rev>`: what changed in the schemas since a git revision, each
//! change classified as compatible (a payload valid before is valid after: a new optional field,
//! a widened type, a new enum value) or breaking (a valid payload may now be refused, or a
//! consumer loses something it relied on: a new required field, a removed enum value, a narrowed
//! type, a removed field). Fails when a schema's `$id` version does not say so: breaking changes
//! need a new major version, compatible ones a new minor version at least. The packages that
//! carry the schemas must move as far ([`packages`]).
//!
//! The command lives here, [`git`] reads the schemas of a revision; the judging is the
//! `hookschema-schema-diff` crate's, which `hookschema drift` shares.

mod git;
mod packages;

use std::path::Path;

use hookschema_schema_diff::{Severity, diff, show, version, version_problem};
use serde_json::Value;

use crate::Result;
use crate::codegen::SchemaFile;
use crate::project::Project;

/// Compares the schemas at `rev` with the working tree, prints every change, and fails when a
/// version does not reflect them: a schema's own, or a package's that carries them.
pub fn run(project: &Project, rev: &str) -> Result<()> {
    let old = git::schemas_at(project, rev)?;
    let new: Vec<(String, Value)> = SchemaFile::discover(project)?
        .into_iter()
        .map(|schema| (schema.name(), schema.json))
        .collect();
    let (mut problems, worst) = compare(&old, &new);
    problems.extend(packages::problems(project, rev, worst)?);
    verdict(problems)
}

/// Compares two folders laid out as `schemas/` (`<vendor>/<name>.schema.json`), such as the
/// imports of two versions of a vendor's published schemas: every change, and whether each
/// schema's `$id` version says as much.
pub fn run_folders(old: &Path, new: &Path) -> Result<()> {
    let (problems, _) = compare(&schemas_in(old)?, &schemas_in(new)?);
    verdict(problems)
}

/// The schemas of a folder laid out as `schemas/`, by name.
fn schemas_in(dir: &Path) -> Result<Vec<(String, Value)>> {
    let mut schemas = Vec::new();
    for vendor in std::fs::read_dir(dir)? {
        let vendor = vendor?.path();
        if !vendor.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&vendor)? {
            let path = file?.path();
            let file_name = path.file_name().unwrap_or_default().to_string_lossy();
            if let Some(stem) = file_name.strip_suffix(".schema.json") {
                let vendor = vendor.file_name().unwrap_or_default().to_string_lossy();
                let json = serde_json::from_slice(&std::fs::read(&path)?)?;
                schemas.push((format!("{vendor}/{stem}"), json));
            }
        }
    }
    schemas.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(schemas)
}

fn verdict(problems: Vec<String>) -> Result<()> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n").into())
    }
}

/// Prints every change from `old` to `new` (schemas by name); what the versions fail to say,
/// and the largest change of all.
fn compare(old: &[(String, Value)], new: &[(String, Value)]) -> (Vec<String>, Option<Severity>) {
    let mut problems = Vec::new();
    let mut worst = None;
    for (name, new_schema) in new {
        let Some((_, old_schema)) = old.iter().find(|(old_name, _)| old_name == name) else {
            println!("{name}: new schema (compatible)");
            worst = worst.max(Some(Severity::Compatible));
            continue;
        };
        let changes = diff(old_schema, new_schema);
        worst = worst.max(changes.iter().map(|c| c.severity).max());
        let (from, to) = (version(old_schema), version(new_schema));
        println!("{name} {} → {}", show(from), show(to));
        for change in &changes {
            println!("  {change}");
        }
        if let Some(problem) = version_problem(&changes, from, to) {
            problems.push(format!("{name}: {problem}"));
        }
    }
    for (name, _) in old
        .iter()
        .filter(|(name, _)| !new.iter().any(|(n, _)| n == name))
    {
        println!("{name}: removed (breaking)");
        worst = Some(Severity::Breaking);
        problems.push(format!(
            "{name} was removed; publish its removal as a new major version of the package"
        ));
    }
    (problems, worst)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use std::process::Command;

    use super::*;

    fn base() -> Value {
        json!({
            "$id": "https://hookschema.dev/schemas/test/event/1.0.0.json",
            "type": "object",
            "required": ["status"],
            "properties": {"status": {"$ref": "#/$defs/Status"}, "note": {"type": "string"}},
            "$defs": {"Status": {"type": "string", "enum": ["queued", "done"]}}
        })
    }

    /// The command end to end, against a git history: a release, then a breaking change.
    /// octokit/webhooks' `ping` schema imported as published, then from a newer source that
    /// requires one more field: `--folders` calls the re-import breaking until it is imported
    /// with a new major version.
    #[test]
    fn a_re_import_of_a_newer_source_is_judged() {
        use hookschema_import::{Options, json_schema};
        let published = hookschema_fixtures::repository_root()
            .join("tests/vendors/github/payload-schemas/api.github.com");
        let newer = tempfile::tempdir().unwrap();
        hookschema_fixtures::copy_tree(&published, newer.path());
        let ping = newer.path().join("ping/event.schema.json");
        let mut schema: Value = serde_json::from_slice(&std::fs::read(&ping).unwrap()).unwrap();
        schema["required"]
            .as_array_mut()
            .unwrap()
            .push(json!("hook_type"));
        schema["properties"]["hook_type"] = json!({"type": "string"});
        std::fs::write(&ping, schema.to_string()).unwrap();
        let import = |root: &Path, version: &str| {
            let out = tempfile::tempdir().unwrap();
            let options = Options {
                version: version.to_owned(),
                ..Options::new("github")
            };
            json_schema(
                &[root.join("ping/event.schema.json")],
                Some(root),
                None,
                &options,
            )
            .unwrap()
            .write(out.path())
            .unwrap();
            out
        };
        let old = import(&published, "1.0.0");
        let same = import(&published, "1.0.0");
        run_folders(old.path(), same.path()).unwrap();
        let error = run_folders(old.path(), import(newer.path(), "1.0.0").path()).unwrap_err();
        assert!(error.to_string().contains("github/ping-event"), "{error}");
        run_folders(old.path(), import(newer.path(), "2.0.0").path()).unwrap();
    }

    #[test]
    fn a_breaking_change_since_a_tag_fails_until_the_major_version_moves() {
        let mut enum_narrowed = base();
        enum_narrowed["$defs"]["Status"]["enum"] = json!(["queued"]);
        let mut now_required = base();
        now_required["required"] = json!(["status", "note"]);
        for changed in [enum_narrowed, now_required] {
            since_a_tag(changed);
        }
    }

    /// In a fresh repository tagged `v1.0.0` with [`base`], `changed` fails the gate until its
    /// `$id` says 2.0.0.
    fn since_a_tag(mut changed: Value) {
        let dir = tempfile::tempdir().unwrap();
        let project = Project::at(dir.path());
        let git = |args: &[&str]| {
            let status = Command::new("git")
                .arg("-C")
                .arg(dir.path())
                .args([
                    "-c",
                    "user.name=t",
                    "-c",
                    "user.email=t@t",
                    "-c",
                    "commit.gpgsign=false",
                ])
                .args(args)
                .status()
                .unwrap();
            assert!(status.success(), "git {args:?}");
        };
        let path = dir.path().join("schemas/test/event.schema.json");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let write = |schema: &Value| {
            std::fs::write(&path, serde_json::to_string_pretty(schema).unwrap()).unwrap()
        };
        write(&base());
        git(&["init", "-q"]);
        git(&["add", "."]);
        git(&["commit", "-q", "-m", "release"]);
        git(&["tag", "v1.0.0"]);

        write(&changed);
        let error = run(&project, "v1.0.0").unwrap_err().to_string();
        assert!(error.contains("need a new major version"), "{error}");

        changed["$id"] = json!("https://hookschema.dev/schemas/test/event/2.0.0.json");
        write(&changed);
        run(&project, "v1.0.0").unwrap();
    }
}
