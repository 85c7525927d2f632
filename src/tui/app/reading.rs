//! The open conversation: the transcript and the compare view. Their keys change only this
//! state; moving to another conversation, switching screens and messages go back to `App` as a
//! [`ReadOutcome`].

use crate::tui::keymap::Cmd;
use crate::tui::worker::Loaded;

/// The open conversation.
#[derive(Debug)]
pub struct Reading {
    pub id: String,
    pub generation: u64,
    pub loaded: Option<Box<Loaded>>,
    pub error: Option<String>,
    /// First transcript line shown.
    pub scroll: usize,
    /// The current hit (index into all hits, message order).
    pub hit: Option<usize>,
    /// Set by n/N: the draw scrolls to the hit's line.
    pub jump_to_hit: bool,
    /// Compare: which matched article (strongest first) and which of its spans.
    pub article: usize,
    pub span: usize,
    /// Compare: lines scrolled away from the current span, reply pane and article pane (the
    /// draw keeps them within the text).
    pub cmp_offset: [isize; 2],
    /// Compare: the panes scroll apart (`L`); `cmp_pane` is the one j/k move.
    pub cmp_unlocked: bool,
    pub cmp_pane: usize,
    /// Blind review: the findings and matched articles, held back until the reviewer's call.
    pub withheld: Option<Withheld>,
    /// A near-duplicate's differences from its principal are marked (`d` toggles).
    pub show_diff: bool,
}

/// What a blind review holds back from the transcript until the call.
#[derive(Debug)]
pub struct Withheld {
    pub findings: Vec<crate::detect::Finding>,
    pub articles: std::collections::HashMap<String, crate::articles::Article>,
    pub supplied: std::collections::HashMap<String, crate::detect::elicitation::SuppliedText>,
}

/// What a reading key asks of the interface beyond this state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadOutcome {
    Nothing,
    Say(&'static str),
    ToggleDetails,
    ToTranscript,
    ToCompare,
    /// Next (1) or previous (-1) conversation of the results.
    Step(isize),
    NextUnreviewed,
}

/// Number of hits in a loaded transcript.
pub fn hit_count(l: &Loaded) -> usize {
    l.hits.iter().map(|h| h.ranges.len()).sum()
}

impl Reading {
    pub fn new(id: String, generation: u64) -> Reading {
        Reading {
            id,
            generation,
            loaded: None,
            error: None,
            scroll: 0,
            hit: None,
            jump_to_hit: false,
            article: 0,
            span: 0,
            cmp_offset: [0, 0],
            cmp_unlocked: false,
            cmp_pane: 0,
            withheld: None,
            show_diff: true,
        }
    }

    /// Holds back the findings and articles (a blind review, before the call).
    pub fn withhold(&mut self) {
        if let Some(l) = self.loaded.as_mut()
            && self.withheld.is_none()
        {
            self.withheld = Some(Withheld {
                findings: std::mem::take(&mut l.findings),
                articles: std::mem::take(&mut l.articles),
                supplied: std::mem::take(&mut l.supplied),
            });
        }
    }

    /// Shows what was held back.
    pub fn reveal(&mut self) {
        if let (Some(l), Some(w)) = (self.loaded.as_mut(), self.withheld.take()) {
            l.findings = w.findings;
            l.articles = w.articles;
            l.supplied = w.supplied;
        }
    }

    /// The transcript arrived: the first hit is current.
    pub fn loaded(&mut self, loaded: Box<Loaded>) {
        self.hit = if loaded.hits.is_empty() {
            None
        } else {
            Some(0)
        };
        self.jump_to_hit = self.hit.is_some() || loaded.diff.is_some();
        self.loaded = Some(loaded);
    }

    /// Moves shared by both reading screens.
    fn moves(cmd: Cmd) -> Option<ReadOutcome> {
        match cmd {
            Cmd::NextConv => Some(ReadOutcome::Step(1)),
            Cmd::PrevConv => Some(ReadOutcome::Step(-1)),
            Cmd::NextUnreviewed => Some(ReadOutcome::NextUnreviewed),
            _ => None,
        }
    }

    /// A key on the transcript; `page`: lines on screen.
    pub fn transcript(&mut self, cmd: Cmd, page: usize) -> ReadOutcome {
        if let Some(m) = Self::moves(cmd) {
            return m;
        }
        let page = page.max(1);
        let hits = self.loaded.as_ref().map(|l| hit_count(l)).unwrap_or(0);
        match cmd {
            Cmd::Up => self.scroll = self.scroll.saturating_sub(1),
            Cmd::Down => self.scroll += 1,
            Cmd::PageUp => self.scroll = self.scroll.saturating_sub(page),
            Cmd::PageDown => self.scroll += page,
            Cmd::Top => self.scroll = 0,
            Cmd::Bottom => self.scroll = usize::MAX / 2,
            Cmd::NextPane => return ReadOutcome::ToggleDetails,
            Cmd::NextHit | Cmd::PrevHit => {
                if hits == 0 {
                    return ReadOutcome::Say("no hits of the query in this conversation");
                }
                let next = match (self.hit, cmd == Cmd::NextHit) {
                    (None, true) => 0,
                    (None, false) => hits - 1,
                    (Some(h), true) => (h + 1) % hits,
                    (Some(h), false) => (h + hits - 1) % hits,
                };
                self.hit = Some(next);
                self.jump_to_hit = true;
            }
            Cmd::Compare => {
                if self.loaded.as_ref().is_some_and(|l| l.findings.is_empty()) {
                    return ReadOutcome::Say("no findings in this conversation to compare");
                }
                return ReadOutcome::ToCompare;
            }
            _ => {}
        }
        ReadOutcome::Nothing
    }

    /// A key on the compare view; `page`: lines on screen.
    pub fn compare(&mut self, cmd: Cmd, page: usize) -> ReadOutcome {
        if let Some(m) = Self::moves(cmd) {
            return m;
        }
        if matches!(cmd, Cmd::Compare | Cmd::Open) {
            return ReadOutcome::ToTranscript;
        }
        let Some(l) = self.loaded.as_ref() else {
            return ReadOutcome::Nothing;
        };
        let articles = l.findings.len();
        if articles == 0 {
            return ReadOutcome::Nothing;
        }
        let spans = l
            .findings
            .get(self.article)
            .map(|f| f.spans.len())
            .unwrap_or(0)
            .max(1);
        let page = page.max(1) as isize;
        match cmd {
            Cmd::Down => self.scroll_by(1),
            Cmd::Up => self.scroll_by(-1),
            Cmd::PageDown => self.scroll_by(page),
            Cmd::PageUp => self.scroll_by(-page),
            Cmd::Top => self.scroll_by(isize::MIN / 2),
            Cmd::Bottom => self.scroll_by(isize::MAX / 2),
            Cmd::NextHit | Cmd::PrevHit => {
                self.span = if cmd == Cmd::NextHit {
                    (self.span + 1) % spans
                } else {
                    (self.span + spans - 1) % spans
                };
                self.cmp_offset = [0, 0];
            }
            Cmd::NextArticle | Cmd::PrevArticle => {
                self.article = if cmd == Cmd::NextArticle {
                    (self.article + 1) % articles
                } else {
                    (self.article + articles - 1) % articles
                };
                self.span = 0;
                self.cmp_offset = [0, 0];
            }
            Cmd::Lock => {
                self.cmp_unlocked = !self.cmp_unlocked;
                if !self.cmp_unlocked {
                    self.cmp_offset = [0, 0];
                }
                return ReadOutcome::Say(if self.cmp_unlocked {
                    "panes unlocked: j/k scroll one pane, Tab switches it, L locks again"
                } else {
                    "panes locked to the span"
                });
            }
            Cmd::NextPane if self.cmp_unlocked => self.cmp_pane = 1 - self.cmp_pane.min(1),
            _ => {}
        }
        ReadOutcome::Nothing
    }

    /// Scrolling moves both panes while they are locked to the span, else the chosen one.
    fn scroll_by(&mut self, by: isize) {
        if self.cmp_unlocked {
            let o = &mut self.cmp_offset[self.cmp_pane];
            *o = o.saturating_add(by);
        } else {
            for o in &mut self.cmp_offset {
                *o = o.saturating_add(by);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compare_keys_scroll_both_panes_until_unlocked() {
        let mut rd = Reading::new("c1".into(), 1);
        // Without a transcript nothing scrolls, and moving on still works.
        assert_eq!(rd.compare(Cmd::Down, 10), ReadOutcome::Nothing);
        assert_eq!(rd.compare(Cmd::NextConv, 10), ReadOutcome::Step(1));
        assert_eq!(rd.compare(Cmd::Compare, 10), ReadOutcome::ToTranscript);
        rd.scroll_by(3);
        assert_eq!(rd.cmp_offset, [3, 3]);
        rd.cmp_unlocked = true;
        rd.cmp_pane = 1;
        rd.scroll_by(-5);
        assert_eq!(rd.cmp_offset, [3, -2]);
    }

    #[test]
    fn transcript_keys_scroll_and_hand_moves_back() {
        let mut rd = Reading::new("c1".into(), 1);
        assert_eq!(rd.transcript(Cmd::PageDown, 20), ReadOutcome::Nothing);
        assert_eq!(rd.scroll, 20);
        rd.transcript(Cmd::Up, 20);
        assert_eq!(rd.scroll, 19);
        assert_eq!(
            rd.transcript(Cmd::NextHit, 20),
            ReadOutcome::Say("no hits of the query in this conversation")
        );
        assert_eq!(rd.transcript(Cmd::PrevConv, 20), ReadOutcome::Step(-1));
        assert_eq!(
            rd.transcript(Cmd::NextUnreviewed, 20),
            ReadOutcome::NextUnreviewed
        );
        assert_eq!(rd.transcript(Cmd::NextPane, 20), ReadOutcome::ToggleDetails);
    }
}
