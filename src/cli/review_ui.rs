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
    let matter = verbatim::matter::Matter::open(&dir)?;
    // On a cluster the interface keeps one driver open for the session.
    let reader = match ctx.cluster()? {
        None => None,
        Some(opts) => {
            if !ctx.quiet {
                eprintln!("connecting to {} ...", opts.scheduler);
            }
            let log = dir.join(verbatim::cluster::dask::DRIVER_LOG);
            let c = super::cluster_cmd::connect_logged(&matter, &opts, Some(&log))?;
            let conversations = c.info.iter().map(|i| i.conversations).sum();
            Some(verbatim::tui::reader::Reader::Cluster(
                verbatim::tui::reader::OnCluster::new(
                    c.cluster,
                    c.mode,
                    conversations,
                    &opts.scheduler,
                ),
            ))
        }
    };
    drop(matter);
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
    verbatim::tui::run_on(&dir, &ctx.reviewer, sample, start.as_deref(), reader)?;
    Ok(0)
}

pub fn open(ctx: &Ctx, dir: &Path) -> Result<i32> {
    verbatim::matter::Matter::open(dir)?;
    verbatim::tui::run(dir, &ctx.reviewer, None)?;
    Ok(0)
}
