//! Short-lived caches of one app server: who a session or API key is, and the counts a
//! dashboard shows. The database stays the truth; entries live a few seconds, so several
//! servers agree within that time. A change made through this server drops what it
//! touches at once. See docs/adr/0007-short-caches.md.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};

/// A map whose entries expire after `ttl`, bounded to `max` entries.
pub struct TtlCache<K, V> {
    ttl: Duration,
    max: usize,
    map: RwLock<HashMap<K, (Instant, V)>>,
    /// Keys whose expired entry one request is computing again (see [`Self::claim`]).
    refreshing: Mutex<HashSet<K>>,
}

/// One request's claim to compute an expired entry again; dropped (done or failed), the
/// next request may claim it.
pub struct Refresh<'a, K: Eq + Hash + Clone> {
    set: &'a Mutex<HashSet<K>>,
    key: K,
}

impl<K: Eq + Hash + Clone> Drop for Refresh<'_, K> {
    fn drop(&mut self) {
        self.set
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.key);
    }
}

impl<K: Eq + Hash + Clone, V: Clone> TtlCache<K, V> {
    pub fn new(ttl: Duration, max: usize) -> Self {
        TtlCache {
            ttl,
            max,
            map: RwLock::new(HashMap::new()),
            refreshing: Mutex::new(HashSet::new()),
        }
    }

    /// Claims the computing of `k` again, unless another request holds the claim: then
    /// it is computing the entry, and the caller serves the expired one meanwhile (so that
    /// many requests arriving as an entry expires compute it once, not each).
    pub fn claim(&self, k: &K) -> Option<Refresh<'_, K>> {
        let mut set = self.refreshing.lock().unwrap_or_else(|p| p.into_inner());
        set.insert(k.clone()).then(|| Refresh {
            set: &self.refreshing,
            key: k.clone(),
        })
    }

    pub fn get(&self, k: &K) -> Option<V> {
        if self.ttl.is_zero() {
            return None;
        }
        let map = self.map.read().unwrap_or_else(|p| p.into_inner());
        match map.get(k) {
            Some((at, v)) if at.elapsed() < self.ttl => Some(v.clone()),
            _ => None,
        }
    }

    /// The entry whatever its age, and whether it is still fresh: what a cache that
    /// serves a value while it is being refreshed reads.
    pub fn get_with_age(&self, k: &K) -> Option<(V, bool)> {
        if self.ttl.is_zero() {
            return None;
        }
        let map = self.map.read().unwrap_or_else(|p| p.into_inner());
        map.get(k)
            .map(|(at, v)| (v.clone(), at.elapsed() < self.ttl))
    }

    pub fn put(&self, k: K, v: V) {
        if self.ttl.is_zero() {
            return;
        }
        let mut map = self.map.write().unwrap_or_else(|p| p.into_inner());
        if map.len() >= self.max {
            let ttl = self.ttl;
            map.retain(|_, (at, _)| at.elapsed() < ttl);
            if map.len() >= self.max {
                map.clear();
            }
        }
        map.insert(k, (Instant::now(), v));
    }

    pub fn remove(&self, k: &K) {
        self.map
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(k);
    }

    /// Drops every entry for which `f` holds.
    pub fn remove_where(&self, f: impl Fn(&K, &V) -> bool) {
        self.map
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|k, (_, v)| !f(k, v));
    }

    pub fn clear(&self) {
        self.map.write().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_can_be_dropped() {
        let c: TtlCache<u32, &str> = TtlCache::new(Duration::from_millis(50), 2);
        c.put(1, "a");
        assert_eq!(c.get(&1), Some("a"));
        c.remove(&1);
        assert_eq!(c.get(&1), None);
        c.put(2, "b");
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(c.get(&2), None, "expired");
        c.put(3, "c");
        c.put(4, "d");
        c.put(5, "e");
        assert_eq!(c.get(&5), Some("e"), "bounded: old entries make room");
        c.remove_where(|k, _| *k == 5);
        assert_eq!(c.get(&5), None);
    }

    #[test]
    fn one_request_at_a_time_computes_an_expired_entry() {
        let c: TtlCache<u32, &str> = TtlCache::new(Duration::from_secs(60), 10);
        let first = c.claim(&1).expect("nobody holds it");
        assert!(c.claim(&1).is_none(), "held by the first");
        assert!(c.claim(&2).is_some(), "another key is free");
        drop(first);
        assert!(c.claim(&1).is_some(), "free again once the first is done");
    }

    #[test]
    fn a_zero_ttl_caches_nothing() {
        let c: TtlCache<u32, u32> = TtlCache::new(Duration::ZERO, 10);
        c.put(1, 1);
        assert_eq!(c.get(&1), None);
    }
}
