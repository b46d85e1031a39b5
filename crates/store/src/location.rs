//! Where deliveries are stored, as a URL: `sqlite:PATH`, `postgres://…`, `jsonl:PATH` or
//! `jsonl:-`.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// A store's location.
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    /// An SQLite database file, created when missing.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL (`postgres://` or `postgresql://`).
    Postgres(String),
    /// A file of JSON lines, appended to; `None` is standard output.
    Jsonl(Option<PathBuf>),
}

/// A location that is none of the kinds, or names none of the place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LocationError {
    /// `sqlite:` or `jsonl:` with nothing after it.
    #[error("`{kind}:` names no file")]
    NoFile { kind: &'static str },
    #[error("`{0}` is not a store: give sqlite:PATH, postgres://…, jsonl:PATH or jsonl:-")]
    UnknownKind(String),
}

impl FromStr for Location {
    type Err = LocationError;

    fn from_str(text: &str) -> Result<Self, LocationError> {
        let path = |rest: &str, kind: &'static str| {
            if rest.is_empty() {
                Err(LocationError::NoFile { kind })
            } else {
                Ok(PathBuf::from(rest))
            }
        };
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Ok(Location::Postgres(text.to_owned()))
        } else if let Some(rest) = text.strip_prefix("sqlite:") {
            path(rest, "sqlite").map(Location::Sqlite)
        } else if let Some(rest) = text.strip_prefix("jsonl:") {
            match rest {
                "-" => Ok(Location::Jsonl(None)),
                rest => path(rest, "jsonl").map(|p| Location::Jsonl(Some(p))),
            }
        } else {
            Err(LocationError::UnknownKind(text.to_owned()))
        }
    }
}

impl Location {
    /// The engine's name, for logs and figures.
    pub fn kind(&self) -> &'static str {
        match self {
            Location::Sqlite(_) => "sqlite",
            Location::Postgres(_) => "postgres",
            Location::Jsonl(_) => "jsonl",
        }
    }
}

/// Shown without a PostgreSQL URL's password, so a location can be logged.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            Location::Jsonl(None) => f.write_str("jsonl:-"),
            Location::Jsonl(Some(path)) => write!(f, "jsonl:{}", path.display()),
            Location::Postgres(url) => f.write_str(&redacted(url)),
        }
    }
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// `url` with the password of its `user:password@` part, if any, replaced.
fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    match rest[..authority_end].rsplit_once('@') {
        Some((user_info, host)) if user_info.contains(':') => {
            let user = user_info.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:…@{host}{}", &rest[authority_end..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_read_and_show_without_a_password() {
        let parse = |text: &str| text.parse::<Location>();
        assert_eq!(parse("sqlite:d.db"), Ok(Location::Sqlite("d.db".into())));
        assert_eq!(parse("jsonl:-"), Ok(Location::Jsonl(None)));
        assert_eq!(
            parse("jsonl:out.jsonl"),
            Ok(Location::Jsonl(Some("out.jsonl".into())))
        );
        for bad in ["sqlite:", "jsonl:", "mysql://x", "deliveries.db"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        let url = "postgres://hook:s3cret@db.example:5432/hooks?sslmode=disable";
        assert_eq!(
            parse(url).unwrap().to_string(),
            "postgres://hook:…@db.example:5432/hooks?sslmode=disable"
        );
        assert_eq!(
            parse("postgresql://db/x").unwrap().to_string(),
            "postgresql://db/x"
        );
    }
}
