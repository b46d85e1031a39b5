//! The Kaizen receiver README.md shows, as a program that builds: `execution.complete` events on
//! `POST /kaizen`, signatures checked on the raw body, each delivery handled once however often
//! Kaizen retries it.
//!
//! `KAIZEN_SECRET=… cargo run -p hookschema-axum --example kaizen_receiver`

use std::sync::Arc;

use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::{Router, routing::post};
use hookschema_axum::{Admission, Delivery, KaizenConfig, RecentIds, Secret};
use hookschema_models::kaizen::KaizenWebhookEvent;

#[derive(Clone)]
struct App {
    kaizen: KaizenConfig,
    recent: Arc<RecentIds>,
}

impl FromRef<App> for KaizenConfig {
    fn from_ref(app: &App) -> Self {
        app.kaizen.clone()
    }
}

async fn event(State(app): State<App>, delivery: Delivery<KaizenWebhookEvent>) -> StatusCode {
    // Kaizen signs an id into every delivery, the same on each retry.
    let id = delivery.id.as_deref().unwrap_or_default();
    let claim = match app.recent.admit(id) {
        Admission::New(claim) => claim,
        Admission::Duplicate => return StatusCode::OK, // handled before: acknowledge only
        Admission::InFlight => return StatusCode::SERVICE_UNAVAILABLE, // Kaizen retries later
    };
    match &delivery.event {
        KaizenWebhookEvent::ExecutionComplete(execution) if execution.status.is_finished() => {
            println!("execution {} finished: {}", execution.id, execution.status);
        }
        KaizenWebhookEvent::Unknown(other) => println!("new Kaizen event {}", other.event_type),
        _ => {}
    }
    claim.done(); // dropped without this, the id is forgotten and a retry is handled
    StatusCode::OK
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = Secret::decode(&std::env::var("KAIZEN_SECRET")?)?;
    let app = App {
        kaizen: KaizenConfig::new(vec![secret])?,
        recent: Arc::new(RecentIds::new(10_000)),
    };
    let router: Router = Router::new().route("/kaizen", post(event)).with_state(app);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8787").await?;
    axum::serve(listener, router).await?;
    Ok(())
}
