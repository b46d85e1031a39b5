//! A catalog: the schemas of a folder and the webhooks its vendor files declare, checked as a
//! whole when it is read, so a mistake in a file stops a receiver at start, saying where.

use std::fmt;
use std::fs;
use std::path::Path;
use std::sync::LazyLock;

use hookschema_validate::{Folder as SchemaFolder, Schema, SchemaError};

use hookschema_signature::SignatureScheme;
use hookschema_vendor_file::{self as file, Disposition, Place, VendorFile};

use crate::dispatch::{Dispatch, EventPart, UnknownEvent};
use crate::rejection::RejectionFormat;
use crate::webhook::{Auth, Bodies, DeliveryId, Success, Undecodable, Webhook};

/// The file a vendor's folder declares its webhooks in.
pub const VENDOR_FILE: &str = file::FILE_NAME;
const SCHEMA_SUFFIX: &str = ".schema.json";

/// The schemas and webhooks of a folder laid out as `schemas/` is: one folder per vendor, with
/// its `<name>.schema.json` files and a `vendor.json`.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// Every schema, ordered by name.
    schemas: Vec<Schema>,
    /// Every vendor with a vendor file, ordered by name.
    vendors: Vec<Vendor>,
}

/// A vendor, by its folder, and the webhooks its vendor file declares.
#[derive(Debug, Clone)]
pub struct Vendor {
    /// The folder's name.
    pub name: String,
    /// The vendor's name, for people.
    pub title: String,
    pub description: Option<String>,
    /// Ordered by schema name.
    pub webhooks: Vec<Webhook>,
}

/// Why a folder is not a catalog: which file, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogError {
    /// The file or folder at fault, as the caller named the catalog's folder.
    pub file: String,
    pub message: String,
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for CatalogError {}

/// One vendor folder's files, read.
struct Folder {
    name: String,
    /// Schema names (without the suffix) and texts, ordered by name.
    schemas: Vec<(String, String)>,
    vendor_file: Option<String>,
}

/// `schemas/vendor.schema.json`, compiled once.
static VENDOR_SCHEMA: LazyLock<Schema> = LazyLock::new(|| {
    Schema::compile("vendor", file::SCHEMA).expect("the embedded vendor schema compiles")
});

impl Catalog {
    /// The catalog built into hookschema: the repository's `schemas/`, embedded in the models.
    pub fn embedded() -> &'static Catalog {
        static EMBEDDED: LazyLock<Catalog> = LazyLock::new(|| {
            let folders = embedded_folders();
            Catalog::build(folders, "schemas").unwrap_or_else(|error| {
                panic!("the embedded catalog is valid (tests prove it): {error}")
            })
        });
        &EMBEDDED
    }

    /// Reads the catalog in `dir`.
    pub fn load(dir: &Path) -> Result<Catalog, CatalogError> {
        let shown = dir.display().to_string();
        let unreadable = |path: &Path, error: std::io::Error| CatalogError {
            file: path.display().to_string(),
            message: format!("cannot read: {error}"),
        };
        let mut folders = Vec::new();
        for entry in sorted_entries(dir).map_err(|e| unreadable(dir, e))? {
            let name = file_name(&entry);
            if !entry.is_dir() || name.starts_with('.') {
                continue;
            }
            let mut folder = Folder {
                name,
                schemas: Vec::new(),
                vendor_file: None,
            };
            for file in sorted_entries(&entry).map_err(|e| unreadable(&entry, e))? {
                let file_name = file_name(&file);
                if let Some(stem) = file_name.strip_suffix(SCHEMA_SUFFIX) {
                    let text = fs::read_to_string(&file).map_err(|e| unreadable(&file, e))?;
                    folder.schemas.push((stem.to_owned(), text));
                } else if file_name == VENDOR_FILE {
                    folder.vendor_file =
                        Some(fs::read_to_string(&file).map_err(|e| unreadable(&file, e))?);
                }
            }
            folders.push(folder);
        }
        let catalog = Catalog::build(folders, &shown)?;
        if catalog.schemas.is_empty() {
            return Err(CatalogError {
                file: shown,
                message: "no schema: expected <vendor>/<name>.schema.json files".to_owned(),
            });
        }
        Ok(catalog)
    }

    /// Every schema, ordered by name.
    pub fn schemas(&self) -> &[Schema] {
        &self.schemas
    }

    /// The schema called `name` (`<vendor>/<name>`).
    pub fn schema(&self, name: &str) -> Option<&Schema> {
        self.schemas.iter().find(|schema| schema.name() == name)
    }

    /// Every vendor with a vendor file, ordered by name.
    pub fn vendors(&self) -> &[Vendor] {
        &self.vendors
    }

    /// The vendor whose folder is `name`.
    pub fn vendor(&self, name: &str) -> Option<&Vendor> {
        self.vendors.iter().find(|vendor| vendor.name == name)
    }

    /// Every webhook, ordered by vendor, then name.
    pub fn webhooks(&self) -> impl Iterator<Item = &Webhook> {
        self.vendors.iter().flat_map(|vendor| &vendor.webhooks)
    }

    /// The webhook `name`: `<vendor>/<key>`, the key naming its body's schema unless it
    /// dispatches to several.
    pub fn webhook(&self, name: &str) -> Option<&Webhook> {
        self.webhooks().find(|webhook| webhook.name() == name)
    }

    /// Checks and compiles every folder. `shown` is how errors name the catalog's folder.
    /// Schemas may `$ref` each other's files, by their place in the catalog
    /// (`hookschema://schemas/<vendor>/<name>.schema.json`, so `other.schema.json` beside one,
    /// or `../<vendor>/<name>.schema.json`) or by their absolute `$id`.
    fn build(folders: Vec<Folder>, shown: &str) -> Result<Catalog, CatalogError> {
        let files = referable(&folders);
        let mut schemas = Vec::new();
        let mut vendors = Vec::new();
        for folder in folders {
            let at = |file: &str| CatalogError {
                file: format!("{shown}/{}/{file}", folder.name),
                message: String::new(),
            };
            if !is_name(&folder.name) {
                return Err(CatalogError {
                    message: "a vendor folder's name is lowercase letters, digits and dashes, \
                              starting with a letter"
                        .to_owned(),
                    ..at("")
                });
            }
            let mut own = Vec::new();
            for (stem, text) in &folder.schemas {
                let file = format!("{stem}{SCHEMA_SUFFIX}");
                if !is_name(stem) {
                    return Err(CatalogError {
                        message: "a schema's name is lowercase letters, digits and dashes, \
                                  starting with a letter"
                            .to_owned(),
                        ..at(&file)
                    });
                }
                let name = format!("{}/{stem}", folder.name);
                let uri = uri_of(&folder.name, stem);
                let schema = Schema::compile_in(&name, text, Some((&uri, &files))).map_err(
                    |SchemaError { message, .. }| CatalogError {
                        message,
                        ..at(&file)
                    },
                )?;
                own.push(schema);
            }
            if let Some(text) = &folder.vendor_file {
                let vendor = vendor(&folder.name, text, &own).map_err(|message| CatalogError {
                    message,
                    ..at(VENDOR_FILE)
                })?;
                vendors.push(vendor);
            }
            schemas.extend(own);
        }
        schemas.sort_by(|a, b| a.name().cmp(b.name()));
        vendors.sort_by(|a, b| a.name.cmp(&b.name));
        let catalog = Catalog { schemas, vendors };
        catalog.check_routes(shown)?;
        Ok(catalog)
    }

    /// No two webhooks share a route.
    fn check_routes(&self, shown: &str) -> Result<(), CatalogError> {
        let webhooks: Vec<&Webhook> = self.webhooks().collect();
        for (i, webhook) in webhooks.iter().enumerate() {
            if let Some(other) = webhooks[..i].iter().find(|w| w.route == webhook.route) {
                return Err(CatalogError {
                    file: format!("{shown}/{}/{VENDOR_FILE}", webhook.vendor),
                    message: format!(
                        "{}: route {} is already {}'s",
                        webhook.name(),
                        webhook.route,
                        other.name()
                    ),
                });
            }
        }
        Ok(())
    }
}

/// The vendor a vendor file declares, its webhooks checked against `schemas`, the folder's own.
/// The error is what is wrong, with the JSON Pointer of where when the file says it.
fn vendor(folder: &str, text: &str, schemas: &[Schema]) -> Result<Vendor, String> {
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|error| format!("not JSON: {error}"))?;
    if let Some(violation) = VENDOR_SCHEMA.validate(&json).into_iter().next() {
        return Err(violation.to_string());
    }
    let file = VendorFile::read(json, file::schema()).map_err(|error| error.to_string())?;
    let own = |stem: &str, at: &str| {
        let name = format!("{folder}/{stem}");
        schemas
            .iter()
            .find(|schema| schema.name() == name)
            .cloned()
            .ok_or_else(|| format!("{at}: there is no {stem}{SCHEMA_SUFFIX} beside this file"))
    };
    let mut webhooks = Vec::new();
    for (key, mut entry) in file.webhooks {
        let at = format!("/webhooks/{key}");
        let bodies = match entry.dispatch.take() {
            Some(dispatch) => Bodies::Dispatch(self::dispatch(dispatch, &at, &own)?),
            None => Bodies::One(own(&key, &at)?),
        };
        webhooks.push(webhook(folder, &key, bodies, entry, &at, &own)?);
    }
    Ok(Vendor {
        name: folder.to_owned(),
        title: file.title,
        description: file.description,
        webhooks,
    })
}

/// A webhook's `dispatch`, each schema it names found beside the vendor file.
fn dispatch(
    entry: file::Dispatch,
    at: &str,
    own: &dyn Fn(&str, &str) -> Result<Schema, String>,
) -> Result<Dispatch, String> {
    let mut schemas = Vec::new();
    for (event, stem) in entry.schemas {
        let place = event.replace('~', "~0").replace('/', "~1");
        let schema = own(&stem, &format!("{at}/dispatch/schemas/{place}"))?;
        schemas.push((event, schema));
    }
    Ok(Dispatch {
        by: entry
            .by
            .into_iter()
            .map(|place| match place {
                Place::Header(name) => EventPart::Header(name),
                Place::Pointer(pointer) => EventPart::Pointer(pointer),
            })
            .collect(),
        schemas,
        unknown: match entry.unknown {
            Disposition::Keep => UnknownEvent::Keep,
            Disposition::Refuse => UnknownEvent::Refuse,
        },
    })
}

fn webhook(
    folder: &str,
    key: &str,
    bodies: Bodies,
    entry: file::Webhook,
    at: &str,
    own: &dyn Fn(&str, &str) -> Result<Schema, String>,
) -> Result<Webhook, String> {
    let auth = match entry.auth {
        file::Auth::Signature(settings) => {
            let scheme: SignatureScheme =
                serde_json::from_value(settings).map_err(|error| format!("{at}/auth: {error}"))?;
            scheme
                .check()
                .map_err(|error| format!("{at}/auth: {error}"))?;
            Auth::Signed(Box::new(scheme))
        }
        file::Auth::UrlToken { parameter } => Auth::UrlToken { parameter },
        file::Auth::None => Auth::None,
    };
    let delivery_id = entry.delivery_id.map(|id| match id {
        Place::Header(header) => DeliveryId::Header(header),
        Place::Pointer(pointer) => DeliveryId::Pointer(pointer),
    });
    let rejection = RejectionFormat::named(&entry.rejection)
        .ok_or_else(|| format!("{at}/rejection: no format is called `{}`", entry.rejection))?;
    let success_schema = match &entry.success.schema {
        Some(stem) => Some(own(stem, &format!("{at}/success/schema"))?),
        None => None,
    };
    let duplicate = entry
        .success
        .duplicate
        .unwrap_or_else(|| entry.success.body.clone());
    if let Some(answers) = &success_schema {
        for (key, body) in [("body", &entry.success.body), ("duplicate", &duplicate)] {
            if let Some(violation) = answers.validate(body).into_iter().next() {
                return Err(format!(
                    "{at}/success/{key} breaks {}: {violation}",
                    answers.name()
                ));
            }
        }
    }
    Ok(Webhook {
        vendor: folder.to_owned(),
        name: format!("{folder}/{key}"),
        bodies,
        description: entry.description,
        route: entry.route,
        methods: entry.methods,
        auth,
        delivery_id,
        success: Success {
            body: entry.success.body,
            duplicate,
            schema: success_schema,
        },
        rejection,
        meanings: entry
            .meanings
            .iter()
            .map(|(name, questions)| (name.clone(), questions.keys().cloned().collect()))
            .collect(),
        undecodable: match entry.undecodable {
            Disposition::Keep => Undecodable::Keep,
            Disposition::Refuse => Undecodable::Refuse,
        },
    })
}

/// Where a schema of the catalog is found, as its references resolve: a URI of its own scheme,
/// so that nothing is ever fetched.
fn uri_of(vendor: &str, stem: &str) -> String {
    format!("hookschema://schemas/{vendor}/{stem}{SCHEMA_SUFFIX}")
}

/// Every schema of the catalog that is JSON, by its place and by its absolute `$id`: what a
/// schema may `$ref`. (One that is not JSON is reported when it is compiled.)
fn referable(folders: &[Folder]) -> SchemaFolder {
    let mut files = Vec::new();
    for folder in folders {
        for (stem, text) in &folder.schemas {
            let Ok(json) = serde_json::from_str::<serde_json::Value>(text) else {
                continue;
            };
            if let Some(id) = json["$id"].as_str().filter(|id| id.contains("://")) {
                files.push((id.trim_end_matches('#').to_owned(), json.clone()));
            }
            files.push((uri_of(&folder.name, stem), json));
        }
    }
    SchemaFolder::new(files)
}

/// The embedded schemas and vendor files, as folders.
fn embedded_folders() -> Vec<Folder> {
    let mut folders: Vec<Folder> = Vec::new();
    for file in hookschema_models::SCHEMAS {
        let (vendor, stem) = file
            .name
            .split_once('/')
            .expect("an embedded schema's name is <vendor>/<name>");
        match folders.iter_mut().find(|f| f.name == vendor) {
            Some(folder) => folder.schemas.push((stem.to_owned(), file.text.to_owned())),
            None => folders.push(Folder {
                name: vendor.to_owned(),
                schemas: vec![(stem.to_owned(), file.text.to_owned())],
                vendor_file: None,
            }),
        }
    }
    for file in hookschema_models::VENDORS {
        if let Some(folder) = folders.iter_mut().find(|f| f.name == file.vendor) {
            folder.vendor_file = Some(file.text.to_owned());
        }
    }
    folders
}

/// Names that make folders, routes and environment variables alike.
fn is_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn sorted_entries(dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut entries = fs::read_dir(dir)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<std::io::Result<Vec<_>>>()?;
    entries.sort();
    Ok(entries)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
