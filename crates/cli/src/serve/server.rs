//! Serving HTTP/1.1, over TCP or TLS, with the limits a public endpoint needs: a short deadline
//! for a new connection's first request head (and its TLS handshake) and a longer one between
//! requests, a bounded number of connections that an idle flood cannot fill ([`connections`]),
//! a deep listen backlog, requests that declare their length twice refused ([`framing`]), a
//! panic in one request answered 500 while the others go on, and a bounded wait for requests in
//! flight at shutdown.
//!
//! [`connections`]: super::connections
//! [`framing`]: super::framing

use std::convert::Infallible;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_rustls::TlsAcceptor;

use super::connections::{Connection, Connections};
use super::framing::{Framing, Smuggled};
use super::metrics::Metrics;
use super::routes::Routes;
use super::tap::Tapped;

/// How long a new connection has to send its first request head, and to finish a TLS
/// handshake before it: a sender that connects to deliver sends its request at once.
pub const FIRST_HEAD_TIMEOUT: Duration = Duration::from_secs(2);
/// How long a connection may wait for a later request's head. A connection waiting for one
/// (idle between requests, or sent one slowly) is closed after this long at least, twice this
/// long at most: see [`head_deadline`].
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long requests in flight may take to finish once shutdown starts.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections the kernel completes and holds until they are accepted: the most Linux allows
/// by default (`net.core.somaxconn`), rather than the 128 a listener gets unasked.
const BACKLOG: u32 = 4096;
/// How often the accept loop looks again for a connection to close when it holds as many as it
/// may and none can be closed yet.
const ROOM_RETRY: Duration = Duration::from_millis(10);

/// The TLS setup of `cert` (a PEM chain, the server's certificate first) and `key` (its PEM
/// private key), or why it cannot be used.
pub fn tls(cert: &Path, key: &Path) -> Result<TlsAcceptor, String> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect())
        .map_err(|error| format!("--tls-cert {}: {error}", cert.display()))?;
    if chain.is_empty() {
        return Err(format!(
            "--tls-cert {}: no certificate in it",
            cert.display()
        ));
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|error| format!("--tls-key {}: {error}", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| format!("TLS: {error}"))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|error| format!("--tls-cert and --tls-key do not make a pair: {error}"))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// A listener on the first of `addrs` that can be bound, with a [`BACKLOG`] deep queue.
pub fn listen(addrs: &[SocketAddr]) -> std::io::Result<TcpListener> {
    let mut last = std::io::Error::new(std::io::ErrorKind::InvalidInput, "no address");
    for addr in addrs {
        let socket = match addr {
            SocketAddr::V4(_) => TcpSocket::new_v4(),
            SocketAddr::V6(_) => TcpSocket::new_v6(),
        };
        let bound = socket.and_then(|socket| {
            socket.set_reuseaddr(true)?;
            socket.bind(*addr)?;
            socket.listen(BACKLOG)
        });
        match bound {
            Ok(listener) => return Ok(listener),
            Err(error) => last = error,
        }
    }
    Err(last)
}

/// Accepts connections until Ctrl-C or SIGTERM, answering their requests by `routes` (over TLS
/// when `tls` is given); at most `max_connections` at once: at the limit, the connection that
/// has waited longest on its client is closed to make room for the new one.
pub async fn serve(
    listener: TcpListener,
    routes: Routes,
    max_connections: usize,
    tls: Option<TlsAcceptor>,
    metrics: Arc<Metrics>,
) {
    let slots = Arc::new(Semaphore::new(max_connections.max(1)));
    let connections = Arc::new(Connections::default());
    let graceful = GracefulShutdown::new();
    let routes = Arc::new(routes);
    let stop = shutdown_signal();
    tokio::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, usually: wait for some to be freed.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let slot = match Arc::clone(&slots).try_acquire_owned() {
            Ok(slot) => slot,
            Err(_) => tokio::select! {
                slot = make_room(&connections, &slots, &metrics) => slot,
                () = &mut stop => break,
            },
        };
        let registration = connections.register();
        let connection = Arc::clone(&registration.connection);
        let stream = Tapped::new(stream, Arc::clone(&connection));
        let (routes, watcher, tls) = (Arc::clone(&routes), graceful.watcher(), tls.clone());
        let metrics = Arc::clone(&metrics);
        tokio::spawn(async move {
            let setting = Setting {
                peer,
                routes,
                connection: Arc::clone(&connection),
                metrics,
            };
            let served = async {
                match tls {
                    None => serve_connection(stream, setting, watcher).await,
                    Some(tls) => {
                        match tokio::time::timeout(FIRST_HEAD_TIMEOUT, tls.accept(stream)).await {
                            Ok(Ok(stream)) => serve_connection(stream, setting, watcher).await,
                            Ok(Err(error)) => tracing::debug!(%error, "TLS handshake failed"),
                            Err(_) => tracing::debug!("TLS handshake timed out"),
                        }
                    }
                }
            };
            // The connection's own work first: an answer being written goes out before a
            // request to close is heeded.
            tokio::select! {
                biased;
                () = served => {}
                () = connection.shed() => {
                    tracing::debug!(%peer, "closed, to make room: the connection limit is reached");
                }
            }
            drop(registration);
            drop(slot);
        });
    }
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(DRAIN_TIMEOUT) => {
            tracing::warn!("requests still in flight after {DRAIN_TIMEOUT:?}; stopping anyway");
        }
    }
}

/// A slot for a new connection when every slot is taken: the connection that has waited
/// longest on its client is told to close, and its slot taken once it has; when none can be
/// closed yet, the next to free its slot gives it.
async fn make_room(
    connections: &Connections,
    slots: &Arc<Semaphore>,
    metrics: &Metrics,
) -> OwnedSemaphorePermit {
    loop {
        if connections.shed_one() {
            metrics.shed();
        }
        tokio::select! {
            slot = Arc::clone(slots).acquire_owned() => {
                return slot.expect("the semaphore is never closed");
            }
            () = tokio::time::sleep(ROOM_RETRY) => {}
        }
    }
}

/// What serving one connection takes besides its stream.
struct Setting {
    /// The client's address, which requests carry as `ConnectInfo` (the body budget's peer).
    peer: SocketAddr,
    routes: Arc<Routes>,
    connection: Arc<Connection>,
    metrics: Arc<Metrics>,
}

/// Serves one connection until it closes, until it waits too long for a request's head, or
/// until shutdown lets its last request finish.
async fn serve_connection<I>(io: I, setting: Setting, watcher: Watcher)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let smuggled = Arc::new(Smuggled::default());
    let io = Tapped::new(io, Framing::new(Arc::clone(&smuggled)));
    let activity = Arc::new(Activity::default());
    let setting = Arc::new(setting);
    let service = service_fn({
        let activity = Arc::clone(&activity);
        move |request| {
            // Called once the head is read; the future ends once the answer is ready.
            let (setting, activity) = (Arc::clone(&setting), Arc::clone(&activity));
            let head = activity.heads.fetch_add(1, Ordering::Relaxed);
            let refused = smuggled.is(head);
            async move {
                let response = if refused {
                    smuggling_refused()
                } else {
                    answer(&setting, request).await
                };
                setting.connection.working(false);
                activity.answered.fetch_add(1, Ordering::Relaxed);
                Ok::<_, Infallible>(response)
            }
        }
    });
    let connection = http1::Builder::new().serve_connection(TokioIo::new(io), service);
    tokio::select! {
        biased;
        served = watcher.watch(connection) => {
            if let Err(error) = served {
                tracing::debug!(%error, "connection ended with an error");
            }
        }
        () = head_deadline(&activity) => {
            tracing::debug!("no request head in time: closing the connection");
        }
    }
}

/// The answer to `request`; 500 if answering it panicked, which is logged (by the panic hook
/// `hookschema serve` sets) and counted, while the connection and every other request go on.
async fn answer(setting: &Setting, request: hyper::Request<Incoming>) -> Response {
    let connection = Arc::clone(&setting.connection);
    if hyper::body::Body::is_end_stream(request.body()) {
        connection.working(true);
    }
    let mut request = request.map(|body| Body::new(Working { body, connection }));
    request.extensions_mut().insert(ConnectInfo(setting.peer));
    let answered = AssertUnwindSafe(setting.routes.answer(request))
        .catch_unwind()
        .await;
    answered.unwrap_or_else(|_| {
        setting.metrics.panicked();
        let body = r#"{"error":"the receiver failed on this request; retry later"}"#;
        let mut response = (StatusCode::INTERNAL_SERVER_ERROR, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers.insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        response
    })
}

/// 400 for a request that declares its length with both `Content-Length` and
/// `Transfer-Encoding`; the connection is closed after it (hyper closes it too).
fn smuggling_refused() -> Response {
    tracing::debug!("a request with both Content-Length and Transfer-Encoding: answered 400");
    let body = r#"{"error":"the request has both Content-Length and Transfer-Encoding"}"#;
    let mut response = (StatusCode::BAD_REQUEST, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// A request's body, which notes on its connection when it has all come: from then on the
/// receiver works on the request, and the connection is not one to close to make room.
struct Working {
    body: Incoming,
    connection: Arc<Connection>,
}

impl hyper::body::Body for Working {
    type Data = bytes::Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let polled = Pin::new(&mut self.body).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) || self.body.is_end_stream() {
            self.connection.working(true);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// What a connection's requests have done: heads read and answers made, counted as they come.
#[derive(Default)]
struct Activity {
    heads: AtomicU64,
    answered: AtomicU64,
}

/// Ends once a connection has waited too long for a request's head: [`FIRST_HEAD_TIMEOUT`] for
/// its first, then a whole [`HEAD_TIMEOUT`] with no head read, no answer made, and no request
/// in flight since the last look. It looks every `HEAD_TIMEOUT`, so a connection that waits is
/// closed between one and two of them after its last answer, a slow request's head among them.
///
/// hyper's own `header_read_timeout` would close it at exactly one, but arms a timer for each
/// request (allocated, set, and cancelled once the head is read: a few hundred nanoseconds of
/// the receiver's every request, and a lock on the runtime's timer wheel); this sets one timer
/// per connection and `HEAD_TIMEOUT`, and adds two counts to each request.
async fn head_deadline(activity: &Activity) {
    tokio::time::sleep(FIRST_HEAD_TIMEOUT).await;
    let mut seen = (
        activity.heads.load(Ordering::Relaxed),
        activity.answered.load(Ordering::Relaxed),
    );
    if seen.0 == 0 {
        return;
    }
    loop {
        tokio::time::sleep(HEAD_TIMEOUT).await;
        let now = (
            activity.heads.load(Ordering::Relaxed),
            activity.answered.load(Ordering::Relaxed),
        );
        let (heads, answered) = now;
        if now == seen && heads == answered {
            return;
        }
        seen = now;
    }
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut terminate =
            signal(SignalKind::terminate()).expect("a SIGTERM handler can be installed");
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
    tracing::info!("stopping: finishing the requests in flight");
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use axum::Router;
    use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
    use tokio::time::Instant;

    use super::*;

    /// A connection served as the receiver serves one, its client's end, and the task serving
    /// it, on a paused clock: waiting for the deadline takes no time.
    fn connection() -> (DuplexStream, tokio::task::JoinHandle<()>, GracefulShutdown) {
        let (client, server) = tokio::io::duplex(4096);
        // A route that answers once it has read the whole body, as a webhook's does, and one
        // that panics.
        let read_all = axum::routing::post(|body: axum::body::Bytes| async move {
            format!("read {} bytes", body.len())
        });
        let panics = axum::routing::get(|| async {
            panic!("a bug");
            #[allow(unreachable_code)]
            ""
        });
        let others = Router::new()
            .route("/read", read_all)
            .route("/panics", panics);
        let connections = Arc::new(Connections::default());
        let registration = connections.register();
        let setting = Setting {
            peer: "127.0.0.1:9".parse().unwrap(),
            routes: Arc::new(Routes::new(HashMap::new(), others)),
            connection: Arc::clone(&registration.connection),
            metrics: Metrics::new(hookschema_receive::BodyBudget::new(1024)),
        };
        let graceful = GracefulShutdown::new();
        let watcher = graceful.watcher();
        let served = tokio::spawn(async move {
            serve_connection(server, setting, watcher).await;
            drop(registration);
        });
        (client, served, graceful)
    }

    /// Reads until the server closes the connection, and checks that it answered nothing more
    /// and closed it within `window` after `since`.
    async fn closed_within(
        client: &mut DuplexStream,
        since: Instant,
        window: std::ops::RangeInclusive<Duration>,
    ) {
        let mut answered = Vec::new();
        client.read_to_end(&mut answered).await.unwrap();
        let waited = since.elapsed();
        assert_eq!(
            String::from_utf8_lossy(&answered),
            "",
            "nothing more answered"
        );
        assert!(window.contains(&waited), "closed {waited:?} after");
    }

    /// Closed between one and two head deadlines after `since`.
    async fn closed_between_deadlines(client: &mut DuplexStream, since: Instant) {
        closed_within(client, since, HEAD_TIMEOUT..=HEAD_TIMEOUT * 2).await;
    }

    /// Reads `count` answers, each whole (up to its body's `Content-Length`).
    async fn answers(client: &mut DuplexStream, count: usize) -> Vec<String> {
        let mut read = Vec::new();
        let mut buffer = [0; 1024];
        loop {
            let text = String::from_utf8_lossy(&read).into_owned();
            let mut answers = Vec::new();
            let mut rest = text.as_str();
            while let Some((head, after)) = rest.split_once("\r\n\r\n") {
                let length = head
                    .to_ascii_lowercase()
                    .split_once("content-length: ")
                    .and_then(|(_, value)| value.split("\r\n").next()?.parse::<usize>().ok())
                    .unwrap_or(0);
                if after.len() < length {
                    break;
                }
                answers.push(format!("{head}\r\n\r\n{}", &after[..length]));
                rest = &after[length..];
            }
            if answers.len() >= count {
                return answers;
            }
            let got = client.read(&mut buffer).await.unwrap();
            assert!(
                got > 0,
                "closed after {} answers of {count}: {text}",
                answers.len()
            );
            read.extend_from_slice(&buffer[..got]);
        }
    }

    /// Reads one answer, whole.
    async fn answer_of(client: &mut DuplexStream) -> String {
        answers(client, 1).await.remove(0)
    }

    #[tokio::test(start_paused = true)]
    async fn a_first_head_sent_too_slowly_closes_the_connection_at_its_short_deadline() {
        let (mut client, served, _graceful) = connection();
        let start = Instant::now();
        client
            .write_all(b"GET /nowhere HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        closed_within(&mut client, start, FIRST_HEAD_TIMEOUT..=FIRST_HEAD_TIMEOUT).await;
        served.await.unwrap();
        // A connection that never sends a byte, likewise.
        let (mut client, served, _graceful) = connection();
        closed_within(
            &mut client,
            start + FIRST_HEAD_TIMEOUT,
            FIRST_HEAD_TIMEOUT..=FIRST_HEAD_TIMEOUT,
        )
        .await;
        served.await.unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn a_later_head_sent_too_slowly_closes_the_connection() {
        let (mut client, served, _graceful) = connection();
        client
            .write_all(b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        assert!(answer_of(&mut client).await.starts_with("HTTP/1.1 404"));
        let start = Instant::now();
        client
            .write_all(b"GET /nowhere HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        closed_between_deadlines(&mut client, start).await;
        served.await.unwrap();
    }

    /// A request that declares its length twice is refused, and the connection closed; bodies
    /// that hold what looks like such a head are only bodies.
    #[tokio::test]
    async fn a_request_with_content_length_and_transfer_encoding_gets_400() {
        let (mut client, served, _graceful) = connection();
        let decoy = "\r\n\r\nPOST /read HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n";
        let fine = format!(
            "POST /read HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{decoy}\
             POST /read HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{decoy}\r\n0\r\n\r\n",
            decoy.len(),
            decoy.len()
        );
        client.write_all(fine.as_bytes()).await.unwrap();
        for answer in answers(&mut client, 2).await {
            assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
            assert!(
                answer.ends_with(&format!("read {} bytes", decoy.len())),
                "{answer}"
            );
        }
        client
            .write_all(b"POST /read HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
            .await
            .unwrap();
        let answer = answer_of(&mut client).await;
        assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
        assert!(
            answer.contains("both Content-Length and Transfer-Encoding"),
            "{answer}"
        );
        let mut rest = Vec::new();
        client.read_to_end(&mut rest).await.unwrap();
        assert!(rest.is_empty(), "closed after it");
        served.await.unwrap();
    }

    /// A request whose handling panics is answered 500, and the connection serves the next.
    #[tokio::test]
    async fn a_request_that_panics_gets_500_and_the_connection_goes_on() {
        let (mut client, _served, _graceful) = connection();
        client
            .write_all(b"GET /panics HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let answer = answer_of(&mut client).await;
        assert!(answer.starts_with("HTTP/1.1 500"), "{answer}");
        assert!(
            answer.to_ascii_lowercase().contains("retry-after: 5"),
            "{answer}"
        );
        client
            .write_all(b"POST /read HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
            .await
            .unwrap();
        let answer = answer_of(&mut client).await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_connection_in_use_stays_open_and_an_idle_one_is_closed() {
        let (mut client, served, _graceful) = connection();
        let request = b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n";
        let mut answer = [0; 512];
        // Requests a little over half a deadline apart, for three deadlines and more.
        for _ in 0..6 {
            client.write_all(request).await.unwrap();
            let read = client.read(&mut answer).await.unwrap();
            assert!(answer[..read].starts_with(b"HTTP/1.1 404"), "answered");
            tokio::time::sleep(HEAD_TIMEOUT * 6 / 10).await;
        }
        let last = Instant::now() - HEAD_TIMEOUT * 6 / 10;
        closed_between_deadlines(&mut client, last).await;
        served.await.unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_in_flight_is_not_cut_by_the_head_deadline() {
        let (mut client, _served, _graceful) = connection();
        client
            .write_all(b"POST /read HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n")
            .await
            .unwrap();
        // The body a byte at a time, the whole of it taking over two deadlines.
        for byte in b"abcd" {
            tokio::time::sleep(HEAD_TIMEOUT * 6 / 10).await;
            client.write_all(&[*byte]).await.unwrap();
        }
        let mut answer = [0; 512];
        let read = client.read(&mut answer).await.unwrap();
        let answer = String::from_utf8_lossy(&answer[..read]);
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.ends_with("read 4 bytes"), "{answer}");
    }
}
