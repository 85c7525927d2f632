//! `verbatim demo`

use anyhow::Result;
use clap::Args;
use verbatim::index::ConvIndex;
use verbatim::search::{self, SearchRequest};

use super::Ctx;
use super::output::{mark, styled, thousands};
use super::progress_bar::Bar;

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Only build the matter and print the summary; do not open the review interface
    /// (also the case when stdout is not a terminal).
    #[arg(long)]
    print: bool,
}

pub fn run(ctx: &Ctx, args: DemoArgs) -> Result<i32> {
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
    let st = verbatim::stats::compute(&matter)?;
    if ctx.json {
        super::output::print_json(&st)?;
        return Ok(0);
    }
    super::stats_cmd::print(&st);
    if let Some(d) = &matter.meta.detection {
        let all = verbatim::detect::findings::load(&matter.dir)?;
        let strong = all.iter().filter(|f| f.strong).count();
        let echoed = all
            .iter()
            .filter(|f| f.label == verbatim::detect::Label::Echoed)
            .count();
        println!(
            "findings: {} against {} articles ({} strong reproductions, {} echo-only)",
            thousands(d.findings),
            d.articles,
            strong,
            echoed
        );
    }
    let index = ConvIndex::open_matter(&matter)?;
    let findings = verbatim::detect::FindingsIndex::load(&matter.dir)?;
    let q = verbatim::demo::EXAMPLE_QUERY;
    let mut req = SearchRequest::new(q);
    req.limit = 5;
    req.sort = search::SortBy::Score;
    let node = verbatim::query::parse(q)?;
    let lookups = search::Lookups {
        review: None,
        findings: Some(&findings),
        budget: None,
        matter_dir: None,
    };
    let res = search::search_full(&index, lookups, &node, &req)?;
    verbatim::audit::append(
        &matter.dir,
        &ctx.reviewer,
        "search",
        serde_json::json!({"query": q, "count": res.total}),
    )?;
    println!();
    println!(
        "example search: verbatim --matter {} search --sort finding '{q}'",
        dir.display()
    );
    println!("{} conversations match", thousands(res.total));
    let styled = styled();
    for h in &res.hits {
        println!(
            "  {}  longest copied run {} words  {}",
            h.id,
            h.score.unwrap_or(0.0) as u64,
            mark(&h.snippet, &h.highlights, styled)
        );
    }
    println!();
    println!(
        "next: verbatim --matter {} findings    verbatim --matter {} show {}",
        dir.display(),
        dir.display(),
        res.hits.first().map(|h| h.id.as_str()).unwrap_or("ID")
    );
    if !args.print && !ctx.json && super::review_ui::interactive() {
        return super::review_ui::open(ctx, &dir);
    }
    Ok(0)
}
