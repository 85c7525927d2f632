//! The query bar: the line being typed, its parsed reading (or the error and its column), and
//! the query history kept in the matter (`query-history.jsonl`).

use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent};

use crate::query;
use crate::tui::textarea::{Edit, LineInput};

/// What a key in the query bar asks of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryOutcome {
    /// The key edited the line or walked the history.
    Stay,
    /// Enter: run the query.
    Run,
    /// Tab or Esc: back to the list (Esc also stops a running search).
    Leave { esc: bool },
}

#[derive(Debug, Clone)]
pub struct QueryBar {
    pub input: LineInput,
    pub history: Vec<String>,
    history_pos: Option<usize>,
    /// The parsed reading of the query being typed, or the error and its column.
    pub preview: std::result::Result<String, (String, usize)>,
    pub mixed_note: Option<String>,
    /// How the typed query is read (dialect, the matter's text mode).
    pub options: query::QueryOptions,
    history_file: Option<PathBuf>,
}

fn history_path(matter_dir: &Path) -> PathBuf {
    matter_dir.join("query-history.jsonl")
}

impl QueryBar {
    /// The bar with the matter's history (none kept when `matter_dir` is `None`).
    pub fn new(matter_dir: Option<&Path>) -> QueryBar {
        let history_file = matter_dir.map(history_path);
        let history = history_file
            .as_ref()
            .and_then(|p| crate::fsutil::read_jsonl(p, "a query").ok())
            .unwrap_or_default();
        QueryBar {
            input: LineInput::default(),
            history,
            history_pos: None,
            preview: Ok("every conversation".into()),
            mixed_note: None,
            options: Default::default(),
            history_file,
        }
    }

    pub fn key(&mut self, k: &KeyEvent) -> QueryOutcome {
        match k.code {
            KeyCode::Enter => QueryOutcome::Run,
            KeyCode::Esc | KeyCode::Tab => QueryOutcome::Leave {
                esc: k.code == KeyCode::Esc,
            },
            KeyCode::Up | KeyCode::Down => {
                self.history_step(k.code == KeyCode::Up);
                QueryOutcome::Stay
            }
            _ => {
                if self.input.key(k) == Edit::Changed {
                    self.history_pos = None;
                    self.update_preview();
                }
                QueryOutcome::Stay
            }
        }
    }

    pub fn set(&mut self, text: &str) {
        self.input.set(text);
        self.update_preview();
    }

    fn history_step(&mut self, older: bool) {
        if self.history.is_empty() {
            return;
        }
        let n = self.history.len();
        let pos = match (self.history_pos, older) {
            (None, true) => Some(n - 1),
            (None, false) => None,
            (Some(p), true) => Some(p.saturating_sub(1)),
            (Some(p), false) if p + 1 < n => Some(p + 1),
            (Some(_), false) => None,
        };
        self.history_pos = pos;
        let text = pos.map(|p| self.history[p].clone()).unwrap_or_default();
        self.input.set(&text);
        self.update_preview();
    }

    pub fn update_preview(&mut self) {
        let text = self.input.text.clone();
        // A saved search named here may be newer than the interface.
        if text.contains('@')
            && let Some(dir) = self.history_file.as_ref().and_then(|p| p.parent())
        {
            self.options.saved = super::search::saved_queries(dir);
        }
        self.preview = match query::parse_with(&text, &self.options) {
            Ok(query::Node::All) => Ok("every conversation".into()),
            Ok(node) => Ok(node.in_dialect(self.options.dialect)),
            Err(e) => Err((e.message.clone(), e.column)),
        };
        self.mixed_note = (self.options.dialect == query::Dialect::Dtsearch)
            .then(|| query::mixed_connectors(&text))
            .flatten();
    }

    /// The query to run (trimmed), kept in the history; the parse error and its column if it
    /// does not parse.
    pub fn submit(&mut self) -> Result<String, (String, usize)> {
        self.update_preview();
        if let Err(e) = &self.preview {
            return Err(e.clone());
        }
        let text = self.input.text.trim().to_string();
        if !text.is_empty() && self.history.last() != Some(&text) {
            self.history.push(text.clone());
            // A history line not kept is no reason to refuse the search.
            if let Some(p) = &self.history_file {
                let line = serde_json::to_string(&text).unwrap_or_default();
                if let Ok(mut f) = crate::fsutil::open_append_private(p) {
                    use std::io::Write;
                    let _ = writeln!(f, "{line}");
                }
            }
        }
        self.history_pos = None;
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    fn typed(bar: &mut QueryBar, s: &str) {
        for c in s.chars() {
            bar.key(&key(KeyCode::Char(c)));
        }
    }

    #[test]
    fn the_history_is_kept_in_the_matter_and_walked_with_the_arrows() {
        let dir = tempfile::tempdir().unwrap();
        let mut bar = QueryBar::new(Some(dir.path()));
        typed(&mut bar, "oil w/5 prices");
        assert_eq!(bar.key(&key(KeyCode::Enter)), QueryOutcome::Run);
        assert_eq!(bar.submit().unwrap(), "oil w/5 prices");
        bar.set("iran");
        bar.submit().unwrap();
        // The same query twice in a row is kept once.
        bar.submit().unwrap();
        let mut again = QueryBar::new(Some(dir.path()));
        assert_eq!(again.history, vec!["oil w/5 prices", "iran"]);
        again.key(&key(KeyCode::Up));
        assert_eq!(again.input.text, "iran");
        again.key(&key(KeyCode::Up));
        assert_eq!(again.input.text, "oil w/5 prices");
        again.key(&key(KeyCode::Down));
        again.key(&key(KeyCode::Down));
        assert_eq!(again.input.text, "");
    }

    #[test]
    fn a_query_that_does_not_parse_is_not_submitted_or_kept() {
        let mut bar = QueryBar::new(None);
        typed(&mut bar, "(oil");
        let (_, col) = bar.submit().unwrap_err();
        assert!(col >= 1);
        assert!(bar.history.is_empty());
        assert_eq!(
            bar.key(&key(KeyCode::Esc)),
            QueryOutcome::Leave { esc: true }
        );
    }

    #[test]
    fn the_reading_is_in_the_query_language() {
        let mut bar = QueryBar::new(None);
        typed(&mut bar, "label:echoed");
        assert_eq!(bar.preview, Ok("label:echoed".to_string()));
        bar.set("");
        assert_eq!(bar.preview, Ok("every conversation".to_string()));
    }
}
