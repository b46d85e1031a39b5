//! The extractors in a router, driven in-process: each kind of delivery gets its status and
//! body, and the handler sees what was authenticated. The receivers are built from the
//! embedded catalog, as a service would build them.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::routing::post;
use axum::{Json, Router};
use hookschema_axum::{Catalog, ConfigError, Credentials, Delivery, Receiver, Webhook};
use hookschema_catalog::Auth;
use hookschema_models::comfydeploy::WorkflowRunWebhookBody;
use hookschema_models::kaizen::KaizenWebhookEvent;
use hookschema_signature::SignatureScheme;
use hookschema_signature::unix_now;
use hookschema_validate::Schema;
use serde_json::{Value, json};
use tower::ServiceExt;

const SECRET: &str = "dGVzdC1zaWduaW5nLWtleS0wMTIzNDU2Nzg5YWJjZGVm";
const TOKEN: &str = "s3cr3t-url-token";

type KaizenReceiver = Receiver<KaizenWebhookEvent>;
type ComfyDeployReceiver = Receiver<WorkflowRunWebhookBody>;

fn webhook(name: &str) -> &'static Webhook {
    Catalog::embedded().webhook(name).unwrap()
}

fn kaizen_scheme() -> &'static SignatureScheme {
    match &webhook("kaizen/webhook-event").auth {
        Auth::Signed(scheme) => scheme,
        other => panic!("{other:?}"),
    }
}

async fn kaizen_handler(delivery: Delivery<KaizenWebhookEvent>) -> Json<Value> {
    Json(json!({
        "id": delivery.id,
        "type": delivery.event.event_type(),
        "violations": delivery.violations.iter().map(|v| &v.instance_path).collect::<Vec<_>>(),
        "body_bytes": delivery.body.len(),
    }))
}

async fn comfydeploy_handler(delivery: Delivery<WorkflowRunWebhookBody>) -> Json<Value> {
    Json(json!({
        "status": delivery.event.status.as_str(),
        "violations": delivery.violations.iter().map(|v| &v.instance_path).collect::<Vec<_>>(),
    }))
}

fn kaizen_app(receiver: KaizenReceiver) -> Router {
    Router::new()
        .route("/kaizen", post(kaizen_handler))
        .with_state(receiver)
}

fn comfydeploy_app(receiver: ComfyDeployReceiver) -> Router {
    Router::new()
        .route(
            "/comfydeploy",
            post(comfydeploy_handler).get(comfydeploy_handler),
        )
        .with_state(receiver)
}

fn sign(id: &str, timestamp: u64, body: &[u8]) -> String {
    let scheme = kaizen_scheme();
    scheme
        .sign(&scheme.secret(SECRET).unwrap(), id, timestamp, body)
        .unwrap()
}

fn signed_request(body: &str, timestamp: u64) -> axum::http::request::Builder {
    Request::post("/kaizen")
        .header(header::CONTENT_TYPE, "application/json")
        .header("X-Webhooks-Id", "msg_1")
        .header("X-Webhooks-Timestamp", timestamp.to_string())
        .header(
            "X-Webhooks-Signature",
            sign("msg_1", timestamp, body.as_bytes()),
        )
}

async fn send(app: Router, request: Request<Body>) -> (StatusCode, Value) {
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

fn kaizen_config() -> KaizenReceiver {
    let secret = kaizen_scheme().secret(SECRET).unwrap();
    Receiver::new(
        webhook("kaizen/webhook-event"),
        Credentials::Secrets(vec![secret]),
    )
    .unwrap()
}

fn comfydeploy_config() -> ComfyDeployReceiver {
    let webhook = webhook("comfydeploy/workflow-run-webhook-body");
    Receiver::new(webhook, Credentials::Token(TOKEN.to_owned())).unwrap()
}

const EXECUTION: &str = r#"{"type":"execution.complete","data":{"id":"exec_1","status":"Completed","startTime":"2025-09-15T14:02:11Z"}}"#;

#[tokio::test]
async fn kaizen_signed_delivery_is_accepted_with_its_id() {
    let request = signed_request(EXECUTION, unix_now())
        .body(Body::from(EXECUTION))
        .unwrap();
    let (status, body) = send(kaizen_app(kaizen_config()), request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({"id": "msg_1", "type": "execution.complete", "violations": [], "body_bytes": EXECUTION.len()})
    );
}

#[tokio::test]
async fn kaizen_forgeries_get_401_with_the_reason() {
    let tampered = EXECUTION.replace("exec_1", "exec_2");
    let cases = [
        (
            signed_request(EXECUTION, unix_now())
                .body(Body::from(tampered))
                .unwrap(),
            "no signature",
        ),
        (
            signed_request(EXECUTION, unix_now() - 3600)
                .body(Body::from(EXECUTION))
                .unwrap(),
            "before now",
        ),
        (
            Request::post("/kaizen")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(EXECUTION))
                .unwrap(),
            "missing header X-Webhooks-Id",
        ),
    ];
    for (request, reason) in cases {
        let (status, body) = send(kaizen_app(kaizen_config()), request).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let error = body["error"].as_str().unwrap();
        assert!(error.contains(reason), "{error}");
        assert!(!error.contains(SECRET));
    }
}

#[tokio::test]
async fn oversize_bodies_get_413_declared_or_not() {
    let config = kaizen_config().with_max_body_bytes(64);
    let declared = signed_request(EXECUTION, unix_now())
        .header(header::CONTENT_LENGTH, EXECUTION.len())
        .body(Body::from(EXECUTION))
        .unwrap();
    assert_eq!(
        send(kaizen_app(config.clone()), declared).await.0,
        StatusCode::PAYLOAD_TOO_LARGE
    );

    // No Content-Length: the limit is enforced while reading.
    let undeclared = signed_request(EXECUTION, unix_now())
        .body(Body::from(EXECUTION))
        .unwrap();
    assert_eq!(
        send(kaizen_app(config), undeclared).await.0,
        StatusCode::PAYLOAD_TOO_LARGE
    );
}

/// A body sent in pieces, without a Content-Length, is read whole before it is authenticated.
#[tokio::test]
async fn a_body_in_pieces_is_read_whole() {
    let pieces: Vec<Result<String, std::io::Error>> = EXECUTION
        .as_bytes()
        .chunks(16)
        .map(|piece| Ok(String::from_utf8(piece.to_vec()).unwrap()))
        .collect();
    let request = signed_request(EXECUTION, unix_now())
        .body(Body::from_stream(futures_util::stream::iter(pieces)))
        .unwrap();
    let (status, body) = send(kaizen_app(kaizen_config()), request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["body_bytes"], EXECUTION.len());
}

#[tokio::test]
async fn bodies_that_are_not_json_get_415() {
    let mut request = signed_request(EXECUTION, unix_now())
        .body(Body::from(EXECUTION))
        .unwrap();
    request
        .headers_mut()
        .insert(header::CONTENT_TYPE, "text/plain".parse().unwrap());
    let (status, body) = send(kaizen_app(kaizen_config()), request).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(body["error"].as_str().unwrap().contains("text/plain"));

    // Two types leave the body's in doubt, even when the first is JSON.
    let mut request = signed_request(EXECUTION, unix_now())
        .body(Body::from(EXECUTION))
        .unwrap();
    request
        .headers_mut()
        .append(header::CONTENT_TYPE, "text/plain".parse().unwrap());
    let (status, body) = send(kaizen_app(kaizen_config()), request).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        body["error"],
        "the Content-Type is application/json, text/plain, not application/json"
    );
}

#[tokio::test]
async fn kaizen_drift_is_kept_with_its_violations_unless_strict() {
    let drifted = EXECUTION.replace("Completed", "x-unknown-status");
    let request = || {
        signed_request(&drifted, unix_now())
            .body(Body::from(drifted.clone()))
            .unwrap()
    };
    let (status, body) = send(kaizen_app(kaizen_config()), request()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["violations"], json!(["/data/status"]));

    let (status, body) = send(kaizen_app(kaizen_config().strict(true)), request()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["instance_path"], "/data/status");
}

#[tokio::test]
async fn kaizen_unknown_events_are_kept() {
    let event = r#"{"type":"x-unknown-event","data":{"executionId":"exec_9"}}"#;
    let request = signed_request(event, unix_now())
        .body(Body::from(event))
        .unwrap();
    let (status, body) = send(kaizen_app(kaizen_config()), request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["type"], "x-unknown-event");
}

#[tokio::test]
async fn kaizen_payloads_that_cannot_be_decoded_get_422_with_an_error_list() {
    let broken = r#"{"type":"execution.complete","data":{"id":5}}"#;
    let request = signed_request(broken, unix_now())
        .body(Body::from(broken))
        .unwrap();
    let (status, body) = send(kaizen_app(kaizen_config()), request).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let paths: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["instance_path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["/data", "/data", "/data/id"]);
}

const RUN: &str = r#"{"event_type":"run.updated","status":"running","live_status":null,"progress":0.5,"run_id":"r1","outputs":[]}"#;

fn comfydeploy_request(method: &str, uri: &str, body: &str) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

#[tokio::test]
async fn comfydeploy_needs_the_url_token() {
    let config = comfydeploy_config();
    let ok = comfydeploy_request(
        "POST",
        "/comfydeploy?target_events=run.output&token=s3cr3t-url-token",
        RUN,
    );
    assert_eq!(
        send(comfydeploy_app(config.clone()), ok).await.0,
        StatusCode::OK
    );
    for uri in [
        "/comfydeploy",
        "/comfydeploy?token=s3cr3t",
        "/comfydeploy?token=s3cr3t-url-token-and-more",
    ] {
        let (status, body) = send(
            comfydeploy_app(config.clone()),
            comfydeploy_request("POST", uri, RUN),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri}");
        assert!(!body.to_string().contains(TOKEN));
    }
}

/// ComfyDeploy retries a failed delivery as GET with the same body (a bug in its sender); a
/// router that also routes GET keeps those retries.
#[tokio::test]
async fn comfydeploy_get_retries_are_kept() {
    let request = comfydeploy_request("GET", "/comfydeploy?token=s3cr3t-url-token", RUN);
    let (status, body) = send(comfydeploy_app(comfydeploy_config()), request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "running");
}

#[tokio::test]
async fn comfydeploy_invalid_payloads_get_fastapi_422() {
    let broken = r#"{"status":"running","progress":"half","run_id":"r1"}"#;
    let request = comfydeploy_request("POST", "/comfydeploy?token=s3cr3t-url-token", broken);
    let (status, body) = send(comfydeploy_app(comfydeploy_config()), request).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        Schema::named("comfydeploy/http-validation-error")
            .unwrap()
            .validate(&body),
        vec![]
    );
    assert_eq!(
        body["detail"],
        json!([
            {"loc": ["body", "live_status"], "msg": "Field required", "type": "missing"},
            {"loc": ["body", "progress"], "msg": "Input should be a valid number, unable to parse string as a number", "type": "float_parsing"}
        ])
    );
}

#[tokio::test]
async fn comfydeploy_drift_is_kept_with_its_violations() {
    let drifted = RUN.replace("running", "x-unknown-status");
    let request = comfydeploy_request("POST", "/comfydeploy?token=s3cr3t-url-token", &drifted);
    let (status, body) = send(comfydeploy_app(comfydeploy_config()), request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({"status": "x-unknown-status", "violations": ["/status"]})
    );
}

#[tokio::test]
async fn a_request_without_the_token_is_refused_before_its_body_is_read() {
    let config = comfydeploy_config().with_max_body_bytes(16);
    let request = comfydeploy_request("POST", "/comfydeploy", &"x".repeat(1024));
    let (status, _) = send(comfydeploy_app(config), request).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "401 before 413: the body was not read"
    );
}

#[tokio::test]
async fn a_stale_kaizen_request_is_refused_before_its_body_is_read() {
    let config = kaizen_config().with_max_body_bytes(16);
    let request = signed_request(EXECUTION, unix_now() - 3600)
        .body(Body::from(EXECUTION))
        .unwrap();
    let (status, _) = send(kaizen_app(config), request).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn repeated_signature_headers_are_one_list_and_repeated_ids_are_refused() {
    let timestamp = unix_now();
    let good = sign("msg_1", timestamp, EXECUTION.as_bytes());
    let request = Request::post("/kaizen")
        .header(header::CONTENT_TYPE, "application/json")
        .header("X-Webhooks-Id", "msg_1")
        .header("X-Webhooks-Timestamp", timestamp.to_string())
        .header("X-Webhooks-Signature", format!("v1={}", "0".repeat(64)))
        .header("X-Webhooks-Signature", good)
        .body(Body::from(EXECUTION))
        .unwrap();
    assert_eq!(
        send(kaizen_app(kaizen_config()), request).await.0,
        StatusCode::OK
    );

    let request = signed_request(EXECUTION, timestamp)
        .header("X-Webhooks-Id", "msg_2")
        .body(Body::from(EXECUTION))
        .unwrap();
    let (status, body) = send(kaizen_app(kaizen_config()), request).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("sent more than once"),
        "{body}"
    );
}

#[tokio::test]
async fn a_flood_of_violations_is_reported_bounded() {
    let items = vec!["1"; 5000].join(",");
    let broken = format!(
        r#"{{"run_id":"r1","status":"running","live_status":null,"outputs":[{{"id":"b7e21c44-0f3a-4d8e-a1b2-6c9d0e7f8a11","run_id":"b7e21c44-0f3a-4d8e-a1b2-6c9d0e7f8a11","node_meta":null,"created_at":"2025-01-01T00:00:00Z","updated_at":"2025-01-01T00:00:00Z","data":{{"images":[{items}]}}}}]}}"#
    );
    let request = comfydeploy_request("POST", "/comfydeploy?token=s3cr3t-url-token", &broken);
    let (status, body) = send(comfydeploy_app(comfydeploy_config().strict(true)), request).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Each violation becomes one FastAPI entry per alternative (MediaItem, str, bool).
    assert_eq!(body["detail"].as_array().unwrap().len(), 100 * 3);
}

#[test]
fn configs_never_show_their_secrets() {
    let shown = format!("{:?} {:?}", kaizen_config(), comfydeploy_config());
    assert!(!shown.contains(TOKEN) && !shown.contains(SECRET), "{shown}");
    // The decoded key is `test-signing-key-0123456789abcdef`: neither as text nor as bytes.
    assert!(
        !shown.contains("test-signing-key") && !shown.contains("116, 101, 115, 116"),
        "{shown}"
    );
}

/// A receiver takes the credentials its webhook's authentication needs, and refuses a
/// configuration that would let anyone in or no one.
#[test]
fn a_receiver_that_would_let_anyone_in_or_no_one_is_refused() {
    let kaizen = webhook("kaizen/webhook-event");
    let comfydeploy = webhook("comfydeploy/workflow-run-webhook-body");
    let refused = |result: Result<KaizenReceiver, ConfigError>| result.unwrap_err().to_string();
    assert!(
        refused(Receiver::new(kaizen, Credentials::Secrets(Vec::new())))
            .contains("no signing secret")
    );
    assert!(refused(Receiver::new(kaizen, Credentials::None)).contains("takes signing secrets"));
    assert!(
        refused(Receiver::new(
            comfydeploy,
            Credentials::Token(String::new())
        ))
        .contains("empty")
    );
    assert!(
        refused(Receiver::new(comfydeploy, Credentials::Secrets(Vec::new())))
            .contains("takes a URL token")
    );
}

/// The answers are the vendor file's: a handler that stores the delivery answers with them.
#[tokio::test]
async fn deliveries_answer_as_the_vendor_file_says() {
    let app = Router::new()
        .route(
            "/comfydeploy",
            post(|delivery: Delivery<WorkflowRunWebhookBody>| async move { delivery.success() }),
        )
        .with_state(comfydeploy_config());
    let request = comfydeploy_request("POST", "/comfydeploy?token=s3cr3t-url-token", RUN);
    let (status, body) = send(app, request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        &body,
        &webhook("comfydeploy/workflow-run-webhook-body")
            .success
            .body
    );
    assert_eq!(body, json!({"status": "ok"}));
}

/// A receiver that keeps the raw body (`IgnoredAny`, as `hookschema serve`) keeps a delivery the
/// models cannot decode, its decode error among its violations, unless it is strict or the
/// vendor file says `"undecodable": "refuse"`.
#[tokio::test]
async fn raw_receivers_keep_what_the_models_cannot_decode_unless_told_not_to() {
    use hookschema_catalog::Undecodable;
    use serde::de::IgnoredAny;
    async fn raw(delivery: Delivery<IgnoredAny>) -> Json<Value> {
        Json(json!({
            "violations": delivery.violations.iter().map(|v| &v.message).collect::<Vec<_>>(),
        }))
    }
    let app = |webhook: &Webhook, strict: bool| {
        let secret = kaizen_scheme().secret(SECRET).unwrap();
        let receiver = Receiver::<IgnoredAny>::new(webhook, Credentials::Secrets(vec![secret]))
            .unwrap()
            .with_models()
            .strict(strict);
        Router::new()
            .route("/kaizen", post(raw))
            .with_state(receiver)
    };
    // An id that is a number, declared a string: JSON the models cannot decode.
    let drifted = EXECUTION.replace(r#""exec_1""#, "5");
    let request = || {
        signed_request(&drifted, unix_now())
            .body(Body::from(drifted.clone()))
            .unwrap()
    };
    let kept = webhook("kaizen/webhook-event");
    let (status, body) = send(app(kept, false), request()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let violations = body["violations"].as_array().unwrap();
    assert!(
        violations
            .iter()
            .any(|v| v.as_str().unwrap().contains("invalid type: integer")),
        "{body}"
    );
    let (status, _) = send(app(kept, true), request()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut refused = kept.clone();
    refused.undecodable = Undecodable::Refuse;
    let (status, body) = send(app(&refused, false), request()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}
