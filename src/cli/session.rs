//! An opened matter as most commands need it: the matter, its index, the review journal, and
//! the audit trail to record what was done.

use std::cell::OnceCell;

use anyhow::Result;
use serde_json::Value;
use verbatim::index::ConvIndex;
use verbatim::matter::Matter;
use verbatim::review::Journal;

use super::Ctx;

pub struct Session {
    pub matter: Matter,
    pub index: ConvIndex,
    /// Replayed on first use: a search without review filters needs none, and the journal of
    /// a matter coded through takes seconds to replay.
    journal: OnceCell<Journal>,
    quiet: bool,
    /// Read on first use: a plain search needs none, and a large matter's findings take a
    /// while to read.
    findings: OnceCell<verbatim::detect::FindingsIndex>,
    pub reviewer: String,
}

impl Session {
    /// Opens the matter of `ctx`; warns on stderr about unreadable journal lines.
    pub fn open(ctx: &Ctx) -> Result<Session> {
        let matter = Matter::open(&ctx.matter_dir()?)?;
        let index = ConvIndex::open_matter(&matter)?;
        let s = Session {
            matter,
            index,
            journal: OnceCell::new(),
            quiet: ctx.quiet,
            findings: OnceCell::new(),
            reviewer: ctx.reviewer.clone(),
        };
        // Coding that reached the journal but not the trail (a crash between the two writes)
        // is put on the trail now, marked as reconciled. The journal's last line and the
        // trail's newest coding entry tell whether any can be missing; only then is the
        // journal replayed here.
        if !verbatim::audit::reconcile::journal_in_step(&s.matter.dir)? {
            let n = verbatim::audit::reconcile::reconcile_journal(
                &s.matter.dir,
                s.journal()?.state(),
                &ctx.reviewer,
            )?;
            if n > 0 && !ctx.quiet {
                eprintln!(
                    "note: {n} coding event(s) had no audit entry; recorded now as reconciled"
                );
            }
        }
        Ok(s)
    }

    /// The review journal, replayed on first use; warns on stderr about unreadable lines.
    pub fn journal(&self) -> Result<&Journal> {
        if let Some(j) = self.journal.get() {
            return Ok(j);
        }
        let j = Journal::open(&self.matter.dir)?;
        if !self.quiet {
            for p in j.problems() {
                eprintln!(
                    "warning: review.jsonl line {} (byte {}): {}",
                    p.line, p.offset, p.reason
                );
            }
        }
        Ok(self.journal.get_or_init(|| j))
    }

    /// The review journal, to append to.
    pub fn journal_mut(&mut self) -> Result<&mut Journal> {
        self.journal()?;
        self.journal
            .get_mut()
            .ok_or_else(|| anyhow::anyhow!("the review journal did not open"))
    }

    /// The review state (the journal replayed).
    pub fn state(&self) -> Result<&verbatim::review::ReviewState> {
        Ok(self.journal()?.state())
    }

    /// The matter's findings summarised per conversation.
    pub fn findings(&self) -> Result<&verbatim::detect::FindingsIndex> {
        if let Some(f) = self.findings.get() {
            return Ok(f);
        }
        let f = verbatim::detect::FindingsIndex::load(&self.matter.dir)?;
        Ok(self.findings.get_or_init(|| f))
    }

    /// Review state and findings, for queries.
    pub fn lookups(&self) -> Result<verbatim::search::Lookups<'_>> {
        self.lookups_if(true, true)
    }

    /// The review state when `review` (a query with review filters) and the findings when
    /// `findings` (a query that filters or sorts on them), for queries; without them a
    /// review or findings filter matches nothing.
    pub fn lookups_if(
        &self,
        review: bool,
        findings: bool,
    ) -> Result<verbatim::search::Lookups<'_>> {
        Ok(verbatim::search::Lookups {
            review: if review { Some(self.state()?) } else { None },
            findings: if findings {
                Some(self.findings()?)
            } else {
                None
            },
            budget: None,
            matter_dir: Some(&self.matter.dir),
        })
    }

    /// Writes an entry in the audit trail, to be committed (synced) once what it records has
    /// been shown.
    pub fn audit_begin(&self, event: &str, data: Value) -> Result<verbatim::audit::Pending> {
        verbatim::audit::begin(&self.matter.dir, &self.reviewer, event, data)
    }

    /// Records an entry in the audit trail.
    pub fn audit(&self, event: &str, data: Value) -> Result<()> {
        verbatim::audit::append(&self.matter.dir, &self.reviewer, event, data)?;
        Ok(())
    }
}
