//! Values derived from the review state and kept current as events apply: the member sets of
//! review filters (`tag:hot`, `reviewed:no`), built once per state and updated conversation by
//! conversation afterwards, so that a filtered search does not walk every coded conversation
//! again after each tag.

use std::any::Any;
use std::sync::{Arc, Mutex};

use super::state::ReviewView;

/// Something derived from the review state. `changed` is told every conversation an applied
/// event touched, with its review after the event.
pub trait Derived: Any + Send + Sync {
    fn changed(&self, id: &str, now: Option<ReviewView<'_>>);
    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync>;
}

/// How many derived values a state keeps; past it the oldest goes. A set over millions of
/// coded conversations costs about 16 bytes a member.
const CAPACITY: usize = 8;

/// The derived values of one review state, by key. Cloning a state does not share them: the
/// clone may diverge.
#[derive(Default)]
pub struct DerivedCache {
    entries: Mutex<Vec<(String, Arc<dyn Derived>)>>,
}

impl DerivedCache {
    /// The value under `key`, made by `make` when absent (or held under the key as another
    /// type).
    pub fn get_or_make<T: Derived>(&self, key: &str, make: impl FnOnce() -> T) -> Arc<T> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = entries.iter().position(|(k, _)| k == key) {
            let (k, v) = entries.remove(i);
            if let Ok(t) = v.clone().into_any().downcast::<T>() {
                // Most recently used last.
                entries.push((k, v));
                return t;
            }
        }
        let made = Arc::new(make());
        if entries.len() >= CAPACITY {
            entries.remove(0);
        }
        entries.push((key.to_string(), made.clone()));
        made
    }

    pub fn is_empty(&self) -> bool {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
    }

    /// Tells every derived value that `id` now reviews as `now`.
    pub fn changed(&self, id: &str, now: Option<ReviewView<'_>>) {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        for (_, d) in entries.iter() {
            d.changed(id, now);
        }
    }

    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

impl Clone for DerivedCache {
    fn clone(&self) -> Self {
        DerivedCache::default()
    }
}

impl std::fmt::Debug for DerivedCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.entries.lock().map(|e| e.len()).unwrap_or(0);
        write!(f, "DerivedCache({n} values)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[derive(Default)]
    struct Count(AtomicUsize);

    impl Derived for Count {
        fn changed(&self, _: &str, _: Option<ReviewView<'_>>) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
        fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
            self
        }
    }

    #[test]
    fn made_once_told_of_changes_and_bounded() {
        let cache = DerivedCache::default();
        let mut made = 0;
        let a = cache.get_or_make("a", || {
            made += 1;
            Count::default()
        });
        let again = cache.get_or_make("a", || {
            made += 1;
            Count::default()
        });
        assert_eq!(made, 1);
        assert!(Arc::ptr_eq(&a, &again));
        cache.changed("x", None);
        assert_eq!(a.0.load(Ordering::Relaxed), 1);
        for i in 0..CAPACITY {
            cache.get_or_make(&format!("k{i}"), Count::default);
        }
        // "a" was the oldest: it went.
        let fresh = cache.get_or_make("a", Count::default);
        assert!(!Arc::ptr_eq(&a, &fresh));
        assert!(cache.clone().is_empty());
    }
}
