//! The result list: the total, pages of rows fetched on demand around the selection (so any
//! number of hits can be scrolled), and pages far from the selection dropped to keep memory
//! flat.

use std::collections::{HashMap, HashSet};

use super::worker::Row;
use crate::search::SortBy;

pub const PAGE: usize = 100;
/// Pages kept on either side of the selection's page.
const KEEP: usize = 3;

#[derive(Debug, Clone)]
pub struct Results {
    pub generation: u64,
    pub query: String,
    pub sort: SortBy,
    pub total: Option<u64>,
    pub millis: f64,
    pages: HashMap<usize, Vec<Row>>,
    requested: HashSet<usize>,
    pub selected: usize,
    /// First row shown.
    pub top: usize,
    pub error: Option<(String, Option<usize>)>,
}

impl Results {
    pub fn new(generation: u64, query: &str, sort: SortBy) -> Results {
        Results {
            generation,
            query: query.to_string(),
            sort,
            total: None,
            millis: 0.0,
            pages: HashMap::new(),
            requested: HashSet::new(),
            selected: 0,
            top: 0,
            error: None,
        }
    }

    pub fn len(&self) -> usize {
        self.total.unwrap_or(0) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn pending(&self) -> bool {
        self.total.is_none() && self.error.is_none()
    }

    pub fn row(&self, i: usize) -> Option<&Row> {
        self.pages.get(&(i / PAGE)).and_then(|p| p.get(i % PAGE))
    }

    pub fn selected_row(&self) -> Option<&Row> {
        self.row(self.selected)
    }

    /// Stores a page; drops pages far from the selection.
    pub fn put(&mut self, offset: usize, total: u64, rows: Vec<Row>, millis: f64) {
        self.total = Some(total);
        self.error = None;
        if offset == 0 {
            self.millis = millis;
        }
        self.pages.insert(offset / PAGE, rows);
        let here = self.selected / PAGE;
        self.pages.retain(|p, _| p.abs_diff(here) <= KEEP);
        self.requested.retain(|p| p.abs_diff(here) <= KEEP);
        self.selected = self.selected.min(self.len().saturating_sub(1));
    }

    /// The offsets of pages the selection (and the rows on screen) needs but nobody asked for
    /// yet; marks them asked.
    pub fn wanted(&mut self, visible: usize) -> Vec<usize> {
        if self.total.is_none() {
            return Vec::new();
        }
        let last = (self.top + visible.max(1))
            .min(self.len())
            .max(self.selected + 1);
        let mut out = Vec::new();
        for p in (self.top.min(self.selected) / PAGE)..=(last.saturating_sub(1) / PAGE) {
            if p * PAGE < self.len() && !self.pages.contains_key(&p) && self.requested.insert(p) {
                out.push(p * PAGE);
            }
        }
        out
    }

    /// Moves the selection by `delta` rows and keeps it on screen (`visible` rows).
    pub fn move_by(&mut self, delta: isize, visible: usize) {
        if self.is_empty() {
            return;
        }
        let max = self.len() - 1;
        let s = (self.selected as isize + delta).clamp(0, max as isize) as usize;
        self.select(s, visible);
    }

    pub fn select(&mut self, i: usize, visible: usize) {
        self.selected = i.min(self.len().saturating_sub(1));
        let visible = visible.max(1);
        if self.selected < self.top {
            self.top = self.selected;
        } else if self.selected >= self.top + visible {
            self.top = self.selected + 1 - visible;
        }
    }

    /// Rows currently held (for memory accounting in benchmarks).
    pub fn rows_held(&self) -> usize {
        self.pages.values().map(Vec::len).sum()
    }

    /// Forgets the pages (the rows' tags or order may have changed) but keeps the position.
    pub fn invalidate(&mut self) {
        self.pages.clear();
        self.requested.clear();
    }

    /// Lets pages that were asked for but never arrived be asked for again.
    pub fn forget_requests(&mut self) {
        let held: HashSet<usize> = self.pages.keys().copied().collect();
        self.requested.retain(|p| held.contains(p));
    }
}
