//! A vendor file as written: `schemas/<vendor>/vendor.json`, whose shape
//! `schemas/vendor.schema.json` states. The catalog checks a file against that schema first, so
//! these types meet only files of the right shape and need check nothing the schema says.

use std::collections::BTreeMap;

use hookschema_signature::SignatureScheme;
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
    pub dispatch: Option<DispatchEntry>,
    #[serde(default)]
    pub success: SuccessEntry,
    pub rejection: RejectionFormat,
    #[serde(default = "keep_undecodable")]
    pub undecodable: UndecodableEntry,
    /// Enum name → question → classification; the classifications are the code generator's,
    /// only the questions are read here.
    #[serde(default)]
    pub meanings: BTreeMap<String, BTreeMap<String, Value>>,
}

fn keep_undecodable() -> UndecodableEntry {
    UndecodableEntry::Keep
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum UndecodableEntry {
    Keep,
    Refuse,
}

fn post_only() -> Vec<String> {
    vec!["POST".to_owned()]
}

/// A webhook's `auth`: a signature scheme (its `scheme` the algorithm), or another way.
pub(crate) enum AuthEntry {
    Signed(Box<SignatureScheme>),
    Other(OtherAuth),
}

/// By its `scheme`, so that a mistake in a signature scheme's settings is named as serde finds
/// it, not as "no variant matched".
impl<'de> Deserialize<'de> for AuthEntry {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let auth = Value::deserialize(deserializer)?;
        let signed = matches!(auth["scheme"].as_str(), Some("hmac-sha256" | "ed25519"));
        let entry = if signed {
            SignatureScheme::deserialize(auth).map(|scheme| AuthEntry::Signed(Box::new(scheme)))
        } else {
            OtherAuth::deserialize(auth).map(AuthEntry::Other)
        };
        entry.map_err(serde::de::Error::custom)
    }
}

#[derive(Deserialize)]
#[serde(tag = "scheme")]
pub(crate) enum OtherAuth {
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
pub(crate) struct DispatchEntry {
    pub by: Vec<PlaceEntry>,
    pub schemas: BTreeMap<String, String>,
    #[serde(default = "keep")]
    pub unknown: UnknownEntry,
}

fn keep() -> UnknownEntry {
    UnknownEntry::Keep
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum UnknownEntry {
    Keep,
    Refuse,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum PlaceEntry {
    Header(String),
    Pointer(String),
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum DeliveryIdEntry {
    Header(String),
    Pointer(String),
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
