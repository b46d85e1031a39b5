//! The shared vectors in `schemas/kaizen/signature-vectors.json`, which the Python and Node
//! checks under `checks/signature/` run too.

use hookschema_signature::{Headers, Secret, Verifier};
use serde::Deserialize;

#[derive(Deserialize)]
struct File {
    vectors: Vec<Vector>,
}

#[derive(Deserialize)]
struct Vector {
    name: String,
    secrets: Vec<String>,
    id: Option<String>,
    timestamp: Option<String>,
    body: String,
    signature: Option<String>,
    now: u64,
    tolerance: u64,
    expected: String,
    error: Option<String>,
    header: Option<String>,
}

#[test]
fn every_shared_vector_gets_its_verdict() {
    let path = hookschema_fixtures::repository_root().join("schemas/kaizen/signature-vectors.json");
    let file: File = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    assert!(file.vectors.len() >= 30);
    let mut wrong = Vec::new();
    for vector in &file.vectors {
        let secrets = vector
            .secrets
            .iter()
            .map(|s| Secret::decode(s).unwrap())
            .collect();
        let verifier = Verifier::new(secrets).with_tolerance(vector.tolerance);
        let headers = Headers {
            id: vector.id.as_deref().map(str::as_bytes),
            timestamp: vector.timestamp.as_deref().map(str::as_bytes),
            signature: vector.signature.as_deref().map(str::as_bytes),
        };
        let result = verifier.verify_at(&headers, vector.body.as_bytes(), vector.now);
        let got = match &result {
            Ok(_) => ("valid", None, None),
            Err(error) => ("invalid", Some(error.code()), error.header()),
        };
        let want = (
            vector.expected.as_str(),
            vector.error.as_deref(),
            vector.header.as_deref(),
        );
        if got != want {
            wrong.push(format!(
                "{}: expected {want:?}, got {got:?} ({result:?})",
                vector.name
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
