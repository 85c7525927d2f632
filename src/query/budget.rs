//! What one query may cost: words its patterns expand to, word positions the position matcher
//! visits, and wall time; and a way to stop it early (a newer search in the review interface,
//! or Esc). A query over its budget fails with an error naming the part that is too broad,
//! instead of running without bound and blocking whoever waits for it.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The limits of one query.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Words all patterns of the query may expand to, per field, together.
    pub max_terms: usize,
    /// Positions and candidate pairs the position matcher may visit.
    pub max_steps: u64,
    /// Wall time from compiling to the last page.
    pub max_time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_terms: 250_000,
            max_steps: 1_000_000_000,
            max_time: Duration::from_secs(60),
        }
    }
}

/// Why a query was stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exceeded {
    /// Asked to stop (a newer search, or Esc).
    Cancelled,
    TooBroad {
        part: String,
        why: String,
    },
}

impl std::fmt::Display for Exceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Exceeded::Cancelled => write!(f, "search cancelled"),
            Exceeded::TooBroad { part, why } => write!(
                f,
                "the query is too broad: `{part}` {why}; make it more specific (longer \
                 prefixes, a smaller w/N, another required word)"
            ),
        }
    }
}

impl std::error::Error for Exceeded {}

/// A part of a query as named in an error: its text, cut to a readable length.
pub fn part_name(text: String) -> String {
    const MAX: usize = 120;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

type CancelFn = dyn Fn() -> bool + Send + Sync;

struct Inner {
    limits: Limits,
    started: Instant,
    cancelled: Option<Box<CancelFn>>,
    terms: AtomicUsize,
    steps: AtomicU64,
    /// The first reason the query was stopped, for the caller to report.
    tripped: Mutex<Option<Exceeded>>,
}

/// The budget of one query, shared by its parts (cheap to clone).
#[derive(Clone)]
pub struct Budget(Arc<Inner>);

impl Default for Budget {
    fn default() -> Self {
        Budget::new(Limits::default())
    }
}

impl std::fmt::Debug for Budget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Budget")
            .field("limits", &self.0.limits)
            .finish()
    }
}

/// Steps spent locally before they are added to the shared count (and time is checked).
const FLUSH: u64 = 1 << 14;

impl Budget {
    pub fn new(limits: Limits) -> Budget {
        Budget::build(limits, None)
    }

    /// A budget that also stops as soon as `cancelled()` says so.
    pub fn cancellable(
        limits: Limits,
        cancelled: impl Fn() -> bool + Send + Sync + 'static,
    ) -> Budget {
        Budget::build(limits, Some(Box::new(cancelled)))
    }

    fn build(limits: Limits, cancelled: Option<Box<CancelFn>>) -> Budget {
        Budget(Arc::new(Inner {
            limits,
            started: Instant::now(),
            cancelled,
            terms: AtomicUsize::new(0),
            steps: AtomicU64::new(0),
            tripped: Mutex::new(None),
        }))
    }

    pub fn limits(&self) -> Limits {
        self.0.limits
    }

    fn trip(&self, e: Exceeded) -> Exceeded {
        if let Ok(mut t) = self.0.tripped.lock() {
            t.get_or_insert_with(|| e.clone());
        }
        e
    }

    /// Why the query was stopped, if it was.
    pub fn tripped(&self) -> Option<Exceeded> {
        self.0.tripped.lock().ok().and_then(|t| t.clone())
    }

    /// `error` itself, or the budget's reason when the query was stopped (tantivy wraps what
    /// a scorer returns in its own error type).
    pub fn explain(&self, error: anyhow::Error) -> anyhow::Error {
        match self.tripped() {
            Some(e) => anyhow::Error::new(e),
            None => error,
        }
    }

    /// Counts `n` expanded words of `part`.
    pub fn spend_terms(&self, n: usize, part: &str) -> Result<(), Exceeded> {
        let total = self.0.terms.fetch_add(n, Ordering::Relaxed) + n;
        if total > self.0.limits.max_terms {
            return Err(self.trip(Exceeded::TooBroad {
                part: part.to_string(),
                why: format!(
                    "expands to more than {} words in all",
                    crate::textfmt::thousands(self.0.limits.max_terms as u64)
                ),
            }));
        }
        self.check_time(part)
    }

    /// Counts `n` steps of `part` and checks time and cancellation.
    pub fn spend_steps(&self, n: u64, part: &str) -> Result<(), Exceeded> {
        let total = self.0.steps.fetch_add(n, Ordering::Relaxed) + n;
        if total > self.0.limits.max_steps {
            return Err(self.trip(Exceeded::TooBroad {
                part: part.to_string(),
                why: format!(
                    "needs more than {} position comparisons",
                    crate::textfmt::thousands(self.0.limits.max_steps)
                ),
            }));
        }
        self.check_time(part)
    }

    /// Checks time and cancellation.
    pub fn check_time(&self, part: &str) -> Result<(), Exceeded> {
        if self.0.cancelled.as_ref().is_some_and(|c| c()) {
            return Err(self.trip(Exceeded::Cancelled));
        }
        let limit = self.0.limits.max_time;
        if self.0.started.elapsed() > limit {
            return Err(self.trip(Exceeded::TooBroad {
                part: part.to_string(),
                why: format!("ran longer than {} s", limit.as_secs_f64()),
            }));
        }
        Ok(())
    }

    /// A local counter for one loop, flushed into the budget every few thousand steps.
    pub fn meter<'a>(&'a self, part: &'a str) -> Meter<'a> {
        Meter {
            budget: Some(self),
            part,
            pending: 0,
        }
    }
}

/// Counts steps of one part of a query cheaply.
pub struct Meter<'a> {
    budget: Option<&'a Budget>,
    part: &'a str,
    pending: u64,
}

impl Meter<'_> {
    /// A meter with no budget behind it (tests, one-off matching of a short text).
    pub fn unlimited() -> Meter<'static> {
        Meter {
            budget: None,
            part: "",
            pending: 0,
        }
    }

    #[inline]
    pub fn tick(&mut self, n: u64) -> Result<(), Exceeded> {
        self.pending += n;
        if self.pending >= FLUSH {
            self.flush()?;
        }
        Ok(())
    }

    /// The steps counted and not yet flushed, taken out (to go on counting them in a meter
    /// made later for the same loop: see [`Meter::carrying`]).
    pub fn take_pending(&mut self) -> u64 {
        std::mem::take(&mut self.pending)
    }

    /// This meter, starting from steps a previous meter of the same loop left unflushed.
    pub fn carrying(mut self, pending: u64) -> Self {
        self.pending = pending;
        self
    }

    pub fn flush(&mut self) -> Result<(), Exceeded> {
        let n = std::mem::take(&mut self.pending);
        match self.budget {
            Some(b) => b.spend_steps(n, self.part),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_over_the_limit_name_the_part() {
        let b = Budget::new(Limits {
            max_steps: 100_000,
            ..Limits::default()
        });
        let mut m = b.meter("t* w/999 t*");
        let err = (0..1_000_000).try_for_each(|_| m.tick(1)).unwrap_err();
        assert!(err.to_string().contains("`t* w/999 t*`"), "{err}");
        assert_eq!(b.tripped(), Some(err));
    }

    #[test]
    fn a_cancelled_budget_stops_at_the_next_flush() {
        let flag = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let f = flag.clone();
        let b = Budget::cancellable(Limits::default(), move || f.load(Ordering::Relaxed));
        let mut m = b.meter("x");
        assert!(m.tick(FLUSH).is_ok());
        flag.store(true, Ordering::Relaxed);
        assert_eq!(m.tick(FLUSH), Err(Exceeded::Cancelled));
    }

    #[test]
    fn terms_add_up_across_patterns() {
        let b = Budget::new(Limits {
            max_terms: 10,
            ..Limits::default()
        });
        assert!(b.spend_terms(6, "a*").is_ok());
        let e = b.spend_terms(6, "b*").unwrap_err();
        assert!(e.to_string().contains("`b*`"), "{e}");
    }
}
