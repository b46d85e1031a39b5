//! The version policy: a schema's `$id` carries its version, and its changes decide how far
//! that version must move: a breaking change needs a new major version, a compatible one a new
//! minor version at least.

use std::fmt;

use serde_json::Value;

use crate::{Change, Severity};

/// A `major.minor.patch` version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl Version {
    /// `1.2.3`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Version> {
        let mut parts = text.split('.').map(|part| {
            (!part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
                .then(|| part.parse().ok())
                .flatten()
        });
        let version = Version {
            major: parts.next()??,
            minor: parts.next()??,
            patch: parts.next()??,
        };
        parts.next().is_none().then_some(version)
    }

    /// The least version after this one that changes of `severity` need: the next major for a
    /// breaking change, the next minor for a compatible one.
    pub fn bumped(self, severity: Severity) -> Version {
        match severity {
            Severity::Breaking => Version {
                major: self.major + 1,
                minor: 0,
                patch: 0,
            },
            Severity::Compatible => Version {
                minor: self.minor + 1,
                patch: 0,
                ..self
            },
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// A version for people: `1.2.3`, or `?` when there is none.
pub fn show(version: Option<Version>) -> String {
    version.map_or_else(|| "?".to_owned(), |v| v.to_string())
}

/// The version in `$id` (`…/<major>.<minor>.<patch>.json`).
pub fn version(schema: &Value) -> Option<Version> {
    let id = schema["$id"].as_str()?;
    Version::parse(id.rsplit('/').next()?.strip_suffix(".json")?)
}

/// Why the version change does not fit the changes, if it does not.
pub fn version_problem(
    changes: &[Change],
    from: Option<Version>,
    to: Option<Version>,
) -> Option<String> {
    let worst = changes.iter().map(|c| c.severity).max()?;
    let (Some(from), Some(to)) = (from, to) else {
        return Some("its `$id` has no version to compare".to_owned());
    };
    let (needed, enough) = match worst {
        Severity::Breaking => ("a new major version", to.major > from.major),
        Severity::Compatible => (
            "a new minor version",
            (to.major, to.minor) > (from.major, from.minor),
        ),
    };
    (!enough).then(|| {
        format!(
            "its changes need {needed} in `$id`, but it goes from {} to {}",
            show(Some(from)),
            show(Some(to))
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_must_say_what_changed() {
        let v = |text| Version::parse(text);
        let breaking = [Change {
            severity: Severity::Breaking,
            at: String::new(),
            what: String::new(),
        }];
        let compatible = [Change {
            severity: Severity::Compatible,
            at: String::new(),
            what: String::new(),
        }];
        assert!(version_problem(&breaking, v("1.2.0"), v("1.3.0")).is_some());
        assert!(version_problem(&breaking, v("1.2.0"), v("2.0.0")).is_none());
        assert!(version_problem(&compatible, v("1.2.0"), v("1.2.1")).is_some());
        assert!(version_problem(&compatible, v("1.2.0"), v("1.3.0")).is_none());
        assert!(version_problem(&[], v("1.2.0"), v("1.2.0")).is_none());
        let bumped = |from: &'static str, severity| v(from).unwrap().bumped(severity).to_string();
        assert_eq!(bumped("1.2.3", Severity::Compatible), "1.3.0");
        assert_eq!(bumped("1.2.3", Severity::Breaking), "2.0.0");
    }
}
