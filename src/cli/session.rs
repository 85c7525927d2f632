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
    pub journal: Journal,
    /// Read on first use: a plain search needs none, and a large matter's findings take a
    /// while to read.
    findings: OnceCell<verbatim::detect::FindingsIndex>,
    pub reviewer: String,
}

impl Session {
    /// Opens the matter of `ctx`; warns on stderr about unreadable journal lines.
    pub fn open(ctx: &Ctx) -> Result<Session> {
        let matter = Matter::open(&ctx.matter_dir()?)?;
        let index = ConvIndex::open(&matter.index_dir())?;
        let journal = Journal::open(&matter.dir)?;
        if !ctx.quiet {
            for p in journal.problems() {
                eprintln!(
                    "warning: review.jsonl line {} (byte {}): {}",
                    p.line, p.offset, p.reason
                );
            }
        }
        // Coding that reached the journal but not the trail (a crash between the two writes)
        // is put on the trail now, marked as reconciled.
        let n = verbatim::audit::reconcile::reconcile_journal(
            &matter.dir,
            journal.state(),
            &ctx.reviewer,
        )?;
        if n > 0 && !ctx.quiet {
            eprintln!("note: {n} coding event(s) had no audit entry; recorded now as reconciled");
        }
        Ok(Session {
            matter,
            index,
            journal,
            findings: OnceCell::new(),
            reviewer: ctx.reviewer.clone(),
        })
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
        Ok(self.lookups_with(Some(self.findings()?)))
    }

    /// Review state for queries, and findings when `needed` (a query that filters or sorts
    /// on them).
    pub fn lookups_if(&self, needed: bool) -> Result<verbatim::search::Lookups<'_>> {
        let findings = if needed { Some(self.findings()?) } else { None };
        Ok(self.lookups_with(findings))
    }

    fn lookups_with<'a>(
        &'a self,
        findings: Option<&'a verbatim::detect::FindingsIndex>,
    ) -> verbatim::search::Lookups<'a> {
        verbatim::search::Lookups {
            review: Some(self.journal.state()),
            findings,
            budget: None,
            matter_dir: Some(&self.matter.dir),
        }
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
