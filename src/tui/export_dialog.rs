//! The export dialog: what to export (the current query or a tag), the format, where, Bates
//! prefix for a production, redaction; then progress and the result.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent};

use super::textarea::LineInput;
use crate::export::{BatesOptions, ExportRequest, Format, Selection, Summary};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Selection,
    Format,
    Destination,
    Bates,
    Redact,
}

const FIELDS: [Field; 5] = [
    Field::Selection,
    Field::Format,
    Field::Destination,
    Field::Bates,
    Field::Redact,
];

#[derive(Debug, Clone)]
pub struct ExportDialog {
    pub query: String,
    pub tags: Vec<String>,
    /// 0: the current query; 1..: tag i-1.
    pub selection: usize,
    pub format: Format,
    pub destination: LineInput,
    pub bates: LineInput,
    pub redact: bool,
    pub field: Field,
    pub progress: Option<(u64, u64)>,
    pub result: Option<Result<Summary, String>>,
    pub error: Option<String>,
}

/// What a key in the dialog asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Stay,
    Close,
    Start,
    Cancel,
}

fn default_destination(format: Format) -> String {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let base = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    base.join(format!("verbatim-export-{}-{stamp}", format.name()))
        .display()
        .to_string()
}

impl ExportDialog {
    pub fn new(query: &str, tags: Vec<String>) -> ExportDialog {
        ExportDialog {
            query: query.to_string(),
            tags,
            selection: 0,
            format: Format::Jsonl,
            destination: LineInput::new(&default_destination(Format::Jsonl)),
            bates: LineInput::new("PROD-"),
            redact: false,
            field: Field::Selection,
            progress: None,
            result: None,
            error: None,
        }
    }

    pub fn selection_label(&self) -> String {
        match self.selection {
            0 if self.query.trim().is_empty() => "every conversation (empty query)".into(),
            0 => format!("results of: {}", self.query),
            i => format!(
                "tagged {}",
                self.tags.get(i - 1).map(String::as_str).unwrap_or("?")
            ),
        }
    }

    fn visible(&self, f: Field) -> bool {
        f != Field::Bates || self.format.numbered()
    }

    fn step(&mut self, forward: bool) {
        let i = FIELDS.iter().position(|f| *f == self.field).unwrap_or(0);
        let n = FIELDS.len();
        let mut j = i;
        loop {
            j = if forward {
                (j + 1) % n
            } else {
                (j + n - 1) % n
            };
            if self.visible(FIELDS[j]) || j == i {
                break;
            }
        }
        self.field = FIELDS[j];
    }

    fn change(&mut self, forward: bool) {
        match self.field {
            Field::Selection => {
                let n = self.tags.len() + 1;
                self.selection = if forward {
                    (self.selection + 1) % n
                } else {
                    (self.selection + n - 1) % n
                };
            }
            Field::Format => {
                let all = Format::ALL;
                let i = all.iter().position(|f| *f == self.format).unwrap_or(0);
                let n = all.len();
                let old = self.format;
                self.format = all[if forward {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                }];
                // Keep a default destination in step with the format.
                let old_default = format!("verbatim-export-{}-", old.name());
                if self.destination.text.contains(&old_default) {
                    let t = self.destination.text.replace(
                        &old_default,
                        &format!("verbatim-export-{}-", self.format.name()),
                    );
                    self.destination.set(&t);
                }
            }
            Field::Redact => self.redact = !self.redact,
            _ => {}
        }
    }

    pub fn key(&mut self, k: &KeyEvent, running: bool) -> Outcome {
        if running {
            return match k.code {
                KeyCode::Esc => Outcome::Cancel,
                _ => Outcome::Stay,
            };
        }
        if self.result.is_some() {
            return Outcome::Close;
        }
        self.error = None;
        match k.code {
            KeyCode::Esc => Outcome::Close,
            KeyCode::Enter => Outcome::Start,
            KeyCode::Up | KeyCode::BackTab => {
                self.step(false);
                Outcome::Stay
            }
            KeyCode::Down | KeyCode::Tab => {
                self.step(true);
                Outcome::Stay
            }
            _ => {
                match self.field {
                    Field::Destination => {
                        self.destination.key(k);
                    }
                    Field::Bates => {
                        self.bates.key(k);
                    }
                    _ => match k.code {
                        KeyCode::Left => self.change(false),
                        KeyCode::Right | KeyCode::Char(' ') => self.change(true),
                        _ => {}
                    },
                }
                Outcome::Stay
            }
        }
    }

    pub fn request(&self, reviewer: &str) -> Result<ExportRequest, String> {
        let dest = self.destination.text.trim();
        if dest.is_empty() {
            return Err("give a destination directory".into());
        }
        let selection = match self.selection {
            0 => Selection {
                tags: Vec::new(),
                query: Some(if self.query.trim().is_empty() {
                    "*".into()
                } else {
                    self.query.clone()
                }),
            },
            i => Selection {
                tags: vec![self.tags.get(i - 1).cloned().unwrap_or_default()],
                query: None,
            },
        };
        let bates = self
            .format
            .numbered()
            .then(|| BatesOptions::new(self.bates.text.trim()));
        Ok(ExportRequest {
            selection,
            format: self.format,
            contents: None,
            out: PathBuf::from(dest),
            bates,
            redact: self.redact,
            force: false,
            reviewer: reviewer.to_string(),
            designation: None,
            recipient: None,
            reproduce: false,
            pdf: false,
        })
    }

    pub fn finished(&mut self, result: Result<Summary, String>) {
        self.result = Some(result);
    }
}
