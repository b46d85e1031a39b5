//! One webhook, as a receiver needs it: its schema, route, authentication, delivery id, answers
//! and rejection format.

use std::collections::BTreeMap;

use hookschema_signature::SignatureScheme;
use hookschema_validate::Schema;
use serde_json::Value;

use crate::dispatch::Dispatch;
use crate::rejection::RejectionFormat;

/// A webhook a vendor sends.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// The vendor's folder name.
    pub vendor: String,
    /// `<vendor>/<key>`, its key in the vendor file: the name of its body's schema, unless it
    /// dispatches to several.
    pub name: String,
    /// The schema of the body, or the schemas it dispatches to.
    pub bodies: Bodies,
    pub description: Option<String>,
    /// The path it is received on.
    pub route: String,
    /// The HTTP methods a delivery comes with, upper case.
    pub methods: Vec<String>,
    pub auth: Auth,
    /// Where the delivery's id is, the same on every retry; `None` when the sender sends no
    /// id.
    pub delivery_id: Option<DeliveryId>,
    pub success: Success,
    pub rejection: RejectionFormat,
    /// What a receiver not run strict does with a delivery the generated models cannot decode.
    pub undecodable: Undecodable,
    /// The questions the vendor file's `meanings` asks of each enum (by the enum's name, its
    /// `$defs` key): a new value of such an enum is not understood until a person answers them.
    pub meanings: BTreeMap<String, Vec<String>>,
}

/// What a receiver not run strict does with an authentic JSON delivery that the generated models
/// cannot decode (a vendor that moved on: `null` where a string is declared).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Undecodable {
    /// Store it, its decode error noted beside its violations: the one record of that drift is
    /// not lost to the sender's retries.
    Keep,
    /// Answer 422, in the webhook's rejection format.
    Refuse,
}

/// What a webhook's bodies keep.
#[derive(Debug, Clone)]
pub enum Bodies {
    /// One schema, whatever the delivery.
    One(Schema),
    /// A schema per event the delivery names.
    Dispatch(Dispatch),
}

impl Bodies {
    /// The same, each schema made by `f`.
    pub fn map(&self, f: impl Fn(Schema) -> Schema) -> Bodies {
        match self {
            Bodies::One(schema) => Bodies::One(f(schema.clone())),
            Bodies::Dispatch(dispatch) => Bodies::Dispatch(Dispatch {
                schemas: dispatch
                    .schemas
                    .iter()
                    .map(|(event, schema)| (event.clone(), f(schema.clone())))
                    .collect(),
                ..dispatch.clone()
            }),
        }
    }
}

/// Where a delivery's id is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryId {
    /// A header's value: the scheme's signed `id_header`, or another header the sender sends
    /// unsigned (GitHub's `X-GitHub-Delivery`).
    Header(String),
    /// The value at this JSON Pointer in the body, a string or an integer (Stripe's `/id`),
    /// signed with the body.
    Pointer(String),
}

impl DeliveryId {
    /// The header it is read from, if it is one.
    pub fn header(&self) -> Option<&str> {
        match self {
            DeliveryId::Header(header) => Some(header),
            DeliveryId::Pointer(_) => None,
        }
    }
}

/// How a delivery is authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// Signed by the sender (see [`SignatureScheme`]): with HMAC-SHA256, the receiver holds the
    /// secret; with ed25519, the sender's public key.
    Signed(Box<SignatureScheme>),
    /// The receiver's URL carries a secret token in this query parameter.
    UrlToken { parameter: String },
    /// Anyone who reaches the route is trusted: trusted networks and tests only.
    None,
}

/// What a receiver answers with 200.
#[derive(Debug, Clone)]
pub struct Success {
    /// For a delivery stored now.
    pub body: Value,
    /// For a retry of a delivery already stored.
    pub duplicate: Value,
    /// The schema both bodies keep, when the sender declares its answer.
    pub schema: Option<Schema>,
}

/// What the receiver must be given to authenticate a webhook's deliveries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    /// The signing secrets (`HOOKSCHEMA_<VENDOR>_SECRET`).
    Secret,
    /// The URL token (`HOOKSCHEMA_<VENDOR>_TOKEN`).
    Token,
    /// Nothing.
    None,
}

impl Webhook {
    /// The webhook's name: `<vendor>/<key>`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What authenticating its deliveries takes.
    pub fn credential_kind(&self) -> CredentialKind {
        match self.auth {
            Auth::Signed(_) => CredentialKind::Secret,
            Auth::UrlToken { .. } => CredentialKind::Token,
            Auth::None => CredentialKind::None,
        }
    }

    /// The environment variable a receiver reads the credential from, when it takes one:
    /// `HOOKSCHEMA_<VENDOR>_SECRET` or `HOOKSCHEMA_<VENDOR>_TOKEN`, the vendor's folder name in
    /// upper case with `-` as `_`.
    pub fn credential_variable(&self) -> Option<String> {
        let vendor = self.vendor.to_ascii_uppercase().replace('-', "_");
        match self.credential_kind() {
            CredentialKind::Secret => Some(format!("HOOKSCHEMA_{vendor}_SECRET")),
            CredentialKind::Token => Some(format!("HOOKSCHEMA_{vendor}_TOKEN")),
            CredentialKind::None => None,
        }
    }
}
