//! The JSON engine under hookschema's validator: one strict pass over a payload's bytes
//! ([`parse`]) onto a flat tape of nodes that borrow its strings ([`Tape`]), which jsonschema
//! validates as it would a `serde_json::Value` ([`JsonTape`]) and serde decodes typed models
//! from ([`TapeDeserializer`]), so that a payload's bytes are read once.
//!
//! What the validator asks of a payload besides JSON (how deep it nests, whether an object
//! repeats a key) the parser only flags, for the validator to judge on the finished tape
//! ([`size`] and [`KeyFilter`] help it walk).

mod keys;
mod parser;
mod tape;
mod tape_de;

pub use keys::KeyFilter;
pub use parser::{Buffers, NotJson, parse};
pub use tape::{JsonTape, Tape, TapeNode, size};
pub use tape_de::TapeDeserializer;
