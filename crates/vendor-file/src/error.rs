//! Why a vendor file could not be read.

/// Why a vendor file could not be read: each says where.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The text is not JSON.
    #[error("not JSON: {0}")]
    NotJson(#[source] serde_json::Error),
    /// A value is not of the shape the types read, at `pointer` (a JSON Pointer into the file).
    /// A file that keeps the vendor schema never gives this.
    #[error("{}: {message}", if pointer.is_empty() { "(root)" } else { pointer })]
    Shape { pointer: String, message: String },
    /// The vendor schema cannot give the defaults: a `$ref` that is not to a place in it, or a
    /// condition (`if`) that does not compile, at `at` (a JSON Pointer into the schema).
    #[error("the vendor schema, at {at}: {message}")]
    Schema { at: String, message: String },
}
