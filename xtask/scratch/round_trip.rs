//! Copied into a scratch copy of the models crate by xtask's test
//! `imported_vendors_get_models_that_compile_and_round_trip`, with vendors imported there: every
//! valid example of every schema compiled in (`SCHEMAS`, the vendors whose features are on),
//! under `$HOOKSCHEMA_SCHEMAS/<vendor>/examples/<schema>/valid/`, decodes into its
//! schema's model and serialises back to exactly what was sent, key for key, nulls, empty arrays
//! and numbers as they were; and the same example with a field the vendor adds later decodes.
//! Each decodes on a thread of the stack the models ask for (`DECODE_STACK_BYTES`).

use std::fs;
use std::path::{Path, PathBuf};

use hookschema_models::{DECODE_STACK_BYTES, SCHEMAS, SchemaFile};
use serde_json::Value;

#[test]
fn every_example_decodes_and_round_trips_key_for_key() {
    let schemas = PathBuf::from(std::env::var("HOOKSCHEMA_SCHEMAS").expect("the schemas folder"));
    let mut problems = Vec::new();
    let mut count = 0;
    for (schema, file) in examples(&schemas) {
        let bytes = fs::read(&file).unwrap();
        let sent: Value = serde_json::from_slice(&bytes).unwrap();
        match reserialize(schema, bytes) {
            Ok(kept) => differences("", &sent, &kept, &mut problems, &file),
            Err(error) => problems.push(format!("{}: {error}", file.display())),
        }
        if let Value::Object(mut object) = sent {
            object.insert("added_later".to_owned(), Value::from(true));
            let bytes = serde_json::to_vec(&object).unwrap();
            if let Err(error) = reserialize(schema, bytes) {
                problems.push(format!("{} with a field added: {error}", file.display()));
            }
        }
        count += 1;
    }
    assert!(count >= 80, "{count} examples");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every valid example of every schema compiled in, with its schema.
fn examples(schemas: &Path) -> Vec<(&'static SchemaFile, PathBuf)> {
    let mut found = Vec::new();
    for schema in SCHEMAS {
        let folder = schemas.join(schema.name.replace('/', "/examples/"));
        // A schema its vendor publishes no example of has none.
        let Ok(entries) = fs::read_dir(folder.join("valid")) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .map(|file| file.unwrap().path())
            .collect();
        files.sort();
        found.extend(files.into_iter().map(|file| (*schema, file)));
    }
    found
}

/// `bytes` decoded as `schema`'s model and serialised back, on a thread of its own.
fn reserialize(schema: &'static SchemaFile, bytes: Vec<u8>) -> Result<Value, String> {
    std::thread::Builder::new()
        .stack_size(DECODE_STACK_BYTES)
        .spawn(move || (schema.reserialize)(&bytes).map_err(|error| error.to_string()))
        .unwrap()
        .join()
        .unwrap_or_else(|_| Err("decoding panicked".to_owned()))
}

/// Records, in `problems`, each place where `kept` is not `sent`.
fn differences(at: &str, sent: &Value, kept: &Value, problems: &mut Vec<String>, file: &Path) {
    match (sent, kept) {
        (Value::Object(sent), Value::Object(kept)) => {
            for (key, value) in sent {
                let here = format!("{at}/{key}");
                match kept.get(key) {
                    Some(again) => differences(&here, value, again, problems, file),
                    None => problems.push(format!("{}: {here} sent {value}, lost", file.display())),
                }
            }
            for key in kept.keys().filter(|key| !sent.contains_key(*key)) {
                problems.push(format!("{}: {at}/{key} never sent", file.display()));
            }
        }
        (Value::Array(sent), Value::Array(kept)) if sent.len() == kept.len() => {
            for (i, (value, again)) in sent.iter().zip(kept).enumerate() {
                differences(&format!("{at}/{i}"), value, again, problems, file);
            }
        }
        _ if sent != kept => {
            problems.push(format!("{}: {at} sent {sent}, kept {kept}", file.display()));
        }
        _ => {}
    }
}
