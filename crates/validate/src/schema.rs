//! The compiled validators: one per schema, built once.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, LazyLock, OnceLock};

use hookschema_models::{DecodeError, HasSchema, MAX_DEPTH, RootVisitor, SCHEMAS, SchemaFile};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::violation::{Invalid, Violation};
use crate::wellformed;
use hookschema_json::TapeDeserializer;
use hookschema_json::{self as parser, Buffers};
use hookschema_json::{JsonTape, Tape, TapeNode};

/// One schema and its validators, each compiled the first time it is needed: one for parsed
/// `serde_json` documents, one for raw bytes, which are validated on a tape.
struct Compiled {
    name: Cow<'static, str>,
    /// The schema's `$id`, empty when it has none.
    id: Cow<'static, str>,
    text: Cow<'static, str>,
    /// The schema embedded in the models, when this is one.
    embedded: Option<&'static SchemaFile>,
    /// Whether its models decode a tape, when it is embedded.
    models: Option<ModelsOnTape>,
    document: OnceLock<jsonschema::Validator>,
    bytes: OnceLock<jsonschema::Validator<JsonTape>>,
}

/// The embedded schemas, one entry per schema in [`SCHEMAS`], in the same order.
static EMBEDDED: LazyLock<Vec<Arc<Compiled>>> = LazyLock::new(|| {
    SCHEMAS
        .iter()
        .map(|file| {
            Arc::new(Compiled {
                name: Cow::Borrowed(file.name),
                id: Cow::Borrowed(file.id),
                text: Cow::Borrowed(file.text),
                embedded: Some(file),
                models: file.with_root(DecodesOnTape),
                document: OnceLock::new(),
                bytes: OnceLock::new(),
            })
        })
        .collect()
});

thread_local! {
    /// The parser's buffers and the tape, kept per thread: a batch of payloads reuses them
    /// instead of allocating them per payload.
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// What parsing a payload needs besides the payload, reused from one payload to the next.
#[derive(Default)]
struct Scratch {
    buffers: Buffers,
    /// The tape's allocation, empty between payloads.
    tape: Vec<Tape<'static>>,
}

/// A schema with its compiled validators: one embedded in the models, or one read at run time
/// ([`Schema::compile`]). Cheap to clone; compiling happens once, the first time a schema is
/// used (at once for one read at run time, so that a broken file is reported where it is read).
#[derive(Clone)]
pub struct Schema {
    compiled: Arc<Compiled>,
    max_violations: usize,
    /// Whether an invalid payload's report carries the payload as parsed.
    documents: bool,
}

/// A schema name that is not one of the embedded schemas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownSchema(pub String);

impl fmt::Display for UnknownSchema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let known: Vec<&str> = SCHEMAS.iter().map(|s| s.name).collect();
        write!(
            f,
            "unknown schema `{}`; known: {}",
            self.0,
            known.join(", ")
        )
    }
}

impl std::error::Error for UnknownSchema {}

/// A schema read at run time that cannot be used: not JSON, or not a schema jsonschema
/// compiles (draft 2020-12, known formats).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    pub name: String,
    pub message: String,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "schema {}: {}", self.name, self.message)
    }
}

impl std::error::Error for SchemaError {}

impl Schema {
    /// The embedded schema called `name`: its path under `schemas/` without `.schema.json`.
    pub fn named(name: &str) -> Result<Schema, UnknownSchema> {
        SCHEMAS
            .iter()
            .position(|file| file.name == name)
            .map(Schema::at)
            .ok_or_else(|| UnknownSchema(name.to_owned()))
    }

    /// The schema the model type `T` was generated from.
    pub fn of<T: HasSchema>() -> Schema {
        Schema::named(T::SCHEMA.name).expect("every generated type's schema is embedded")
    }

    /// Every embedded schema, ordered by name.
    pub fn all() -> impl Iterator<Item = Schema> {
        (0..SCHEMAS.len()).map(Schema::at)
    }

    fn at(index: usize) -> Schema {
        Schema {
            compiled: Arc::clone(&EMBEDDED[index]),
            max_violations: usize::MAX,
            documents: true,
        }
    }

    /// A schema read at run time, called `name`, compiled now. When its text is the embedded
    /// schema of that name, the embedded one is returned, validators shared. It may `$ref` no
    /// other file; [`Schema::compile_in`] lets it.
    pub fn compile(name: &str, text: &str) -> Result<Schema, SchemaError> {
        Schema::compile_in(name, text, None)
    }

    /// [`Schema::compile`], for a schema of a folder whose files `$ref` each other: found at
    /// `uri`, its relative references are resolved against that (or against its `$id`, as JSON
    /// Schema says), and what they name is looked up in `folder`, never fetched.
    pub fn compile_in(
        name: &str,
        text: &str,
        folder: Option<(&str, &Folder)>,
    ) -> Result<Schema, SchemaError> {
        if let Ok(embedded) = Schema::named(name)
            && embedded.text() == text
        {
            return Ok(embedded);
        }
        let error = |message: String| SchemaError {
            name: name.to_owned(),
            message,
        };
        let json: Value =
            serde_json::from_str(text).map_err(|e| error(format!("not JSON: {e}")))?;
        let (document, bytes) = match folder {
            None => (
                options::<jsonschema::json::SerdeJson>().build(&json),
                options::<JsonTape>().build(&json),
            ),
            Some((uri, folder)) => (
                options::<jsonschema::json::SerdeJson>()
                    .with_base_uri(uri)
                    .with_retriever(folder.clone())
                    .build(&json),
                options::<JsonTape>()
                    .with_base_uri(uri)
                    .with_retriever(folder.clone())
                    .build(&json),
            ),
        };
        let document = document.map_err(|e| error(e.to_string()))?;
        let bytes = bytes.map_err(|e| error(e.to_string()))?;
        Ok(Schema {
            compiled: Arc::new(Compiled {
                name: Cow::Owned(name.to_owned()),
                id: Cow::Owned(json["$id"].as_str().unwrap_or_default().to_owned()),
                text: Cow::Owned(text.to_owned()),
                embedded: None,
                models: None,
                document: OnceLock::from(document),
                bytes: OnceLock::from(bytes),
            }),
            max_violations: usize::MAX,
            documents: true,
        })
    }

    /// Report at most `max` violations per payload ([`Invalid::more`] says when there were
    /// more). A hostile payload can break a schema a million times (`[1, 1, 1, …]` where objects
    /// belong): reporting them all would take far more memory than the payload; a person or a
    /// receiver needs the first few.
    pub fn limit_violations(mut self, max: usize) -> Schema {
        self.max_violations = max.max(1);
        self
    }

    /// Leave [`Invalid::document`] out of the reports of invalid payloads (it is kept by
    /// default). A batch that reports lines by number has no use for it, and building it takes
    /// an allocation per string and object of the payload: most of what an invalid line costs.
    pub fn without_documents(mut self) -> Schema {
        self.documents = false;
        self
    }

    /// The schema's name: its path under the schema folder without `.schema.json`.
    pub fn name(&self) -> &str {
        &self.compiled.name
    }

    /// The schema's `$id`; empty when it has none.
    pub fn id(&self) -> &str {
        &self.compiled.id
    }

    /// The schema file's text.
    pub fn text(&self) -> &str {
        &self.compiled.text
    }

    /// The schema embedded in the models, with its typed decoding, when this is one.
    pub fn embedded(&self) -> Option<&'static SchemaFile> {
        self.compiled.embedded
    }

    /// Compiles the validator for raw bytes now, rather than on first use: for a batch whose
    /// first payload should not wait for it.
    pub fn prepare(&self) {
        self.bytes_validator();
    }

    fn document_validator(&self) -> &jsonschema::Validator {
        self.compiled.document.get_or_init(|| {
            options::<jsonschema::json::SerdeJson>()
                .build(&self.schema_json())
                .unwrap_or_else(|e| self.broken(&e))
        })
    }

    fn bytes_validator(&self) -> &jsonschema::Validator<JsonTape> {
        self.compiled.bytes.get_or_init(|| {
            options::<JsonTape>()
                .build(&self.schema_json())
                .unwrap_or_else(|e| self.broken(&e))
        })
    }

    fn schema_json(&self) -> Value {
        serde_json::from_str(self.text())
            .unwrap_or_else(|e| panic!("embedded schema {} is not JSON: {e}", self.name()))
    }

    /// Every embedded schema compiles (the test suite proves it), and one read at run time is
    /// compiled when it is read: a failure here is a build defect, not bad input.
    fn broken(&self, error: &dyn fmt::Display) -> ! {
        panic!("embedded schema {} does not compile: {error}", self.name())
    }

    /// Whether `instance` keeps the schema. Faster than [`Schema::validate`] when the reasons
    /// are not needed.
    pub fn is_valid(&self, instance: &Value) -> bool {
        self.document_validator().is_valid(instance)
    }

    /// Every way `instance` breaks the schema (up to the limit, if one is set); empty when it is
    /// valid. A document of more than 16,384 values and keys reports its first violation only
    /// (see [`Schema::validate_bytes`]).
    pub fn validate(&self, instance: &Value) -> Vec<Violation> {
        let validator = self.document_validator();
        if validator.is_valid(instance) {
            return Vec::new();
        }
        self.report(validator, instance, nodes(instance)).0
    }

    /// How `instance`, of `nodes` values and keys, breaks the schema: every violation up to the
    /// limit, and whether there were more; for a document past [`REPORT_ALL_NODES`], the first
    /// violation alone, and that there may be more. jsonschema collects every error before it
    /// returns any, each taking hundreds of bytes, and a hostile payload of a few megabytes
    /// breaks a schema millions of times (`[{}, {}, …]` where media items belong): all of them
    /// would take gigabytes, where a real delivery's few take nothing.
    fn report<'i, F: jsonschema::json::Json>(
        &self,
        validator: &'i jsonschema::Validator<F>,
        instance: F::Node<'i>,
        nodes: usize,
    ) -> (Vec<Violation>, bool)
    where
        F::Node<'i>: Copy,
    {
        if nodes > REPORT_ALL_NODES {
            return match validator.validate(instance) {
                Ok(()) => (Vec::new(), false),
                Err(error) => (vec![Violation::from_error(&error)], true),
            };
        }
        let mut violations: Vec<Violation> = validator
            .iter_errors(instance)
            .take(self.max_violations.saturating_add(1))
            .map(|error| Violation::from_error(&error))
            .collect();
        let more = violations.len() > self.max_violations;
        violations.truncate(self.max_violations);
        (violations, more)
    }

    /// Parses `bytes` as JSON and validates them. Input that is not JSON is one
    /// [`crate::ViolationKind::NotJson`] violation.
    ///
    /// Before any value is judged, the payload must be one unambiguous JSON document: nested at
    /// most [`hookschema_models::MAX_DEPTH`] deep, with no key repeated in an object; else that
    /// is its one violation (see [`crate::ViolationKind::is_malformed`]).
    ///
    /// This is the fast path for raw payloads: the bytes are read once, strictly, into a tape
    /// and validated on it; a `serde_json::Value` is built only for an invalid payload's report.
    pub fn validate_bytes(&self, bytes: &[u8]) -> Result<(), Invalid> {
        self.on_tape(bytes, |_| ())
            .unwrap_or_else(|| self.validate_with_serde(bytes))
    }

    /// Validates `bytes` as [`Schema::validate_bytes`] does, and says whether the models generated
    /// from this schema decode them ([`SchemaFile::decode`]'s verdict), reading valid bytes once:
    /// the models decode from the tape validation walked. For a receiver that keeps the raw body
    /// and lets the models decide what it keeps. Invalid bytes are decoded only when
    /// `invalid_too` (serde_json reads them a second time): a receiver that keeps drifted
    /// deliveries needs the models' verdict on them, one that refuses every invalid delivery does
    /// not, and gets `Ok(())` for them. A schema without models (one read at run time) refuses
    /// nothing by them.
    pub fn validate_with_models(
        &self,
        bytes: &[u8],
        invalid_too: bool,
    ) -> (Result<(), Invalid>, Result<(), DecodeError>) {
        let Some(file) = self.compiled.embedded else {
            return (self.validate_bytes(bytes), Ok(()));
        };
        let validated = match self
            .compiled
            .models
            .map(|models| self.on_tape(bytes, models))
        {
            Some(Some(Ok(true))) => return (Ok(()), Ok(())),
            // The tape's decoding refused, or left to serde_json what only serde_json answers
            // (`tape_de` says what): serde_json reads the bytes, and says where and why.
            Some(Some(Ok(false))) => Ok(()),
            Some(Some(Err(invalid))) => Err(invalid),
            Some(None) => self.validate_with_serde(bytes),
            // The dispatch knows no root type for this schema (the generator writes one for
            // each): the bytes are read twice.
            None => self.validate_bytes(bytes),
        };
        let decoded = if validated.is_ok() || invalid_too {
            (file.decode)(bytes)
        } else {
            Ok(())
        };
        (validated, decoded)
    }

    /// Reads `bytes` onto this thread's tape and judges them there, as [`Schema::validate_bytes`]
    /// does, handing a valid tape to `valid` before it is put back for the next payload:
    /// [`crate::parse`] decodes its model from it, instead of reading the bytes again. `None`
    /// when the strict parser refuses the bytes, which serde_json must then read, to say why.
    ///
    /// `valid` runs while the thread's scratch is in use: it must not validate anything itself.
    pub(crate) fn on_tape<R>(
        &self,
        bytes: &[u8],
        valid: impl FnOnce(&[Tape<'_>]) -> R,
    ) -> Option<Result<R, Invalid>> {
        SCRATCH.with(|scratch| {
            let Scratch { buffers, tape } = &mut *scratch.borrow_mut();
            // The empty tape of any lifetime fits this payload's.
            let mut nodes = reuse(std::mem::take(tape));
            let verdict = match parser::parse(bytes, buffers, &mut nodes, MAX_DEPTH) {
                Err(parser::NotJson) => None,
                Ok(suspect) => Some(
                    if suspect && let Err(violation) = wellformed::check(&nodes) {
                        Err(Invalid {
                            violations: vec![violation],
                            more: false,
                            document: None,
                        })
                    } else {
                        self.validate_tape(TapeNode::root(&nodes), nodes.len())
                            .map(|()| valid(&nodes))
                    },
                ),
            };
            *tape = reuse(nodes);
            verdict
        })
    }

    /// Validates the tape of `nodes` values and keys.
    fn validate_tape(&self, root: TapeNode<'_>, nodes: usize) -> Result<(), Invalid> {
        let validator = self.bytes_validator();
        if validator.is_valid(root) {
            return Ok(());
        }
        let (violations, more) = self.report(validator, root, nodes);
        Err(Invalid {
            violations,
            more,
            document: self.documents.then(|| root.to_json()),
        })
    }

    /// The slow path, for bytes the parser refused: serde_json parses and judges them. For input
    /// that is not JSON, it says why in the same words a decoding error uses; should the two
    /// parsers ever part on valid JSON, serde_json's reading decides, as the models decode
    /// with it.
    fn validate_with_serde(&self, bytes: &[u8]) -> Result<(), Invalid> {
        // Bytes the strict parser refuses are not JSON to serde_json either: it says where and
        // why without building a document (a tree of allocations) it would throw away.
        serde_json::from_slice::<serde::de::IgnoredAny>(bytes).map_err(|error| Invalid {
            violations: vec![Violation::not_json(&error, bytes)],
            more: false,
            document: None,
        })?;
        let document: Value = serde_json::from_slice(bytes).map_err(|error| Invalid {
            violations: vec![Violation::not_json(&error, bytes)],
            more: false,
            document: None,
        })?;
        let validator = self.document_validator();
        if validator.is_valid(&document) {
            return Ok(());
        }
        let (violations, more) = self.report(validator, &document, nodes(&document));
        Err(Invalid {
            violations,
            more,
            document: self.documents.then_some(document),
        })
    }
}

/// Whether a tape decodes as an embedded schema's root type.
type ModelsOnTape = fn(&[Tape<'_>]) -> bool;

/// Finds the [`ModelsOnTape`] of a schema's root type.
struct DecodesOnTape;

impl RootVisitor for DecodesOnTape {
    type Output = ModelsOnTape;

    fn visit<T>(self) -> ModelsOnTape
    where
        T: HasSchema + DeserializeOwned + fmt::Debug + PartialEq,
    {
        decodes_on_tape::<T>
    }
}

fn decodes_on_tape<T: DeserializeOwned>(tape: &[Tape<'_>]) -> bool {
    T::deserialize(TapeDeserializer::root(tape)).is_ok()
}

/// Documents of up to this many values and keys (about 64 KiB of JSON) report every violation;
/// larger ones their first ([`Schema::report`]). Real deliveries have a few hundred.
const REPORT_ALL_NODES: usize = 16_384;

/// How many values and keys `value` holds, as a tape counts them, counted up to just
/// past [`REPORT_ALL_NODES`] (all that matters), without recursion.
fn nodes(value: &Value) -> usize {
    let mut count = 0;
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        count += 1;
        if count > REPORT_ALL_NODES {
            break;
        }
        match value {
            Value::Array(items) => pending.extend(items),
            Value::Object(members) => {
                count += members.len();
                pending.extend(members.values());
            }
            _ => {}
        }
    }
    count
}

/// A tape's allocation, emptied, for the next payload: collecting an empty vector's iterator
/// into a vector of the same layout keeps its allocation.
fn reuse<'b>(mut nodes: Vec<Tape<'_>>) -> Vec<Tape<'b>> {
    nodes.clear();
    nodes.into_iter().map(|_| Tape::Null).collect()
}

/// The options every validator is built with: draft 2020-12, the formats it knows asserted
/// (hookschema's schemas mean them as assertions), the others annotations, as draft 2020-12
/// says of formats a validator does not know (a vendor's `unix-time` or `decimal`).
fn options<F: jsonschema::json::Json>()
-> jsonschema::ValidationOptions<'static, std::sync::Arc<dyn jsonschema::Retrieve>, F> {
    jsonschema::options_for::<F>()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .should_ignore_unknown_formats(true)
}

/// The files of a folder of schemas, by the URIs they are found at: what a schema of the folder
/// may `$ref`. A reference to anything else is an error, never a fetch.
#[derive(Clone, Default)]
pub struct Folder {
    files: Arc<HashMap<String, Value>>,
}

impl Folder {
    /// The folder of `files`: each schema with the URIs it is found at (its file's, and its
    /// `$id` when that is absolute).
    pub fn new(files: impl IntoIterator<Item = (String, Value)>) -> Folder {
        Folder {
            files: Arc::new(files.into_iter().collect()),
        }
    }
}

impl jsonschema::Retrieve for Folder {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let uri = uri.as_str();
        let file = uri.split_once('#').map_or(uri, |(file, _)| file);
        self.files.get(file).cloned().ok_or_else(|| {
            format!("`{file}` is no schema of this folder: references are not fetched").into()
        })
    }
}

impl fmt::Debug for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Schema").field(&self.name()).finish()
    }
}
