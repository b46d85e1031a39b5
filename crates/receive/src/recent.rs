//! Remembering recent delivery ids, so a retried delivery is acknowledged but handled once.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

/// The delivery ids being handled now, and the last `capacity` handled, oldest forgotten first:
/// memory stays bounded however long the receiver runs (ids are at most
/// [`MAX_ID_LEN`](hookschema_signature::MAX_ID_LEN) bytes, and the ids in flight are at most the
/// requests served at once). Vendors retry within minutes, so a few thousand ids cover them.
#[derive(Debug)]
pub struct RecentIds {
    capacity: usize,
    seen: Mutex<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    /// Ids whose delivery is being handled: never forgotten while it is, so a retry that arrives
    /// meanwhile is told to come back rather than handled twice.
    in_flight: HashSet<Arc<str>>,
    /// Ids whose delivery was handled, and their order, oldest first.
    done: HashSet<Arc<str>>,
    order: VecDeque<Arc<str>>,
}

/// What to do with a delivery, by its id.
#[derive(Debug)]
pub enum Admission {
    /// Not seen: handle it, then [`Claim::done`]. Dropping the claim without it forgets the id,
    /// so the vendor's retry is handled.
    New(Claim),
    /// Already handled: acknowledge it, and do nothing else.
    Duplicate,
    /// Being handled by another request right now: answer so the vendor retries later (its
    /// outcome is not known yet).
    InFlight,
}

/// The right, and the duty, to handle one delivery. It owns what it needs, so the work it
/// stands for can be moved to a task of its own and finish even if the request that started it
/// is dropped (a client that hung up, a timeout).
#[derive(Debug)]
pub struct Claim {
    recent: Arc<RecentIds>,
    id: Arc<str>,
    done: bool,
}

impl RecentIds {
    pub fn new(capacity: usize) -> Self {
        RecentIds {
            capacity: capacity.max(1),
            seen: Mutex::new(Seen::default()),
        }
    }

    /// Admits a delivery by its id.
    pub fn admit(self: &Arc<Self>, id: &str) -> Admission {
        let mut seen = self.lock();
        if seen.done.contains(id) {
            return Admission::Duplicate;
        }
        if seen.in_flight.contains(id) {
            return Admission::InFlight;
        }
        let id: Arc<str> = Arc::from(id);
        seen.in_flight.insert(Arc::clone(&id));
        Admission::New(Claim {
            recent: Arc::clone(self),
            id,
            done: false,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Seen> {
        self.seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Claim {
    /// The delivery was handled: later requests with its id are duplicates.
    pub fn done(mut self) {
        self.done = true;
        let mut seen = self.recent.lock();
        seen.in_flight.remove(&self.id);
        if seen.order.len() == self.recent.capacity
            && let Some(oldest) = seen.order.pop_front()
        {
            seen.done.remove(&oldest);
        }
        seen.done.insert(Arc::clone(&self.id));
        seen.order.push_back(Arc::clone(&self.id));
    }
}

/// Unfinished, the claim lets go of its id: only this claim can hold it in flight, since a
/// second admission of the id is refused while it does.
impl Drop for Claim {
    fn drop(&mut self) {
        if !self.done {
            self.recent.lock().in_flight.remove(&self.id);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::{Admission, Claim, RecentIds};

    fn claim(recent: &Arc<RecentIds>, id: &str) -> Claim {
        match recent.admit(id) {
            Admission::New(claim) => claim,
            other => panic!("{id} admitted as {other:?}"),
        }
    }

    #[test]
    fn a_handled_id_is_a_duplicate() {
        let recent = Arc::new(RecentIds::new(2));
        let first = claim(&recent, "a");
        assert!(matches!(recent.admit("a"), Admission::InFlight));
        first.done();
        assert!(matches!(recent.admit("a"), Admission::Duplicate));
    }

    #[test]
    fn a_failed_delivery_is_forgotten_so_its_retry_is_handled() {
        let recent = Arc::new(RecentIds::new(2));
        drop(claim(&recent, "a"));
        claim(&recent, "a").done();
        assert!(matches!(recent.admit("a"), Admission::Duplicate));
    }

    #[test]
    fn memory_is_bounded_oldest_first() {
        let recent = Arc::new(RecentIds::new(2));
        for id in ["a", "b", "c"] {
            claim(&recent, id).done();
        }
        assert!(matches!(recent.admit("c"), Admission::Duplicate));
        assert!(matches!(recent.admit("b"), Admission::Duplicate));
        assert!(
            matches!(recent.admit("a"), Admission::New(_)),
            "the oldest id was forgotten"
        );
    }

    /// However many deliveries finish meanwhile, one still in flight is not forgotten, and a
    /// claim that finishes late does not disturb the memory of others.
    #[test]
    fn an_id_in_flight_outlives_the_memory_of_handled_ones() {
        let recent = Arc::new(RecentIds::new(1));
        let slow = claim(&recent, "slow");
        for id in ["a", "b", "c"] {
            claim(&recent, id).done();
        }
        assert!(matches!(recent.admit("slow"), Admission::InFlight));
        slow.done();
        assert!(matches!(recent.admit("slow"), Admission::Duplicate));
        assert!(matches!(recent.admit("c"), Admission::New(_)));
    }

    #[test]
    fn a_claim_finishes_on_another_thread() {
        let recent = Arc::new(RecentIds::new(4));
        let moved = claim(&recent, "a");
        std::thread::spawn(move || moved.done()).join().unwrap();
        assert!(matches!(recent.admit("a"), Admission::Duplicate));
    }
}
