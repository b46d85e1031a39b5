//! Decoders for what senders really write outside their schemas. The generator
//! (`cargo xtask codegen`, its `QUIRKS` table) puts each on its field.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::comfydeploy::OutputValue;

/// `WorkflowRunOutputModel.data`. ComfyDeploy's cancel path sends outputs straight from its
/// database, without the cleaning other paths apply, so an entry may be a node's raw result,
/// such as an error object, instead of a list. Such an entry decodes as a one-item list holding
/// it as [`OutputValue::Other`], and the delivery, which says the run was cancelled, is kept.
pub(crate) fn comfydeploy_output_data<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, Vec<OutputValue>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Entry {
        List(Vec<OutputValue>),
        Raw(Value),
    }

    let entries = BTreeMap::<String, Entry>::deserialize(deserializer)?;
    Ok(entries
        .into_iter()
        .map(|(key, entry)| match entry {
            Entry::List(items) => (key, items),
            Entry::Raw(value) => (key, vec![OutputValue::Other(value)]),
        })
        .collect())
}
