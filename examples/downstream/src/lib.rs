//! A service that receives a webhook hookschema has never heard of: Acme's `order-paid`, from
//! this crate's own `schemas/` folder (a schema and a vendor file), decoded into this crate's own
//! type, which `build.rs` generates with typify. Nothing here is implemented inside hookschema:
//! the vendor is data, and `hookschema-axum` takes any type serde decodes.

use std::path::Path;

use axum::Router;
use axum::response::Response;
use axum::routing::post;
use hookschema_axum::{Catalog, CatalogError, Credentials, Delivery, Receiver};

/// The types generated from `schemas/acme/order-paid.schema.json`.
#[allow(clippy::all, dead_code, reason = "typify's output, as generated")]
pub mod types {
    include!(concat!(env!("OUT_DIR"), "/order_paid.rs"));
}

pub use types::OrderPaid;

/// This crate's schema folder: one vendor, Acme.
pub fn catalog() -> Result<Catalog, CatalogError> {
    Catalog::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas"))
}

/// The router receiving `order-paid` on the route Acme's vendor file gives, with `credentials`
/// (Acme signs as Standard Webhooks do: its `whsec_…` secret).
pub fn router(
    catalog: &Catalog,
    credentials: Credentials,
) -> Result<Router, Box<dyn std::error::Error>> {
    let webhook = catalog
        .webhook("acme/order-paid")
        .ok_or("no acme/order-paid")?;
    let receiver = Receiver::<OrderPaid>::new(webhook, credentials)?;
    Ok(Router::new()
        .route(&webhook.route, post(order_paid))
        .with_state(receiver))
}

/// Handles a payment: here, tells what was paid; a real service would store it first.
async fn order_paid(delivery: Delivery<OrderPaid>) -> Response {
    let paid = &delivery.event;
    println!(
        "{} paid {} {} by {:?}",
        paid.order_id, paid.amount_cents, paid.currency, paid.method
    );
    delivery.success()
}
