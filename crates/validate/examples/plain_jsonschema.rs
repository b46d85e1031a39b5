//! README.md's "For other languages" Rust snippet, in a program that builds: our schema files
//! with jsonschema alone, set up as hookschema is (draft 2020-12, formats asserted).
//!
//! `cargo run -p hookschema-validate --example plain_jsonschema` (from the repository root)

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // jsonschema = { version = "0.61", default-features = false }
    let text = std::fs::read_to_string("schemas/kaizen/webhook-event.schema.json")?;
    let schema: serde_json::Value = serde_json::from_str(&text)?;
    let validator = jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)?;
    let example = "schemas/kaizen/examples/webhook-event/valid/completed.json";
    let text = std::fs::read_to_string(example)?;
    let payload: serde_json::Value = serde_json::from_str(&text)?;
    for error in validator.iter_errors(&payload) {
        println!("{} {error}", error.instance_path()); // a JSON Pointer, as ours
    }
    // or, with the schemas embedded: hookschema_validate::Schema::named("kaizen/webhook-event")?
    Ok(())
}
