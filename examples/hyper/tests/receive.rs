//! The hyper receiver over a real socket: Kaizen's deliveries as Kaizen sends them are handed
//! over and acknowledged, forgeries get 401, payloads the models cannot decode 422, other paths
//! 404, each answered as `hookschema-receive` says.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use hookschema_example_hyper::serve;
use hookschema_fixtures::Expected;
use hookschema_receive::{Catalog, Receiver};
use hookschema_testkit::sender::{self, Request};
use hookschema_testkit::unix_now;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const WEBHOOK: &str = "kaizen/webhook-event";

/// Starts the receiver on a port of its own; what it handed over is in the returned list.
async fn start() -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    let webhook = Catalog::embedded().webhook(WEBHOOK).unwrap();
    let receiver = Receiver::new(webhook, sender::credentials(webhook)).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let handed = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&handed);
    let handle = Arc::new(move |delivery: &hookschema_receive::Received<_>| {
        seen.lock()
            .unwrap()
            .push(delivery.id.clone().unwrap_or_default());
    });
    tokio::spawn(serve(listener, receiver, handle));
    (addr, handed)
}

/// Sends `request` on a connection of its own; the status the receiver answered.
async fn send(addr: SocketAddr, mut request: Request) -> u16 {
    request.headers.push(("Connection".into(), "close".into()));
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(&request.raw()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    let status = answer.split(' ').nth(1).expect("an HTTP status line");
    status.parse().unwrap()
}

#[tokio::test]
async fn kaizen_deliveries_are_received_on_hyper_alone() {
    let (addr, handed) = start().await;
    let webhook = Catalog::embedded().webhook(WEBHOOK).unwrap();
    let fixtures: Vec<_> = hookschema_fixtures::all()
        .into_iter()
        .filter(|fixture| fixture.schema == WEBHOOK)
        .collect();
    let mut accepted = 0;
    for (n, fixture) in fixtures.iter().enumerate() {
        let id = format!("evt_{n}");
        let authentic = sender::authentic(webhook, &id, unix_now(), &fixture.bytes);
        let refused = matches!(
            &fixture.expected,
            Expected::Invalid {
                decode_error_at: Some(_),
                ..
            }
        );
        let status = send(addr, authentic).await;
        assert_eq!(status, if refused { 422 } else { 200 }, "{}", fixture.id());
        accepted += usize::from(!refused);
        let forged = sender::forged(webhook, &id, unix_now(), &fixture.bytes).unwrap();
        assert_eq!(send(addr, forged).await, 401, "{}", fixture.id());
    }
    assert!(accepted > 0, "Kaizen has valid examples");
    assert_eq!(handed.lock().unwrap().len(), accepted);

    let mut elsewhere = sender::authentic(webhook, "evt_x", unix_now(), &fixtures[0].bytes);
    elsewhere.target = "/elsewhere".into();
    assert_eq!(send(addr, elsewhere).await, 404);
}
