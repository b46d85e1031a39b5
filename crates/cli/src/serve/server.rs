//! Serving HTTP/1.1, over TCP or TLS, with the limits a public endpoint needs: a deadline for the
//! request head (and the TLS handshake), a bounded number of connections, and a bounded wait for
//! requests in flight at shutdown.

use std::convert::Infallible;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;

use super::routes::Routes;

/// How long a client has to send a request's head, and to finish a TLS handshake. A connection
/// waiting for a head (idle between requests, or sent one slowly) is closed after this long at
/// least, twice this long at most: see [`head_deadline`].
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long requests in flight may take to finish once shutdown starts.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

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

/// Accepts connections until Ctrl-C or SIGTERM, answering their requests by `routes` (over TLS
/// when `tls` is given); at most `max_connections` at once (further ones wait in the listen
/// backlog).
pub async fn serve(
    listener: TcpListener,
    routes: Routes,
    max_connections: usize,
    tls: Option<TlsAcceptor>,
) {
    let slots = Arc::new(Semaphore::new(max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let routes = Arc::new(routes);
    let stop = shutdown_signal();
    tokio::pin!(stop);
    loop {
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => slot.expect("the semaphore is never closed"),
            () = &mut stop => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // Out of file descriptors, usually: wait for some to be freed.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let (routes, watcher, tls) = (Arc::clone(&routes), graceful.watcher(), tls.clone());
        tokio::spawn(async move {
            match tls {
                None => serve_connection(stream, routes, watcher).await,
                Some(tls) => match tokio::time::timeout(HEAD_TIMEOUT, tls.accept(stream)).await {
                    Ok(Ok(stream)) => serve_connection(stream, routes, watcher).await,
                    Ok(Err(error)) => tracing::debug!(%error, "TLS handshake failed"),
                    Err(_) => tracing::debug!("TLS handshake timed out"),
                },
            }
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

/// Serves one connection until it closes, until it waits too long for a request's head, or
/// until shutdown lets its last request finish.
async fn serve_connection<I>(io: I, routes: Arc<Routes>, watcher: Watcher)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let activity = Arc::new(Activity::default());
    let service = service_fn({
        let activity = Arc::clone(&activity);
        move |request| {
            // Called once the head is read; the future ends once the answer is ready.
            let (routes, activity) = (Arc::clone(&routes), Arc::clone(&activity));
            activity.heads.fetch_add(1, Ordering::Relaxed);
            async move {
                let response = routes.answer(request).await;
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
            tracing::debug!("no request head in {HEAD_TIMEOUT:?}: closing the connection");
        }
    }
}

/// What a connection's requests have done: heads read and answers made, counted as they come.
#[derive(Default)]
struct Activity {
    heads: AtomicU64,
    answered: AtomicU64,
}

/// Ends once a connection has waited a whole [`HEAD_TIMEOUT`] for a request's head: no head
/// read, no answer made, and no request in flight since the last look. It looks every
/// `HEAD_TIMEOUT`, so a connection that waits is closed between one and two of them after its
/// last answer (or its opening), a slow request's head among them.
///
/// hyper's own `header_read_timeout` would close it at exactly one, but arms a timer for each
/// request (allocated, set, and cancelled once the head is read: a few hundred nanoseconds of
/// the receiver's every request, and a lock on the runtime's timer wheel); this sets one timer
/// per connection and `HEAD_TIMEOUT`, and adds two counts to each request.
async fn head_deadline(activity: &Activity) {
    let mut seen = (0, 0);
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
        // A route that answers once it has read the whole body, as a webhook's does.
        let read_all = axum::routing::post(|body: axum::body::Bytes| async move {
            format!("read {} bytes", body.len())
        });
        let others = Router::new().route("/read", read_all);
        let routes = Arc::new(Routes::new(HashMap::new(), others));
        let graceful = GracefulShutdown::new();
        let served = tokio::spawn(serve_connection(server, routes, graceful.watcher()));
        (client, served, graceful)
    }

    /// Reads until the server closes the connection, and checks that it answered nothing more
    /// and closed it between one and two deadlines after `since`.
    async fn closed_between_deadlines(client: &mut DuplexStream, since: Instant) {
        let mut answered = Vec::new();
        client.read_to_end(&mut answered).await.unwrap();
        let waited = since.elapsed();
        assert_eq!(
            String::from_utf8_lossy(&answered),
            "",
            "nothing more answered"
        );
        assert!(
            (HEAD_TIMEOUT..=HEAD_TIMEOUT * 2).contains(&waited),
            "closed {waited:?} after"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_head_sent_too_slowly_closes_the_connection() {
        let (mut client, served, _graceful) = connection();
        let start = Instant::now();
        client
            .write_all(b"GET /nowhere HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        closed_between_deadlines(&mut client, start).await;
        served.await.unwrap();
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
