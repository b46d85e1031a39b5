//! Raw bytes to a validated model value, in one call.

use hookschema_models::{DecodeError, HasSchema, SchemaFile};
use serde::de::DeserializeOwned;

use crate::schema::Schema;
use crate::violation::{Invalid, Violation};
use hookschema_json::TapeDeserializer;

/// Parses `bytes` as JSON, validates it strictly against `T`'s schema, and decodes it into `T`.
/// A payload that breaks the schema gets the strict validator's violations, even when the
/// models could decode it; one that the models cannot decode though the schema allows it gets
/// the decoding error.
///
/// The bytes are read once: `T` is decoded from the tape validation walks, answering as
/// serde_json reading the bytes would. The tape keeps the sender's key order, so an event
/// envelope decodes its `data` in one pass when `type` comes first, as vendors send it.
/// serde_json reads the bytes only when something must be said that the tape cannot: why bytes
/// the strict parser refuses are not JSON (or, should the two parsers ever part, what serde_json
/// makes of them), and where and why a valid payload does not decode, with its JSON Pointer,
/// line and column.
pub fn parse<T: HasSchema + DeserializeOwned>(bytes: &[u8]) -> Result<T, Invalid> {
    let schema = Schema::of::<T>();
    let Some(verdict) = schema.on_tape(bytes, |tape| {
        T::deserialize(TapeDeserializer::root(tape)).ok()
    }) else {
        return read_twice(&schema, bytes);
    };
    match verdict? {
        Some(value) => Ok(value),
        // serde_json, reading the bytes, says where and why; or, for what the tape cannot answer
        // as serde_json would (`tape_de` says what), decodes them.
        None => hookschema_models::from_slice(bytes).map_err(|error| undecodable(bytes, error)),
    }
}

/// [`parse`] as it reads bytes the strict parser refuses: serde_json decodes them (or says why
/// they are not JSON), then they are validated as [`Schema::validate_bytes`] does.
fn read_twice<T: DeserializeOwned>(schema: &Schema, bytes: &[u8]) -> Result<T, Invalid> {
    match hookschema_models::from_slice(bytes) {
        Ok(value) => schema.validate_bytes(bytes).map(|()| value),
        Err(error) => Err(refusal(schema, bytes, error)),
    }
}

/// [`parse`]'s verdict on `bytes` for an embedded schema's models, without their type: for a
/// check that runs every schema, or a server that answers by a schema it finds at run time.
/// Valid bytes are read once, as [`parse`] reads them: the root type decodes from the tape
/// (found with [`SchemaFile::with_root`]).
pub fn parse_verdict(file: &SchemaFile, bytes: &[u8]) -> Result<(), Invalid> {
    let schema = Schema::named(file.name).expect("an embedded schema file is embedded");
    // The schema's violations come first: the models' verdict matters only on valid bytes.
    match schema.validate_with_models(bytes, false) {
        (Err(invalid), _) => Err(invalid),
        (Ok(()), decoded) => decoded.map_err(|error| undecodable(bytes, error)),
    }
}

/// Why bytes the models cannot decode are refused: the strict validator's violations, or the
/// decoding error when the schema found none.
fn refusal(schema: &Schema, bytes: &[u8], error: DecodeError) -> Invalid {
    if let Err(invalid) = schema.validate_bytes(bytes) {
        return invalid;
    }
    undecodable(bytes, error)
}

/// Why bytes that keep the schema are refused: the models cannot decode them.
fn undecodable(bytes: &[u8], error: DecodeError) -> Invalid {
    Invalid {
        violations: vec![Violation::decode(error)],
        more: false,
        document: serde_json::from_slice(bytes).ok(),
    }
}

#[cfg(test)]
mod differential;
