//! The fuzz targets, by name, and the inputs each starts from: the example payloads, and for
//! signatures the shared test vectors, so the fuzzers begin where real deliveries are.

use hookschema_fixtures::repository_root;
use hookschema_signature::{Secret, sign};
use serde_json::Value;

use crate::receiver::{NOW, SECRET, comfydeploy_request, kaizen_request};
use crate::targets::{check_parse, check_receive, check_validate, check_verify};

/// A fuzz target: one check, and the inputs it is seeded with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Parse,
    Validate,
    Verify,
    Receive,
}

impl Target {
    pub const ALL: [Target; 4] = [
        Target::Parse,
        Target::Validate,
        Target::Verify,
        Target::Receive,
    ];

    /// The name of its fuzz target and of its folders under `fuzz/`.
    pub fn name(self) -> &'static str {
        match self {
            Target::Parse => "parse",
            Target::Validate => "validate",
            Target::Verify => "verify",
            Target::Receive => "receive",
        }
    }

    /// Runs the target's check on `data`.
    pub fn check(self, data: &[u8]) {
        match self {
            Target::Parse => check_parse(data),
            Target::Validate => check_validate(data),
            Target::Verify => check_verify(data),
            Target::Receive => check_receive(data),
        }
    }
}

/// The inputs `target` starts from, each with a file name.
pub fn seeds(target: Target) -> Vec<(String, Vec<u8>)> {
    let examples = hookschema_fixtures::all();
    let named = |fixture: &hookschema_fixtures::Fixture| fixture.id().replace('/', "-");
    match target {
        Target::Parse | Target::Validate => examples
            .iter()
            .map(|fixture| (named(fixture), fixture.bytes.clone()))
            .collect(),
        Target::Verify => {
            let secret = Secret::decode(SECRET).expect("the harness secret decodes");
            let signed = examples.iter().map(|fixture| {
                let id = format!("msg_{}", fixture.name);
                let signature = sign(&secret, &id, NOW, &fixture.bytes);
                let lines = format!("{id}\n{NOW}\n{signature}\n");
                (named(fixture), [lines.as_bytes(), &fixture.bytes].concat())
            });
            signed.chain(vectors()).collect()
        }
        Target::Receive => examples
            .iter()
            .map(|fixture| {
                let request = match fixture.vendor.as_str() {
                    "kaizen" => {
                        kaizen_request(&format!("msg_{}", fixture.name), NOW, &fixture.bytes)
                    }
                    _ => comfydeploy_request(&fixture.bytes),
                };
                (named(fixture), request)
            })
            .collect(),
    }
}

/// The shared signature vectors, as `id\ntimestamp\nsignature\nbody`; a header the vector leaves
/// out ends the lines early.
fn vectors() -> Vec<(String, Vec<u8>)> {
    let path = repository_root().join("schemas/kaizen/signature-vectors.json");
    let text = std::fs::read(&path).expect("the signature vectors are readable");
    let file: Value = serde_json::from_slice(&text).expect("the signature vectors are JSON");
    let vectors = file["vectors"].as_array().cloned().unwrap_or_default();
    vectors
        .iter()
        .map(|vector| {
            let field = |key: &str| vector[key].as_str().map(str::to_owned);
            let headers = [field("id"), field("timestamp"), field("signature")];
            let mut lines: Vec<String> = headers.into_iter().map_while(|h| h).collect();
            if lines.len() == 3 {
                lines.push(field("body").unwrap_or_default());
            }
            let name = format!("vector-{}", field("name").unwrap_or_default());
            (name, lines.join("\n").into_bytes())
        })
        .collect()
}
