//! The overlays over any screen (help, details, the note editor, bulk tagging, the export
//! dialog) and their keys: while one is open it takes every key.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;

use super::{App, Effect, LastCoding, Tone};
use crate::review::{Action as Coding, Draft};
use crate::tui::export_dialog::{ExportDialog, Outcome};
use crate::tui::keymap::Cmd;
use crate::tui::textarea::TextArea;
use crate::tui::worker::Request;

#[derive(Debug, Clone)]
pub enum Overlay {
    Help {
        scroll: usize,
    },
    /// Every detail of the conversation being read, scrollable.
    Details {
        scroll: usize,
    },
    Note {
        id: String,
        area: TextArea,
        /// Esc was pressed once on edited text: a second Esc discards it.
        discard_armed: bool,
    },
    /// Waiting for the digit of the tag to apply to every result.
    BulkPick,
    /// Waiting for the matching ids, then for y/n.
    BulkConfirm {
        tag: String,
        count: u64,
        ids: Option<Vec<String>>,
        generation: u64,
    },
    Export(Box<ExportDialog>),
    /// After a principal was coded: code its group too?
    GroupOffer(super::GroupOffer),
    /// The matter's saved searches and lists: (label, query to run), the one selected.
    Saved {
        items: Vec<(String, String)>,
        selected: usize,
    },
}

impl App {
    /// A scrolling overlay's new position for a scroll key; `None`: any other key closes it.
    fn scrolled(&self, k: &KeyEvent, scroll: usize) -> Option<usize> {
        match self.keymap.lookup(k) {
            Some(Cmd::Down) => Some(scroll + 1),
            Some(Cmd::Up) => Some(scroll.saturating_sub(1)),
            Some(Cmd::PageDown) => Some(scroll + 10),
            Some(Cmd::PageUp) => Some(scroll.saturating_sub(10)),
            _ => None,
        }
    }

    pub(super) fn overlay_key(&mut self, o: Overlay, k: KeyEvent) -> Vec<Effect> {
        match o {
            Overlay::Help { scroll } => {
                if let Some(scroll) = self.scrolled(&k, scroll) {
                    self.overlay = Some(Overlay::Help { scroll });
                }
                Vec::new()
            }
            Overlay::Saved { items, selected } => {
                let last = items.len().saturating_sub(1);
                let selected = match (k.code, self.keymap.lookup(&k)) {
                    (KeyCode::Enter, _) => {
                        let Some((_, q)) = items.get(selected).cloned() else {
                            return Vec::new();
                        };
                        self.query.set(&q);
                        return self.search(&q, self.results.sort);
                    }
                    (KeyCode::Esc, _) => return Vec::new(),
                    (_, Some(Cmd::Down)) => (selected + 1).min(last),
                    (_, Some(Cmd::Up)) => selected.saturating_sub(1),
                    (_, Some(Cmd::Top)) => 0,
                    (_, Some(Cmd::Bottom)) => last,
                    _ => selected,
                };
                self.overlay = Some(Overlay::Saved { items, selected });
                Vec::new()
            }
            Overlay::Details { scroll } => {
                if let Some(scroll) = self.scrolled(&k, scroll) {
                    self.overlay = Some(Overlay::Details { scroll });
                }
                Vec::new()
            }
            Overlay::Note {
                id,
                mut area,
                discard_armed,
            } => {
                let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
                let saved = self.journal.state().note(&id).unwrap_or("").to_string();
                let edited = area.text().trim_end() != saved.trim_end();
                match k.code {
                    KeyCode::Char('s') if ctrl => self.save_note(&id, area.text().trim_end()),
                    // Typed text is never thrown away by one key.
                    KeyCode::Esc if edited && !discard_armed => {
                        self.say(
                            "the note is edited: Esc again discards it, Ctrl-S saves",
                            Tone::Info,
                        );
                        self.overlay = Some(Overlay::Note {
                            id,
                            area,
                            discard_armed: true,
                        });
                    }
                    KeyCode::Esc if edited => self.say("edited note discarded", Tone::Info),
                    KeyCode::Esc => self.say("note not changed", Tone::Info),
                    _ => {
                        area.key(&k);
                        self.overlay = Some(Overlay::Note {
                            id,
                            area,
                            discard_armed: false,
                        });
                    }
                }
                Vec::new()
            }
            Overlay::GroupOffer(o) => self.offer_key(o, k),
            Overlay::BulkPick => {
                let digit = match k.code {
                    KeyCode::Char(c) => c.to_digit(10),
                    _ => None,
                };
                let Some(tag) = digit
                    .and_then(|d| self.palette.by_key(d as u8))
                    .map(|t| t.name.clone())
                else {
                    if k.code != KeyCode::Esc {
                        self.say("bulk tag cancelled (press a palette digit)", Tone::Info);
                    }
                    return Vec::new();
                };
                let g = self.generation();
                self.overlay = Some(Overlay::BulkConfirm {
                    tag,
                    count: self.results.len() as u64,
                    ids: None,
                    generation: g,
                });
                vec![Effect::Request(Request::Ids {
                    generation: g,
                    query: self.results.query.clone(),
                })]
            }
            Overlay::BulkConfirm {
                tag,
                count,
                ids,
                generation,
            } => match (k.code, ids) {
                (KeyCode::Char('y') | KeyCode::Char('Y'), Some(ids)) => {
                    let replaces = self.palette.rivals(&tag);
                    if let Some(ev) = self.code(vec![Draft {
                        conversations: ids,
                        action: Coding::Tag,
                        value: json!(tag),
                        replaces,
                        via: None,
                    }]) {
                        let seq = ev.last().map(|e| e.seq).unwrap_or(0);
                        self.say(
                            format!("saved #{seq}: +{tag} on {count} conversations"),
                            Tone::Saved,
                        );
                        self.last_coding = Some(LastCoding::Tag { tag, add: true });
                    }
                    Vec::new()
                }
                (KeyCode::Char('y') | KeyCode::Char('Y'), None) => {
                    // Still counting: keep asking.
                    self.overlay = Some(Overlay::BulkConfirm {
                        tag,
                        count,
                        ids: None,
                        generation,
                    });
                    Vec::new()
                }
                _ => {
                    self.say("bulk tag cancelled; nothing changed", Tone::Info);
                    Vec::new()
                }
            },
            Overlay::Export(mut d) => {
                let running = self.export_running;
                let out = d.key(&k, running);
                match out {
                    Outcome::Stay => {
                        self.overlay = Some(Overlay::Export(d));
                        Vec::new()
                    }
                    Outcome::Close => Vec::new(),
                    Outcome::Cancel => {
                        self.overlay = Some(Overlay::Export(d));
                        vec![Effect::CancelExport]
                    }
                    Outcome::Start => match d.request(&self.reviewer) {
                        Ok(req) => {
                            // Choices not kept only cost the next export some typing.
                            let _ = crate::tui::export_dialog::remember(
                                &self.matter_dir,
                                &self.reviewer,
                                &d.choices(),
                            );
                            self.export_running = true;
                            self.overlay = Some(Overlay::Export(d));
                            vec![Effect::Export(req)]
                        }
                        Err(e) => {
                            d.error = Some(e);
                            self.overlay = Some(Overlay::Export(d));
                            Vec::new()
                        }
                    },
                }
            }
        }
    }
}
