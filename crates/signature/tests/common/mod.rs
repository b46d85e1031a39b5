//! What the signature tests share: the vector files and the schemes they state.

use std::path::PathBuf;

use hookschema_signature::SignatureScheme;
use serde_json::Value;

/// Every vector file in the repository: `schemas/<vendor>/signature-vectors.json`, and the
/// files under `tests/signatures/`.
pub fn vector_files() -> Vec<PathBuf> {
    let root = hookschema_fixtures::repository_root();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("schemas"))
        .unwrap()
        .map(|vendor| vendor.unwrap().path().join("signature-vectors.json"))
        .filter(|path| path.is_file())
        .collect();
    for entry in std::fs::read_dir(root.join("tests/signatures")).unwrap() {
        files.push(entry.unwrap().path());
    }
    files.sort();
    files
}

/// The scheme a vector file states, as a vendor file's `auth` writes it.
pub fn scheme(auth: Value) -> SignatureScheme {
    let scheme: SignatureScheme = serde_json::from_value(auth).unwrap();
    scheme.check().unwrap();
    scheme
}

/// The scheme of every vector file.
#[allow(dead_code)] // Not every test file uses every helper.
pub fn schemes() -> Vec<SignatureScheme> {
    vector_files()
        .iter()
        .map(|path| {
            let file: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
            scheme(file["scheme"].clone())
        })
        .collect()
}
