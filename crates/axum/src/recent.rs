//! Remembering recent delivery ids, so a retried delivery is acknowledged but handled once.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

/// The last `capacity` delivery ids seen, oldest forgotten first: memory stays bounded however
/// long the receiver runs. Vendors retry within minutes, so a few thousand ids cover them.
#[derive(Debug)]
pub struct RecentIds {
    capacity: usize,
    seen: Mutex<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    ids: HashSet<String>,
    order: VecDeque<String>,
}

impl RecentIds {
    pub fn new(capacity: usize) -> Self {
        RecentIds {
            capacity: capacity.max(1),
            seen: Mutex::new(Seen::default()),
        }
    }

    /// Records `id`; `true` if it was not among the recent ids (handle the delivery), `false`
    /// if it was (a retry: acknowledge it, do not handle it again).
    pub fn insert(&self, id: &str) -> bool {
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if seen.ids.contains(id) {
            return false;
        }
        if seen.order.len() == self.capacity
            && let Some(oldest) = seen.order.pop_front()
        {
            seen.ids.remove(&oldest);
        }
        seen.ids.insert(id.to_owned());
        seen.order.push_back(id.to_owned());
        true
    }

    /// Forgets `id`, when handling it failed, so the vendor's retry is handled.
    pub fn remove(&self, id: &str) {
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if seen.ids.remove(id) {
            seen.order.retain(|other| other != id);
        }
    }

    pub fn len(&self) -> usize {
        self.seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .ids
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::RecentIds;

    #[test]
    fn a_repeat_is_refused_until_forgotten() {
        let recent = RecentIds::new(2);
        assert!(recent.insert("a"));
        assert!(!recent.insert("a"));
        recent.remove("a");
        assert!(recent.insert("a"));
    }

    #[test]
    fn memory_is_bounded_oldest_first() {
        let recent = RecentIds::new(2);
        for id in ["a", "b", "c"] {
            assert!(recent.insert(id));
        }
        assert_eq!(recent.len(), 2);
        assert!(recent.insert("a"), "the oldest id was forgotten");
        assert!(!recent.insert("c"));
    }
}
