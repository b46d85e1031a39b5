//! Bringing generated files up to date, or, in check mode, failing on any that is not.
//!
//! This follows rust-analyzer's `ensure_file_contents`: the rendered text is the truth, the file
//! on disk is compared with it, and a stale file names the command that fixes it.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::Result;
use crate::project::Project;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    /// Bring the files on disk up to date.
    Write,
    /// Change nothing; fail if any file is not up to date.
    Check,
}

impl Mode {
    pub fn from_check_flag(check: bool) -> Self {
        if check { Mode::Check } else { Mode::Write }
    }
}

/// A file the generator owns, with the exact text it must hold.
pub struct GeneratedFile {
    pub path: PathBuf,
    pub contents: String,
}

/// Generated files, and the folder they own, if any: a file there that is no longer generated is
/// stale too (removed in write mode), but for the hand-written ones it `keeps`.
pub struct Generated {
    pub owned: Option<PathBuf>,
    /// Hand-written files in the owned folder, relative to it, left alone.
    pub keeps: &'static [&'static str],
    pub files: Vec<GeneratedFile>,
}

/// Syncs every output according to `mode`; in check mode, fails naming each stale file and
/// `cargo xtask {command}`, the command that regenerates it.
pub fn apply(project: &Project, outputs: &[Generated], mode: Mode, command: &str) -> Result<()> {
    let mut stale = Vec::new();
    for output in outputs {
        stale.extend(sync(project, output, mode)?);
    }
    stale.sort();
    if stale.is_empty() {
        return Ok(());
    }
    if mode == Mode::Write {
        for path in &stale {
            eprintln!("updated {path}");
        }
        return Ok(());
    }
    let list: Vec<String> = stale.iter().map(|p| format!("  {p}")).collect();
    Err(format!(
        "generated files are stale:\n{}\nrun `cargo xtask {command}` and commit the result",
        list.join("\n")
    )
    .into())
}

/// Makes the output hold exactly its files (in write mode) and returns, relative to the
/// repository root, every path that differed: changed, missing, or no longer generated.
fn sync(project: &Project, output: &Generated, mode: Mode) -> Result<Vec<String>> {
    let mut stale = Vec::new();
    let wanted: BTreeSet<&Path> = output.files.iter().map(|f| f.path.as_path()).collect();
    for file in &output.files {
        if !ensure_file_contents(&file.path, &file.contents, mode)? {
            stale.push(project.display(&file.path));
        }
    }
    let Some(dir) = &output.owned else {
        return Ok(stale);
    };
    let kept: BTreeSet<PathBuf> = output.keeps.iter().map(|file| dir.join(file)).collect();
    for leftover in files_under(dir)? {
        if !wanted.contains(leftover.as_path()) && !kept.contains(&leftover) {
            stale.push(project.display(&leftover));
            if mode == Mode::Write {
                fs::remove_file(&leftover)?;
                remove_empty_parents(dir, &leftover)?;
            }
        }
    }
    Ok(stale)
}

/// Returns whether `path` already held `contents`; in write mode it then does.
fn ensure_file_contents(path: &Path, contents: &str, mode: Mode) -> Result<bool> {
    if let Ok(current) = fs::read_to_string(path)
        && normalize_newlines(&current) == contents
    {
        return Ok(true);
    }
    if mode == Mode::Write {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(path, contents)?;
    }
    Ok(false)
}

/// Removes the folders between `path` and `dir` that its removal left empty.
fn remove_empty_parents(dir: &Path, path: &Path) -> Result<()> {
    for parent in path.ancestors().skip(1).take_while(|p| *p != dir) {
        if fs::read_dir(parent)?.next().is_some() {
            break;
        }
        fs::remove_dir(parent)?;
    }
    Ok(())
}

/// A checkout with `core.autocrlf` must not look stale.
fn normalize_newlines(text: &str) -> String {
    text.replace("\r\n", "\n")
}

/// Every file below `dir`, except Python's bytecode caches, which running the code leaves.
fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    if !dir.exists() {
        return Ok(found);
    }
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.file_name().is_some_and(|n| n == "__pycache__") {
            continue;
        }
        if path.is_dir() {
            found.extend(files_under(&path)?);
        } else {
            found.push(path);
        }
    }
    Ok(found)
}
