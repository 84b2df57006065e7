//! Token buckets by key, in a bounded map: the command rate of each
//! participant token on the form routes, and each client IP's claims.
//!
//! Its own file because a map keyed by what a client sends must not grow
//! without end: a bucket that would be full again is forgotten when the map
//! is pruned, which loses nothing (a new one starts full). Pruning runs when
//! the map reaches its bound, at most once a second so a flood of new keys
//! does not make every take walk the map; if the map is still full of busy
//! buckets, a new key is refused until one fills up again.

use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use dashmap::DashMap;

use super::TokenBucket;

/// How often, at most, a full map is pruned.
const PRUNE_EVERY: Duration = Duration::from_secs(1);

/// The rate of every bucket of a [`KeyedBuckets`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rate {
    PerSecond(u32),
    PerMinute(u32),
}

/// One token bucket per key, at most `max_keys` of them.
#[derive(Debug)]
pub struct KeyedBuckets<K: Hash + Eq> {
    rate: Rate,
    burst: u32,
    max_keys: usize,
    map: DashMap<K, TokenBucket>,
    pruned: Mutex<Option<Instant>>,
}

impl<K: Hash + Eq + Clone> KeyedBuckets<K> {
    pub fn new(rate: Rate, burst: u32, max_keys: usize) -> Self {
        KeyedBuckets {
            rate,
            burst,
            max_keys,
            map: DashMap::new(),
            pruned: Mutex::new(None),
        }
    }

    /// Takes one token of `key`'s bucket at `now`; `false` when it has none
    /// (or the map is full of buckets in use and `key` is new).
    pub fn take(&self, key: &K, now: Instant) -> bool {
        if let Some(mut bucket) = self.map.get_mut(key) {
            return bucket.take(now);
        }
        if self.map.len() >= self.max_keys {
            self.prune(now);
            if self.map.len() >= self.max_keys {
                return false;
            }
        }
        let mut bucket = self
            .map
            .entry(key.clone())
            .or_insert_with(|| match self.rate {
                Rate::PerSecond(n) => TokenBucket::new(n, self.burst, now),
                Rate::PerMinute(n) => TokenBucket::per_minute(n, self.burst, now),
            });
        bucket.take(now)
    }

    /// Buckets held.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether no bucket is held.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    fn prune(&self, now: Instant) {
        let mut last = self.pruned.lock().unwrap_or_else(|e| e.into_inner());
        if last.is_some_and(|at| now.saturating_duration_since(at) < PRUNE_EVERY) {
            return;
        }
        *last = Some(now);
        self.map.retain(|_, b| !b.is_full_at(now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_has_its_own_bucket() {
        let t0 = Instant::now();
        let k = KeyedBuckets::new(Rate::PerSecond(1), 3, 10);
        assert_eq!((0..5).filter(|_| k.take(&"a", t0)).count(), 3);
        assert!(k.take(&"b", t0), "another key has its own");
        assert!(k.take(&"a", t0 + Duration::from_secs(1)));
    }

    #[test]
    fn the_map_stays_bounded_and_forgets_only_full_buckets() {
        let t0 = Instant::now();
        let k = KeyedBuckets::new(Rate::PerMinute(60), 2, 3);
        for key in 0..3 {
            assert!(k.take(&key, t0));
        }
        // Full of buckets in use: a new key waits.
        assert!(!k.take(&99, t0));
        assert_eq!(k.len(), 3);
        // One second later each has refilled its token: all are forgotten,
        // and a new key gets its whole burst.
        let t1 = t0 + Duration::from_secs(1);
        assert!(k.take(&99, t1));
        assert_eq!(k.len(), 1);
        assert!(k.take(&99, t1) && !k.take(&99, t1));
    }
}
