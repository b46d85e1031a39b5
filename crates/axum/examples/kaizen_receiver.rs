//! The Kaizen receiver README.md shows, as a program that builds: `execution.complete` events on
//! the route its vendor file gives (`POST /kaizen`), signatures checked on the raw body with the
//! secret in `HOOKSCHEMA_KAIZEN_SECRET`, each delivery handled once however often Kaizen
//! retries it.
//!
//! `HOOKSCHEMA_KAIZEN_SECRET=… cargo run -p hookschema-axum --example kaizen_receiver`

use std::sync::Arc;

use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Router, routing::post};
use hookschema_axum::{Admission, Catalog, Delivery, Receiver, RecentIds};
use hookschema_models::kaizen::KaizenWebhookEvent;

#[derive(Clone)]
struct App {
    kaizen: Receiver<KaizenWebhookEvent>,
    recent: Arc<RecentIds>,
}

impl FromRef<App> for Receiver<KaizenWebhookEvent> {
    fn from_ref(app: &App) -> Self {
        app.kaizen.clone()
    }
}

async fn event(State(app): State<App>, delivery: Delivery<KaizenWebhookEvent>) -> Response {
    // Kaizen signs an id into every delivery, the same on each retry.
    let id = delivery.id.as_deref().unwrap_or_default();
    let claim = match app.recent.admit(id) {
        Admission::New(claim) => claim,
        Admission::Duplicate => return delivery.duplicate(), // handled before: acknowledge only
        Admission::InFlight => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
    };
    match &delivery.event {
        KaizenWebhookEvent::ExecutionComplete(execution) if execution.status.is_finished() => {
            println!("execution {} finished: {}", execution.id, execution.status);
        }
        KaizenWebhookEvent::Unknown(other) => println!("new Kaizen event {}", other.event_type),
        _ => {}
    }
    claim.done(); // dropped without this, the id is forgotten and a retry is handled
    delivery.success()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let webhook = Catalog::embedded()
        .webhook("kaizen/webhook-event")
        .ok_or("not in the catalog")?;
    let secrets = webhook.credentials_from_env()?.ok_or("no secret set")?;
    let app = App {
        kaizen: Receiver::new(webhook, secrets)?,
        recent: Arc::new(RecentIds::new(10_000)),
    };
    let router: Router = Router::new()
        .route(&webhook.route, post(event))
        .with_state(app);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8787").await?;
    axum::serve(listener, router).await?;
    Ok(())
}
