//! Answers from the workers: result pages, transcripts, id lists, the next unreviewed row,
//! statistics, failures, and export progress. Answers to a superseded request are dropped.

use super::queue::PendingMove;
use super::{App, Effect, Overlay, Tone};
use crate::tui::worker::Response;

/// The status shown while the journal is replayed.
pub(super) const JOURNAL_LOADING: &str = "reading the review journal";

impl App {
    /// The journal is being replayed elsewhere; a `Response::Journal` brings it.
    pub fn reading_journal(&mut self) {
        self.journal_loading = true;
        self.say(format!("{JOURNAL_LOADING}…"), Tone::Info);
    }

    pub(super) fn on_response(&mut self, r: Response) -> Vec<Effect> {
        match r {
            Response::Page {
                generation,
                offset,
                total,
                rows,
                millis,
            } => {
                if generation != self.results.generation {
                    return Vec::new();
                }
                self.results.put(offset, total, rows, millis);
                if !self.results.anchor_pending()
                    && let Some(m) = self.pending_move.take()
                {
                    return match m {
                        PendingMove::Step(d) => self.step_conversation(d),
                        PendingMove::Unreviewed(open) => self.next_unreviewed(open),
                    };
                }
                let mut fx = self.page_effects();
                if let Some(i) = self.open_when_fetched
                    && self.results.selected == i
                    && self.results.row(i).is_some()
                {
                    self.open_when_fetched = None;
                    let screen = self.screen;
                    fx.extend(self.open_selected(screen));
                }
                fx
            }
            Response::Loaded { generation, loaded } => {
                let hide = self
                    .reading
                    .as_ref()
                    .is_some_and(|rd| rd.generation == generation && self.blind_hides(&rd.id));
                if let Some(rd) = &mut self.reading
                    && rd.generation == generation
                {
                    rd.loaded(loaded);
                    if hide {
                        rd.withhold();
                    }
                }
                Vec::new()
            }
            Response::Ids { generation, ids } => {
                if let Some(Overlay::BulkConfirm {
                    generation: g,
                    ids: slot,
                    count,
                    ..
                }) = &mut self.overlay
                    && *g == generation
                {
                    *count = ids.len() as u64;
                    *slot = Some(ids);
                }
                Vec::new()
            }
            Response::Found {
                generation,
                index,
                scanned,
                open,
            } => {
                if generation != self.results.generation {
                    return Vec::new();
                }
                if index.is_none() && self.results.selected + 1 + scanned < self.results.len() {
                    self.say(
                        format!("no unreviewed conversation in the next {scanned} results (add reviewed:no to the query)"),
                        Tone::Info,
                    );
                    return Vec::new();
                }
                self.jump_to_unreviewed(index, open)
            }
            Response::Stats { generation, stats } => {
                // Counts of a scope left behind are not shown under another.
                if generation == self.stats_generation {
                    self.stats = Some(*stats);
                }
                Vec::new()
            }
            Response::Failed {
                generation,
                what,
                message,
                column,
            } => {
                if generation == self.results.generation && self.results.cancelled {
                    // The answer to a cancel: already said.
                    return Vec::new();
                }
                if generation == self.results.generation {
                    self.results.error = Some((message.clone(), column));
                    // Asked again on the next key, not in a loop.
                    self.retry_pages = true;
                }
                if let Some(rd) = &mut self.reading
                    && rd.generation == generation
                {
                    rd.error = Some(message.clone());
                }
                if let Some(Overlay::BulkConfirm { generation: g, .. }) = &self.overlay
                    && *g == generation
                {
                    self.overlay = None;
                }
                self.say(format!("{what} failed: {message}"), Tone::Error);
                Vec::new()
            }
            Response::ExportProgress { phase, done, total } => {
                if let Some(Overlay::Export(d)) = &mut self.overlay {
                    d.phase = Some(phase);
                    d.progress = Some((done, total));
                }
                Vec::new()
            }
            Response::Journal(Ok(journal)) => {
                self.journal = *journal;
                self.journal_loading = false;
                if self
                    .status
                    .as_ref()
                    .is_some_and(|(s, _)| s.starts_with(JOURNAL_LOADING))
                {
                    self.status = None;
                }
                Vec::new()
            }
            Response::Journal(Err(e)) => {
                self.say(format!("cannot read the review journal: {e}"), Tone::Error);
                Vec::new()
            }
            Response::ExportDone(result) => {
                self.export_running = false;
                self.ctrl_c_armed = false;
                let msg = match &result {
                    Ok(s) => format!(
                        "exported {} conversations to {} (manifest {}…)",
                        s.conversations,
                        s.out.display(),
                        &s.manifest_sha256[..12]
                    ),
                    Err(e) => format!("export failed: {e}"),
                };
                let tone = if result.is_ok() {
                    Tone::Saved
                } else {
                    Tone::Error
                };
                if let Some(Overlay::Export(d)) = &mut self.overlay {
                    d.finished(result.map(|s| *s));
                }
                self.say(msg, tone);
                Vec::new()
            }
        }
    }
}
