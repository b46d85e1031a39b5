//! Every fuzz target's check on its seeds (`seeds`), on every input a fuzzer found and that was
//! kept (`fuzz/regressions/<target>/`), and on the hostile corpus: what once broke an invariant
//! stays fixed, and `cargo test` needs no fuzzer to say so.

use std::panic::catch_unwind;

use hookschema_catalog::Catalog;
use hookschema_fixtures::{hostile, repository_root};
use hookschema_hostile::{Target, seeds};
use hookschema_testkit::NOW;
use hookschema_testkit::sender::authentic;

/// Runs `target` on each input, collecting the names of those that break its check.
fn failing(target: Target, inputs: Vec<(String, Vec<u8>)>) -> Vec<String> {
    inputs
        .into_iter()
        .filter(|(_, data)| catch_unwind(|| target.check(data)).is_err())
        .map(|(name, _)| format!("{} {name}", target.name()))
        .collect()
}

/// The inputs kept under `fuzz/regressions/<target>/`.
fn regressions(target: Target) -> Vec<(String, Vec<u8>)> {
    let dir = repository_root()
        .join("fuzz/regressions")
        .join(target.name());
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut found: Vec<(String, Vec<u8>)> = entries
        .map(|entry| entry.expect("a readable directory entry").path())
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (
                name,
                std::fs::read(&path).expect("a readable regression input"),
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn seeds_and_regressions_pass_every_check() {
    let mut wrong = Vec::new();
    for target in Target::ALL {
        let seeds = seeds(target);
        assert!(
            seeds.len() >= 40,
            "{}: {} seeds",
            target.name(),
            seeds.len()
        );
        wrong.extend(failing(target, seeds));
        wrong.extend(failing(target, regressions(target)));
    }
    assert!(wrong.is_empty(), "{wrong:?}");
}

#[test]
fn the_hostile_corpus_passes_every_check() {
    let mut wrong = Vec::new();
    for case in hostile() {
        let body = || vec![(case.name.clone(), case.bytes.clone())];
        wrong.extend(failing(Target::Parse, body()));
        wrong.extend(failing(Target::Validate, body()));
        let webhook = Catalog::embedded()
            .webhook(&case.schema)
            .expect("the corpus names webhooks");
        let request = authentic(webhook, &format!("msg_{}", case.name), NOW, &case.bytes);
        wrong.extend(failing(
            Target::Receive,
            vec![(case.name.clone(), request.raw())],
        ));
        let signed = [b"msg_1\n1767225600\nv1=00\n".as_slice(), &case.bytes].concat();
        wrong.extend(failing(Target::Verify, vec![(case.name.clone(), signed)]));
    }
    assert!(wrong.is_empty(), "{wrong:?}");
}
