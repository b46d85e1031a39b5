//! Where things live in the repository, relative to its root.

use std::path::{Path, PathBuf};

/// The repository being worked on. Tests point it at a scratch copy.
pub struct Project {
    root: PathBuf,
}

impl Project {
    /// The repository this xtask binary was built from.
    pub fn from_manifest_dir() -> Self {
        let xtask = Path::new(env!("CARGO_MANIFEST_DIR"));
        Self::at(
            xtask
                .parent()
                .expect("xtask lives one level below the repository root"),
        )
    }

    pub fn at(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `schemas/`: the JSON Schema files, the single source of truth.
    pub fn schemas_dir(&self) -> PathBuf {
        self.root.join("schemas")
    }

    /// The example payloads of one schema: `schemas/<vendor>/examples/<stem>/`.
    pub fn examples_dir(&self, vendor: &str, stem: &str) -> PathBuf {
        self.schemas_dir().join(vendor).join("examples").join(stem)
    }

    /// Where the generated Rust models go.
    pub fn generated_models_dir(&self) -> PathBuf {
        self.root.join("crates/models/src/generated")
    }

    /// The models crate's manifest, whose `[features]` the generator writes.
    pub fn models_manifest(&self) -> PathBuf {
        self.root.join("crates/models/Cargo.toml")
    }

    /// The copies of the schemas the models crate embeds: inside the crate, so that it can be
    /// packaged and published on its own.
    pub fn models_schemas_dir(&self) -> PathBuf {
        self.root.join("crates/models/schemas")
    }

    /// The copy of the vendor schema the vendor-file crate embeds: inside the crate, so that it
    /// can be packaged and published on its own.
    pub fn vendor_schema_copy(&self) -> PathBuf {
        self.root.join("crates/vendor-file/vendor.schema.json")
    }

    /// Packages for other languages.
    pub fn bindings_dir(&self) -> PathBuf {
        self.root.join("bindings")
    }

    /// The pinned Node and Python tools (`tools/install` puts them there).
    pub fn tools_dir(&self) -> PathBuf {
        self.root.join("tools")
    }

    /// The commit of the last release `RELEASES` names (one line per release, oldest first:
    /// version, commit, day; `#` starts a comment): what git tags would say, were they part of
    /// a clone.
    pub fn last_release(&self) -> crate::Result<String> {
        let text = std::fs::read_to_string(self.root.join("RELEASES"))?;
        text.lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| line.split_whitespace().nth(1))
            .next_back()
            .map(str::to_owned)
            .ok_or_else(|| "RELEASES names no release".into())
    }

    /// `path` relative to the repository root, for messages (never an absolute path).
    pub fn display(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }
}

/// The `version` of the `[section]` of a TOML manifest (`Cargo.toml`'s `workspace.package`,
/// `pyproject.toml`'s `project`), written as `version = "…"`.
pub fn manifest_version(manifest: &str, section: &str) -> Option<String> {
    let header = format!("[{section}]");
    manifest
        .lines()
        .skip_while(|line| line.trim() != header)
        .skip(1)
        .take_while(|line| !line.trim_start().starts_with('['))
        .find_map(|line| {
            let value = line
                .strip_prefix("version")?
                .trim_start()
                .strip_prefix('=')?;
            Some(value.trim().trim_matches('"').to_owned())
        })
}
