//! The vendor file an import writes: one the catalog loads as it is, so the folder can be
//! validated at once, with what only the user knows marked `FILL IN` (in descriptions) and
//! `Fill-In` (in header names), to be completed before it receives real deliveries.

use serde_json::{Map, Value, json};

use crate::Options;

/// The skeleton: one webhook on `/<vendor>`; with several schemas, one route dispatching to each
/// by the event's name, whose place (a header, a field of the body) the user fills in. `events`
/// gives each schema imported as (the event as the sender names it, the schema's name).
pub(crate) fn vendor_file(options: &Options, events: &[(&str, &str)], from: &str) -> Value {
    let vendor = &options.vendor;
    let mut webhook = json!({
        "description": format!(
            "FILL IN: what the webhook carries. Imported from {from} by `hookschema import`."
        ),
        "route": format!("/{vendor}"),
        "auth": {
            "scheme": "hmac-sha256",
            "signature_header": "X-Fill-In-Signature",
            "signature_prefix": "",
            "digest_encoding": "hex",
            "signed_content": "{body}",
            "secret_encoding": "utf8"
        },
        "rejection": "errors"
    });
    let name = match events {
        [(_, one)] => (*one).to_owned(),
        _ => {
            let schemas: Map<String, Value> = events
                .iter()
                .map(|(event, name)| ((*event).to_owned(), json!(name)))
                .collect();
            webhook["dispatch"] = json!({
                "by": [{"header": "X-Fill-In-Event"}],
                "schemas": schemas,
                "unknown": "keep"
            });
            "events".to_owned()
        }
    };
    json!({
        "title": format!("FILL IN: {vendor}'s name, for people"),
        "description": format!(
            "FILL IN: what {vendor} sends and how. Imported from {from}: the signature scheme \
             (`auth`), where each delivery's id is (`delivery_id`) and, for several schemas, \
             where the event's name is (`dispatch.by`) are not in the source, and are \
             placeholders here."
        ),
        "webhooks": { name: webhook }
    })
}
