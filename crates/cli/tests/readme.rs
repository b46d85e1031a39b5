//! README.md's "Adding a webhook" commands, run as written: in a copy of the repository's
//! `schemas/` and the downstream example's vendor, with the `hookschema` just built on `PATH`.

use std::path::Path;
use std::process::Command;

/// The first `sh` block after `heading` in README.md.
fn shell_block(heading: &str) -> String {
    let readme = hookschema_fixtures::repository_root().join("README.md");
    let readme = std::fs::read_to_string(readme).unwrap();
    let (_, section) = readme
        .split_once(heading)
        .expect("the README has the section");
    let (_, block) = section
        .split_once("```sh\n")
        .expect("the section has a shell block");
    let (block, _) = block.split_once("```").unwrap();
    block.lines().map(str::trim).collect::<Vec<_>>().join("\n")
}

#[test]
fn adding_a_webhook_works_as_written() {
    let block = shell_block("## Adding a webhook");
    assert!(
        block.contains("hookschema --schemas schemas sign acme"),
        "{block}"
    );
    let root = hookschema_fixtures::repository_root();
    let dir = tempfile::tempdir().unwrap();
    hookschema_fixtures::copy_tree(&root.join("schemas"), &dir.path().join("schemas"));
    hookschema_fixtures::copy_tree(
        &root.join("examples/downstream/schemas/acme"),
        &dir.path().join("examples/downstream/schemas/acme"),
    );
    let binary = Path::new(env!("CARGO_BIN_EXE_hookschema"));
    let path = format!(
        "{}:{}",
        binary.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = Command::new("bash")
        .args(["-euo", "pipefail", "-c", &block])
        .current_dir(dir.path())
        .env("PATH", path)
        .env_remove("HOOKSCHEMA_SCHEMAS")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{said}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(said.contains("card.json: valid"), "{said}");
    assert!(said.contains(r#""valid":false"#), "{said}");
    assert!(said.contains("webhook-signature: v1,"), "{said}");
}
