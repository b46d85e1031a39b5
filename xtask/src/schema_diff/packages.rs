//! The packages follow the schemas: each binding's version, and the Rust crates' version, must
//! move at least as far as the schemas they carry. A breaking schema change needs a breaking
//! release of every package; a compatible one (a new schema included) a new minor release of
//! the bindings and a new release of the crates. Whether the crates' Rust API changes fit their
//! version is cargo-semver-checks' to say (`.ci/run` runs it beside this).

use serde_json::Value;

use super::git;
use crate::Result;
use crate::project::{Project, manifest_version};
use hookschema_schema_diff::{Severity, Version, show};

/// How a package's version says what changed.
#[derive(Clone, Copy)]
enum Scheme {
    /// Semantic versioning: a breaking change takes a new major version, a compatible one a
    /// new minor version.
    Semver,
    /// Cargo's reading of it, where below 1.0 the first non-zero number is the major one.
    Cargo,
}

struct Package {
    name: &'static str,
    manifest: &'static str,
    scheme: Scheme,
    read: fn(&str) -> Option<String>,
}

const PACKAGES: [Package; 3] = [
    Package {
        name: "the TypeScript package",
        manifest: "bindings/typescript/package.json",
        scheme: Scheme::Semver,
        read: |text| {
            let json: Value = serde_json::from_str(text).ok()?;
            Some(json["version"].as_str()?.to_owned())
        },
    },
    Package {
        name: "the Python package",
        manifest: "bindings/python/pyproject.toml",
        scheme: Scheme::Semver,
        read: |text| manifest_version(text, "project"),
    },
    Package {
        name: "the Rust crates",
        manifest: "Cargo.toml",
        scheme: Scheme::Cargo,
        read: |text| manifest_version(text, "workspace.package"),
    },
];

/// Why the packages' versions do not follow `worst`, the largest schema change since `rev`.
pub fn problems(project: &Project, rev: &str, worst: Option<Severity>) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut bindings = Vec::new();
    for package in &PACKAGES {
        let now = match std::fs::read_to_string(project.root().join(package.manifest)) {
            Ok(text) => text,
            // A repository without this package (the tests' scratch ones).
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
            Err(error) => return Err(error.into()),
        };
        let to = version(package, &now)?;
        if matches!(package.scheme, Scheme::Semver) {
            bindings.push((package.name, to));
        }
        // A package that did not exist at `rev` starts at whatever it starts at.
        let Some(then) = git::file_at(project, rev, package.manifest)? else {
            continue;
        };
        let from = version(package, &then)?;
        println!(
            "{} ({}) {} → {}",
            package.name,
            package.manifest,
            show(Some(from)),
            show(Some(to))
        );
        if let Some(needed) = needs(package.scheme, worst, from, to) {
            problems.push(format!(
                "{} ({}): the schemas' changes need {needed}, but it goes from {} to {}",
                package.name,
                package.manifest,
                show(Some(from)),
                show(Some(to))
            ));
        }
    }
    if let [(first, a), (second, b)] = bindings[..]
        && a != b
    {
        problems.push(format!(
            "{first} is {} and {second} {}: both carry the same schemas, at one version",
            show(Some(a)),
            show(Some(b))
        ));
    }
    Ok(problems)
}

fn version(package: &Package, manifest: &str) -> Result<Version> {
    (package.read)(manifest)
        .and_then(|text| Version::parse(&text))
        .ok_or_else(|| format!("{}: no version to read", package.manifest).into())
}

/// What the move from `from` to `to` lacks for schema changes as large as `worst`, if anything.
fn needs(
    scheme: Scheme,
    worst: Option<Severity>,
    from: Version,
    to: Version,
) -> Option<&'static str> {
    let key = |v: Version| (v.major, v.minor, v.patch);
    let (needed, enough) = match (worst?, scheme) {
        (Severity::Breaking, Scheme::Semver) => ("a new major version", to.major > from.major),
        (Severity::Compatible, Scheme::Semver) => (
            "a new minor version",
            (to.major, to.minor) > (from.major, from.minor),
        ),
        (Severity::Breaking, Scheme::Cargo) => {
            let enough = match (from.major, from.minor) {
                (0, 0) => key(to) > key(from),
                (0, minor) => to.major > 0 || to.minor > minor,
                (major, _) => to.major > major,
            };
            ("a breaking release (Cargo's reading of semver)", enough)
        }
        (Severity::Compatible, Scheme::Cargo) => ("a new release", key(to) > key(from)),
    };
    (!enough).then_some(needed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_package_moves_as_far_as_its_schemas() {
        let v = |text| Version::parse(text).unwrap();
        let (breaking, compatible) = (Some(Severity::Breaking), Some(Severity::Compatible));
        assert!(needs(Scheme::Semver, compatible, v("1.0.0"), v("1.0.1")).is_some());
        assert!(needs(Scheme::Semver, compatible, v("1.0.0"), v("1.1.0")).is_none());
        assert!(needs(Scheme::Semver, breaking, v("1.4.0"), v("1.5.0")).is_some());
        assert!(needs(Scheme::Semver, breaking, v("1.4.0"), v("2.0.0")).is_none());
        assert!(needs(Scheme::Semver, None, v("1.4.0"), v("1.4.0")).is_none());
        assert!(needs(Scheme::Cargo, compatible, v("0.1.0"), v("0.1.0")).is_some());
        assert!(needs(Scheme::Cargo, compatible, v("0.1.0"), v("0.1.1")).is_none());
        assert!(needs(Scheme::Cargo, breaking, v("0.1.0"), v("0.1.1")).is_some());
        assert!(needs(Scheme::Cargo, breaking, v("0.1.3"), v("0.2.0")).is_none());
        assert!(needs(Scheme::Cargo, breaking, v("0.0.3"), v("0.0.4")).is_none());
        assert!(needs(Scheme::Cargo, breaking, v("1.2.0"), v("1.3.0")).is_some());
    }
}
