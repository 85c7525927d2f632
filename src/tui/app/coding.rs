//! Coding from the interface: tags (an exclusive group's call replaces its rivals in one
//! event), notes, designations, undo and repeat. Every change goes straight to the journal
//! (fsynced) and then to the audit trail.

use serde_json::json;

use super::{App, Effect, LastCoding, Screen, Tone};
use crate::query;
use crate::review::{Action as Coding, Draft, Event};

impl App {
    /// Appends coding events; reports them saved (they are fsynced when this returns) and
    /// writes them to the audit trail.
    pub(super) fn code(&mut self, drafts: Vec<Draft>) -> Option<Vec<Event>> {
        let reviewer = self.reviewer.clone();
        match self.journal.append(&reviewer, move |_| Ok(drafts)) {
            Ok(events) => {
                if self.results_follow_review() {
                    // The set itself changed (e.g. reviewed:no): fetch the rows again, keeping
                    // the reviewer's place by id, not by row number.
                    let current = self.current_id();
                    self.results.invalidate_after_coding(current);
                }
                for e in &events {
                    let mut data = crate::audit::reconcile::coding_data(e, false);
                    data["via"] = json!("review");
                    if let Err(err) =
                        crate::audit::append(&self.matter_dir, &reviewer, e.action.as_str(), data)
                    {
                        // Saved in the journal; the next open reconciles the trail.
                        self.say(format!("saved, but not audited yet: {err:#}"), Tone::Error);
                    }
                }
                Some(events)
            }
            Err(e) => {
                self.say(format!("not saved: {e:#}"), Tone::Error);
                None
            }
        }
    }

    /// Whether the current results depend on coding (tag:, reviewed:, reviewer:, note:).
    fn results_follow_review(&self) -> bool {
        fn reads_review(n: &query::Node) -> bool {
            use query::{Filter, Node};
            match n {
                Node::And(xs) | Node::Or(xs) => xs.iter().any(reads_review),
                Node::Not(x) => reads_review(x),
                Node::Near { left, right, .. } => reads_review(left) || reads_review(right),
                Node::Filter(
                    Filter::Tag(_)
                    | Filter::Reviewed(_)
                    | Filter::Reviewer(_)
                    | Filter::NoteWord(_)
                    | Filter::Designation(_),
                ) => true,
                _ => false,
            }
        }
        query::parse_with(&self.results.query, &self.query_options).is_ok_and(|n| reads_review(&n))
    }

    pub(super) fn toggle_tag(&mut self, n: u8) -> Vec<Effect> {
        let Some(tag) = self.palette.by_key(n).map(|t| t.name.clone()) else {
            self.say(format!("no tag on key {n} (see config.toml)"), Tone::Info);
            return Vec::new();
        };
        let Some(id) = self.current_id() else {
            return Vec::new();
        };
        // Blind, a tag another reviewer holds is not shown, so the key adds this reviewer's.
        let add = if self.blind.is_some() {
            !self
                .journal
                .state()
                .view(&id)
                .is_some_and(|c| c.holds(&tag, &self.reviewer))
        } else {
            !self.journal.state().has_tag(&id, &tag)
        };
        let saved = self.apply_tag(&id, &tag, add);
        // A principal's call may go to its group: asked, never assumed.
        if saved && add && self.offer_group(&id, &tag) {
            return Vec::new();
        }
        let call = saved && add && self.palette.group_of(&tag).is_some();
        if call && self.auto_advance && self.screen != Screen::Search {
            return self.step_conversation(1);
        }
        Vec::new()
    }

    /// Applies or removes a tag; whether it was saved.
    fn apply_tag(&mut self, id: &str, tag: &str, add: bool) -> bool {
        let action = if add { Coding::Tag } else { Coding::Untag };
        // A call replaces the rest of its exclusive group, in the same event.
        let replaced: Vec<String> = if add {
            self.palette
                .rivals(tag)
                .into_iter()
                .filter(|r| self.journal.state().has_tag(id, r))
                .collect()
        } else {
            Vec::new()
        };
        if let Some(ev) = self.code(vec![Draft {
            conversations: vec![id.to_string()],
            action,
            value: json!(tag),
            replaces: if add {
                self.palette.rivals(tag)
            } else {
                Vec::new()
            },
            via: None,
        }]) {
            let seq = ev.last().map(|e| e.seq).unwrap_or(0);
            let sign = if add { "+" } else { "-" };
            let also = if replaced.is_empty() {
                String::new()
            } else {
                format!(" (replaces {})", replaced.join(", "))
            };
            self.say(
                format!("saved #{seq}: {sign}{tag} on {id}{also}"),
                Tone::Saved,
            );
            self.last_coding = Some(LastCoding::Tag {
                tag: tag.to_string(),
                add,
            });
            self.reveal_if_coded();
            return true;
        }
        false
    }

    /// Steps the conversation's own designation through the matter's list, then back to none
    /// (the matter's default applies again). One journal event each, undoable.
    pub(super) fn next_designation(&mut self) {
        let Some(id) = self.current_id() else {
            return;
        };
        let own = self
            .journal
            .state()
            .get(&id)
            .and_then(|c| c.designation.clone());
        let next = match own.and_then(|d| self.designations.iter().position(|x| *x == d)) {
            Some(i) => self.designations.get(i + 1).cloned(),
            None => self.designations.first().cloned(),
        };
        if let Some(ev) = self.code(vec![Draft {
            conversations: vec![id.clone()],
            action: Coding::Designate,
            value: json!(next.clone().unwrap_or_default()),
            replaces: Vec::new(),
            via: None,
        }]) {
            let seq = ev.last().map(|e| e.seq).unwrap_or(0);
            let what = next.unwrap_or_else(|| "none of its own (the matter's applies)".into());
            self.say(
                format!("saved #{seq}: designation {what} on {id}"),
                Tone::Saved,
            );
        }
    }

    pub(super) fn save_note(&mut self, id: &str, text: &str) {
        let old = self.journal.state().note(id).unwrap_or("").to_string();
        if old == text {
            self.say("note unchanged", Tone::Info);
            return;
        }
        if let Some(ev) = self.code(vec![Draft {
            conversations: vec![id.to_string()],
            action: Coding::Note,
            value: json!(text),
            replaces: Vec::new(),
            via: None,
        }]) {
            let seq = ev.last().map(|e| e.seq).unwrap_or(0);
            self.say(format!("saved #{seq}: note on {id}"), Tone::Saved);
            self.last_coding = Some(LastCoding::Note(text.to_string()));
        }
    }

    pub(super) fn undo(&mut self) {
        let target = self.journal.state().last_undoable(&self.reviewer);
        let Some(target) = target else {
            self.say(format!("{} has nothing to undo", self.reviewer), Tone::Info);
            return;
        };
        if let Some(ev) = self.code(vec![Draft {
            conversations: target.targets().map(String::from).collect(),
            action: Coding::Undo,
            value: json!(target.seq),
            replaces: Vec::new(),
            via: None,
        }]) {
            let seq = ev.last().map(|e| e.seq).unwrap_or(0);
            let what = match target.action {
                Coding::Tag | Coding::Untag => format!(
                    "{} {}",
                    target.action.as_str(),
                    target.value.as_str().unwrap_or("")
                ),
                other => other.as_str().to_string(),
            };
            let targets: Vec<&str> = target.targets().collect();
            let what = match targets.as_slice() {
                [one] => format!("{what} on {}", crate::textfmt::visible(one)),
                many => format!("{what} on {} conversations", many.len()),
            };
            let left = self.journal.state().conflicts(seq);
            match left.first() {
                None => self.say(
                    format!("saved #{seq}: undid #{} ({what})", target.seq),
                    Tone::Saved,
                ),
                Some(first) => {
                    let more = match left.len() {
                        1 => String::new(),
                        n => format!(" (and {} more)", n - 1),
                    };
                    self.say(
                        format!(
                            "saved #{seq}: undid #{} ({what}); {first}{more}",
                            target.seq
                        ),
                        Tone::Error,
                    )
                }
            }
        }
    }

    pub(super) fn repeat(&mut self) {
        let Some(id) = self.current_id() else {
            return;
        };
        match self.last_coding.clone() {
            None => self.say("nothing to repeat yet", Tone::Info),
            Some(LastCoding::Tag { tag, add }) => {
                if self.journal.state().has_tag(&id, &tag) == add {
                    let state = if add { "already has" } else { "does not have" };
                    self.say(format!("{id} {state} {tag}"), Tone::Info);
                } else {
                    self.apply_tag(&id, &tag, add);
                }
            }
            Some(LastCoding::Note(text)) => self.save_note(&id, &text),
        }
    }
}
