//! README.md's axum example is the example program `comfydeploy_receiver`, which `cargo test`
//! and `cargo clippy --all-targets` build: each paragraph of the README's block (lines between
//! blank ones) must stand in it whole and in order, so the README cannot show code that no
//! longer compiles.

use std::path::Path;

/// The paragraphs of the Rust block that follows `after` in README.md, lines trimmed.
fn readme_paragraphs(after: &str) -> Vec<Vec<String>> {
    let readme = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    let readme = std::fs::read_to_string(readme).unwrap();
    let (_, rest) = readme
        .split_once(after)
        .expect("the README introduces the example");
    let (_, block) = rest.split_once("```rust\n").unwrap();
    let (block, _) = block.split_once("```").unwrap();
    block
        .split("\n\n")
        .map(|paragraph| paragraph.lines().map(|l| l.trim().to_owned()).collect())
        .collect()
}

#[test]
fn the_readme_shows_the_example_that_builds() {
    let example: Vec<&str> = include_str!("../examples/comfydeploy_receiver.rs")
        .lines()
        .map(str::trim)
        .collect();
    let paragraphs = readme_paragraphs("In your own axum service");
    assert!(paragraphs.len() >= 3, "{paragraphs:?}");
    let mut from = 0;
    for paragraph in &paragraphs {
        let found = example[from..]
            .windows(paragraph.len())
            .position(|window| window == paragraph.as_slice());
        let Some(at) = found else {
            panic!(
                "README paragraph not in examples/comfydeploy_receiver.rs, whole and in order:\n{}",
                paragraph.join("\n")
            );
        };
        from += at + paragraph.len();
    }
}
