//! `hookschema import jsonschema`: schema files of any draft, with `$ref`s between them, each
//! made one self-contained 2020-12 schema.
//!
//! References are URIs, resolved as the drafts say, against the schema's `$id` or, without one,
//! its file. A relative `$id` (octokit/webhooks writes `"$id": "common/user.schema.json"` and
//! refers to it as such from every event's folder) is rooted at the import's root, the folder
//! the source's `$id`s are relative to. Nothing is ever fetched: a reference reaches a file
//! given, or a file on disk under the URI it resolves to.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};
use url::Url;

use crate::convert::{self, Dialect, escape};
use crate::examples;
use crate::folder::{Folder, Imported};
use crate::names;
use crate::{ImportError, Options, Origin, digest, finish};

/// One source file, read.
struct Document {
    /// Its path under the root, `/`-separated: how it is named in errors and records.
    shown: String,
    /// The file's own URI.
    file: Url,
    /// The URI its references resolve against: its `$id`'s, or its file's.
    base: Url,
    json: Value,
    dialect: Dialect,
    sha256: String,
}

/// The files read so far, found by their file URI and their `$id`.
struct Sources {
    root: PathBuf,
    root_uri: Url,
    documents: Vec<Document>,
    by_uri: BTreeMap<String, usize>,
}

/// Imports the schema files `paths` (each one webhook's body) as the vendor folder
/// `options.vendor`. `root` is the folder their names and relative `$id`s are taken from (by
/// default the deepest folder holding them all); `examples`, a folder laid out as `root` holding
/// each schema's valid examples (octokit's `payload-examples/api.github.com/`): for
/// `pull_request/opened.schema.json`, the files in `pull_request/` named `opened.*.json`, or
/// every file there when the folder holds one schema only.
pub fn json_schema(
    paths: &[PathBuf],
    root: Option<&Path>,
    examples: Option<&Path>,
    options: &Options,
) -> Result<Folder, ImportError> {
    options.check()?;
    if paths.is_empty() {
        return Err(ImportError::new("PATH", "no schema file given"));
    }
    let absolute = |path: &Path| {
        fs::canonicalize(path)
            .map_err(|error| ImportError::new(path.display().to_string(), error.to_string()))
    };
    let files = paths
        .iter()
        .map(|path| absolute(path))
        .collect::<Result<Vec<_>, _>>()?;
    let root = match root {
        Some(root) => absolute(root)?,
        None => common_folder(&files),
    };
    let mut sources = Sources {
        root_uri: Url::from_directory_path(&root)
            .map_err(|()| ImportError::new(root.display().to_string(), "not a folder"))?,
        root,
        documents: Vec::new(),
        by_uri: BTreeMap::new(),
    };
    let mut indices = Vec::new();
    for file in &files {
        indices.push(sources.load(file)?);
    }
    let mut imported = Vec::new();
    for (&index, file) in indices.iter().zip(&files) {
        let shown = sources.documents[index].shown.clone();
        let name = names::kebab(&shown);
        if let Some(other) = imported.iter().find(|i: &&Imported| i.name == name) {
            return Err(ImportError::new(
                shown,
                format!("its name, {name}, is already {}'s", other.event),
            ));
        }
        let mut schema = sources.bundle(index, &name, options)?;
        let examples = match examples {
            Some(folder) => examples::beside(folder, &sources.root, file, &files)?,
            None => Vec::new(),
        };
        let published = examples::from_schema(&mut schema);
        imported.push(Imported {
            event: event_of(&shown),
            name,
            schema,
            examples: published.into_iter().chain(examples).collect(),
        });
    }
    let from = match (&options.source_url, imported.as_slice()) {
        (Some(url), _) => url.clone(),
        (None, [one]) => one.event.clone(),
        (None, all) => format!("{} schema files", all.len()),
    };
    Folder::new(options, imported, &from)
}

/// The event a schema file is, by its place: `pull_request/opened.schema.json` is
/// `pull_request.opened`, `push/event.schema.json` is `push`.
fn event_of(shown: &str) -> String {
    let stem = shown.strip_suffix(".schema.json").unwrap_or(shown);
    let stem = stem.strip_suffix(".json").unwrap_or(stem);
    let stem = stem.strip_suffix("/event").unwrap_or(stem);
    stem.replace('/', ".")
}

/// The deepest folder holding every file.
fn common_folder(files: &[PathBuf]) -> PathBuf {
    let mut common = files[0].parent().unwrap_or(Path::new("/")).to_path_buf();
    for file in &files[1..] {
        while !file.starts_with(&common) {
            if !common.pop() {
                break;
            }
        }
    }
    common
}

impl Sources {
    /// Reads `file` (absolute), once.
    fn load(&mut self, file: &Path) -> Result<usize, ImportError> {
        let uri = Url::from_file_path(file)
            .map_err(|()| ImportError::new(file.display().to_string(), "not a file path"))?;
        if let Some(&index) = self.by_uri.get(uri.as_str()) {
            return Ok(index);
        }
        // Files are named by their place under the root, in errors and in what is written:
        // never by where the root is on the machine that imported them.
        let Ok(relative) = file.strip_prefix(&self.root) else {
            return Err(ImportError::new(
                file.display().to_string(),
                format!(
                    "outside the import's root ({}): give a --root that holds every file",
                    self.root.display()
                ),
            ));
        };
        let shown = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let bytes = fs::read(file).map_err(|error| ImportError::new(&shown, error.to_string()))?;
        let json: Value = serde_json::from_slice(&bytes)
            .map_err(|error| ImportError::new(&shown, format!("not JSON: {error}")))?;
        let dialect = Dialect::of(&json, Dialect::Draft2020)
            .map_err(|message| ImportError::at(&shown, "/$schema", message))?;
        let id_keyword = if dialect == Dialect::Draft4 {
            "id"
        } else {
            "$id"
        };
        let base = match json.get(id_keyword).and_then(Value::as_str) {
            // A relative `$id` is rooted at the import's root, as the source's tools root it.
            Some(id) => self.root_uri.join(id).map_err(|error| {
                ImportError::at(&shown, &format!("/{id_keyword}"), error.to_string())
            })?,
            None => uri.clone(),
        };
        let index = self.documents.len();
        self.by_uri.insert(uri.to_string(), index);
        self.by_uri.insert(without_fragment(&base), index);
        self.documents.push(Document {
            shown,
            file: uri,
            base,
            json,
            dialect,
            sha256: digest(&bytes),
        });
        Ok(index)
    }

    /// The document `uri` (without fragment) names: one read already, or the file under the
    /// root it is; `None` when there is none. Nothing outside the root is read, whatever a
    /// source refers to.
    fn find(&mut self, uri: &Url) -> Result<Option<usize>, ImportError> {
        let key = without_fragment(uri);
        if let Some(&index) = self.by_uri.get(&key) {
            return Ok(Some(index));
        }
        let Some(path) = uri.to_file_path().ok().filter(|path| path.is_file()) else {
            return Ok(None);
        };
        match fs::canonicalize(&path) {
            Ok(path) if path.starts_with(&self.root) => self.load(&path).map(Some),
            _ => Ok(None),
        }
    }

    /// The document and JSON Pointer (in the converted document) `reference` names, written in
    /// document `from`: resolved against its base, then, failing that, its file.
    fn resolve(&mut self, from: usize, reference: &str) -> Result<(usize, String), String> {
        let document = &self.documents[from];
        let (base, file) = (document.base.clone(), document.file.clone());
        let mut tried = Vec::new();
        for base in [base, file] {
            let target = base
                .join(reference)
                .map_err(|error| format!("`$ref` {reference}: {error}"))?;
            let found = self.find(&target).map_err(|error| {
                format!("`$ref` {reference} reaches a file that cannot be imported: {error}")
            })?;
            if let Some(index) = found {
                let fragment = target.fragment().unwrap_or("");
                let fragment = percent_encoding::percent_decode_str(fragment)
                    .decode_utf8_lossy()
                    .into_owned();
                if !fragment.is_empty() && !fragment.starts_with('/') {
                    return Err(format!(
                        "`$ref` {reference}: a reference to an anchor is not imported; refer \
                         by JSON Pointer"
                    ));
                }
                let target = &self.documents[index];
                let pointer = convert::pointer(&target.json, &fragment, target.dialect)
                    .map_err(|error| format!("`$ref` {reference}: {error}"))?;
                return Ok((index, pointer));
            }
            tried.push(self.show(&target));
        }
        tried.dedup();
        Err(format!(
            "`$ref` {reference} reaches no file ({}); give the import its file, or the `--root` \
             its `$id`s are relative to",
            tried.join(", ")
        ))
    }

    /// A URI as errors show it: a file under the root by its path there.
    fn show(&self, uri: &Url) -> String {
        let key = without_fragment(uri);
        key.strip_prefix(self.root_uri.as_str())
            .map(str::to_owned)
            .unwrap_or(key)
    }

    /// Document `root`, its references bundled into `$defs`, as the schema `name`.
    fn bundle(&mut self, root: usize, name: &str, options: &Options) -> Result<Value, ImportError> {
        // The documents it needs, in the order first needed, each with its `$defs` key.
        let mut needed: Vec<(usize, String)> = Vec::new();
        let mut converted = Vec::new();
        let mut next = 0;
        let mut current = root;
        loop {
            let document = &self.documents[current];
            let (json, dialect, shown) = (
                document.json.clone(),
                document.dialect,
                document.shown.clone(),
            );
            let mut failure = None;
            let mut refs = |reference: &str, _at: &str| -> Result<String, String> {
                let (index, pointer) = self.resolve(current, reference)?;
                if index == root {
                    return Ok(format!("#{pointer}"));
                }
                let key = match needed.iter().find(|(i, _)| *i == index) {
                    Some((_, key)) => key.clone(),
                    None => {
                        let key = names::kebab(&self.documents[index].shown);
                        if let Some((other, _)) = needed.iter().find(|(_, k)| *k == key) {
                            failure = Some(format!(
                                "{} and {} would both be bundled as $defs/{key}",
                                self.documents[*other].shown, self.documents[index].shown
                            ));
                        }
                        needed.push((index, key.clone()));
                        key
                    }
                };
                Ok(format!("#/$defs/{}{pointer}", escape(&key)))
            };
            let value = convert::convert(&json, dialect, "", &mut refs)
                .map_err(|error| ImportError::at(&shown, &error.at, error.message))?;
            if let Some(message) = failure {
                return Err(ImportError::new(shown, message));
            }
            converted.push(value);
            let Some((index, _)) = needed.get(next) else {
                break;
            };
            current = *index;
            next += 1;
        }
        let mut converted = converted.into_iter();
        let Some(Value::Object(mut schema)) = converted.next() else {
            return Err(ImportError::new(
                &self.documents[root].shown,
                "the root schema is `true` or `false`: there is nothing to import",
            ));
        };
        let mut defs = match schema.remove("$defs") {
            Some(Value::Object(defs)) => defs,
            _ => Map::new(),
        };
        for ((index, key), mut value) in needed.iter().zip(converted) {
            if defs.contains_key(key) {
                return Err(ImportError::new(
                    &self.documents[root].shown,
                    format!(
                        "its own $defs/{key} and {} would both be bundled there",
                        self.documents[*index].shown
                    ),
                ));
            }
            if let Value::Object(def) = &mut value {
                def.entry("title")
                    .or_insert_with(|| json!(names::title(key)));
            }
            defs.insert(key.clone(), value);
        }
        let document = &self.documents[root];
        let origin = Origin {
            file: document.shown.clone(),
            pointer: None,
            sha256: document.sha256.clone(),
            version: None,
        };
        Ok(finish(schema, defs, name, origin, options))
    }
}

fn without_fragment(uri: &Url) -> String {
    let mut uri = uri.clone();
    uri.set_fragment(None);
    uri.to_string()
}
