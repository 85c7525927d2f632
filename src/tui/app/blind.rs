//! Blind review of a sample (`verbatim review --sample NAME`): the members in the sample's
//! random order, one after another, with the detector's findings (scores, labels, marks,
//! matched articles), other reviewers' tags and the note withheld until this reviewer has made
//! a call on the conversation, as validation protocols require. The result list, searches,
//! bulk coding and exports are not offered while the review is blind.

use super::{App, Effect, Screen, Tone};
use crate::tui::keymap::Cmd;

/// The sample being reviewed blind.
#[derive(Debug, Clone)]
pub struct Blind {
    pub name: String,
    /// Member ids in review order.
    pub members: Vec<String>,
    /// The member open now.
    pub at: usize,
}

impl App {
    /// Whether this reviewer has coded `id` (holds any tag on it).
    pub fn coded_by_me(&self, id: &str) -> bool {
        self.journal
            .state()
            .get(id)
            .is_some_and(|c| c.tag_by.values().any(|w| w.contains(&self.reviewer)))
    }

    /// Whether the findings and others' coding of `id` are withheld from this reviewer now.
    pub fn blind_hides(&self, id: &str) -> bool {
        self.blind.is_some() && !self.coded_by_me(id)
    }

    /// Starts the blind review of `name`: opens the first member this reviewer has not coded.
    pub fn start_blind(&mut self, name: &str, members: Vec<String>) -> Vec<Effect> {
        let first = members
            .iter()
            .position(|id| !self.coded_by_me(id))
            .unwrap_or(0);
        self.blind = Some(Blind {
            name: name.to_string(),
            members,
            at: first,
        });
        self.open_member(first)
    }

    fn open_member(&mut self, i: usize) -> Vec<Effect> {
        let Some(b) = self.blind.as_mut() else {
            return Vec::new();
        };
        let Some(id) = b.members.get(i).cloned() else {
            self.say("the sample has no members", Tone::Error);
            return Vec::new();
        };
        b.at = i;
        self.say_where();
        self.open(id, Screen::Transcript)
    }

    /// The status line's account of the blind review.
    pub(super) fn say_where(&mut self) {
        let Some(b) = &self.blind else { return };
        let coded = b.members.iter().filter(|id| self.coded_by_me(id)).count();
        let text = format!(
            "blind review of sample {}: member {} of {} · {} coded by you",
            b.name,
            b.at + 1,
            b.members.len(),
            coded
        );
        self.say(text, Tone::Info);
    }

    /// `]`/`[` in the sample's order.
    pub(super) fn blind_step(&mut self, delta: isize) -> Vec<Effect> {
        let Some(b) = &self.blind else {
            return Vec::new();
        };
        let next = b.at as isize + delta;
        if next < 0 || next as usize >= b.members.len() {
            let end = if delta > 0 { "last" } else { "first" };
            self.say(format!("the {end} member of sample {}", b.name), Tone::Info);
            return Vec::new();
        }
        self.open_member(next as usize)
    }

    /// `r`: the next member this reviewer has not coded, after the current one (then from
    /// the start).
    pub(super) fn blind_next_uncoded(&mut self) -> Vec<Effect> {
        let Some(b) = &self.blind else {
            return Vec::new();
        };
        let n = b.members.len();
        let found = (1..=n)
            .map(|k| (b.at + k) % n)
            .find(|&i| !self.coded_by_me(&b.members[i]));
        match found {
            Some(i) => self.open_member(i),
            None => {
                let name = b.name.clone();
                self.say(
                    format!(
                        "every member of sample {name} is coded by you: verbatim estimate {name} --positive TAG"
                    ),
                    Tone::Saved,
                );
                Vec::new()
            }
        }
    }

    /// Commands a blind review does not offer (they would show the list, findings or others'
    /// coding); `true` when `cmd` was refused.
    pub(super) fn blind_refuses(&mut self, cmd: Cmd) -> bool {
        if self.blind.is_none() {
            return false;
        }
        let hidden_now = self
            .reading
            .as_ref()
            .is_some_and(|rd| self.blind_hides(&rd.id));
        let why = match cmd {
            Cmd::Search | Cmd::Sort | Cmd::BulkTag | Cmd::Export | Cmd::Progress => {
                "not during a blind review (q quits it)"
            }
            Cmd::Back | Cmd::Close if self.screen == Screen::Transcript => {
                "blind review: ]/[ move through the sample, r to the next you have not coded, q quits"
            }
            Cmd::Compare if hidden_now => "the findings are shown once you have made your call",
            _ => return false,
        };
        self.say(why, Tone::Info);
        true
    }

    /// After this reviewer's call on the open conversation, what was withheld is shown.
    pub(super) fn reveal_if_coded(&mut self) {
        let Some(rd) = self.reading.as_ref() else {
            return;
        };
        if self.blind.is_none() || !self.coded_by_me(&rd.id) {
            return;
        }
        if let Some(rd) = self.reading.as_mut() {
            rd.reveal();
        }
    }
}
