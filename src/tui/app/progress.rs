//! The progress screen: coded and opened conversations, tags, reviewers and findings, counted
//! over a scope: the results being reviewed (the current query), the conversations with
//! findings, or the whole matter. `Tab` steps through the scopes.

use super::{App, Effect, Screen};
use crate::tui::keymap::Cmd;
use crate::tui::worker::Request;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressScope {
    /// The current query's results.
    Results,
    /// Conversations with at least one finding.
    Findings,
    Matter,
}

/// The conversations with findings, in the query language.
pub const WITH_FINDINGS: &str = "label:reproduced OR label:echoed";

impl ProgressScope {
    fn next(self) -> ProgressScope {
        match self {
            ProgressScope::Results => ProgressScope::Findings,
            ProgressScope::Findings => ProgressScope::Matter,
            ProgressScope::Matter => ProgressScope::Results,
        }
    }

    /// The query the scope counts over (`None`: every conversation).
    pub fn query(self, results_query: &str) -> Option<String> {
        match self {
            ProgressScope::Results if !results_query.trim().is_empty() => {
                Some(results_query.trim().to_string())
            }
            ProgressScope::Results | ProgressScope::Matter => None,
            ProgressScope::Findings => Some(WITH_FINDINGS.to_string()),
        }
    }

    /// How the screen names the scope.
    pub fn label(self, results_query: &str) -> String {
        match (self, self.query(results_query)) {
            (ProgressScope::Results, Some(q)) => format!("results of {q}"),
            (ProgressScope::Findings, _) => "conversations with findings".to_string(),
            _ => "the whole matter".to_string(),
        }
    }
}

impl App {
    /// Opens the progress screen on the set being reviewed.
    pub(super) fn open_progress(&mut self) -> Vec<Effect> {
        self.screen = Screen::Progress;
        self.progress_scope = ProgressScope::Results;
        self.count_progress()
    }

    fn count_progress(&mut self) -> Vec<Effect> {
        let g = self.generation();
        self.stats_generation = g;
        self.stats = None;
        vec![Effect::Request(Request::Stats {
            generation: g,
            query: self.progress_scope.query(&self.results.query),
        })]
    }

    pub(super) fn progress_command(&mut self, cmd: Cmd) -> Vec<Effect> {
        match cmd {
            Cmd::NextPane => {
                self.progress_scope = self.progress_scope.next();
                self.count_progress()
            }
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_name_their_set() {
        assert_eq!(
            ProgressScope::Results.query("tag:hot"),
            Some("tag:hot".into())
        );
        // No query: the results are the whole matter.
        assert_eq!(ProgressScope::Results.query("  "), None);
        assert_eq!(ProgressScope::Results.label(""), "the whole matter");
        assert_eq!(
            ProgressScope::Findings.query("tag:hot").as_deref(),
            Some(WITH_FINDINGS)
        );
        assert!(crate::query::parse(WITH_FINDINGS).is_ok());
        assert_eq!(ProgressScope::Matter.query("tag:hot"), None);
        assert_eq!(
            ProgressScope::Results.next().next().next(),
            ProgressScope::Results
        );
    }
}
