//! The rejection formats, keyed by the name a vendor file gives them: what a receiver answers,
//! with 422, to a delivery it cannot keep, in the shape the sender's own API uses.

mod fastapi;

pub use fastapi::{HttpValidationError, LocationItem, ValidationError, http_validation_error};

use std::fmt;

use hookschema_validate::{Invalid, Violation};
use serde::{Deserialize, Serialize};

/// How a 422 answer's body is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RejectionFormat {
    /// FastAPI's `{"detail": [{"loc", "msg", "type"}]}`, as pydantic v2 reports.
    Fastapi,
    /// `{"errors": [{"instance_path", "schema_path", "message"}]}`: the strict validator's
    /// own report.
    Errors,
}

impl RejectionFormat {
    /// Every format, for messages and the command line.
    pub const ALL: [RejectionFormat; 2] = [RejectionFormat::Fastapi, RejectionFormat::Errors];

    /// The name a vendor file gives the format.
    pub fn name(self) -> &'static str {
        match self {
            RejectionFormat::Fastapi => "fastapi",
            RejectionFormat::Errors => "errors",
        }
    }

    /// The format a vendor file calls `name`.
    pub fn named(name: &str) -> Option<RejectionFormat> {
        Self::ALL.into_iter().find(|format| format.name() == name)
    }

    /// Whether its body reads [`Invalid::document`], the payload as parsed: FastAPI's tells an
    /// array's index from an object's key, and names the type of the value given, by it. A
    /// receiver answering in another format spares itself building it.
    pub fn reads_document(self) -> bool {
        match self {
            RejectionFormat::Fastapi => true,
            RejectionFormat::Errors => false,
        }
    }

    /// The 422 body for `invalid`, serialised straight to the answer's bytes.
    pub fn body(self, invalid: &Invalid) -> RejectionBody<'_> {
        match self {
            RejectionFormat::Fastapi => RejectionBody::Fastapi(http_validation_error(
                &invalid.violations,
                invalid.document.as_ref(),
            )),
            RejectionFormat::Errors => RejectionBody::Errors {
                errors: &invalid.violations,
            },
        }
    }
}

/// A 422 body in one of the [`RejectionFormat`]s. It serialises as the JSON the format
/// describes, without a `serde_json::Value` in between: a receiver writes one for every
/// invalid delivery.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum RejectionBody<'a> {
    /// `{"detail": [...]}`
    Fastapi(HttpValidationError),
    /// `{"errors": [...]}`
    Errors { errors: &'a [Violation] },
}

impl fmt::Display for RejectionFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
