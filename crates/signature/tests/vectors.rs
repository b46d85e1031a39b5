//! The shared signature vectors: every `schemas/<vendor>/signature-vectors.json` and every file
//! under `tests/signatures/` (the Standard Webhooks specification's), each under the scheme it
//! states. The Python and Node checks under `checks/signature/` run the same files.

mod common;

use hookschema_signature::{Headers, Verifier};
use serde::Deserialize;
use serde_json::Value;

use common::{scheme, vector_files};

#[derive(Deserialize)]
struct File {
    scheme: Value,
    vectors: Vec<Vector>,
    /// Secrets to refuse when they are configured.
    #[serde(default)]
    refused_secrets: Vec<RefusedSecret>,
}

#[derive(Deserialize)]
struct RefusedSecret {
    name: String,
    secret: String,
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
    let files = vector_files();
    assert!(files.len() >= 2, "{files:?}");
    let mut wrong = Vec::new();
    let mut count = 0;
    for path in files {
        let file: File = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let scheme = scheme(file.scheme);
        count += file.vectors.len();
        for vector in &file.vectors {
            let secrets = vector
                .secrets
                .iter()
                .map(|s| scheme.secret(s).unwrap())
                .collect();
            let verifier = Verifier::new(scheme.clone(), secrets).with_tolerance(vector.tolerance);
            let headers = Headers {
                id: vector.id.as_deref().map(str::as_bytes),
                timestamp: vector.timestamp.as_deref().map(str::as_bytes),
                signature: vector.signature.as_deref().map(str::as_bytes),
            };
            let result = verifier.verify_at(&headers, vector.body.as_bytes(), vector.now);
            let got = match &result {
                Ok(_) => ("valid", None, None),
                Err(error) => ("invalid", Some(error.code()), Some(error.header())),
            };
            let want = (
                vector.expected.as_str(),
                vector.error.as_deref(),
                vector.header.as_deref(),
            );
            if got != want {
                wrong.push(format!(
                    "{}: {}: expected {want:?}, got {got:?} ({result:?})",
                    path.display(),
                    vector.name
                ));
            }
        }
    }
    assert!(count >= 49, "{count} vectors");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Each valid vector whose header holds one entry carries the signature `sign` makes under one
/// of its secrets: signing and verifying are one scheme.
#[test]
fn sign_writes_what_the_vectors_verify() {
    for path in vector_files() {
        let file: File = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let scheme = scheme(file.scheme);
        let single = file.vectors.iter().filter(|v| {
            v.expected == "valid" && v.signature.as_deref().is_some_and(|s| !s.contains(' '))
        });
        let mut checked = 0;
        for vector in single {
            let id = vector.id.as_deref().unwrap();
            let timestamp = vector.timestamp.as_deref().unwrap().parse().unwrap();
            let made: Vec<String> = vector
                .secrets
                .iter()
                .map(|s| {
                    scheme.sign(
                        &scheme.secret(s).unwrap(),
                        id,
                        timestamp,
                        vector.body.as_bytes(),
                    )
                })
                .collect();
            let sent = vector.signature.clone().unwrap();
            assert!(
                made.contains(&sent),
                "{}: {}: signed {made:?}",
                path.display(),
                vector.name
            );
            checked += 1;
        }
        assert!(checked >= 2, "{}: {checked} vectors signed", path.display());
    }
}

/// A secret that would sign with a key the sender does not use is refused when configured.
#[test]
fn refused_secrets_are_refused() {
    let mut refused = 0;
    for path in vector_files() {
        let file: File = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let scheme = scheme(file.scheme);
        for case in &file.refused_secrets {
            let error = scheme.secret(&case.secret).err();
            assert!(error.is_some(), "{}: {}: taken", path.display(), case.name);
            refused += 1;
        }
    }
    assert!(refused >= 4, "{refused} refused secrets");
}
