//! Decoders for what ComfyDeploy really writes outside its schemas. A schema's property names
//! its decoder with hookschema's keyword `x-hookschema-quirk`; `cargo xtask codegen` copies this
//! file into the vendor's models module and puts each decoder on its field. It is Rust, and
//! lives in the vendor's folder so that removing the folder removes it.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::value::SeqAccessDeserializer;
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::OutputValue;
use crate::open_union::{self, OpenUnion};

/// `WorkflowRunOutputModel.data`. ComfyDeploy's cancel path sends outputs straight from its
/// database, without the cleaning other paths apply, so an entry may be a node's raw result,
/// such as an error object, instead of a list. Such an entry decodes as a one-item list holding
/// it as [`OutputValue::Other`], and the delivery, which says the run was cancelled, is kept.
pub(super) fn output_data<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, Vec<OutputValue>>, D::Error> {
    /// A list, or anything else kept as sent: told apart by the first token, like an open
    /// union, so a list is decoded once, straight from the input.
    struct Entry(Vec<OutputValue>);

    impl<'de> OpenUnion<'de> for Entry {
        fn other(value: Value) -> Self {
            Entry(vec![OutputValue::Other(value)])
        }

        fn array<A: SeqAccess<'de>>(items: A) -> Result<Self, A::Error> {
            Vec::deserialize(SeqAccessDeserializer::new(items)).map(Entry)
        }
    }

    impl<'de> Deserialize<'de> for Entry {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            open_union::deserialize(deserializer)
        }
    }

    /// The map of entries, each list stored as it is read.
    struct Data;

    impl<'de> Visitor<'de> for Data {
        type Value = BTreeMap<String, Vec<OutputValue>>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a map")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Self::Value, A::Error> {
            let mut data = BTreeMap::new();
            while let Some((key, Entry(items))) = entries.next_entry()? {
                data.insert(key, items);
            }
            Ok(data)
        }
    }

    deserializer.deserialize_map(Data)
}
