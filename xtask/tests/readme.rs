//! Every Rust block of the manual (README.md and `docs/src/`) is part of a program the tests
//! build: the text before each block links to an example program
//! (`crates/<crate>/examples/<name>.rs`, which `cargo test` and `cargo clippy --all-targets`
//! compile), and each paragraph of the block (lines between blank ones) stands in that program
//! whole and in order, lines trimmed. So the manual cannot show code that no longer compiles.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the repository root")
        .to_path_buf()
}

/// One Rust block of a Markdown text and the program the text before it links to.
#[derive(Debug)]
struct Snippet {
    /// The line the block starts on, for messages.
    line: usize,
    code: String,
    /// The last link to a `.rs` file between the previous block and this one.
    program: Option<String>,
}

fn rust_snippets(markdown: &str) -> Vec<Snippet> {
    let mut snippets = Vec::new();
    let mut prose = String::new();
    let mut block: Option<(usize, bool, String)> = None;
    for (number, line) in markdown.lines().enumerate() {
        match &mut block {
            None if line.starts_with("```") => {
                block = Some((number + 1, line.trim() == "```rust", String::new()));
            }
            None => {
                prose.push_str(line);
                prose.push('\n');
            }
            Some((start, rust, code)) if line.starts_with("```") => {
                if *rust {
                    snippets.push(Snippet {
                        line: *start,
                        code: std::mem::take(code),
                        program: last_rust_link(&prose),
                    });
                }
                prose.clear();
                block = None;
            }
            Some((_, _, code)) => {
                code.push_str(line);
                code.push('\n');
            }
        }
    }
    snippets
}

/// The target of the last Markdown link `](….rs)` in `prose`.
fn last_rust_link(prose: &str) -> Option<String> {
    prose
        .match_indices("](")
        .filter_map(|(at, _)| {
            let target = &prose[at + 2..];
            let end = target.find(')')?;
            target[..end]
                .ends_with(".rs")
                .then(|| target[..end].to_owned())
        })
        .last()
}

/// The paragraphs of `code`, lines trimmed, that do not stand whole and in order in `program`.
fn missing_paragraphs(code: &str, program: &str) -> Vec<String> {
    let program: Vec<&str> = program.lines().map(str::trim).collect();
    let mut from = 0;
    let mut missing = Vec::new();
    for paragraph in code.split("\n\n") {
        let lines: Vec<&str> = paragraph.lines().map(str::trim).collect();
        if lines.is_empty() {
            continue;
        }
        match program[from..]
            .windows(lines.len())
            .position(|window| window == lines.as_slice())
        {
            Some(at) => from += at + lines.len(),
            None => missing.push(lines.join("\n")),
        }
    }
    missing
}

/// README.md and every chapter of the manual (`docs/src/*.md`), by their paths from the root.
fn pages() -> Vec<PathBuf> {
    let mut pages = vec![PathBuf::from("README.md")];
    let chapters = std::fs::read_dir(root().join("docs/src")).unwrap();
    for entry in chapters {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "md") {
            pages.push(path.strip_prefix(root()).unwrap().to_path_buf());
        }
    }
    pages.sort();
    pages
}

/// `link`, relative to the page at `page`, as a path from the repository's root.
fn from_root(page: &Path, link: &str) -> PathBuf {
    let mut path = page.parent().unwrap_or(Path::new("")).to_path_buf();
    for part in Path::new(link).components() {
        match part {
            std::path::Component::ParentDir => {
                path.pop();
            }
            std::path::Component::CurDir => {}
            other => path.push(other),
        }
    }
    path
}

#[test]
fn every_rust_block_of_the_manual_is_in_a_program_that_builds() {
    let mut problems = Vec::new();
    let mut count = 0;
    for page in pages() {
        let text = std::fs::read_to_string(root().join(&page)).unwrap();
        let at = |line: usize| format!("{}:{line}", page.display());
        for snippet in rust_snippets(&text) {
            count += 1;
            let Some(link) = &snippet.program else {
                problems.push(format!(
                    "{}: no link to the program that holds this block",
                    at(snippet.line)
                ));
                continue;
            };
            let program = from_root(&page, link);
            let is_example = program
                .parent()
                .is_some_and(|dir| dir.ends_with("examples") && dir.starts_with("crates"));
            let text = match std::fs::read_to_string(root().join(&program)) {
                Ok(text) if is_example => text,
                Ok(_) => {
                    problems.push(format!(
                        "{}: {link} is not an example program under crates/*/examples/",
                        at(snippet.line)
                    ));
                    continue;
                }
                Err(error) => {
                    problems.push(format!("{}: {link}: {error}", at(snippet.line)));
                    continue;
                }
            };
            for paragraph in missing_paragraphs(&snippet.code, &text) {
                problems.push(format!(
                    "{}: not in {link}, whole and in order:\n{paragraph}",
                    at(snippet.line)
                ));
            }
        }
    }
    assert!(count >= 4, "{count} Rust blocks");
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// The check above can fail: a block without a link, a paragraph out of order, a changed line.
#[test]
fn the_check_sees_blocks_it_cannot_place() {
    let markdown = "Text.\n\n```rust\nlet a = 1;\n```\n\nSee [x](crates/x/examples/y.rs):\n\n```rust\nlet b = 2;\n\nlet c = 3;\n```\n\n```sh\nls\n```\n";
    let snippets = rust_snippets(markdown);
    assert_eq!(snippets.len(), 2);
    assert_eq!(snippets[0].program, None);
    assert_eq!(
        snippets[1].program.as_deref(),
        Some("crates/x/examples/y.rs")
    );
    assert_eq!(snippets[1].line, 9);

    let program = "fn main() {\n    let b = 2;\n    let c = 3;\n}\n";
    assert!(missing_paragraphs(&snippets[1].code, program).is_empty());
    let swapped = "fn main() {\n    let c = 3;\n    let b = 2;\n}\n";
    assert_eq!(
        missing_paragraphs(&snippets[1].code, swapped),
        ["let c = 3;"]
    );
    let changed = "fn main() {\n    let b = 20;\n    let c = 3;\n}\n";
    assert_eq!(
        missing_paragraphs(&snippets[1].code, changed),
        ["let b = 2;"]
    );
}

/// Every dependency of the manual's `toml` blocks is a crate of the workspace at the path given
/// (`../hookschema/` being this checkout), with every feature it asks for.
#[test]
fn every_dependency_the_manual_shows_is_a_crate_with_its_features() {
    let mut problems = Vec::new();
    let mut count = 0;
    for page in pages() {
        let text = std::fs::read_to_string(root().join(&page)).unwrap();
        for block in text.split("```toml\n").skip(1) {
            let (block, _) = block.split_once("```").unwrap();
            for line in block.lines().filter(|line| line.starts_with("hookschema-")) {
                count += 1;
                let (name, spec) = line.split_once(" = ").unwrap();
                let quoted = |key: &str| -> Option<String> {
                    let (_, rest) = spec.split_once(&format!("{key} = \""))?;
                    Some(rest.split('"').next()?.to_owned())
                };
                let Some(path) = quoted("path") else {
                    problems.push(format!("{}: {name} has no path", page.display()));
                    continue;
                };
                let dir = root().join(path.trim_start_matches("../hookschema/"));
                let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
                if !manifest.contains(&format!("name = \"{name}\"")) {
                    problems.push(format!("{}: {name} is not at {path}", page.display()));
                }
                let features = spec
                    .split_once("features = [")
                    .map(|(_, rest)| rest.split(']').next().unwrap_or_default())
                    .unwrap_or_default();
                for feature in features.split(',').map(|f| f.trim().trim_matches('"')) {
                    if !feature.is_empty() && !manifest.contains(&format!("\n{feature} = [")) {
                        problems.push(format!(
                            "{}: {name} has no feature {feature}",
                            page.display()
                        ));
                    }
                }
            }
        }
    }
    assert!(count >= 4, "{count} dependencies shown");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
