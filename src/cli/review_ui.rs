//! `verbatim review` (and `verbatim` alone): the review interface on the matter.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Result, bail};

use super::Ctx;

/// Whether both ends of the terminal are there (the interface needs to draw and read keys).
pub fn interactive() -> bool {
    std::io::stdout().is_terminal() && std::io::stdin().is_terminal()
}

pub fn run(ctx: &Ctx, sample: Option<&str>, batch: Option<&str>) -> Result<i32> {
    let dir = ctx.matter_dir()?;
    if !interactive() {
        bail!(
            "the review interface needs a terminal; for scripts use the commands (verbatim --help), e.g. verbatim --matter {} stats",
            dir.display()
        );
    }
    verbatim::matter::Matter::open(&dir)?;
    // A batch opens as the queue: its conversations, by the `batch:` filter.
    let start = match batch {
        None => None,
        Some("") => match verbatim::review::batches::held_by(&dir, &ctx.reviewer)? {
            Some(b) => Some(b.id),
            None => bail!(
                "{} holds no batch: verbatim --reviewer {} batch checkout",
                ctx.reviewer,
                ctx.reviewer
            ),
        },
        Some(id) => Some(verbatim::review::batches::find(&dir, id)?.id),
    };
    verbatim::tui::run_with(&dir, &ctx.reviewer, sample, start.as_deref())?;
    Ok(0)
}

pub fn open(ctx: &Ctx, dir: &Path) -> Result<i32> {
    verbatim::matter::Matter::open(dir)?;
    verbatim::tui::run(dir, &ctx.reviewer, None)?;
    Ok(0)
}
