//! Forgiving typed decoding that says where it failed, as a JSON Pointer.

use std::fmt;

use serde::Serialize;

use crate::place::{pointer, unplace};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// How deep arrays and objects may nest: serde_json's limit, which the models decode with. The
/// strict validator refuses deeper payloads too, so both read the same ones.
pub const MAX_DEPTH: usize = 127;

/// The stack a thread that decodes the generated models is given: serde's derived code keeps a
/// struct's fields in each decoding frame, so a large model nested a few levels deep needs far
/// more than the 2 MiB a thread gets by default. `crates/models/tests/stack.rs` holds every
/// model's examples to a quarter of it, in the debug and the release build; what each takes is
/// measured by `cargo run -p hookschema-hostile --bin stack`. Only the pages a decoding
/// touches are ever backed by memory.
pub const DECODE_STACK_BYTES: usize = 16 * 1024 * 1024;

/// Why bytes did not decode into a model type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// JSON Pointer (RFC 6901) to the value that could not be decoded; `""` is the whole
    /// document. For a syntax error it points at the innermost value being read.
    pub pointer: String,
    /// 1-based line of the input where decoding stopped; 0 when the value was not read from bytes.
    pub line: usize,
    /// 1-based column of the input where decoding stopped; 0 when the value was not read from bytes.
    pub column: usize,
    /// What went wrong, for a person.
    pub message: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() {
            "(root)"
        } else {
            &self.pointer
        };
        write!(f, "{pointer}: {}", self.message)
    }
}

impl std::error::Error for DecodeError {}

/// Decodes `bytes` as a `T`, reporting the failing value's JSON Pointer.
///
/// Decoding runs at serde_json's full speed; only a payload that fails is decoded a second time,
/// tracking the path, to say where.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    serde_json::from_slice(bytes).or_else(|_| from_slice_tracked(bytes))
}

/// Decodes `bytes` as a `T`, tracking the path to the value being decoded.
fn from_slice_tracked<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|error| DecodeError::located(error, bytes))?;
    // Trailing bytes after the document belong to no value: the root is the closest pointer.
    deserializer
        .end()
        .map_err(|error| DecodeError::new(String::new(), &error, bytes))?;
    Ok(value)
}

/// Whether `bytes` decode as a `T`: what a receiver that keeps the raw body asks of the
/// models, without keeping their value.
pub fn decodes<T: DeserializeOwned>(bytes: &[u8]) -> Result<(), DecodeError> {
    from_slice::<T>(bytes).map(drop)
}

/// Decodes `bytes` as a `T` and serialises the value back to JSON: what a typed receiver keeps
/// of a payload.
pub fn reserialize<T: DeserializeOwned + Serialize>(bytes: &[u8]) -> Result<Value, DecodeError> {
    let value: T = from_slice(bytes)?;
    serde_json::to_value(&value).map_err(|error| DecodeError::new(String::new(), &error, bytes))
}

impl DecodeError {
    fn located(error: serde_path_to_error::Error<serde_json::Error>, bytes: &[u8]) -> Self {
        let pointer = pointer(error.path());
        let mut decoded = DecodeError::new(pointer, &error.into_inner(), bytes);
        // An envelope's data decoded after the fact names its place in the message.
        if let Some((at, message)) = unplace(&decoded.message) {
            (decoded.pointer, decoded.message) =
                (format!("{}{at}", decoded.pointer), message.to_owned());
        }
        decoded
    }

    fn new(pointer: String, error: &serde_json::Error, bytes: &[u8]) -> Self {
        DecodeError {
            pointer,
            line: error.line(),
            column: error.column(),
            message: reason(error, bytes),
        }
    }
}

/// Why serde_json refused `bytes`, without the position (callers keep it apart), and in plainer
/// words where serde_json's are terse about input a sender may really produce: nothing at all, a
/// byte order mark, bytes that are not UTF-8, nesting past [`MAX_DEPTH`], `NaN` or `Infinity`.
pub fn reason(error: &serde_json::Error, bytes: &[u8]) -> String {
    let text = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let terse = text.strip_suffix(&suffix).unwrap_or(&text);
    if !error.is_syntax() && !error.is_eof() {
        return terse.to_owned();
    }
    let at = byte_offset(bytes, error.line(), error.column());
    let rest = bytes.get(at.saturating_sub(1)..).unwrap_or_default();
    if bytes.trim_ascii().is_empty() {
        "empty input: no JSON value".to_owned()
    } else if bytes.starts_with(b"\xEF\xBB\xBF") {
        "the input starts with a byte order mark (U+FEFF), which JSON text must not".to_owned()
    } else if let Some(bad) = std::str::from_utf8(bytes)
        .err()
        .map(|e| e.valid_up_to())
        .filter(|&bad| bad < at)
    {
        format!("not UTF-8: byte 0x{:02X} at offset {bad}", bytes[bad])
    } else if terse == "recursion limit exceeded" {
        format!("arrays and objects nest deeper than {MAX_DEPTH} levels")
    } else if [&b"NaN"[..], b"Infinity", b"-Infinity"]
        .iter()
        .any(|word| rest.starts_with(word))
    {
        "NaN and Infinity are not JSON numbers".to_owned()
    } else {
        terse.to_owned()
    }
}

/// The byte offset of serde_json's 1-based line and byte column in `bytes`.
fn byte_offset(bytes: &[u8], line: usize, column: usize) -> usize {
    let line_start: usize = bytes
        .split_inclusive(|b| *b == b'\n')
        .take(line.saturating_sub(1))
        .map(<[u8]>::len)
        .sum();
    (line_start + column).min(bytes.len())
}
