//! The checks: each runs entry points on any bytes and panics when one breaks an invariant.

use hookschema_catalog::RejectionFormat;
use hookschema_models::{SCHEMAS, SchemaFile};
use hookschema_signature::{Headers, Secret, SignatureScheme, Verifier, check_id};
use hookschema_validate::{Invalid, Schema, ViolationKind};
use serde_json::Value;

use crate::receiver::serve;
use hookschema_testkit::sender::{NOW, SECRET};

/// Strict validation of `data` against every schema:
///
/// - it ends in a verdict, whose report and FastAPI body can be written;
/// - it reads the bytes as serde_json does: what serde_json refuses is refused as malformed (not
///   JSON, or nested too deep), and what it reads is judged alike from the bytes and from the
///   parsed value, but for a repeated key, which only the bytes still show.
pub fn check_validate(data: &[u8]) {
    let parsed = serde_json::from_slice::<Value>(data);
    for schema in Schema::all() {
        let verdict = schema.validate_bytes(data);
        if let Err(invalid) = &verdict {
            let _ = invalid.to_string();
            for format in RejectionFormat::ALL {
                let _ = serde_json::to_vec(&format.body(invalid));
            }
        }
        match (&parsed, &verdict) {
            (Err(error), Ok(())) => {
                panic!("{schema:?}: valid from bytes serde_json refuses ({error})")
            }
            (Err(_), Err(invalid)) => assert!(
                invalid.is_malformed(),
                "{schema:?}: bytes serde_json refuses, judged as JSON: {invalid}"
            ),
            (Ok(_), Err(invalid)) if invalid.is_malformed() => assert!(
                matches!(
                    invalid.violations[0].kind,
                    ViolationKind::DuplicateKey { .. }
                ),
                "{schema:?}: bytes serde_json reads, refused as malformed: {invalid}"
            ),
            (Ok(value), verdict) => {
                let from_value = schema.validate(value);
                assert_eq!(
                    verdict.is_ok(),
                    from_value.is_empty(),
                    "{schema:?}: bytes and value judged apart: {verdict:?} / {from_value:?}"
                );
                // Reported in full (not a large document's first violation), the reports agree.
                if let Err(invalid) = verdict
                    && !invalid.more
                {
                    assert_eq!(
                        paths(&invalid.violations),
                        paths(&from_value),
                        "{schema:?}: bytes and value report apart"
                    );
                }
            }
        }
    }
}

fn paths(violations: &[hookschema_validate::Violation]) -> Vec<&str> {
    let mut paths: Vec<&str> = violations
        .iter()
        .map(|v| v.instance_path.as_str())
        .collect();
    paths.sort_unstable();
    paths.dedup();
    paths
}

/// The forgiving models on `data`, for every schema's root type:
///
/// - decoding ends in a value or an error, and a value serialises;
/// - what the strict schema accepts, the models decode, and what they keep of it is still
///   valid (a receiver may store the model instead of the bytes);
/// - `hookschema_validate::parse` agrees with both, and refuses an invalid payload with the
///   strict validator's own report, though it validates after decoding.
pub fn check_parse(data: &[u8]) {
    for file in SCHEMAS {
        decodes_what_is_valid(file, data);
    }
}

fn decodes_what_is_valid(file: &SchemaFile, data: &[u8]) {
    let schema = Schema::named(file.name).expect("an embedded schema");
    let decoded = (file.reserialize)(data);
    let strict: Result<(), Invalid> = schema.validate_bytes(data);
    let parsed = hookschema_validate::parse_verdict(file, data);
    assert_eq!(
        decoded.is_ok(),
        (file.decode)(data).is_ok(),
        "{schema:?}: decoding and decoding to keep disagree"
    );
    if strict.is_ok() {
        let kept = decoded.unwrap_or_else(|error| {
            panic!("{schema:?}: valid, yet the models refuse it: {error:?}")
        });
        let violations = schema.validate(&kept);
        assert!(
            violations.is_empty(),
            "{schema:?}: what the models keep of a valid payload is invalid: {violations:?}"
        );
        assert!(parsed.is_ok(), "{schema:?}: parse refuses a valid payload");
    } else if let Err(strict) = strict {
        let Err(parsed) = parsed else {
            panic!("{schema:?}: parse accepts an invalid payload");
        };
        assert_eq!(parsed, strict, "{schema:?}: parse reports otherwise");
    }
}

/// Signature verification on `data`, read as `id\ntimestamp\nsignature\nbody` (a header
/// missing when its line is), under every signing scheme of the embedded catalog, against two
/// secrets at [`NOW`]:
///
/// - it ends in a verdict;
/// - it accepts exactly a signature one of the secrets makes for that id, timestamp and body;
/// - whenever the id and timestamp are ones a sender could sign, signing and verifying agree,
///   and a signature for any other body does not verify.
pub fn check_verify(data: &[u8]) {
    let mut lines = data.splitn(4, |b| *b == b'\n');
    let (id, timestamp, signature) = (lines.next(), lines.next(), lines.next());
    let body = lines.next().unwrap_or_default();
    let headers = Headers {
        id,
        timestamp,
        signature,
    };
    for scheme in hookschema_testkit::sender::signing_schemes() {
        verifies_what_is_signed(scheme, &headers, body);
    }
}

fn verifies_what_is_signed(scheme: &SignatureScheme, headers: &Headers<'_>, body: &[u8]) {
    let secrets = [
        scheme.secret(SECRET).expect("the harness secret decodes"),
        Secret::from_bytes(b"another secret, rotated in".to_vec()).expect("a key"),
    ];
    let verifier = Verifier::new(scheme.clone(), secrets.to_vec());
    let result = verifier.verify_at(headers, body, NOW);
    let signable = headers.id.filter(|id| check_id(id).is_ok()).and_then(|id| {
        let id = std::str::from_utf8(id).ok()?;
        let text = std::str::from_utf8(headers.timestamp?).ok()?;
        let seconds: u64 = text.parse().ok()?;
        (seconds.to_string() == text && seconds.abs_diff(NOW) <= scheme.tolerance_seconds)
            .then_some((id, seconds))
    });
    if let Ok(verified) = &result {
        let (id, seconds) = signable.expect("verified headers are ones a sender could sign");
        assert_eq!(
            (verified.id.as_deref(), verified.timestamp),
            (Some(id), Some(seconds))
        );
        let sent = String::from_utf8_lossy(headers.signature.unwrap_or_default());
        assert!(
            secrets
                .iter()
                .any(|secret| sent.contains(&sign(scheme, secret, id, seconds, body))),
            "verified without a signature of the body"
        );
    }
    if let Some((id, seconds)) = signable {
        let text = seconds.to_string();
        for secret in &secrets {
            let signed = sign(scheme, secret, id, seconds, body);
            let headers = Headers {
                id: Some(id.as_bytes()),
                timestamp: Some(text.as_bytes()),
                signature: Some(signed.as_bytes()),
            };
            assert!(verifier.verify_at(&headers, body, NOW).is_ok());
            let other = [body, b"!"].concat();
            assert!(verifier.verify_at(&headers, &other, NOW).is_err());
        }
    }
}

/// `scheme`'s signature of `body`: the harness's schemes are HMAC, which signs with any key.
fn sign(scheme: &SignatureScheme, secret: &Secret, id: &str, seconds: u64, body: &[u8]) -> String {
    scheme
        .sign(secret, id, seconds, body)
        .expect("an HMAC key signs")
}

/// A raw HTTP request through hyper and the extractor of every webhook: every response is one
/// the receiver gives on purpose (a refusal, or 200), never a server error, and nothing panics.
pub fn check_receive(data: &[u8]) {
    for status in serve(data) {
        assert!(
            matches!(
                status,
                200 | 400 | 401 | 404 | 405 | 408 | 413 | 415 | 422 | 431
            ),
            "status {status}"
        );
    }
}
