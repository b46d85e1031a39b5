//! ARCHITECTURE.md's code map is the workspace: every crate it names exists at its path under its
//! name, every crate of the workspace is named, and each depends only on crates named before it.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the repository root")
        .to_path_buf()
}

/// The code map's entries, in order: each item's path and package, from its opening
/// "- `path` (`package`)".
fn code_map(text: &str) -> Vec<(String, String)> {
    let (_, map) = text.split_once("## Code map").expect("a code map");
    let (map, _) = map.split_once("\n## ").unwrap_or((map, ""));
    map.lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("- `")?;
            let (path, rest) = rest.split_once("` (`")?;
            let (package, _) = rest.split_once('`')?;
            Some((path.trim_end_matches('/').to_owned(), package.to_owned()))
        })
        .collect()
}

/// A manifest's package name and the workspace crates among its dependencies (not dev-, not
/// build-dependencies).
fn manifest(path: &Path) -> (String, Vec<String>) {
    let text = std::fs::read_to_string(path.join("Cargo.toml"))
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let name = text
        .lines()
        .find_map(|line| line.strip_prefix("name = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("a package name")
        .to_owned();
    let mut depends = Vec::new();
    let mut section = "";
    for line in text.lines() {
        if line.starts_with('[') {
            section = line;
        } else if section == "[dependencies]"
            && let Some((key, _)) = line.split_once(['.', ' ', '='])
            && key.starts_with("hookschema-")
        {
            depends.push(key.to_owned());
        }
    }
    (name, depends)
}

/// Every package of the workspace, by its folder: the root manifest's `members`, a `dir/*`
/// meaning each folder of `dir` with a manifest.
fn members() -> Vec<PathBuf> {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let line = manifest
        .lines()
        .find(|line| line.starts_with("members = ["))
        .expect("the workspace's members on one line");
    let mut members = Vec::new();
    for member in line.split('"').skip(1).step_by(2) {
        match member.strip_suffix("/*") {
            Some(dir) => {
                for entry in std::fs::read_dir(root().join(dir)).unwrap() {
                    let path = entry.unwrap().path();
                    if path.join("Cargo.toml").exists() {
                        members.push(path.strip_prefix(root()).unwrap().to_path_buf());
                    }
                }
            }
            None => members.push(PathBuf::from(member)),
        }
    }
    members.sort();
    members
}

#[test]
fn the_code_map_is_the_workspace() {
    let text = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let map = code_map(&text);
    let mut problems = Vec::new();
    let mut named: Vec<&str> = Vec::new();
    for (path, package) in &map {
        let dir = root().join(path);
        if !dir.join("Cargo.toml").exists() {
            problems.push(format!("`{path}` ({package}) is no crate"));
            continue;
        }
        let (name, depends) = manifest(&dir);
        if &name != package {
            problems.push(format!("`{path}` is {name}, not {package}"));
        }
        for dependency in depends {
            if !named.contains(&dependency.as_str()) {
                problems.push(format!(
                    "{package} depends on {dependency}, which the map names later or not at all"
                ));
            }
        }
        named.push(package);
    }
    for member in members() {
        let path = member.to_str().unwrap().to_owned();
        if !map.iter().any(|(named, _)| *named == path) {
            problems.push(format!("the code map does not name `{path}`"));
        }
    }
    assert!(map.len() >= 17, "{map:?}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The check can fail: a crate that is not there, one under another name, one out of order.
#[test]
fn the_check_reads_what_the_map_says() {
    let text = "## Code map\n\n- `crates/a` (`hookschema-a`): one.\n  more.\n- `xtask/` (`xtask`): two.\n\n## Invariants\n- `crates/b` (`b`)\n";
    assert_eq!(
        code_map(text),
        [
            ("crates/a".to_owned(), "hookschema-a".to_owned()),
            ("xtask".to_owned(), "xtask".to_owned())
        ]
    );
    let (name, depends) = manifest(&root().join("crates/axum"));
    assert_eq!(name, "hookschema-axum");
    assert!(
        depends.contains(&"hookschema-receive".to_owned()),
        "{depends:?}"
    );
}
