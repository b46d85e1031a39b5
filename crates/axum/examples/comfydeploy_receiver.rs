//! The receiver README.md shows, as a program that builds: ComfyDeploy's run updates on the
//! route its vendor file gives (`/comfydeploy?token=…`, and its GET retries), authenticated by
//! the URL token in `HOOKSCHEMA_COMFYDEPLOY_TOKEN`.
//!
//! `HOOKSCHEMA_COMFYDEPLOY_TOKEN=… cargo run -p hookschema-axum --example comfydeploy_receiver`

use axum::{Json, Router, routing::post};
use hookschema_axum::{Catalog, Delivery, Receiver};
use hookschema_models::comfydeploy::{WorkflowRunWebhookBody, WorkflowRunWebhookResponse};

async fn run_update(
    delivery: Delivery<WorkflowRunWebhookBody>,
) -> Json<WorkflowRunWebhookResponse> {
    let run = &delivery.event;
    if run.status.is_terminal() {
        println!("run {} ended: {}", run.run_id, run.status);
    }
    if !delivery.violations.is_empty() {
        eprintln!("ComfyDeploy changed its payload: {:?}", delivery.violations);
    }
    // Generated structs are made with their builders: a field the schema adds (a minor
    // version) then breaks no code.
    let answer = WorkflowRunWebhookResponse::builder().status("ok");
    Json(answer.try_into().expect("every required field is given"))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let webhook = Catalog::embedded()
        .webhook("comfydeploy/workflow-run-webhook-body")
        .ok_or("not in the catalog")?;
    let token = webhook.credentials_from_env()?.ok_or("no token set")?;
    let receiver = Receiver::<WorkflowRunWebhookBody>::new(webhook, token)?;
    let app: Router = Router::new()
        .route(&webhook.route, post(run_update).get(run_update))
        .with_state(receiver);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8787").await?;
    axum::serve(listener, app).await?;
    Ok(())
}
