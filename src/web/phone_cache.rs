//! The phone page's shared part ([`views::phone::Shared`]: the board's
//! tables and its half of the script's block), kept per event for the
//! snapshot it was built from, so that the readers of one revision render
//! it once between them instead of once each.
//!
//! An entry is the event's current snapshot (held, and compared by pointer:
//! a new revision is a new snapshot, so a change can never be served from
//! an older entry) and the shared parts built from it, one per language and
//! step of the clock, a few at most. The lock is held only to look up or
//! insert an `Arc`: a part is built outside it (two readers that both miss
//! at once both build; the second insert is dropped).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::hub::Snapshot;
use crate::views::phone::{Shared, SharedKey};

/// Shared parts kept per snapshot: languages x steps of the clock that are
/// read at once (a step lasts until the next slot starts or ends).
const PER_SNAPSHOT: usize = 4;

/// slug -> the snapshot and its shared parts.
#[derive(Default)]
pub struct PhoneCache {
    events: Mutex<HashMap<String, Entry>>,
}

struct Entry {
    snapshot: Arc<Snapshot>,
    parts: Vec<Arc<Shared>>,
}

impl PhoneCache {
    /// The shared part of `slug`'s page for `key` at `snapshot`, built by
    /// `build` if nobody has yet.
    pub fn get(
        &self,
        slug: &str,
        snapshot: &Arc<Snapshot>,
        key: &SharedKey,
        build: impl FnOnce() -> Shared,
    ) -> Arc<Shared> {
        if let Some(found) = self.find(slug, snapshot, key) {
            return found;
        }
        let built = Arc::new(build());
        let mut events = self.events.lock().unwrap_or_else(|e| e.into_inner());
        let entry = events.entry(slug.to_owned()).or_insert_with(|| Entry {
            snapshot: snapshot.clone(),
            parts: Vec::new(),
        });
        if !Arc::ptr_eq(&entry.snapshot, snapshot) {
            // The last snapshot asked is kept (the current one, but for a
            // reader that got its snapshot just before a change).
            *entry = Entry {
                snapshot: snapshot.clone(),
                parts: Vec::new(),
            };
        }
        if let Some(other) = entry.parts.iter().find(|p| p.key() == key) {
            return other.clone();
        }
        if entry.parts.len() >= PER_SNAPSHOT {
            entry.parts.remove(0);
        }
        entry.parts.push(built.clone());
        built
    }

    fn find(&self, slug: &str, snapshot: &Arc<Snapshot>, key: &SharedKey) -> Option<Arc<Shared>> {
        let events = self.events.lock().unwrap_or_else(|e| e.into_inner());
        let entry = events.get(slug)?;
        if !Arc::ptr_eq(&entry.snapshot, snapshot) {
            return None;
        }
        entry.parts.iter().find(|p| p.key() == key).cloned()
    }
}
