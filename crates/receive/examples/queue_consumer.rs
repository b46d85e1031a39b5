//! A receiver outside any web framework: deliveries a gateway put on a queue as they were sent
//! (head and body), received with the checks and answers a web server gives them.
//!
//! `HOOKSCHEMA_KAIZEN_SECRET=… cargo run -p hookschema-receive --example queue_consumer`

use bytes::Bytes;
use hookschema_models::kaizen::KaizenWebhookEvent;
use hookschema_receive::{Catalog, Receiver};
use http_body_util::Full;

type Error = Box<dyn std::error::Error>;

/// One queued delivery: the request head and the raw body, as the sender sent them.
async fn consume(receiver: &Receiver<KaizenWebhookEvent>, head: http::request::Parts, body: Bytes) {
    match receiver.receive(&head, Full::new(body), None).await {
        Ok(delivery) => println!("{:?}: {:?}", delivery.id, delivery.event),
        Err(refusal) => {
            let answer = refusal.answer(); // what a web server would have answered
            eprintln!("refused, {}: {}", answer.status, refusal.summary());
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let webhook = Catalog::embedded()
        .webhook("kaizen/webhook-event")
        .ok_or("no such webhook")?;
    let credentials = webhook
        .credentials_from_env()?
        .ok_or("set HOOKSCHEMA_KAIZEN_SECRET")?;
    let receiver = Receiver::<KaizenWebhookEvent>::new(webhook, credentials)?;
    let (head, ()) = http::Request::post("/kaizen")
        .header("content-type", "application/json")
        .body(())?
        .into_parts();
    consume(&receiver, head, Bytes::from_static(b"{}")).await; // unsigned: refused, 401
    Ok(())
}
