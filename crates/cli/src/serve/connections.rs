//! The connections a receiver holds, and which one to let go when it holds as many as it may.
//!
//! Connections are bounded (`--max-connections`), and a connection costs its client nothing to
//! hold open: without a rule for the limit, a few thousand connections that never send a byte
//! keep every sender in the listen backlog. So the limit never makes a new connection wait for
//! an old one that only waits: when it is reached, the connection that has waited longest on
//! its client (for a request's head, or for the rest of a body) is closed, and the new one takes
//! its place. A connection is never closed while the receiver itself works on its request (the
//! body is read, the delivery is being checked or stored), nor before its first read, when its
//! request may be waiting to be read already.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use tokio::sync::Notify;

use super::tap::Listen;

/// Every open connection, by a number of its own.
#[derive(Default)]
pub struct Connections {
    open: Mutex<HashMap<u64, Arc<Connection>>>,
    next: AtomicU64,
}

/// What the limit needs to know of one connection, kept up to date by the connection itself.
pub struct Connection {
    /// When its client last sent a byte (or when it was accepted), in milliseconds since the
    /// process's [`epoch`].
    last_read: AtomicU64,
    /// Its last read found nothing: it waits on its client.
    waiting: AtomicBool,
    /// The receiver works on its request: the body is read and no answer is made yet.
    working: AtomicBool,
    /// It has been told to close.
    shed: AtomicBool,
    close: Notify,
}

/// A connection's place in [`Connections`], given up when it is dropped.
pub struct Registration {
    connections: Arc<Connections>,
    id: u64,
    pub connection: Arc<Connection>,
}

impl Connections {
    fn open(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Connection>>> {
        // Every change to the map is one insert or one removal: a panic leaves it whole.
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers a connection just accepted.
    pub fn register(self: &Arc<Self>) -> Registration {
        let connection = Arc::new(Connection {
            last_read: AtomicU64::new(now()),
            waiting: AtomicBool::new(false),
            working: AtomicBool::new(false),
            shed: AtomicBool::new(false),
            close: Notify::new(),
        });
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.open().insert(id, Arc::clone(&connection));
        Registration {
            connections: Arc::clone(self),
            id,
            connection,
        }
    }

    /// Tells the connection that has waited longest on its client to close, to make room for a
    /// new one: `false` when none may be closed now (each is worked on, not read yet, or already
    /// closing), in which case the caller waits and asks again.
    pub fn shed_one(&self) -> bool {
        let open = self.open();
        if open.values().any(|c| c.shed.load(Ordering::Relaxed)) {
            // One is closing already: its room is coming.
            return false;
        }
        let victim = open
            .values()
            .filter(|c| c.waiting.load(Ordering::Relaxed) && !c.working.load(Ordering::Relaxed))
            .min_by_key(|c| c.last_read.load(Ordering::Relaxed));
        let Some(victim) = victim else {
            return false;
        };
        victim.shed.store(true, Ordering::Relaxed);
        victim.close.notify_one();
        true
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.connections.open().remove(&self.id);
    }
}

impl Connection {
    /// Ends when the connection is told to close to make room.
    pub async fn shed(&self) {
        self.close.notified().await;
    }

    /// Notes that the receiver has read a request's body and works on it, or has answered it.
    pub fn working(&self, working: bool) {
        self.working.store(working, Ordering::Relaxed);
    }
}

/// The milliseconds since the first time asked: a clock for [`Connection::last_read`].
fn now() -> u64 {
    static EPOCH: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    let epoch = EPOCH.get_or_init(Instant::now);
    u64::try_from(epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// A connection's socket notes in its [`Connection`] when its client sends, and whether it
/// waits on it.
impl Listen for Arc<Connection> {
    fn read(&mut self, read: Option<&[u8]>) {
        match read {
            None => self.waiting.store(true, Ordering::Relaxed),
            Some(bytes) if !bytes.is_empty() => {
                self.waiting.store(false, Ordering::Relaxed);
                self.last_read.store(now(), Ordering::Relaxed);
            }
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_connection_waiting_longest_on_its_client_is_shed_and_one_at_a_time() {
        let connections = Arc::new(Connections::default());
        let [a, b, c, d] = [(); 4].map(|()| connections.register());
        // a waits since long ago, b since later; c is worked on; d has not been read yet.
        for (registration, last_read) in [(&a, 10), (&b, 20), (&c, 0)] {
            let connection = &registration.connection;
            connection.waiting.store(true, Ordering::Relaxed);
            connection.last_read.store(last_read, Ordering::Relaxed);
        }
        c.connection.working(true);
        d.connection.last_read.store(0, Ordering::Relaxed);
        assert!(connections.shed_one());
        assert!(a.connection.shed.load(Ordering::Relaxed));
        assert!(!connections.shed_one(), "a is closing: wait for its room");
        drop(a);
        assert!(connections.shed_one());
        assert!(b.connection.shed.load(Ordering::Relaxed));
        drop(b);
        assert!(!connections.shed_one(), "c is worked on, d not read yet");
        assert_eq!(connections.open().len(), 2);
    }
}
