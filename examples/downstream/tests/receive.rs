//! The downstream service receives Acme's signed payment into its own type: 200 with Acme's
//! declared answer, 401 for a forgery, 422 for a payment that breaks the schema.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use hookschema_axum::{Auth, Credentials};
use hookschema_example_downstream::{catalog, router};
use hookschema_testkit::unix_now;
use serde_json::{Value, json};
use tower::ServiceExt;

/// The Standard Webhooks secret of the specification's own examples.
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// Sends `body` to the service as Acme would, signed for `signed`.
async fn deliver(body: &[u8], signed: &[u8]) -> (StatusCode, Value) {
    let catalog = catalog().unwrap();
    let webhook = catalog.webhook("acme/order-paid").unwrap();
    let credentials = webhook.credentials(&[("the test", SECRET)]).unwrap();
    let Auth::Signed(scheme) = &webhook.auth else {
        panic!("acme signs its payments");
    };
    let Credentials::Secrets(secrets) = &credentials else {
        panic!("a signed webhook takes secrets");
    };
    let timestamp = unix_now();
    let signature = scheme
        .sign(&secrets[0], "msg_1", timestamp, signed)
        .unwrap();
    let request = Request::post(webhook.route.as_str())
        .header("content-type", "application/json")
        .header("webhook-id", "msg_1")
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(Body::from(body.to_vec()))
        .unwrap();
    let app = router(&catalog, credentials).unwrap();
    let response = app.oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn a_signed_payment_is_received_into_the_services_own_type() {
    let paid =
        br#"{"order_id": "ord_1", "amount_cents": 4999, "currency": "EUR", "method": "card"}"#;
    assert_eq!(
        deliver(paid, paid).await,
        (StatusCode::OK, json!({"received": true}))
    );
    let (status, body) = deliver(paid, b"{}").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let broken =
        br#"{"order_id": "ord_2", "amount_cents": "49.99", "currency": "EUR", "method": "card"}"#;
    let (status, body) = deliver(broken, broken).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["instance_path"], "/amount_cents");
}
