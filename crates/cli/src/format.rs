//! How `validate` and the NDJSON commands report each input.

use clap::ValueEnum;

/// How `validate` reports each input.
#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// A verdict line, then one line per error.
    Text,
    /// One JSON object per input: `{"file", "valid", "errors": [{"instance_path", "schema_path", "message"}]}`.
    Json,
    /// One FastAPI 422 body per input (`{"detail": [{"loc", "msg", "type"}]}`).
    Fastapi,
}
