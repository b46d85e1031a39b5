//! The crates' three ways to read a delivery, as README.md shows them, in a program that builds:
//! strict (validated and typed), forgiving (typed only) and reasons without a type.
//!
//! `cargo run -p hookschema-validate --example read_deliveries -- \
//!     schemas/comfydeploy/examples/workflow-run-webhook-body/valid/success-with-outputs.json \
//!     schemas/kaizen/examples/webhook-event/valid/completed.json`

use hookschema_models::comfydeploy::WorkflowRunWebhookBody;
use hookschema_models::kaizen::KaizenWebhookEvent;
use hookschema_validate::Schema;

type Error = Box<dyn std::error::Error>;

/// Strict: parse JSON, validate against the schema (formats asserted), decode. All errors at once.
fn run_update(raw_bytes: &[u8]) -> Result<WorkflowRunWebhookBody, Error> {
    Ok(hookschema_validate::parse(raw_bytes)?)
}

/// Forgiving: decode only, so that no real delivery is lost (see below).
fn kaizen_event(raw_bytes: &[u8]) -> Result<(), Error> {
    match hookschema_models::from_slice::<KaizenWebhookEvent>(raw_bytes)? {
        KaizenWebhookEvent::ExecutionComplete(execution) if execution.status.is_finished() => {
            println!("execution {} finished: {}", execution.id, execution.status);
        }
        KaizenWebhookEvent::Unknown(event) => eprintln!("new Kaizen event {}", event.event_type),
        _ => {}
    }
    Ok(())
}

/// Reasons without a type.
fn reasons(raw_bytes: &[u8]) -> Result<(), Error> {
    let schema = Schema::named("kaizen/webhook-event")?;
    for violation in schema.validate(&serde_json::from_slice(raw_bytes)?) {
        eprintln!("{violation}"); // "/data/startTime: \"yesterday\" is not a \"date-time\" (…)"
    }
    Ok(())
}

fn main() -> Result<(), Error> {
    let mut files = std::env::args().skip(1);
    let (Some(comfydeploy), Some(kaizen)) = (files.next(), files.next()) else {
        return Err("give a ComfyDeploy body and a Kaizen event, as files".into());
    };
    let run = run_update(&std::fs::read(comfydeploy)?)?;
    println!("run {} is {}", run.run_id, run.status);
    let kaizen = std::fs::read(kaizen)?;
    kaizen_event(&kaizen)?;
    reasons(&kaizen)
}
