//! What a sender without the secret can try on a receiver: hold its connections and its body
//! budget. Nothing here is authenticated, and nothing needs to be: a request head with a
//! current timestamp and any well-formed signature passes every check that can be made before
//! the body is read. The floods are shared by the tests (`crates/cli/tests/serve/attacks.rs`)
//! and the measured run (`cargo run --release -p hookschema-load --bin attack`), which
//! time genuine deliveries while each flood holds.

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use hookschema_catalog::Webhook;

use hookschema_testkit::sender::{authentic, forged};
use hookschema_testkit::unix_now;

/// `count` connections from `from` (any local address when `None`), each with a forged
/// delivery's head to `webhook` that declares a body of `declared` bytes, then the first `sent`
/// bytes of that body, and nothing more: they are held open for as long as the receiver lets
/// them be. Connections the receiver refuses at once are left out.
pub fn stalled_bodies(
    addr: SocketAddr,
    from: Option<IpAddr>,
    webhook: &Webhook,
    count: usize,
    declared: usize,
    sent: usize,
) -> Vec<TcpStream> {
    let now = unix_now();
    (0..count)
        .filter_map(|n| {
            let forged = forged(webhook, &format!("stalled_{n}"), now, b"{}")?;
            let mut stream = connect(addr, from)?;
            let mut bytes = forged.head(declared);
            bytes.resize(bytes.len() + sent.min(declared), b' ');
            stream.write_all(&bytes).ok()?;
            Some(stream)
        })
        .collect()
}

/// `count` connections that never send a byte.
pub fn idle(addr: SocketAddr, count: usize) -> Vec<TcpStream> {
    (0..count).filter_map(|_| connect(addr, None)).collect()
}

/// A connection to `addr`, from `from` when given.
fn connect(addr: SocketAddr, from: Option<IpAddr>) -> Option<TcpStream> {
    let Some(from) = from else {
        return TcpStream::connect(addr).ok();
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .ok()?;
    let stream = runtime.block_on(async {
        let socket = match from {
            IpAddr::V4(_) => tokio::net::TcpSocket::new_v4(),
            IpAddr::V6(_) => tokio::net::TcpSocket::new_v6(),
        }
        .ok()?;
        socket.bind(SocketAddr::new(from, 0)).ok()?;
        socket.connect(addr).await.ok()?.into_std().ok()
    })?;
    stream.set_nonblocking(false).ok()?;
    Some(stream)
}

/// Sends `webhook` a genuine delivery of `body` on a new connection: the answer's status, and
/// how long it took from the connection's start to the answer's head; status 0 when no answer
/// came within `patience`.
pub fn deliver(
    addr: SocketAddr,
    webhook: &Webhook,
    id: &str,
    body: &[u8],
    patience: Duration,
) -> (u16, Duration) {
    let started = Instant::now();
    let request = authentic(webhook, id, unix_now(), body);
    let status = (|| {
        let mut stream = TcpStream::connect_timeout(&addr, patience).ok()?;
        stream.set_read_timeout(Some(patience)).ok()?;
        stream.write_all(&request.raw()).ok()?;
        let mut answer = [0; 12];
        stream.read_exact(&mut answer).ok()?;
        std::str::from_utf8(answer.strip_prefix(b"HTTP/1.1 ")?)
            .ok()?
            .parse()
            .ok()
    })();
    (status.unwrap_or(0), started.elapsed())
}
