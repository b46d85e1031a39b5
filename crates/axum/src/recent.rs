//! Remembering recent delivery ids, so a retried delivery is acknowledged but handled once.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

/// The last `capacity` delivery ids handled or being handled, oldest forgotten first: memory
/// stays bounded however long the receiver runs (ids are at most
/// [`MAX_ID_LEN`](hookschema_signature::MAX_ID_LEN) bytes). Vendors retry within minutes, so a
/// few thousand ids cover them.
#[derive(Debug)]
pub struct RecentIds {
    capacity: usize,
    seen: Mutex<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    state: HashMap<Arc<str>, State>,
    order: VecDeque<Arc<str>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// A request with this id is being handled now.
    InFlight,
    /// A delivery with this id was handled.
    Done,
}

/// What to do with a delivery, by its id.
#[derive(Debug)]
pub enum Admission<'a> {
    /// Not seen: handle it, then [`Claim::done`]. Dropping the claim without it forgets the id,
    /// so the vendor's retry is handled.
    New(Claim<'a>),
    /// Already handled: acknowledge it, and do nothing else.
    Duplicate,
    /// Being handled by another request right now: answer so the vendor retries later (its
    /// outcome is not known yet).
    InFlight,
}

/// The right, and the duty, to handle one delivery.
#[derive(Debug)]
pub struct Claim<'a> {
    recent: &'a RecentIds,
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
    pub fn admit(&self, id: &str) -> Admission<'_> {
        let mut seen = self.lock();
        match seen.state.get(id) {
            Some(State::Done) => return Admission::Duplicate,
            Some(State::InFlight) => return Admission::InFlight,
            None => {}
        }
        if seen.order.len() == self.capacity
            && let Some(oldest) = seen.order.pop_front()
        {
            seen.state.remove(&oldest);
        }
        let id: Arc<str> = Arc::from(id);
        seen.state.insert(Arc::clone(&id), State::InFlight);
        seen.order.push_back(Arc::clone(&id));
        Admission::New(Claim {
            recent: self,
            id,
            done: false,
        })
    }

    /// How many ids are remembered.
    pub fn len(&self) -> usize {
        self.lock().state.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, Seen> {
        self.seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Claim<'_> {
    /// The delivery was handled: later requests with its id are duplicates.
    pub fn done(mut self) {
        self.done = true;
        if let Some(state) = self.recent.lock().state.get_mut(&self.id) {
            *state = State::Done;
        }
    }
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let mut seen = self.recent.lock();
        if seen.state.remove(&self.id).is_some() {
            seen.order.retain(|other| *other != self.id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Admission, RecentIds};

    #[test]
    fn a_handled_id_is_a_duplicate() {
        let recent = RecentIds::new(2);
        let Admission::New(claim) = recent.admit("a") else {
            panic!("new")
        };
        assert!(matches!(recent.admit("a"), Admission::InFlight));
        claim.done();
        assert!(matches!(recent.admit("a"), Admission::Duplicate));
    }

    #[test]
    fn a_failed_delivery_is_forgotten_so_its_retry_is_handled() {
        let recent = RecentIds::new(2);
        let Admission::New(claim) = recent.admit("a") else {
            panic!("new")
        };
        drop(claim);
        assert!(recent.is_empty());
        assert!(matches!(recent.admit("a"), Admission::New(_)));
    }

    #[test]
    fn memory_is_bounded_oldest_first() {
        let recent = RecentIds::new(2);
        for id in ["a", "b", "c"] {
            let Admission::New(claim) = recent.admit(id) else {
                panic!("new")
            };
            claim.done();
        }
        assert_eq!(recent.len(), 2);
        assert!(
            matches!(recent.admit("a"), Admission::New(_)),
            "the oldest id was forgotten"
        );
        assert!(matches!(recent.admit("c"), Admission::Duplicate));
    }
}
