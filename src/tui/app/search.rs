//! The search screen: the query bar's keys, running and cancelling a search, the pages the
//! result list needs, and moving in the list.

use crossterm::event::KeyEvent;

use super::query_bar::QueryOutcome;
use super::{App, Effect, Focus, Screen, Tone};
use crate::query;
use crate::search::SortBy;
use crate::tui::keymap::Cmd;
use crate::tui::results::{PAGE, Results};
use crate::tui::worker::Request;

/// The matter's saved searches as query options take them (read afresh: a colleague may
/// have saved one since the interface opened).
pub fn saved_queries(
    matter_dir: &std::path::Path,
) -> std::collections::BTreeMap<String, (String, crate::query::Dialect)> {
    crate::review::saved::load(matter_dir)
        .map(|f| {
            f.searches
                .into_iter()
                .map(|(k, v)| (k, (v.query, v.syntax)))
                .collect()
        })
        .unwrap_or_default()
}

impl App {
    /// The picker of saved searches and lists (`'`): Enter runs the one selected.
    pub(super) fn open_saved(&mut self) {
        let saved = saved_queries(&self.matter_dir);
        self.query_options.saved = saved.clone();
        self.query.options.saved = saved.clone();
        let mut items: Vec<(String, String)> = saved
            .iter()
            .map(|(name, (q, d))| {
                let syntax = if *d == crate::query::Dialect::Dtsearch {
                    String::new()
                } else {
                    format!(" [{}]", d.name())
                };
                (format!("@{name}  {q}{syntax}"), format!("@{name}"))
            })
            .collect();
        for name in crate::review::saved::list_names(&self.matter_dir).unwrap_or_default() {
            let size = crate::review::saved::load_list(&self.matter_dir, &name)
                .map(|l| {
                    format!(
                        "{} conversations",
                        crate::textfmt::thousands(l.ids.len() as u64)
                    )
                })
                .unwrap_or_else(|e| format!("unreadable: {e:#}"));
            items.push((format!("list:{name}  ({size})"), format!("list:{name}")));
        }
        if items.is_empty() {
            self.say(
                "no saved searches or lists (verbatim saved add NAME QUERY; verbatim list add NAME --query Q)",
                Tone::Info,
            );
            return;
        }
        self.overlay = Some(super::Overlay::Saved { items, selected: 0 });
    }

    pub(super) fn query_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        match self.query.key(&k) {
            QueryOutcome::Stay => Vec::new(),
            QueryOutcome::Run => {
                self.focus = Focus::List;
                self.run_query()
            }
            QueryOutcome::Leave { esc } => {
                self.focus = Focus::List;
                if esc && self.results.pending() {
                    return self.cancel_search();
                }
                Vec::new()
            }
        }
    }

    /// Runs the query in the bar (kept in the history).
    pub(super) fn run_query(&mut self) -> Vec<Effect> {
        let text = match self.query.submit() {
            Ok(text) => text,
            Err((msg, col)) => {
                self.say(format!("query: {msg} (column {col})"), Tone::Error);
                self.focus = Focus::Query;
                return Vec::new();
            }
        };
        // An error about an earlier query must not stay under this one.
        if matches!(self.status, Some((_, Tone::Error))) {
            self.status = None;
        }
        if let Ok(node) = query::parse_with(&text, &self.query_options)
            && let Some(w) = query::warnings(&node, &self.palette, self.journal.state()).first()
        {
            self.say(format!("warning: {w}"), Tone::Info);
        }
        let sort = self.results.sort;
        self.search(&text, sort)
    }

    /// Stops the running search: the worker gives up at its next budget check.
    pub(super) fn cancel_search(&mut self) -> Vec<Effect> {
        self.results.cancelled = true;
        self.results.error = Some(("search cancelled".to_string(), None));
        self.say("search cancelled", Tone::Info);
        vec![Effect::CancelSearch(self.results.generation)]
    }

    pub(super) fn search(&mut self, text: &str, sort: SortBy) -> Vec<Effect> {
        let g = self.generation();
        let fold = self.results.fold;
        self.results = Results::new(g, text, sort);
        self.results.fold = fold;
        vec![Effect::Request(Request::Search {
            generation: g,
            query: text.to_string(),
            sort,
            offset: 0,
            limit: PAGE,
            fold,
        })]
    }

    /// Page requests for rows the list needs now.
    pub fn page_effects(&mut self) -> Vec<Effect> {
        let g = self.results.generation;
        let q = self.results.query.clone();
        let sort = self.results.sort;
        let fold = self.results.fold;
        self.results
            .wanted(self.list_height)
            .into_iter()
            .map(|offset| {
                Effect::Request(Request::Search {
                    generation: g,
                    query: q.clone(),
                    sort,
                    offset,
                    limit: PAGE,
                    fold,
                })
            })
            .collect()
    }

    pub(super) fn list_command(&mut self, cmd: Cmd) -> Vec<Effect> {
        let h = self.list_height.max(1);
        match cmd {
            Cmd::Up => self.results.move_by(-1, h),
            Cmd::Down => self.results.move_by(1, h),
            Cmd::PageUp => self.results.move_by(-(h as isize), h),
            Cmd::PageDown => self.results.move_by(h as isize, h),
            Cmd::Top => self.results.select(0, h),
            Cmd::Bottom => self.results.select(self.results.len().saturating_sub(1), h),
            Cmd::Open => return self.open_selected(Screen::Transcript),
            Cmd::Compare => return self.open_selected(Screen::Compare),
            Cmd::NextPane => self.focus = Focus::Query,
            Cmd::NextUnreviewed => return self.next_unreviewed(false),
            _ => {}
        }
        self.page_effects()
    }
}
