//! Moving through the review queue: next and previous conversation, the next unreviewed one,
//! and a move asked for while the list is being refetched after coding (held until the rows
//! say where the reviewer is, so no conversation is skipped).

use super::{App, Effect, Overlay, Screen, Tone};
use crate::tui::textarea::TextArea;
use crate::tui::worker::Request;

/// "Next" or "next unreviewed" (opening it or not), held until refetched rows arrive.
#[derive(Debug, Clone, Copy)]
pub(super) enum PendingMove {
    Step(isize),
    Unreviewed(bool),
}

impl App {
    /// Before leaving a conversation that holds a tag requiring a note it lacks, the note
    /// editor opens, once: asked and declined, the next move goes ahead.
    fn ask_for_required_note(&mut self) -> bool {
        if self.screen == Screen::Search {
            return false;
        }
        let Some(id) = self.reading.as_ref().map(|r| r.id.clone()) else {
            return false;
        };
        let missing = self
            .palette
            .missing_note(self.journal.state().get(&id).as_ref());
        if missing.is_empty() || self.note_asked.as_deref() == Some(id.as_str()) {
            return false;
        }
        self.note_asked = Some(id.clone());
        self.say(
            format!(
                "{} requires a note: write it (Ctrl-S saves), or Esc and move on again without",
                missing.join(", ")
            ),
            Tone::Info,
        );
        self.overlay = Some(Overlay::Note {
            id,
            area: TextArea::new(""),
            discard_armed: false,
        });
        true
    }

    pub(super) fn step_conversation(&mut self, delta: isize) -> Vec<Effect> {
        if self.ask_for_required_note() {
            return Vec::new();
        }
        if self.blind.is_some() {
            return self.blind_step(delta);
        }
        if self.results.anchor_pending() {
            // The list is being refetched after coding: move once it says where we are.
            self.pending_move = Some(PendingMove::Step(delta));
            self.say("loading the results…", Tone::Info);
            return self.page_effects();
        }
        if self.results.past_end() {
            if delta > 0 {
                // Still past the end: a later `[` goes to the row before the coded one.
                self.say(
                    "that was the last conversation of the results: nothing followed it",
                    Tone::Info,
                );
                return self.page_effects();
            }
            // The list now ends with the row that preceded it: that is "previous".
            self.results.take_past_end();
            return self.open_or_wait();
        }
        if delta > 0 && self.results.take_on_follower() {
            // The conversation just coded left the list; the selection is already the next.
            return self.open_or_wait();
        }
        let before = self.results.selected;
        self.results.move_by(delta, self.list_height.max(1));
        if self.results.selected == before {
            self.say(
                if delta > 0 {
                    "last conversation of the results"
                } else {
                    "first conversation of the results"
                },
                Tone::Info,
            );
            return Vec::new();
        }
        let mut fx = self.page_effects();
        if self.results.selected_row().is_some() {
            let screen = self.screen;
            fx.extend(self.open_selected(screen));
        } else {
            self.say("loading the next page of results…", Tone::Info);
        }
        fx
    }

    /// Selects (and while reading, opens) the next conversation without tags among the rows
    /// fetched so far.
    pub(super) fn next_unreviewed(&mut self, open: bool) -> Vec<Effect> {
        if open && self.ask_for_required_note() {
            return Vec::new();
        }
        if self.blind.is_some() {
            return self.blind_next_uncoded();
        }
        if self.results.anchor_pending() {
            self.pending_move = Some(PendingMove::Unreviewed(open));
            self.say("loading the results…", Tone::Info);
            return self.page_effects();
        }
        // After the coded conversation left the list, the selection is the row after it (or
        // the list ended with it).
        let start = if self.results.take_past_end() {
            self.results.len()
        } else if self.results.take_on_follower() {
            self.results.selected
        } else {
            self.results.selected + 1
        };
        let st = self.journal.state();
        let fetched_to = (start..self.results.len())
            .find(|&i| self.results.row(i).is_none())
            .unwrap_or(self.results.len());
        let found = (start..fetched_to).find(|&i| {
            self.results
                .row(i)
                .is_some_and(|r| !st.get(&r.id).is_some_and(|c| c.reviewed()))
        });
        if found.is_none() && fetched_to < self.results.len() {
            // Beyond the fetched rows: the worker looks, page by page.
            self.say("looking for the next unreviewed conversation…", Tone::Info);
            return vec![Effect::Request(Request::FindUnreviewed {
                generation: self.results.generation,
                query: self.results.query.clone(),
                sort: self.results.sort,
                from: fetched_to,
                open,
                fold: self.results.fold,
            })];
        }
        self.jump_to_unreviewed(found, open)
    }

    /// Opens the selected row, or once its page arrives.
    fn open_or_wait(&mut self) -> Vec<Effect> {
        let mut fx = self.page_effects();
        if self.results.selected_row().is_some() {
            let screen = self.screen;
            fx.extend(self.open_selected(screen));
        } else {
            self.open_when_fetched = Some(self.results.selected);
            self.say("loading the next page of results…", Tone::Info);
        }
        fx
    }

    pub(super) fn jump_to_unreviewed(&mut self, found: Option<usize>, open: bool) -> Vec<Effect> {
        match found {
            Some(i) => {
                self.results.select(i, self.list_height.max(1));
                let mut fx = self.page_effects();
                if open {
                    if self.results.row(i).is_some() {
                        let screen = self.screen;
                        fx.extend(self.open_selected(screen));
                    } else {
                        self.open_when_fetched = Some(i);
                    }
                }
                fx
            }
            None => {
                self.say(
                    "no unreviewed conversation below this one in the results",
                    Tone::Info,
                );
                self.page_effects()
            }
        }
    }
}
