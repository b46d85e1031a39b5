//! The shared signature vectors: every `schemas/<vendor>/signature-vectors.json` and every file
//! under `tests/signatures/` (the Standard Webhooks specification's), each under the scheme it
//! states. The Python and Node checks under `checks/signature/` run the same files.

mod common;

use hookschema_signature::{Algorithm, Headers, Verifier};
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
    /// The senders' keys, where they are not the receiver's (ed25519's private keys).
    #[serde(default)]
    signing_keys: Vec<String>,
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
/// of its senders' keys (its `signing_keys`, or for HMAC its secrets), and the headers a sender
/// of the scheme sends hold it: signing and verifying are one scheme.
#[test]
fn sign_writes_what_the_vectors_verify() {
    let mut checked = 0;
    for path in vector_files() {
        let file: File = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let scheme = scheme(file.scheme);
        let single = file.vectors.iter().filter(|v| {
            v.expected == "valid"
                && v.signature.as_deref().is_some_and(|s| {
                    s.matches(&scheme.signature_prefix).count() <= 1 && !s.contains(' ')
                })
        });
        for vector in single {
            let keys = match (scheme.algorithm, vector.signing_keys.is_empty()) {
                (_, false) => &vector.signing_keys,
                (Algorithm::HmacSha256, true) => &vector.secrets,
                // A receiver's public keys sign nothing.
                (Algorithm::Ed25519, true) => continue,
            };
            let id = vector.id.as_deref().unwrap_or_default();
            let sent = vector.signature.clone().unwrap();
            // The timestamp as signed: the header, or its entry after the scheme's prefix.
            let timestamp: u64 = match (&vector.timestamp, &scheme.timestamp_prefix) {
                (None, _) => 0,
                (Some(text), None) => text.parse().unwrap(),
                (Some(text), Some(prefix)) => text
                    .split(',')
                    .find_map(|entry| entry.strip_prefix(prefix.as_str()))
                    .unwrap()
                    .parse()
                    .unwrap(),
            };
            let keys: Vec<_> = keys
                .iter()
                .map(|k| scheme.signing_key(k).unwrap())
                .collect();
            let made: Vec<String> = keys
                .iter()
                .map(|key| {
                    scheme
                        .sign(key, id, timestamp, vector.body.as_bytes())
                        .unwrap()
                })
                .collect();
            let entry = sent
                .split(',')
                .find(|e| {
                    e.starts_with(&scheme.signature_prefix) || scheme.signature_prefix.contains(',')
                })
                .unwrap_or(&sent);
            assert!(
                made.iter().any(|m| sent.contains(m.as_str()) || m == entry),
                "{}: {}: signed {made:?}",
                path.display(),
                vector.name
            );
            // The headers a sender sends hold the same signature.
            let headers = scheme
                .headers(&keys[..1], id, timestamp, vector.body.as_bytes())
                .unwrap();
            let signature_header = headers
                .iter()
                .find(|(name, _)| *name == scheme.signature_header)
                .unwrap();
            assert!(signature_header.1.contains(&made[0]), "{headers:?}");
            checked += 1;
        }
    }
    assert!(checked >= 8, "{checked} vectors signed");
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
