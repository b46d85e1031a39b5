//! README.md's axum example is the example program `comfydeploy_receiver`, which `cargo test`
//! and `cargo clippy --all-targets` build: every line of the README's block must stand in it, in
//! order, so the README cannot show code that no longer compiles.

use std::path::Path;

/// The Rust block that follows `heading`'s paragraph in README.md.
fn readme_block(after: &str) -> Vec<String> {
    let readme = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    let readme = std::fs::read_to_string(readme).unwrap();
    let (_, rest) = readme
        .split_once(after)
        .expect("the README introduces the example");
    let (_, block) = rest.split_once("```rust\n").unwrap();
    let (block, _) = block.split_once("```").unwrap();
    block
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_readme_shows_the_example_that_builds() {
    let example = include_str!("../examples/comfydeploy_receiver.rs");
    let mut lines = example.lines().map(str::trim);
    let block = readme_block("In your own axum service");
    assert!(block.len() > 10, "{block:?}");
    for line in &block {
        assert!(
            lines.any(|l| l == line),
            "README line not in examples/comfydeploy_receiver.rs (in order): {line}"
        );
    }
}
