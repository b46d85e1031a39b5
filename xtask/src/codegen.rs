//! `cargo xtask codegen`: everything generated from `schemas/`: the Rust models and the copies
//! of the schemas they embed, the schema catalog `schemas/index.json`, the receiver's OpenAPI
//! document `schemas/openapi.json`, and the TypeScript and Python bindings.

mod bindings;
mod catalog;
mod features;
mod models;
mod openapi;
mod schema_file;
mod vendor_file;

use crate::Result;
use crate::project::Project;
use crate::sync::{self, Generated, Mode};
pub use schema_file::SchemaFile;
use vendor_file::VendorFile;

/// What to generate.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Scope {
    /// What needs only Rust: the models, their schema copies and the catalog. `cargo test`
    /// checks this much.
    Rust,
    /// Everything, the bindings too, which need the pinned tools (`tools/install`).
    All,
}

/// Renders every generated file in `scope` and syncs it to disk according to `mode`.
pub fn run(project: &Project, mode: Mode, scope: Scope) -> Result<()> {
    let schemas = SchemaFile::discover(project)?;
    let vendors = VendorFile::discover(project)?;
    for vendor in &vendors {
        vendor.check(project, &schemas)?;
    }
    let mut models_copies = catalog::schema_copies(&schemas, &project.models_schemas_dir())?;
    models_copies.files.extend(catalog::vendor_copies(
        &vendors,
        &project.models_schemas_dir(),
    ));
    let mut outputs = vec![
        Generated {
            owned: Some(project.generated_models_dir()),
            keeps: &[],
            files: models::render(project, &schemas, &vendors)?,
        },
        models_copies,
        Generated {
            owned: None,
            keeps: &[],
            files: vec![
                catalog::render(project, &schemas)?,
                catalog::vendor_schema_copy(project)?,
                openapi::render(project, &schemas, &vendors)?,
                features::render(project, &schemas)?,
            ],
        },
    ];
    if scope == Scope::All {
        outputs.extend(bindings::render(project, &schemas)?);
    }
    sync::apply(project, &outputs, mode, "codegen")
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    /// `cargo test` fails when the committed generated code is stale.
    #[test]
    fn generated_code_is_fresh() {
        if let Err(error) = run(&Project::from_manifest_dir(), Mode::Check, Scope::Rust) {
            panic!("{error}");
        }
    }

    /// A scratch copy of the repository's schemas, generated models and workspace manifest.
    fn scratch_project() -> (tempfile::TempDir, Project) {
        let real = Project::from_manifest_dir();
        let dir = tempfile::tempdir().unwrap();
        let scratch = Project::at(dir.path());
        hookschema_fixtures::copy_tree(&real.schemas_dir(), &scratch.schemas_dir());
        hookschema_fixtures::copy_tree(
            &real.generated_models_dir(),
            &scratch.generated_models_dir(),
        );
        hookschema_fixtures::copy_tree(&real.models_schemas_dir(), &scratch.models_schemas_dir());
        fs::copy(real.models_manifest(), scratch.models_manifest()).unwrap();
        fs::create_dir_all(scratch.vendor_schema_copy().parent().unwrap()).unwrap();
        fs::copy(real.vendor_schema_copy(), scratch.vendor_schema_copy()).unwrap();
        // The workspace's version, which the OpenAPI document states.
        fs::copy(
            real.root().join("Cargo.toml"),
            scratch.root().join("Cargo.toml"),
        )
        .unwrap();
        (dir, scratch)
    }

    #[test]
    fn a_schema_change_without_regenerating_fails_the_check_until_regenerated() {
        let (_dir, project) = scratch_project();
        run(&project, Mode::Check, Scope::Rust).expect("the copy starts fresh");

        let path = project
            .schemas_dir()
            .join("kaizen/webhook-event.schema.json");
        let mut schema: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        schema["$defs"]["Execution"]["properties"]["retryReason"] =
            serde_json::json!({"description": "Why the execution was retried.", "type": "string"});
        fs::write(&path, serde_json::to_string_pretty(&schema).unwrap()).unwrap();

        let error = run(&project, Mode::Check, Scope::Rust)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("crates/models/src/generated/kaizen/webhook_event.rs"),
            "{error}"
        );
        assert!(error.contains("run `cargo xtask codegen`"), "{error}");
        let untouched = project
            .generated_models_dir()
            .join("kaizen/webhook_event.rs");
        assert!(
            !fs::read_to_string(&untouched)
                .unwrap()
                .contains("retry_reason")
        );

        run(&project, Mode::Write, Scope::Rust).unwrap();
        assert!(
            fs::read_to_string(&untouched)
                .unwrap()
                .contains("retry_reason")
        );
        run(&project, Mode::Check, Scope::Rust).expect("regenerating makes it fresh");
    }

    /// A vendor added as data (the downstream example's made-up Acme: two webhooks, open
    /// enums with meanings) gets models with no Rust edited, and the models crate compiles with
    /// them: `cargo check` on a scratch workspace of the models crate alone.
    #[test]
    fn a_vendor_added_as_data_gets_models_that_compile() {
        let real = Project::from_manifest_dir();
        let (dir, project) = scratch_project();
        hookschema_fixtures::copy_tree(
            &real.root().join("examples/downstream/schemas/acme"),
            &project.schemas_dir().join("acme"),
        );
        run(&project, Mode::Write, Scope::Rust).unwrap();
        let generated = project.generated_models_dir().join("acme");
        let order_paid = fs::read_to_string(generated.join("order_paid.rs")).unwrap();
        assert!(order_paid.contains("pub struct OrderPaid"), "{order_paid}");
        assert!(order_paid.contains("pub fn is_instant(&self) -> bool"));
        let shipment = fs::read_to_string(generated.join("shipment_update.rs")).unwrap();
        assert!(shipment.contains("pub fn is_final(&self) -> bool"));
        run(&project, Mode::Check, Scope::Rust).expect("regenerated, it is fresh");

        models_workspace(&project);
        cargo(
            &project,
            "xtask-scratch",
            &["check", "-p", "hookschema-models"],
        );
        // A dependent that receives one vendor compiles only its models, with no warning.
        cargo(
            &project,
            "xtask-scratch",
            &[
                "check",
                "-p",
                "hookschema-models",
                "--no-default-features",
                "--features",
                "acme",
            ],
        );
        drop(dir);
    }

    /// Makes the scratch `project` a workspace of the models crate alone: the crate's hand-written
    /// sources copied in beside what was generated there, its manifest as generated there (but
    /// for its dev-dependencies, the tests', in crates not copied), the repository's lock file.
    fn models_workspace(project: &Project) {
        let real = Project::from_manifest_dir();
        let models = project.root().join("crates/models");
        for file in fs::read_dir(real.root().join("crates/models/src")).unwrap() {
            let path = file.unwrap().path();
            if path.is_file() {
                fs::copy(&path, models.join("src").join(path.file_name().unwrap())).unwrap();
            }
        }
        let crate_manifest = fs::read_to_string(project.models_manifest()).unwrap();
        let crate_manifest = crate_manifest.split("[dev-dependencies]").next().unwrap();
        fs::write(project.models_manifest(), crate_manifest).unwrap();
        let manifest = fs::read_to_string(real.root().join("Cargo.toml")).unwrap();
        let members = manifest
            .lines()
            .find(|line| line.starts_with("members = "))
            .unwrap();
        let manifest = manifest
            .replace(members, r#"members = ["crates/models"]"#)
            .replace(r#"exclude = ["fuzz"]"#, "");
        fs::write(project.root().join("Cargo.toml"), manifest).unwrap();
        fs::copy(
            real.root().join("Cargo.lock"),
            project.root().join("Cargo.lock"),
        )
        .unwrap();
    }

    /// Runs `cargo <args>` offline in the scratch `project`, in a target folder of its own under
    /// the workspace's (which the `cargo test` running this locks): it must succeed, with no
    /// warning. Returns what it printed.
    fn cargo(project: &Project, target: &str, args: &[&str]) -> String {
        let target = Project::from_manifest_dir()
            .root()
            .join("target")
            .join(target);
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let output = std::process::Command::new(cargo)
            .args(args)
            .arg("--offline")
            .current_dir(project.root())
            .env("CARGO_TARGET_DIR", target)
            .env("HOOKSCHEMA_SCHEMAS", project.schemas_dir())
            .output()
            .unwrap();
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(output.status.success(), "cargo {args:?}:\n{printed}");
        assert!(!printed.contains("warning"), "cargo {args:?}:\n{printed}");
        printed
    }

    /// The done-when of typed models for real vendors: GitHub's seven events and Stripe's two,
    /// imported from the pinned sources (`tests/vendors/`) into one vendor folder each with the
    /// vendor files a user completes, generate models with no hand edit; the models crate compiles
    /// them with no warning, and every published example decodes and round-trips key for key
    /// (`xtask/scratch/round_trip.rs`, run there).
    #[test]
    fn imported_vendors_get_models_that_compile_and_round_trip() {
        use hookschema_import::{Envelope, Options, Selection, json_schema, openapi};
        let real = Project::from_manifest_dir();
        let (dir, project) = scratch_project();
        let pinned = real.root().join("tests/vendors");
        let github = pinned.join("github/payload-schemas/api.github.com");
        let mut events = Vec::new();
        for event in [
            "check_run",
            "issues",
            "ping",
            "pull_request",
            "push",
            "release",
            "workflow_run",
        ] {
            for file in fs::read_dir(github.join(event)).unwrap() {
                events.push(file.unwrap().path());
            }
        }
        events.sort();
        let examples = pinned.join("github/payload-examples/api.github.com");
        json_schema(
            &events,
            Some(&github),
            Some(&examples),
            &Options::new("github"),
        )
        .unwrap()
        .write(&project.schemas_dir())
        .unwrap();
        let stripe = pinned.join("stripe/openapi");
        let selection = Selection::Components {
            names: vec!["payment_intent".to_owned(), "charge".to_owned()],
            envelope: Some(Envelope {
                component: "event".to_owned(),
                pointer: "/data/object".to_owned(),
            }),
        };
        let fixtures = stripe.join("fixtures3.json");
        openapi(
            &stripe.join("spec3.json"),
            &selection,
            Some(&fixtures),
            &Options::new("stripe"),
        )
        .unwrap()
        .write(&project.schemas_dir())
        .unwrap();
        for vendor in ["github", "stripe"] {
            fs::copy(
                pinned.join(vendor).join("vendor.json"),
                project.schemas_dir().join(vendor).join("vendor.json"),
            )
            .unwrap();
        }
        run(&project, Mode::Write, Scope::Rust).unwrap();
        let shared = project.generated_models_dir().join("github/shared.rs");
        assert!(
            fs::read_to_string(shared)
                .unwrap()
                .contains("pub struct CommonUser")
        );

        models_workspace(&project);
        let tests = project.root().join("crates/models/tests");
        fs::create_dir_all(&tests).unwrap();
        fs::copy(
            real.root().join("xtask/scratch/round_trip.rs"),
            tests.join("round_trip.rs"),
        )
        .unwrap();
        let features = ["--no-default-features", "--features", "github,stripe"];
        let mut args = vec!["test", "-p", "hookschema-models", "--test", "round_trip"];
        args.extend(features);
        cargo(&project, "xtask-imported", &args);
        drop(dir);
    }

    #[test]
    fn a_removed_schema_leaves_no_generated_module_behind() {
        let (_dir, project) = scratch_project();
        fs::remove_file(
            project
                .schemas_dir()
                .join("comfydeploy/workflow-run-webhook-response.schema.json"),
        )
        .unwrap();
        let error = run(&project, Mode::Check, Scope::Rust)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("comfydeploy/workflow_run_webhook_response.rs"),
            "{error}"
        );

        run(&project, Mode::Write, Scope::Rust).unwrap();
        let leftover = project
            .generated_models_dir()
            .join("comfydeploy/workflow_run_webhook_response.rs");
        assert!(!leftover.exists());
        run(&project, Mode::Check, Scope::Rust).unwrap();
    }

    #[test]
    fn a_removed_vendor_leaves_no_folder_behind() {
        let (_dir, project) = scratch_project();
        fs::remove_dir_all(project.schemas_dir().join("kaizen")).unwrap();
        run(&project, Mode::Write, Scope::Rust).unwrap();
        assert!(!project.generated_models_dir().join("kaizen").exists());
        run(&project, Mode::Check, Scope::Rust).unwrap();
    }

    /// `cargo package` takes only the crate's own folder: every file the models embed must be
    /// in it.
    #[test]
    fn the_models_embed_only_files_inside_their_crate() {
        let project = Project::from_manifest_dir();
        let krate = project.root().join("crates/models");
        let vendors = VendorFile::discover(&project).unwrap();
        let files =
            models::render(&project, &SchemaFile::discover(&project).unwrap(), &vendors).unwrap();
        let mut embedded = 0;
        for file in &files {
            for call in file.contents.split("include_str!(").skip(1) {
                let quoted = call.trim_start().strip_prefix('"').unwrap();
                let relative = quoted.split('"').next().unwrap();
                let mut path = file.path.parent().unwrap().to_path_buf();
                for part in relative.split('/') {
                    match part {
                        ".." => assert!(path.pop()),
                        part => path.push(part),
                    }
                }
                assert!(
                    path.starts_with(&krate),
                    "{} embeds {relative}",
                    file.path.display()
                );
                assert!(path.is_file(), "{} embeds {relative}", file.path.display());
                embedded += 1;
            }
        }
        // Each schema and each vendor file.
        let schemas = SchemaFile::discover(&project).unwrap().len();
        assert_eq!(embedded, schemas + vendors.len());
    }

    #[test]
    fn every_generated_file_starts_with_the_header() {
        let project = Project::from_manifest_dir();
        let vendors = VendorFile::discover(&project).unwrap();
        let files =
            models::render(&project, &SchemaFile::discover(&project).unwrap(), &vendors).unwrap();
        for file in files {
            assert!(
                file.contents.starts_with(models::HEADER),
                "{}",
                file.path.display()
            );
        }
    }
}
