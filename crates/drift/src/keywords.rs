//! `format` and `pattern`, judged as the receiver judges them: by hookschema's validator,
//! each keyword's one-keyword schema compiled once.

use std::collections::HashMap;

use hookschema_validate::Schema;
use serde_json::{Value, json};

/// A string format hookschema proposes for new properties and keeps in redacted examples.
pub struct StringFormat {
    pub name: &'static str,
    /// A cheap test a string must pass before the validator is asked: a URI has a scheme and
    /// `//`, an e-mail address an `@` (`"a:b"` is a URI to the letter of the standard, not in
    /// spirit).
    plausible: fn(&str) -> bool,
    /// What a redacted example holds instead of a string of this format.
    pub placeholder: &'static str,
}

/// The formats, in the order they are preferred.
pub const FORMATS: [StringFormat; 5] = [
    StringFormat {
        name: "date-time",
        plausible: |s| s.contains('T') || s.contains('t'),
        placeholder: "2000-01-01T00:00:00Z",
    },
    StringFormat {
        name: "date",
        plausible: |s| s.len() == 10,
        placeholder: "2000-01-01",
    },
    StringFormat {
        name: "uuid",
        plausible: |s| s.len() == 36,
        placeholder: "00000000-0000-4000-8000-000000000000",
    },
    StringFormat {
        name: "email",
        plausible: |s| s.contains('@'),
        placeholder: "user@example.com",
    },
    StringFormat {
        name: "uri",
        plausible: |s| s.contains("://"),
        placeholder: "https://example.com/",
    },
];

/// One-keyword schemas, compiled on first use.
#[derive(Default)]
pub struct Keywords {
    compiled: HashMap<(&'static str, String), Option<Schema>>,
}

impl Keywords {
    /// Whether `text` has the `format` (a format the validator does not know: yes).
    pub fn format(&mut self, format: &str, text: &str) -> bool {
        self.holds("format", format, text)
    }

    /// Whether `text` has the string format `format`.
    pub fn has(&mut self, format: &StringFormat, text: &str) -> bool {
        (format.plausible)(text) && self.format(format.name, text)
    }

    /// Whether the `pattern` matches `text` (a pattern the validator cannot compile: yes).
    pub fn pattern(&mut self, pattern: &str, text: &str) -> bool {
        self.holds("pattern", pattern, text)
    }

    fn holds(&mut self, keyword: &'static str, argument: &str, text: &str) -> bool {
        let schema = self
            .compiled
            .entry((keyword, argument.to_owned()))
            .or_insert_with(|| {
                let schema = json!({ keyword: argument }).to_string();
                Schema::compile(keyword, &schema).ok()
            });
        schema
            .as_ref()
            .is_none_or(|schema| schema.is_valid(&Value::String(text.to_owned())))
    }
}
