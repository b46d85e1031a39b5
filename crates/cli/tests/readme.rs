//! The manual's commands, run as written, with the `hookschema` just built on `PATH`: README's
//! quick start (its `cargo install` line is what built it) and tour; "Adding a webhook", from a
//! vendor's published schemas (in a copy of `tests/vendors/`) and by hand (in a copy of the
//! repository's `schemas/` and the downstream example's vendor); the systemd unit's `ExecStart`.

use std::path::Path;
use std::process::Command;

/// A page of the manual: `README.md`, or a chapter under `docs/src/`.
fn page(path: &str) -> String {
    std::fs::read_to_string(hookschema_fixtures::repository_root().join(path)).unwrap()
}

/// The first `sh` block after `heading` in the page at `path`.
fn shell_block(path: &str, heading: &str) -> String {
    let page = page(path);
    let (_, section) = page
        .split_once(heading)
        .unwrap_or_else(|| panic!("{path} has the section {heading}"));
    let (_, block) = section
        .split_once("```sh\n")
        .expect("the section has a shell block");
    let (block, _) = block.split_once("```").unwrap();
    block.lines().map(str::trim).collect::<Vec<_>>().join("\n")
}

/// A temporary folder holding copies of the repository's `folders`, at the same paths.
fn copy_of(folders: &[&str]) -> tempfile::TempDir {
    let root = hookschema_fixtures::repository_root();
    let dir = tempfile::tempdir().unwrap();
    for folder in folders {
        hookschema_fixtures::copy_tree(&root.join(folder), &dir.path().join(folder));
    }
    dir
}

/// Runs `block` with bash in `dir`, the `hookschema` just built first on `PATH`; what it printed.
fn run_block(block: &str, dir: &Path) -> String {
    let binary = Path::new(env!("CARGO_BIN_EXE_hookschema"));
    let path = format!(
        "{}:{}",
        binary.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = Command::new("bash")
        .args(["-euo", "pipefail", "-c", block])
        .current_dir(dir)
        .env("PATH", path)
        .env_remove("HOOKSCHEMA_SCHEMAS")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{said}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    said
}

#[test]
fn adding_a_webhook_from_published_schemas_works_as_written() {
    let block = shell_block(
        "docs/src/adding-a-webhook.md",
        "## From a vendor's published schemas",
    );
    let dir = copy_of(&["tests/vendors"]);
    let said = run_block(&block, dir.path());
    assert!(
        said.contains("vendors/github: 53 schemas, 89 examples"),
        "{said}"
    );
    assert!(
        said.contains("vendors/stripe: 2 schemas, 2 examples"),
        "{said}"
    );
    assert!(said.contains("opened.payload.json: valid"), "{said}");
    assert!(said.contains("fixture.json: valid"), "{said}");
    assert!(said.contains("X-Hub-Signature-256: sha256="), "{said}");
    assert!(
        said.contains("POST /github (github/events), POST /stripe (stripe/events)"),
        "{said}"
    );
}

#[test]
fn adding_a_webhook_by_hand_works_as_written() {
    let block = shell_block("docs/src/adding-a-webhook.md", "## Written by hand");
    assert!(
        block.contains("hookschema --schemas schemas sign acme"),
        "{block}"
    );
    let dir = copy_of(&["schemas", "examples/downstream/schemas/acme"]);
    let said = run_block(&block, dir.path());
    assert!(said.contains("card.json: valid"), "{said}");
    assert!(said.contains(r#""valid":false"#), "{said}");
    assert!(said.contains("webhook-signature: v1,"), "{said}");
}

/// The systemd unit's `ExecStart`, run as systemd would (its `${…}` given the directories
/// `StateDirectory=` and `LoadCredential=` make, the certificate one made here) with `--check`.
#[test]
fn the_systemd_unit_starts_as_written() {
    let running = page("docs/src/running.md");
    let (_, unit) = running
        .split_once("```ini\n# /etc/systemd/system/hookschema.service\n")
        .expect("the chapter has the unit");
    let (unit, _) = unit.split_once("```").unwrap();
    let unit = unit.replace("\\\n", " ");
    let setting = |key: &str| -> Vec<&str> {
        unit.lines()
            .filter_map(|line| line.strip_prefix(key)?.strip_prefix('='))
            .collect()
    };
    let dir = tempfile::tempdir().unwrap();
    let (state, credentials) = (dir.path().join("state"), dir.path().join("credentials"));
    std::fs::create_dir_all(&credentials).unwrap();
    std::fs::create_dir_all(&state).unwrap();
    let certified = rcgen::generate_simple_self_signed(vec!["hooks.example.com".into()]).unwrap();
    for credential in setting("LoadCredential") {
        let (name, _) = credential.split_once(':').unwrap();
        let pem = match name {
            "tls.crt" => certified.cert.pem(),
            "tls.key" => certified.signing_key.serialize_pem(),
            other => panic!("a credential the test does not make: {other}"),
        };
        std::fs::write(credentials.join(name), pem).unwrap();
    }
    let [exec_start] = setting("ExecStart")[..] else {
        panic!("one ExecStart in {unit}")
    };
    let words: Vec<String> = exec_start
        .split_whitespace()
        .map(|word| {
            word.replace("${STATE_DIRECTORY}", state.to_str().unwrap())
                .replace("${CREDENTIALS_DIRECTORY}", credentials.to_str().unwrap())
        })
        .collect();
    assert_eq!(words[0], "/usr/local/bin/hookschema");
    let output = Command::new(env!("CARGO_BIN_EXE_hookschema"))
        .args(&words[1..])
        .arg("--check")
        .env("HOOKSCHEMA_KAIZEN_SECRET", "c2VjcmV0")
        .env("HOOKSCHEMA_COMFYDEPLOY_TOKEN", "token")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        said.starts_with("hookschema: would listen on https://[::]:443 on: "),
        "{said}"
    );
    assert!(state.join("deliveries.db").exists());
}

/// "Keeping schemas true", run on a store holding a drifting Kaizen delivery, in a copy of the
/// repository's `schemas/`: its `hookschema` lines as written; its `git` and `cargo` lines are
/// the reviewer's, checked to be there and not run.
#[test]
fn keeping_schemas_true_works_as_written() {
    use hookschema_store::{Location, Options, Record, Store};
    let block = shell_block("docs/src/keeping-schemas-true.md", "# Keeping schemas true");
    for line in ["git diff schemas/", "cargo xtask codegen", "git commit -am"] {
        assert!(block.contains(line), "{block}");
    }
    let dir = copy_of(&["schemas"]);
    let location: Location = format!("sqlite:{}", dir.path().join("deliveries.db").display())
        .parse()
        .unwrap();
    let store = Store::open(&location, Options::default()).unwrap();
    let body = br#"{"type": "execution.complete", "data": {"id": "exec_1", "status": "Completed",
        "startTime": "2026-12-01T08:00:00Z", "sessionId": null, "region": "eu-west-1"}}"#;
    let record = Record::new(
        "kaizen",
        Some("kaizen/webhook-event"),
        Some("m1"),
        body,
        &[0u8; 0],
    );
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(store.put(record.unwrap()))
        .unwrap();
    let runnable: Vec<&str> = block
        .lines()
        .filter(|line| !line.starts_with("git ") && !line.starts_with("cargo "))
        .collect();
    let said = run_block(&runnable.join("\n"), dir.path());
    assert!(said.contains("proposed: allow `null`"), "{said}");
    assert!(
        said.contains("declare the optional property `region`"),
        "{said}"
    );
    assert!(
        said.contains("wrote schemas/kaizen/webhook-event.schema.json"),
        "{said}"
    );
    let schema =
        std::fs::read_to_string(dir.path().join("schemas/kaizen/webhook-event.schema.json"))
            .unwrap();
    assert!(
        schema.contains("/kaizen/webhook-event/1.2.0.json"),
        "{schema}"
    );
}

/// README's quick start, in a copy of the repository's `schemas/`: the receiver started, a
/// signed delivery sent with `curl` and acknowledged, then exported from the store.
#[test]
fn the_quick_start_works_as_written() {
    let block = shell_block("README.md", "## Quick start");
    let (install, rest) = block.split_once('\n').unwrap();
    assert!(
        install.starts_with("cargo install --locked --path crates/cli"),
        "{install}"
    );
    let dir = copy_of(&["schemas"]);
    let said = run_block(rest, dir.path());
    let mut lines = said.lines();
    assert_eq!(lines.next(), Some(r#"{"status":"ok"}"#), "{said}");
    let exported: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(exported["delivery_id"], "msg_1", "{said}");
    assert_eq!(exported["schema"], "kaizen/webhook-event", "{said}");
    assert_eq!(exported["errors"], serde_json::json!([]), "{said}");
}

/// README's tour, in a copy of the repository's `schemas/` and `tests/vendors/`.
#[test]
fn the_tour_works_as_written() {
    let block = shell_block("README.md", "## A tour");
    let dir = copy_of(&["schemas", "tests/vendors"]);
    let said = run_block(&block, dir.path());
    assert!(said.contains("kaizen/webhook-event "), "{said}");
    assert!(said.contains("valid/completed.json: valid"), "{said}");
    assert!(
        said.contains(r#""valid":false"#) && said.contains("exit 1"),
        "{said}"
    );
    assert!(said.contains(r#""type": "execution.complete""#), "{said}");
    assert!(said.contains("ping/payload.json: valid"), "{said}");
}
