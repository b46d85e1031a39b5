//! Webhooks as data. A folder laid out as hookschema's `schemas/` (one folder per vendor, its
//! JSON Schemas and a `vendor.json`) says everything a receiver needs to take a vendor's
//! deliveries: per webhook, the schema of its body, the route, how a delivery is authenticated
//! (`hmac-sha256` in any setting, a `url-token`, or `none`), where its id comes from, the answer
//! on success and the shape of a refusal. [`Catalog::load`] reads such a folder at run time;
//! [`Catalog::embedded`] is the one built into hookschema.
//!
//! ```
//! use hookschema_catalog::{Auth, Catalog};
//!
//! let catalog = Catalog::embedded();
//! for webhook in catalog.webhooks() {
//!     let signed = matches!(webhook.auth, Auth::Signed(_));
//!     println!("{} on {} (signed: {signed})", webhook.name(), webhook.route);
//! }
//! ```
//!
//! `schemas/vendor.schema.json` is the vendor file's schema; a file that breaks it, or names a
//! schema that is not beside it, or a route another webhook has, is refused with the file and
//! the JSON Pointer of the problem.

mod catalog;
mod credentials;
mod dispatch;
pub mod rejection;
mod webhook;

pub use catalog::{Catalog, CatalogError, VENDOR_FILE, Vendor};
pub use credentials::{CredentialError, Credentials};
pub use dispatch::{Dispatch, EventPart, UnknownEvent, string_at};
pub use rejection::{RejectionBody, RejectionFormat};
pub use webhook::{Auth, Bodies, CredentialKind, DeliveryId, Success, Undecodable, Webhook};
