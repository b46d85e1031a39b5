//! The receiver README.md shows, as a program that builds: ComfyDeploy's run updates on
//! `POST /comfydeploy?token=…` (and its GET retries), authenticated by the URL token.
//!
//! `COMFYDEPLOY_TOKEN=… cargo run -p hookschema-axum --example comfydeploy_receiver`

use axum::{Json, Router, routing::post};
use hookschema_axum::{ComfyDeployConfig, Delivery};
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
    Json(WorkflowRunWebhookResponse {
        status: "ok".into(),
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("COMFYDEPLOY_TOKEN")?;
    let app: Router = Router::new()
        .route("/comfydeploy", post(run_update).get(run_update))
        .with_state(ComfyDeployConfig::new(&token)?);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8787").await?;
    axum::serve(listener, app).await?;
    Ok(())
}
