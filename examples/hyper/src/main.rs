//! `HOOKSCHEMA_KAIZEN_SECRET=… cargo run -p hookschema-example-hyper` receives Kaizen's
//! webhooks on 127.0.0.1:8787, at the route its vendor file gives (`/kaizen`).

use std::sync::Arc;

use hookschema_models::kaizen::KaizenWebhookEvent;
use hookschema_receive::{Catalog, Received, Receiver};
use tokio::net::TcpListener;

type Error = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let webhook = Catalog::embedded()
        .webhook("kaizen/webhook-event")
        .ok_or("no such webhook")?;
    let credentials = webhook
        .credentials_from_env()?
        .ok_or("set HOOKSCHEMA_KAIZEN_SECRET")?;
    let receiver = Receiver::new(webhook, credentials)?;
    let listener = TcpListener::bind("127.0.0.1:8787").await?;
    let handle = Arc::new(|delivery: &Received<KaizenWebhookEvent>| {
        println!("{:?}: {:?}", delivery.id, delivery.event)
    });
    hookschema_example_hyper::serve(listener, receiver, handle).await?;
    Ok(())
}
