//! How many bytes of request bodies a receiver holds at once, and from whom: a bound on memory
//! however many bodies arrive together, and one that a sender without the secret cannot take
//! from the others.
//!
//! Nothing is authenticated until the whole body has come (a signature covers it), so anyone
//! who can send a current timestamp and any signature gets a body read. A body is therefore
//! charged as its bytes arrive, not at the `Content-Length` its head declares: a head that
//! promises 2 MiB and sends nothing holds nothing. And no one peer (an IPv4 address, an IPv6
//! /64) may hold more than its share, so bodies from one place, fast or slow, cannot fill the
//! budget for everyone else. How slowly a body may come is the receiver's
//! ([`Receiver::with_min_body_rate`](crate::Receiver::with_min_body_rate)).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How many bytes of request bodies may be held at once, across every receiver that shares it,
/// and by any one peer. Cloning shares it.
#[derive(Clone, Debug)]
pub struct BodyBudget {
    bytes: Arc<Semaphore>,
    total: usize,
    /// Bytes held by each peer that holds any.
    peers: Arc<Mutex<HashMap<Peer, usize>>>,
    per_peer: usize,
}

/// Where a request comes from, as far as the budget tells senders apart: an IPv4 address, or
/// the /64 of an IPv6 one (what one host is given: its other addresses are no other sender).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Peer {
    V4(u32),
    /// The address's first 64 bits.
    V6(u64),
}

impl Peer {
    pub(crate) fn of(ip: IpAddr) -> Peer {
        match ip.to_canonical() {
            IpAddr::V4(v4) => Peer::V4(u32::from(v4)),
            IpAddr::V6(v6) => Peer::V6((u128::from(v6) >> 64) as u64),
        }
    }
}

/// Why a body's bytes were not taken: 503, so the sender retries later.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Full {
    /// Every byte of the budget is held.
    Budget,
    /// The peer holds its share.
    Share,
}

impl BodyBudget {
    /// A budget of `bytes`, a quarter of which any one peer may hold.
    pub fn new(bytes: usize) -> Self {
        let total = bytes.clamp(1, Semaphore::MAX_PERMITS);
        BodyBudget {
            bytes: Arc::new(Semaphore::new(total)),
            total,
            peers: Arc::default(),
            per_peer: (total / 4).max(1),
        }
    }

    /// Lets any one peer hold up to `bytes` (at most the whole budget).
    pub fn with_peer_share(mut self, bytes: usize) -> Self {
        self.per_peer = bytes.clamp(1, self.total);
        self
    }

    /// Bytes held now.
    pub fn in_use(&self) -> usize {
        self.total - self.bytes.available_permits()
    }

    /// Bytes any one peer may hold.
    pub fn peer_share(&self) -> usize {
        self.per_peer
    }

    /// An empty hold for a body from `peer` (unknown when the server does not say).
    pub(crate) fn hold(&self, peer: Option<Peer>) -> Held {
        Held {
            budget: self.clone(),
            peer,
            bytes: 0,
            permit: None,
        }
    }

    fn peers(&self) -> std::sync::MutexGuard<'_, HashMap<Peer, usize>> {
        // Every change to the map is one insert or one update: a panic leaves it whole.
        self.peers.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The bytes of one body held against a budget, given back when it is dropped.
#[derive(Debug)]
pub(crate) struct Held {
    budget: BodyBudget,
    peer: Option<Peer>,
    bytes: usize,
    permit: Option<OwnedSemaphorePermit>,
}

impl Held {
    /// Takes `more` bytes, which have just arrived, or says why not.
    pub(crate) fn grow(&mut self, more: usize) -> Result<(), Full> {
        if more == 0 {
            return Ok(());
        }
        let budget = &self.budget;
        if let Some(peer) = self.peer {
            let mut peers = budget.peers();
            let held = peers.entry(peer).or_default();
            if *held + more > budget.per_peer {
                if *held == 0 {
                    peers.remove(&peer);
                }
                return Err(Full::Share);
            }
            *held += more;
        }
        // Within `per_peer`, so within the semaphore's range.
        let permits = u32::try_from(more.min(budget.total)).unwrap_or(u32::MAX);
        match Arc::clone(&budget.bytes).try_acquire_many_owned(permits) {
            Ok(permit) => {
                match &mut self.permit {
                    Some(held) => held.merge(permit),
                    None => self.permit = Some(permit),
                }
                self.bytes += more;
                Ok(())
            }
            Err(_) => {
                self.release_peer(more);
                Err(Full::Budget)
            }
        }
    }

    /// Gives back `bytes` of the peer's count.
    fn release_peer(&self, bytes: usize) {
        let Some(peer) = self.peer else {
            return;
        };
        let mut peers = self.budget.peers();
        if let Some(held) = peers.get_mut(&peer) {
            *held = held.saturating_sub(bytes);
            if *held == 0 {
                peers.remove(&peer);
            }
        }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.release_peer(self.bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer(text: &str) -> Option<Peer> {
        Some(Peer::of(text.parse().unwrap()))
    }

    #[test]
    fn a_peer_holds_its_share_at_most_and_others_still_get_theirs() {
        let budget = BodyBudget::new(1000);
        assert_eq!(budget.peer_share(), 250);
        let mut first = budget.hold(peer("192.0.2.1"));
        first.grow(200).unwrap();
        let mut second = budget.hold(peer("192.0.2.1"));
        assert_eq!(second.grow(100), Err(Full::Share), "over the peer's share");
        second.grow(50).unwrap();
        let mut other = budget.hold(peer("192.0.2.2"));
        other.grow(250).unwrap();
        assert_eq!(budget.in_use(), 500);
        drop(first);
        assert_eq!(budget.in_use(), 300);
        second.grow(200).unwrap();
        drop((second, other));
        assert_eq!(budget.in_use(), 0);
        assert!(budget.peers().is_empty(), "nothing left behind");
    }

    #[test]
    fn the_whole_budget_bounds_every_peer_together() {
        let budget = BodyBudget::new(1000).with_peer_share(1000);
        let mut holds: Vec<Held> = (1..=3)
            .map(|n| budget.hold(peer(&format!("10.0.0.{n}"))))
            .collect();
        holds[0].grow(600).unwrap();
        holds[1].grow(400).unwrap();
        assert_eq!(holds[2].grow(1), Err(Full::Budget));
        assert_eq!(budget.peers().len(), 2, "a refused peer holds nothing");
        let mut unknown = budget.hold(None);
        assert_eq!(unknown.grow(1), Err(Full::Budget));
        holds.clear();
        unknown.grow(1000).unwrap();
    }

    #[test]
    fn an_ipv6_host_is_one_peer_and_a_mapped_ipv4_address_is_its_own() {
        assert_eq!(peer("2001:db8:1:2::1"), peer("2001:db8:1:2:ffff::9"));
        assert_ne!(peer("2001:db8:1:2::1"), peer("2001:db8:1:3::1"));
        assert_eq!(peer("::ffff:192.0.2.1"), peer("192.0.2.1"));
        assert_ne!(peer("::1"), peer("0.0.0.1"));
    }
}
