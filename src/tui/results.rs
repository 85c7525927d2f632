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
    /// Set when the rows are refetched after coding: the conversation being read and the ids
    /// that followed it on screen, so that "next" still means the row that followed it.
    anchor: Option<Anchor>,
    /// The conversation being read left the list on refetch and the selection now rests on
    /// the row that followed it: "next" is the selected row itself.
    on_follower: bool,
    past_end: bool,
    /// The search was cancelled (Esc): its failure is expected, and not retried.
    pub cancelled: bool,
    /// One row per near-duplicate group (`z`).
    pub fold: bool,
}

#[derive(Debug, Clone)]
struct Anchor {
    current: String,
    following: Vec<String>,
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
            anchor: None,
            on_follower: false,
            past_end: false,
            cancelled: false,
            fold: false,
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
        self.resolve_anchor();
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
        self.on_follower = false;
        self.past_end = false;
        self.anchor = None;
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

    /// Like [`Results::invalidate`], after coding `current`: remembers it and the rows that
    /// followed it, so the refetched list keeps the reviewer's place (see [`Results::put`]).
    pub fn invalidate_after_coding(&mut self, current: Option<String>) {
        if let Some(current) = current {
            let following = (self.selected + 1..self.len())
                .map_while(|i| self.row(i))
                .map(|r| r.id.clone())
                .take(2 * PAGE)
                .collect();
            self.anchor = Some(Anchor { current, following });
        }
        self.on_follower = false;
        self.past_end = false;
        self.invalidate();
    }

    /// Puts the selection back where a reviewer left it: on `id` when the rows hold it, else on
    /// the row at `selected`.
    pub fn restore(&mut self, selected: usize, id: Option<String>) {
        self.selected = selected;
        self.top = selected.saturating_sub(2);
        if let Some(current) = id {
            self.anchor = Some(Anchor {
                current,
                following: Vec::new(),
            });
        }
    }

    /// Whether the refetched rows have yet to say where the reviewer's place is.
    pub fn anchor_pending(&self) -> bool {
        self.anchor.is_some()
    }

    /// True (once) when the selection already rests on the row that followed the
    /// conversation just coded, which has left the list: "next" is then the selection.
    pub fn take_on_follower(&mut self) -> bool {
        std::mem::take(&mut self.on_follower)
    }

    /// True (once) when the conversation just coded was the last of the list and has left it:
    /// no row followed it.
    pub fn take_past_end(&mut self) -> bool {
        std::mem::take(&mut self.past_end)
    }

    pub fn past_end(&self) -> bool {
        self.past_end
    }

    /// Places the selection after a refetch: on the coded conversation if it is still listed,
    /// else on the first row that followed it and still is.
    fn resolve_anchor(&mut self) {
        let Some(a) = &self.anchor else { return };
        let held: HashMap<&str, usize> = self
            .pages
            .iter()
            .flat_map(|(p, rows)| {
                rows.iter()
                    .enumerate()
                    .map(move |(i, r)| (r.id.as_str(), p * PAGE + i))
            })
            .collect();
        if let Some(&i) = held.get(a.current.as_str()) {
            self.selected = i;
            self.anchor = None;
            return;
        }
        if let Some(&i) = a.following.iter().find_map(|id| held.get(id.as_str())) {
            self.selected = i;
            self.on_follower = true;
            self.anchor = None;
            return;
        }
        // Neither is in the pages held so far: when the page at the old place is here, the
        // coded conversation and everything after it on screen are gone; the row now at the
        // old place is the one after them.
        if self.pages.contains_key(&(self.selected / PAGE)) || self.is_empty() {
            // Past the new end of the list, nothing followed it: "next" has nowhere to go.
            self.past_end = self.selected >= self.len();
            self.on_follower = !self.past_end;
            self.anchor = None;
        }
    }

    /// Lets pages that were asked for but never arrived be asked for again.
    pub fn forget_requests(&mut self) {
        let held: HashSet<usize> = self.pages.keys().copied().collect();
        self.requested.retain(|p| held.contains(p));
    }
}
