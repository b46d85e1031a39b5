//! A vendor file as written: `schemas/<vendor>/vendor.json`, whose shape
//! `schemas/vendor.schema.json` states. The catalog checks a file against that schema first, so
//! these types meet only files of the right shape and need check nothing the schema says.

use std::collections::BTreeMap;

use hookschema_signature::HmacScheme;
use serde::Deserialize;
use serde_json::Value;

use crate::rejection::RejectionFormat;

#[derive(Deserialize)]
pub(crate) struct VendorFile {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    pub webhooks: BTreeMap<String, WebhookEntry>,
}

#[derive(Deserialize)]
pub(crate) struct WebhookEntry {
    #[serde(default)]
    pub description: Option<String>,
    pub route: String,
    #[serde(default = "post_only")]
    pub methods: Vec<String>,
    pub auth: AuthEntry,
    #[serde(default)]
    pub delivery_id: Option<DeliveryIdEntry>,
    #[serde(default)]
    pub success: SuccessEntry,
    pub rejection: RejectionFormat,
    // `meanings` is the code generator's: left unread here.
}

fn post_only() -> Vec<String> {
    vec!["POST".to_owned()]
}

#[derive(Deserialize)]
#[serde(tag = "scheme")]
pub(crate) enum AuthEntry {
    #[serde(rename = "hmac-sha256")]
    HmacSha256(HmacScheme),
    #[serde(rename = "url-token")]
    UrlToken {
        #[serde(default = "token")]
        parameter: String,
    },
    #[serde(rename = "none")]
    None,
}

fn token() -> String {
    "token".to_owned()
}

#[derive(Deserialize)]
pub(crate) struct DeliveryIdEntry {
    pub header: String,
}

#[derive(Deserialize)]
pub(crate) struct SuccessEntry {
    #[serde(default = "ok")]
    pub body: Value,
    #[serde(default)]
    pub duplicate: Option<Value>,
    #[serde(default)]
    pub schema: Option<String>,
}

impl Default for SuccessEntry {
    fn default() -> Self {
        SuccessEntry {
            body: ok(),
            duplicate: None,
            schema: None,
        }
    }
}

fn ok() -> Value {
    serde_json::json!({ "status": "ok" })
}
