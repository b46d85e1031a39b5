//! The git plumbing: the schema files, and the package manifests, as they were at a revision.

use std::process::Command;

use serde_json::Value;

use crate::Result;
use crate::project::Project;

/// The schema files at `rev`, by name.
pub fn schemas_at(project: &Project, rev: &str) -> Result<Vec<(String, Value)>> {
    let listing = git(
        project,
        &["ls-tree", "-r", "--name-only", rev, "--", "schemas"],
    )?;
    let mut schemas = Vec::new();
    for path in listing.lines() {
        let Some(name) = path
            .strip_prefix("schemas/")
            .and_then(|p| p.strip_suffix(".schema.json"))
            .filter(|name| name.matches('/').count() == 1)
        else {
            continue;
        };
        let text = git(project, &["show", &format!("{rev}:{path}")])?;
        schemas.push((name.to_owned(), serde_json::from_str(&text)?));
    }
    Ok(schemas)
}

/// The text of the file at `path` at `rev`; `None` when it did not exist there.
pub fn file_at(project: &Project, rev: &str, path: &str) -> Result<Option<String>> {
    let listing = git(project, &["ls-tree", "--name-only", rev, "--", path])?;
    if listing.trim().is_empty() {
        return Ok(None);
    }
    Ok(Some(git(project, &["show", &format!("{rev}:{path}")])?))
}

fn git(project: &Project, args: &[&str]) -> Result<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(project.root())
        .args(args)
        .output()?;
    if !output.status.success() {
        return Err(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        )
        .into());
    }
    Ok(String::from_utf8(output.stdout)?)
}
