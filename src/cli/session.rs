//! An opened matter as most commands need it: the matter, its index, the review journal, and
//! the audit trail to record what was done.

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
    pub findings: verbatim::detect::FindingsIndex,
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
        let findings = verbatim::detect::FindingsIndex::load(&matter.dir)?;
        Ok(Session {
            matter,
            index,
            journal,
            findings,
            reviewer: ctx.reviewer.clone(),
        })
    }

    /// Review state and findings, for queries.
    pub fn lookups(&self) -> verbatim::search::Lookups<'_> {
        verbatim::search::Lookups {
            review: Some(self.journal.state()),
            findings: Some(&self.findings),
            budget: None,
            matter_dir: Some(&self.matter.dir),
        }
    }

    /// Records an entry in the audit trail.
    pub fn audit(&self, event: &str, data: Value) -> Result<()> {
        verbatim::audit::append(&self.matter.dir, &self.reviewer, event, data)?;
        Ok(())
    }
}
