//! The export dialog: what to export (the current query or a tag), the format, where, and for
//! productions the Bates prefix, designation, recipient and re-production; redaction, PDF
//! printing of exhibits and replacing an earlier export (the command line's `--force`, with the
//! same rule: only a directory holding an earlier export's manifest is replaced). Then the
//! progress of each phase and the result. The last choices are kept per matter and reviewer.

use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent};
use serde::{Deserialize, Serialize};

use super::textarea::LineInput;
use crate::export::{BatesOptions, ExportRequest, Format, Selection, Summary};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Selection,
    Format,
    Destination,
    Bates,
    Designation,
    Recipient,
    Redact,
    Pdf,
    Replace,
    Reproduce,
}

/// The fields in the order the dialog shows and steps through them.
pub const FIELDS: [Field; 10] = [
    Field::Selection,
    Field::Format,
    Field::Destination,
    Field::Bates,
    Field::Designation,
    Field::Recipient,
    Field::Redact,
    Field::Pdf,
    Field::Replace,
    Field::Reproduce,
];

/// The choices kept for the next export from this matter by this reviewer. Replacing and
/// re-producing are never kept: each export asks for them again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choices {
    pub format: String,
    /// The directory the last export went into (a new name is made in it).
    pub directory: Option<PathBuf>,
    pub bates_prefix: String,
    pub designation: Option<String>,
    pub recipient: String,
    pub redact: bool,
    pub pdf: bool,
}

#[derive(Debug, Clone)]
pub struct ExportDialog {
    pub query: String,
    /// The dialect the query is written in (the reviewer's).
    pub syntax: crate::query::Dialect,
    pub tags: Vec<String>,
    /// 0: the current query; 1..: tag i-1.
    pub selection: usize,
    pub format: Format,
    pub destination: LineInput,
    pub bates: LineInput,
    /// The matter's allowed designations; `designation` 0 is the matter's default, i ≥ 1 is
    /// `designations[i-1]` for this run.
    pub designations: Vec<String>,
    pub designation: usize,
    pub recipient: LineInput,
    pub redact: bool,
    pub pdf: bool,
    pub replace: bool,
    pub reproduce: bool,
    pub field: Field,
    /// The phase running, and how far it is (`total` 0: unknown).
    pub phase: Option<String>,
    pub progress: Option<(u64, u64)>,
    pub result: Option<Result<Summary, String>>,
    pub error: Option<String>,
    /// Ctrl-C stopped the export: said in the result.
    pub interrupted: bool,
}

/// What a key in the dialog asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Stay,
    Close,
    Start,
    Cancel,
}

fn stamped_name(format: Format) -> String {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    format!("verbatim-export-{}-{stamp}", format.name())
}

fn default_destination(format: Format, directory: Option<&Path>) -> String {
    let base = directory
        .map(Path::to_path_buf)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."));
    base.join(stamped_name(format)).display().to_string()
}

fn choices_path(matter_dir: &Path, reviewer: &str) -> PathBuf {
    let h = crate::hashing::sha256_hex(reviewer.as_bytes());
    matter_dir
        .join("places")
        .join(format!("{}.export.json", &h[..16]))
}

/// The choices this reviewer made last in this matter (none, or unreadable: the defaults).
pub fn recall(matter_dir: &Path, reviewer: &str) -> Option<Choices> {
    let f = crate::fsutil::open_read(&choices_path(matter_dir, reviewer)).ok()??;
    serde_json::from_reader(std::io::BufReader::new(f)).ok()
}

/// Keeps the choices for the next export.
pub fn remember(matter_dir: &Path, reviewer: &str, c: &Choices) -> anyhow::Result<()> {
    let p = choices_path(matter_dir, reviewer);
    if let Some(dir) = p.parent() {
        crate::fsutil::create_matter_subdir(dir)?;
    }
    crate::fsutil::write_atomic(&p, &serde_json::to_vec_pretty(c)?)
}

impl ExportDialog {
    pub fn new(
        query: &str,
        tags: Vec<String>,
        designations: Vec<String>,
        last: Option<Choices>,
    ) -> ExportDialog {
        let last = last.unwrap_or_default();
        let format = Format::ALL
            .iter()
            .copied()
            .find(|f| f.name() == last.format)
            .unwrap_or(Format::Jsonl);
        let designation = last
            .designation
            .as_ref()
            .and_then(|d| designations.iter().position(|x| x == d))
            .map(|i| i + 1)
            .unwrap_or(0);
        let prefix = if last.bates_prefix.is_empty() {
            "PROD-".to_string()
        } else {
            last.bates_prefix.clone()
        };
        ExportDialog {
            query: query.to_string(),
            syntax: Default::default(),
            tags,
            selection: 0,
            format,
            destination: LineInput::new(&default_destination(format, last.directory.as_deref())),
            bates: LineInput::new(&prefix),
            designations,
            designation,
            recipient: LineInput::new(&last.recipient),
            redact: last.redact,
            pdf: last.pdf && format == Format::Exhibit,
            replace: false,
            reproduce: false,
            field: Field::Selection,
            phase: None,
            progress: None,
            result: None,
            error: None,
            interrupted: false,
        }
    }

    /// What to keep for the next export.
    pub fn choices(&self) -> Choices {
        Choices {
            format: self.format.name().to_string(),
            directory: Path::new(self.destination.text.trim())
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map(Path::to_path_buf),
            bates_prefix: self.bates.text.trim().to_string(),
            designation: self.designation_choice(),
            recipient: self.recipient.text.trim().to_string(),
            redact: self.redact,
            pdf: self.pdf,
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

    /// The designation chosen for this run (`None`: the matter's default applies).
    pub fn designation_choice(&self) -> Option<String> {
        match self.designation {
            0 => None,
            i => self.designations.get(i - 1).cloned(),
        }
    }

    pub fn designation_label(&self) -> String {
        match self.designation_choice() {
            None => "the matter's default".into(),
            Some(d) => d,
        }
    }

    /// Whether a field applies to the chosen format.
    pub fn visible(&self, f: Field) -> bool {
        match f {
            Field::Bates | Field::Recipient | Field::Reproduce => self.format.numbered(),
            Field::Pdf => self.format == Format::Exhibit,
            _ => true,
        }
    }

    /// Whether the destination exists (an export there needs "replace").
    pub fn destination_exists(&self) -> bool {
        let d = self.destination.text.trim();
        !d.is_empty() && Path::new(d).exists()
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

    fn cycle(i: usize, n: usize, forward: bool) -> usize {
        if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }
    }

    fn change(&mut self, forward: bool) {
        match self.field {
            Field::Selection => {
                self.selection = Self::cycle(self.selection, self.tags.len() + 1, forward)
            }
            Field::Format => {
                let all = Format::ALL;
                let i = all.iter().position(|f| *f == self.format).unwrap_or(0);
                let old = self.format;
                self.format = all[Self::cycle(i, all.len(), forward)];
                if self.format != Format::Exhibit {
                    self.pdf = false;
                }
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
            Field::Designation => {
                self.designation =
                    Self::cycle(self.designation, self.designations.len() + 1, forward)
            }
            Field::Redact => self.redact = !self.redact,
            Field::Pdf => self.pdf = !self.pdf,
            Field::Replace => self.replace = !self.replace,
            Field::Reproduce => self.reproduce = !self.reproduce,
            Field::Destination | Field::Bates | Field::Recipient => {}
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
                    Field::Recipient => {
                        self.recipient.key(k);
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
        // Said before the export starts, as the command line would say it.
        if self.destination_exists() && !self.replace {
            return Err(format!(
                "{dest} already exists: choose another destination, or turn on \"replace an earlier export\" (only an earlier export is replaced)"
            ));
        }
        let selection = match self.selection {
            0 => Selection {
                tags: Vec::new(),
                query: Some(if self.query.trim().is_empty() {
                    "*".into()
                } else {
                    self.query.clone()
                }),
                syntax: self.syntax,
            },
            i => Selection {
                tags: vec![self.tags.get(i - 1).cloned().unwrap_or_default()],
                query: None,
                syntax: self.syntax,
            },
        };
        let numbered = self.format.numbered();
        let bates = numbered.then(|| BatesOptions::new(self.bates.text.trim()));
        let recipient =
            Some(self.recipient.text.trim().to_string()).filter(|r| numbered && !r.is_empty());
        Ok(ExportRequest {
            selection,
            format: self.format,
            contents: None,
            out: PathBuf::from(dest),
            bates,
            redact: self.redact,
            force: self.replace,
            reviewer: reviewer.to_string(),
            designation: self.designation_choice(),
            recipient,
            reproduce: numbered && self.reproduce,
            pdf: self.pdf && self.format == Format::Exhibit,
        })
    }

    pub fn finished(&mut self, result: Result<Summary, String>) {
        self.phase = None;
        self.result = Some(result);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn press(d: &mut ExportDialog, c: KeyCode) {
        d.key(&KeyEvent::new(c, KeyModifiers::NONE), false);
    }

    fn dialog() -> ExportDialog {
        ExportDialog::new(
            "tag:hot",
            vec!["hot".into()],
            vec!["CONFIDENTIAL".into(), "HIGHLY CONFIDENTIAL".into()],
            None,
        )
    }

    #[test]
    fn production_fields_show_only_for_numbered_formats() {
        let mut d = dialog();
        assert!(!d.visible(Field::Bates) && !d.visible(Field::Recipient));
        d.field = Field::Format;
        while d.format != Format::Exhibit {
            press(&mut d, KeyCode::Right);
        }
        assert!(d.visible(Field::Bates) && d.visible(Field::Pdf));
        d.field = Field::Pdf;
        press(&mut d, KeyCode::Char(' '));
        assert!(d.pdf);
        // Leaving exhibits turns printing off.
        d.field = Field::Format;
        press(&mut d, KeyCode::Right);
        assert!(!d.pdf && !d.visible(Field::Pdf));
    }

    #[test]
    fn an_existing_destination_needs_replace() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = dialog();
        d.destination.set(dir.path().to_str().unwrap());
        let e = d.request("ann").unwrap_err();
        assert!(e.contains("already exists"), "{e}");
        d.field = Field::Replace;
        press(&mut d, KeyCode::Char(' '));
        let req = d.request("ann").unwrap();
        assert!(req.force);
    }

    #[test]
    fn choices_are_remembered_per_reviewer_without_replace_or_reproduce() {
        let matter = tempfile::tempdir().unwrap();
        let mut d = dialog();
        d.field = Field::Format;
        while d.format != Format::Dat {
            press(&mut d, KeyCode::Right);
        }
        d.bates.set("ACME-");
        d.recipient.set("Counsel for Plaintiff");
        d.designation = 2;
        d.redact = true;
        d.replace = true;
        d.reproduce = true;
        d.destination.set("/cases/acme/out-1");
        remember(matter.path(), "ann", &d.choices()).unwrap();
        assert_eq!(recall(matter.path(), "bob"), None);
        let again = ExportDialog::new(
            "",
            vec![],
            vec!["CONFIDENTIAL".into(), "HIGHLY CONFIDENTIAL".into()],
            recall(matter.path(), "ann"),
        );
        assert_eq!(again.format, Format::Dat);
        assert_eq!(again.bates.text, "ACME-");
        assert_eq!(again.recipient.text, "Counsel for Plaintiff");
        assert_eq!(
            again.designation_choice().as_deref(),
            Some("HIGHLY CONFIDENTIAL")
        );
        assert!(again.redact && !again.replace && !again.reproduce);
        assert!(
            again
                .destination
                .text
                .starts_with("/cases/acme/verbatim-export-dat-"),
            "{}",
            again.destination.text
        );
        let req = again.request("ann").unwrap();
        assert_eq!(req.recipient.as_deref(), Some("Counsel for Plaintiff"));
        assert_eq!(req.designation.as_deref(), Some("HIGHLY CONFIDENTIAL"));
    }
}
