//! The types a vendor file reads into. They repeat no default: [`VendorFile::read`] fills every
//! value the file leaves out from the schema's `default` keywords first, so each field the
//! schema defaults is required here.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::ReadError;

/// A vendor file: the vendor's name and the webhooks it sends.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct VendorFile {
    /// The vendor's name, for people.
    pub title: String,
    /// What the vendor sends and how, for people.
    pub description: Option<String>,
    /// The webhooks, by key: the stem of the body's schema file, or, for a webhook that
    /// dispatches to several schemas, a name of its own.
    pub webhooks: BTreeMap<String, Webhook>,
}

/// One webhook: its body's schema, or several chosen by the event a delivery names, received on
/// one route.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Webhook {
    /// What the webhook carries, for people.
    pub description: Option<String>,
    /// The path it is received on.
    pub route: String,
    /// The HTTP methods a delivery comes with.
    pub methods: Vec<String>,
    pub auth: Auth,
    /// Where the delivery's id is, the same on every retry; `None` when the sender sends none.
    pub delivery_id: Option<Place>,
    pub dispatch: Option<Dispatch>,
    pub success: Success,
    /// The name of the 422 answer's format: `fastapi` or `errors`.
    pub rejection: String,
    /// What a receiver not run strict does with a delivery the generated models cannot decode.
    pub undecodable: Disposition,
    /// Enum name, then question (a method name such as `is_terminal`), then its answers.
    pub meanings: BTreeMap<String, BTreeMap<String, Meaning>>,
}

impl Webhook {
    /// The stems of the schemas a delivery's body may keep: the webhook's own key, or, when it
    /// dispatches, each schema its dispatch names once, in order.
    pub fn schema_stems<'a>(&'a self, key: &'a str) -> Vec<&'a str> {
        match &self.dispatch {
            None => vec![key],
            Some(dispatch) => {
                let mut stems: Vec<&str> = dispatch.schemas.values().map(String::as_str).collect();
                stems.sort_unstable();
                stems.dedup();
                stems
            }
        }
    }
}

/// How a delivery is authenticated.
#[derive(Debug, Clone, PartialEq)]
pub enum Auth {
    /// `hmac-sha256` or `ed25519`: the settings as written, defaults filled, `scheme` among
    /// them; `hookschema_signature::SignatureScheme` reads them, and checks what the schema
    /// cannot say.
    Signature(Value),
    /// A secret token in the query parameter `parameter` of the receiver's URL.
    UrlToken { parameter: String },
    /// None: for trusted networks and tests.
    None,
}

/// Read by its `scheme`, so that a signature's settings are kept whole for the signature crate.
impl<'de> Deserialize<'de> for Auth {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(tag = "scheme")]
        enum Unsigned {
            #[serde(rename = "url-token")]
            UrlToken { parameter: String },
            #[serde(rename = "none")]
            None,
        }

        let auth = Value::deserialize(deserializer)?;
        if matches!(auth["scheme"].as_str(), Some("hmac-sha256" | "ed25519")) {
            return Ok(Auth::Signature(auth));
        }
        match Unsigned::deserialize(auth).map_err(serde::de::Error::custom)? {
            Unsigned::UrlToken { parameter } => Ok(Auth::UrlToken { parameter }),
            Unsigned::None => Ok(Auth::None),
        }
    }
}

/// Where a value of a delivery is: a header, or a JSON Pointer into the body.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Place {
    Header(String),
    Pointer(String),
}

/// One route, many schemas: the schema a delivery keeps is chosen by the event it names.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Dispatch {
    /// Where the event's name is, in parts joined by `.`.
    pub by: Vec<Place>,
    /// Schema file stems, by event name or pattern (a name ending in `*`).
    pub schemas: BTreeMap<String, String>,
    /// What is done with a delivery naming an event no entry has.
    pub unknown: Disposition,
}

/// What a receiver does with a delivery it has no schema or model for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Disposition {
    /// Store it, noting why it was not checked or decoded.
    Keep,
    /// Answer 422.
    Refuse,
}

/// The 200 answer to a delivery stored.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Success {
    /// The body answered for a delivery stored now.
    pub body: Value,
    /// The body answered for a retry of a delivery already stored, when not [`Self::body`].
    pub duplicate: Option<Value>,
    /// The stem of the schema in the same folder that both bodies keep.
    pub schema: Option<String>,
}

/// One yes-or-no question about an enum's values, and every value's answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Meaning {
    /// What a yes means.
    pub description: String,
    /// The values that answer yes.
    #[serde(rename = "true")]
    pub yes: Vec<String>,
    /// The values that answer no.
    #[serde(rename = "false")]
    pub no: Vec<String>,
}

impl VendorFile {
    /// Reads a vendor file's text, with [`crate::schema`]'s defaults.
    pub fn parse(text: &str) -> Result<VendorFile, ReadError> {
        let json = serde_json::from_str(text).map_err(ReadError::NotJson)?;
        VendorFile::read(json, crate::schema())
    }

    /// Reads a vendor file, every value it leaves out filled from `schema`'s defaults first (see
    /// [`crate::fill_defaults`]). The file is not checked against the schema: a caller that
    /// wants errors naming the broken rule checks first, as the catalog does.
    pub fn read(mut json: Value, schema: &Value) -> Result<VendorFile, ReadError> {
        crate::fill_defaults(&mut json, schema)?;
        serde_path_to_error::deserialize(json).map_err(|error| ReadError::Shape {
            pointer: error
                .path()
                .iter()
                .map(|segment| format!("/{segment}"))
                .collect(),
            message: error.into_inner().to_string(),
        })
    }
}
