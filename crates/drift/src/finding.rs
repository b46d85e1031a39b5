//! What a delivery does that its schema does not say, and where in the schema.

use serde::Serialize;
use serde_json::Value;

/// One way a delivery departs from its schema, at one schema location.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// JSON Pointer into the schema document: the node a widening would change (for an
    /// undeclared key, the object schema that would declare it).
    pub location: String,
    /// JSON Pointer into the delivery.
    pub instance_path: String,
    pub kind: Kind,
    /// The value at `instance_path` (for an undeclared key, the key's value).
    pub value: Value,
}

/// What a delivery does that its schema does not say. Serialised as `{"kind": <label>, …}`,
/// the labels of [`Kind::label`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Kind {
    /// A key no schema declares. Objects are open, so the delivery is still valid: this is
    /// news, not an error (unless the object is closed).
    Undeclared { property: String },
    /// A value the node's `enum` does not list.
    #[serde(rename = "enum")]
    EnumValue,
    /// `null` where the node does not take it.
    Null,
    /// A number with a fraction where an integer is declared.
    Fraction,
    /// A value past a bound (`minimum`, `maxLength`, `minItems`, …).
    Bound { keyword: String },
    /// A required property that did not come.
    Missing { property: String },
    /// A string the node's `format` refuses: reported, never dropped.
    Format { format: String },
    /// A string the node's `pattern` refuses: reported, never dropped.
    Pattern,
    /// A value of another type (or another constant) than the node declares: no widening, a
    /// breaking drift, reported and never patched.
    Breaking { declared: String },
}

impl Kind {
    /// A short label, for metrics and reports: `undeclared`, `enum`, `null`, `fraction`,
    /// `bound`, `missing`, `format`, `pattern`, `breaking`.
    pub fn label(&self) -> &'static str {
        match self {
            Kind::Undeclared { .. } => "undeclared",
            Kind::EnumValue => "enum",
            Kind::Null => "null",
            Kind::Fraction => "fraction",
            Kind::Bound { .. } => "bound",
            Kind::Missing { .. } => "missing",
            Kind::Format { .. } => "format",
            Kind::Pattern => "pattern",
            Kind::Breaking { .. } => "breaking",
        }
    }

    /// Whether a widening of the schema can accept it; the others are reported only.
    pub fn widens(&self) -> bool {
        !matches!(
            self,
            Kind::Format { .. } | Kind::Pattern | Kind::Breaking { .. }
        )
    }

    /// For people: what was seen.
    pub fn what(&self) -> String {
        match self {
            Kind::Undeclared { property } => format!("an undeclared property `{property}`"),
            Kind::EnumValue => "a value the enum does not list".to_owned(),
            Kind::Null => "null where it is not allowed".to_owned(),
            Kind::Fraction => "a number with a fraction where an integer is declared".to_owned(),
            Kind::Bound { keyword } => format!("a value past `{keyword}`"),
            Kind::Missing { property } => format!("the required property `{property}` missing"),
            Kind::Format { format } => format!("a string that is not a `{format}`"),
            Kind::Pattern => "a string the `pattern` refuses".to_owned(),
            Kind::Breaking { declared } => format!("a value that is not {declared}"),
        }
    }
}
