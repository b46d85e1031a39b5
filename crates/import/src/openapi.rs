//! `hookschema import openapi`: the schemas of an OpenAPI 3.0 or 3.1 document (JSON or YAML),
//! each chosen component or webhook made one self-contained 2020-12 schema, the components it
//! refers to bundled into its `$defs`.

use std::fs;
use std::path::Path;

use serde_json::{Map, Value, json};

use crate::convert::{self, Dialect, escape, unescape};
use crate::examples;
use crate::folder::{Folder, Imported};
use crate::names;
use crate::text::pretty;
use crate::{ImportError, Options, Origin, digest, finish};

/// Which of the document's schemas become webhooks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// These components of `#/components/schemas`, each a schema named after it in kebab case
    /// (`payment_intent`: `payment-intent`); with an envelope, each delivered inside it.
    Components {
        names: Vec<String>,
        envelope: Option<Envelope>,
    },
    /// The JSON request body of every operation of OpenAPI 3.1's `webhooks`, each named after
    /// its webhook.
    Webhooks,
}

/// A component every chosen one is delivered inside, at a place of its payload: Stripe sends a
/// `payment_intent` as the `data.object` of an `event` (`event` at `/data/object`). Each chosen
/// component `C` then becomes the schema `<C>-<envelope>`: the envelope, with `C` at that place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub component: String,
    /// A JSON Pointer into the payload, such as `/data/object`.
    pub pointer: String,
}

/// The document, read.
struct Document {
    file: String,
    json: Value,
    dialect: Dialect,
    sha256: String,
}

/// Imports `selection` of the OpenAPI document at `path` as the vendor folder `options.vendor`.
/// `fixtures` is a JSON file of example objects by component name (Stripe's `fixtures3.json`,
/// whose `resources` hold them), each a valid example of its component's schema.
pub fn openapi(
    path: &Path,
    selection: &Selection,
    fixtures: Option<&Path>,
    options: &Options,
) -> Result<Folder, ImportError> {
    options.check()?;
    let document = read(path)?;
    let fixtures = match fixtures {
        Some(path) => Some(read_json(path)?),
        None => None,
    };
    let fixture = |name: &str| {
        let fixtures = fixtures.as_ref()?;
        fixtures
            .get("resources")
            .unwrap_or(fixtures)
            .get(name)
            .cloned()
    };
    let mut imported = Vec::new();
    match selection {
        Selection::Components { names, envelope } => {
            for component in names {
                imported.push(document.component(
                    component,
                    envelope.as_ref(),
                    &fixture,
                    options,
                )?);
            }
        }
        Selection::Webhooks => {
            let webhooks = document.json.get("webhooks").and_then(Value::as_object);
            let webhooks = webhooks.filter(|w| !w.is_empty()).ok_or_else(|| {
                ImportError::at(&document.file, "/webhooks", "the document has no webhooks")
            })?;
            for (name, item) in webhooks {
                imported.extend(document.webhook(name, item, options)?);
            }
        }
    }
    let from = options
        .source_url
        .clone()
        .unwrap_or_else(|| document.file.clone());
    Folder::new(options, imported, &from)
}

fn read_json(path: &Path) -> Result<Value, ImportError> {
    let shown = path.display().to_string();
    let bytes = fs::read(path).map_err(|error| ImportError::new(&shown, error.to_string()))?;
    serde_json::from_slice(&bytes)
        .map_err(|error| ImportError::new(&shown, format!("not JSON: {error}")))
}

/// The document at `path`, JSON or YAML.
fn read(path: &Path) -> Result<Document, ImportError> {
    // Records name the file, never where it was on the machine that imported it.
    let file = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let bytes = fs::read(path).map_err(|error| ImportError::new(&file, error.to_string()))?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|error| ImportError::new(&file, format!("not UTF-8: {error}")))?;
    let json: Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(text)
            .map_err(|error| ImportError::new(&file, format!("not JSON: {error}")))?
    } else {
        serde_saphyr::from_str(text)
            .map_err(|error| ImportError::new(&file, format!("not YAML: {error}")))?
    };
    let version = json.get("openapi").and_then(Value::as_str).unwrap_or("");
    let dialect = if version.starts_with("3.0") {
        Dialect::OpenApi30
    } else if version.starts_with("3.1") {
        let default = "https://spec.openapis.org/oas/3.1/dialect/base";
        let dialect = json.get("jsonSchemaDialect").and_then(Value::as_str);
        if dialect.is_some_and(|d| d != default && !d.contains("2020-12")) {
            return Err(ImportError::at(
                &file,
                "/jsonSchemaDialect",
                "only the 2020-12 dialect is imported",
            ));
        }
        Dialect::OpenApi31
    } else {
        return Err(ImportError::at(
            &file,
            "/openapi",
            format!("`openapi: {version}`: OpenAPI 3.0 and 3.1 are imported"),
        ));
    };
    Ok(Document {
        file,
        json,
        dialect,
        sha256: digest(&bytes),
    })
}

impl Document {
    fn components(&self) -> Option<&Map<String, Value>> {
        self.json
            .pointer("/components/schemas")
            .and_then(Value::as_object)
    }

    /// The component `name`, or an error saying so.
    fn schema_of(&self, name: &str) -> Result<&Value, ImportError> {
        self.components()
            .and_then(|components| components.get(name))
            .ok_or_else(|| {
                ImportError::at(
                    &self.file,
                    &format!("/components/schemas/{}", escape(name)),
                    "no such component",
                )
            })
    }

    /// The component `name` as a schema, inside `envelope` if one is given.
    fn component(
        &self,
        name: &str,
        envelope: Option<&Envelope>,
        fixture: &dyn Fn(&str) -> Option<Value>,
        options: &Options,
    ) -> Result<Imported, ImportError> {
        let component = self.schema_of(name)?;
        let place = format!("/components/schemas/{}", escape(name));
        let Some(envelope) = envelope else {
            let schema_name = names::kebab(name);
            let mut schema =
                self.bundle(component, &place, Vec::new(), &schema_name, &place, options)?;
            let mut examples = examples::from_schema(&mut schema);
            if let Some(value) = fixture(name) {
                examples.push(("fixture.json".to_owned(), pretty(&value).into_bytes()));
            }
            return Ok(Imported {
                name: schema_name,
                event: name.to_owned(),
                schema,
                examples,
            });
        };
        self.schema_of(&envelope.component)?;
        let schema_name = format!(
            "{}-{}",
            names::kebab(name),
            names::kebab(&envelope.component)
        );
        // The envelope, with the component at its place: `allOf` keeps both as published, and a
        // violation inside the component is reported at its place in the payload.
        let mut inner = json!({ "$ref": format!("#/components/schemas/{}", escape(name)) });
        let segments: Vec<&str> = envelope.pointer.split('/').skip(1).collect();
        if segments.is_empty() || !envelope.pointer.starts_with('/') {
            return Err(ImportError::new(
                "--envelope",
                "the place in the envelope is a JSON Pointer such as /data/object",
            ));
        }
        for segment in segments.iter().rev() {
            let key = unescape(segment);
            inner = json!({ "type": "object", "required": [key], "properties": { key: inner } });
        }
        let root = json!({
            "description": component.get("description").cloned().unwrap_or(json!("")),
            "allOf": [{ "$ref": format!("#/components/schemas/{}", escape(&envelope.component)) }, inner],
        });
        let needed = vec![envelope.component.clone(), name.to_owned()];
        let outer_place = format!("/components/schemas/{}", escape(&envelope.component));
        let record = format!("{outer_place} with {place} at {}", envelope.pointer);
        let mut schema = self.bundle(&root, "", needed, &schema_name, &record, options)?;
        let mut examples = examples::from_schema(&mut schema);
        if let (Some(mut outside), Some(inside)) = (fixture(&envelope.component), fixture(name))
            && let Some(slot) = outside.pointer_mut(&envelope.pointer)
        {
            *slot = inside;
            examples.push(("fixture.json".to_owned(), pretty(&outside).into_bytes()));
        }
        Ok(Imported {
            name: schema_name,
            event: format!("{name}.*"),
            schema,
            examples,
        })
    }

    /// Each operation of the webhook `name` that takes a JSON body, as a schema.
    fn webhook(
        &self,
        name: &str,
        item: &Value,
        options: &Options,
    ) -> Result<Vec<Imported>, ImportError> {
        let place = format!("/webhooks/{}", escape(name));
        let operations: Vec<(&String, &Value)> = item
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, operation)| operation.get("requestBody").is_some())
            .collect();
        let mut imported = Vec::new();
        for (method, operation) in &operations {
            let mut at = format!("{place}/{method}/requestBody");
            let mut body = &operation["requestBody"];
            if let Some(reference) = body.get("$ref").and_then(Value::as_str) {
                at = reference.trim_start_matches('#').to_owned();
                body = self.json.pointer(&at).ok_or_else(|| {
                    ImportError::at(
                        &self.file,
                        &at,
                        "the request body it refers to is not there",
                    )
                })?;
            }
            let content = body.get("content").and_then(Value::as_object);
            let Some((media, media_type)) = content.into_iter().flatten().find(|(media, _)| {
                media.starts_with("application/json") || media.ends_with("+json")
            }) else {
                continue;
            };
            let at = format!("{at}/content/{}", escape(media));
            let schema = media_type
                .get("schema")
                .ok_or_else(|| ImportError::at(&self.file, &at, "the JSON body has no schema"))?;
            let schema_name = if operations.len() == 1 {
                names::kebab(name)
            } else {
                names::kebab(&format!("{name}-{method}"))
            };
            let schema_at = format!("{at}/schema");
            let mut bundled = self.bundle(
                schema,
                &schema_at,
                Vec::new(),
                &schema_name,
                &schema_at,
                options,
            )?;
            let mut examples = examples::from_schema(&mut bundled);
            if let Some(example) = media_type.get("example") {
                examples.push(("example.json".to_owned(), pretty(example).into_bytes()));
            }
            for (key, example) in media_type
                .get("examples")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if let Some(value) = example.get("value") {
                    let file = format!("example-{}.json", names::kebab(key));
                    examples.push((file, pretty(value).into_bytes()));
                }
            }
            imported.push(Imported {
                name: schema_name,
                event: if operations.len() == 1 {
                    name.to_owned()
                } else {
                    format!("{name}.{method}")
                },
                schema: bundled,
                examples,
            });
        }
        if imported.is_empty() {
            return Err(ImportError::at(
                &self.file,
                &place,
                "no operation of this webhook takes a JSON request body",
            ));
        }
        Ok(imported)
    }

    /// `root` (at `at` in the document) as the schema `name`, with the components it and they
    /// refer to (and `needed`) in its `$defs`. `record` is the place the source record names.
    fn bundle(
        &self,
        root: &Value,
        at: &str,
        mut needed: Vec<String>,
        name: &str,
        record: &str,
        options: &Options,
    ) -> Result<Value, ImportError> {
        let components = self.components();
        let fail =
            |error: convert::ConvertError| ImportError::at(&self.file, &error.at, error.message);
        let converted = convert::convert(root, self.dialect, at, &mut |reference, _| {
            component_ref(components, self.dialect, reference, &mut needed)
        })
        .map_err(fail)?;
        let Value::Object(schema) = converted else {
            return Err(ImportError::at(
                &self.file,
                at,
                "a schema of `true` or `false`",
            ));
        };
        let mut defs = Map::new();
        let mut next = 0;
        while let Some(component) = needed.get(next).cloned() {
            next += 1;
            let place = format!("/components/schemas/{}", escape(&component));
            let source = components
                .and_then(|c| c.get(&component))
                .ok_or_else(|| ImportError::at(&self.file, &place, "no such component"))?;
            let mut converted =
                convert::convert(source, self.dialect, &place, &mut |reference, _| {
                    component_ref(components, self.dialect, reference, &mut needed)
                })
                .map_err(fail)?;
            if let Value::Object(def) = &mut converted {
                def.entry("title")
                    .or_insert_with(|| json!(names::title(&component)));
            }
            defs.insert(component, converted);
        }
        let origin = Origin {
            file: self.file.clone(),
            pointer: Some(format!("#{record}")),
            sha256: self.sha256.clone(),
            version: self
                .json
                .pointer("/info/version")
                .and_then(Value::as_str)
                .map(|v| format!("info.version {v}")),
        };
        Ok(finish(schema, defs, name, origin, options))
    }
}

/// What `reference`, to a component (or a place in one), becomes in a bundle: a reference into
/// its `$defs`, the component added to `needed` if it is not there yet.
fn component_ref(
    components: Option<&Map<String, Value>>,
    dialect: Dialect,
    reference: &str,
    needed: &mut Vec<String>,
) -> Result<String, String> {
    let decoded = percent_encoding::percent_decode_str(reference).decode_utf8_lossy();
    let rest = decoded
        .strip_prefix("#/components/schemas/")
        .ok_or_else(|| {
            format!("`$ref` {reference}: only references to #/components/schemas are imported")
        })?;
    let (component, tail) = match rest.find('/') {
        Some(slash) => (&rest[..slash], &rest[slash..]),
        None => (rest, ""),
    };
    let component = unescape(component);
    let schema = components
        .and_then(|c| c.get(&component))
        .ok_or_else(|| format!("`$ref` {reference}: no such component"))?;
    let pointer = convert::pointer(schema, tail, dialect)?;
    if !needed.contains(&component) {
        needed.push(component.clone());
    }
    Ok(format!("#/$defs/{}{pointer}", escape(&component)))
}
