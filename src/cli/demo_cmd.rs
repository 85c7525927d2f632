//! `verbatim demo`

use anyhow::Result;
use clap::Args;
use verbatim::index::ConvIndex;
use verbatim::search::{self, SearchRequest};

use super::Ctx;
use super::output::{mark, styled, thousands};
use super::progress_bar::Bar;

#[derive(Args, Debug)]
pub struct DemoArgs {}

pub fn run(ctx: &Ctx, _args: DemoArgs) -> Result<i32> {
    let dir = match &ctx.matter {
        Some(d) => d.clone(),
        None => verbatim::demo::default_dir()?,
    };
    let mut bar = Bar::new(ctx.quiet, "records");
    let (matter, summary) = verbatim::demo::build(&dir, &mut bar)?;
    if summary.files.iter().all(|f| f.skipped.is_some()) {
        println!("demo matter at {} (already built)", dir.display());
    } else {
        println!(
            "built the demo matter at {}: {} conversations imported",
            dir.display(),
            thousands(summary.imported)
        );
    }
    if summary.imported > 0 {
        verbatim::audit::append(
            &matter.dir,
            &ctx.reviewer,
            "import",
            serde_json::json!({"files": ["demo:conversations.jsonl"], "imported": summary.imported}),
        )?;
    }
    let st = verbatim::stats::compute(&matter)?;
    if ctx.json {
        super::output::print_json(&st)?;
        return Ok(0);
    }
    super::stats_cmd::print(&st);
    let index = ConvIndex::open(&matter.index_dir())?;
    let q = verbatim::demo::EXAMPLE_QUERY;
    let mut req = SearchRequest::new(q);
    req.limit = 5;
    let res = search::search(&index, None, &req)?;
    verbatim::audit::append(
        &matter.dir,
        &ctx.reviewer,
        "search",
        serde_json::json!({"query": q, "count": res.total}),
    )?;
    println!();
    println!(
        "example search: verbatim --matter {} search '{q}'",
        dir.display()
    );
    println!("{} conversations match", thousands(res.total));
    let styled = styled();
    for h in &res.hits {
        println!("  {}  {}", h.id, mark(&h.snippet, &h.highlights, styled));
    }
    Ok(0)
}
