//! A vendor file, `schemas/<vendor>/vendor.json`, read: the webhooks one vendor sends, each with
//! its route, authentication, delivery id, dispatch, answers, rejection format and the meanings
//! of its enums.
//!
//! The catalog reads vendor files at run time to receive deliveries, and `cargo xtask codegen`
//! reads them to generate the models and the OpenAPI document: both read them here, so they
//! cannot disagree on what a file says. What a file leaves out takes the `default` its schema,
//! [`SCHEMA`], gives: the schema is the one place a default is written, for these types and for
//! any tool in another language that reads the same files.
//!
//! ```
//! use hookschema_vendor_file::{Auth, VendorFile};
//!
//! let text = r#"{
//!     "title": "Acme",
//!     "webhooks": {
//!         "order": { "route": "/acme", "auth": { "scheme": "url-token" }, "rejection": "errors" }
//!     }
//! }"#;
//! let file = VendorFile::parse(text).unwrap();
//! let order = &file.webhooks["order"];
//! assert_eq!(order.methods, ["POST"]);
//! assert!(matches!(&order.auth, Auth::UrlToken { parameter } if parameter == "token"));
//! ```

mod defaults;
mod error;
mod file;

use std::sync::LazyLock;

use serde_json::Value;

pub use defaults::fill_defaults;
pub use error::ReadError;
pub use file::{Auth, Dispatch, Disposition, Meaning, Place, Success, VendorFile, Webhook};

/// A vendor file's name in its vendor's folder.
pub const FILE_NAME: &str = "vendor.json";

/// The file name of the schema every vendor file keeps, at the top of `schemas/`.
pub const SCHEMA_FILE_NAME: &str = "vendor.schema.json";

/// `schemas/vendor.schema.json`, the schema every vendor file keeps: a copy `cargo xtask
/// codegen` keeps beside this crate's manifest, so the crate carries it when published.
pub const SCHEMA: &str = include_str!("../vendor.schema.json");

/// [`SCHEMA`], parsed once.
pub fn schema() -> &'static Value {
    static PARSED: LazyLock<Value> = LazyLock::new(|| {
        serde_json::from_str(SCHEMA).expect("the embedded vendor schema is JSON (tests prove it)")
    });
    &PARSED
}
