//! `verbatim search QUERY`

use std::io::Write;

use anyhow::{Result, bail};
use clap::Args;
use serde_json::json;
use verbatim::query::{Dialect, QueryError, QueryOptions};
use verbatim::search::{self, SearchRequest, SortBy};

use super::Ctx;
use super::output::{mark, print_json, print_then_commit, styled, thousands, visible_line};
use super::session::Session;

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  verbatim search 'iran w/10 oil'                       words within 10 of each other
  verbatim search 'assistant:\"tidal barrier\"' --sort date   a phrase in replies, newest first
  verbatim search 'label:reproduced AND -tag:not-relevant' --count
  verbatim search 'model:gpt-4* AND created:2024-01..2024-06'
  verbatim search 'title:iran' --explain                  how the query is read
A literal colon goes in quotes: \"note: this\". Fields: user: assistant: title: system: tool:;
filters: model: lang: id: created: turns: tag: reviewed: viewed: reviewer: note: score:
article: label: strong: designation: produced: bates:")]
pub struct SearchArgs {
    /// The query (quote it for the shell): words, "phrases", AND OR NOT, ( ), user: assistant:
    /// title: model: lang: id: created: turns:
    #[arg(value_name = "QUERY", allow_hyphen_values = true)]
    query: String,
    /// How many hits to print.
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// Skip this many hits (paging).
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// Order: relevance, date (newest first), date-asc, or finding (longest reproduced run).
    #[arg(long, default_value = "relevance", value_parser = parse_sort)]
    sort: SortBy,
    /// Print only the number of matching conversations.
    #[arg(long)]
    count: bool,
    /// Print how the query was read (a tree) and stop.
    #[arg(long)]
    explain: bool,
    /// Query syntax: dtsearch (the default), westlaw, lexis (terms and connectors), or lucene
    /// (tantivy's parser).
    #[arg(long, default_value = "dtsearch", value_parser = ["dtsearch", "westlaw", "lexis", "lucene"])]
    syntax: String,
}

fn parse_sort(s: &str) -> Result<SortBy, String> {
    SortBy::parse(s)
        .ok_or_else(|| format!("unknown sort \"{s}\" (relevance, date, date-asc, finding)"))
}

pub fn run(ctx: &Ctx, args: SearchArgs) -> Result<i32> {
    if args.syntax == "lucene" {
        ctx.on_this_machine("search --syntax lucene")?;
        return run_lucene(ctx, &args);
    }
    let dialect = Dialect::parse(&args.syntax).unwrap_or_default();
    if !args.explain
        && let Some(opts) = ctx.cluster()?
    {
        return run_cluster(ctx, &args, opts, dialect);
    }
    // The matter decides how words are split (its text mode) and what `word&` expands to; a
    // query is explained without one too.
    let session = match Session::open(ctx) {
        Ok(s) => Some(s),
        Err(e) if args.explain => {
            let _ = e;
            None
        }
        Err(e) => return Err(e),
    };
    let opts = match &session {
        Some(s) => QueryOptions::for_matter(&s.matter.dir, &s.index, dialect)?,
        None => QueryOptions::new(dialect, Default::default()),
    };
    let node = match verbatim::query::parse_with(&args.query, &opts) {
        Ok(n) => n,
        Err(e) => return Ok(report_syntax(&args.query, &e, ctx.json)),
    };
    let note = (dialect == Dialect::Dtsearch)
        .then(|| verbatim::query::mixed_connectors(&args.query))
        .flatten();
    if args.explain {
        if ctx.json {
            print_json(&json!({
                "query": args.query,
                "syntax": dialect.name(),
                "text_mode": opts.mode.name(),
                "reading": node.in_dialect(dialect),
                "dtsearch": node.to_string(),
                "tree": node.tree(),
                "note": note,
            }))?;
        } else {
            if dialect != Dialect::Dtsearch {
                println!("{} reading: {}", dialect.name(), node.in_dialect(dialect));
                println!("dtSearch equivalent: {node}");
            } else {
                println!("{node}");
            }
            print!("{}", node.tree());
            if let Some(n) = &note {
                println!("note: {n}");
            }
        }
        return Ok(0);
    }
    let Some(session) = session else {
        bail!("no matter to search");
    };
    if let Some(n) = &note
        && !ctx.quiet
        && !ctx.json
    {
        eprintln!("note: {n}");
        eprintln!("      read as: {node}");
    }
    // Warnings are about review filters (a tag nobody uses): the journal is read only then.
    if !ctx.quiet && node.uses_review() {
        let palette = verbatim::review::Palette::load(&session.matter.dir)?;
        for w in verbatim::query::warnings(&node, &palette, session.state()?) {
            eprintln!("warning: {w}");
        }
    }
    let index = &session.index;
    // Findings are read only for a query that filters or sorts on them.
    let lookups = session.lookups_if(
        node.uses_review(),
        node.uses_findings() || args.sort == SortBy::Score,
    )?;
    if args.count {
        let n = search::count_full(index, lookups, &node)?;
        let entry = session.audit_begin(
            "search",
            json!({"query": args.query, "syntax": dialect.name(), "count": n}),
        )?;
        print_count(n, ctx.json, entry)?;
        std::mem::forget(session);
        return Ok(0);
    }
    let req = page_request(&args, ctx.json)?;
    if ctx.json {
        let res = search::search_full(index, lookups, &node, &req)?;
        let entry = session.audit_begin(
            "search",
            json!({"query": args.query, "syntax": dialect.name(), "count": res.total, "offset": args.offset, "shown": res.hits.len()}),
        )?;
        // The entry is in the trail before the results are shown, and synced after them.
        print_then_commit(
            |out| Ok(writeln!(out, "{}", serde_json::to_string(&res)?)?),
            || entry.commit().map(|_| ()),
        )?;
    } else {
        // The list is printed as its hits are read, so the first shows before the last is
        // marked.
        let mut page = search::search_page(index, lookups, &node, &req)?;
        let entry = session.audit_begin(
            "search",
            json!({"query": args.query, "syntax": dialect.name(), "count": page.total, "offset": args.offset, "shown": page.len()}),
        )?;
        print_then_commit(
            |out| print_page(out, &args, &mut page),
            || entry.commit().map(|_| ()),
        )?;
    }
    // The process ends next: unmapping the index and freeing the state would only delay it.
    std::mem::forget(session);
    Ok(0)
}

/// The page the arguments ask for. JSON gives every message's hits; the list shows one
/// snippet each.
fn page_request(args: &SearchArgs, json: bool) -> Result<SearchRequest> {
    if args.limit > 100_000 {
        bail!("--limit is at most 100000 per page; use --offset to page further");
    }
    Ok(SearchRequest {
        query: args.query.clone(),
        limit: args.limit,
        offset: args.offset,
        sort: args.sort,
        snippet_width: 160,
        every_message: json,
    })
}

/// The count alone, then its audit entry committed.
fn print_count(n: u64, json: bool, entry: verbatim::audit::Pending) -> Result<()> {
    print_then_commit(
        |out| {
            if json {
                writeln!(out, "{}", json!({ "total": n }))?;
            } else {
                writeln!(out, "{n}")?;
            }
            Ok(())
        },
        || entry.commit().map(|_| ()),
    )?;
    Ok(())
}

/// The results list, each hit written out as soon as it is read.
fn print_page(out: &mut dyn Write, args: &SearchArgs, page: &mut search::Page) -> Result<()> {
    let styled = styled();
    print_header(out, page.total, page.millis(), page.is_empty())?;
    let mut i = 0;
    while let Some(h) = page.next_hit() {
        print_hit(out, args.offset + i + 1, &h?, styled)?;
        i += 1;
    }
    Ok(())
}

fn print_header(out: &mut dyn Write, total: u64, millis: f64, empty: bool) -> Result<()> {
    writeln!(
        out,
        "{} conversations match ({:.1} ms){}",
        thousands(total),
        millis,
        if total > 0 && empty {
            "; no hits on this page"
        } else {
            ""
        }
    )?;
    out.flush()?;
    Ok(())
}

/// One hit of the list, numbered `n` (from 1).
fn print_hit(out: &mut dyn Write, n: usize, h: &search::Hit, styled: bool) -> Result<()> {
    let date = h
        .created
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "----------".to_string());
    let score = h.score.map(|s| format!("{s:6.2}")).unwrap_or_default();
    writeln!(
        out,
        "{:>4}. {}  {}  {}  {} turns  {}",
        n,
        visible_line(&h.id),
        date,
        visible_line(h.model.as_deref().unwrap_or("-")),
        h.turns,
        score
    )?;
    // Messages are counted from 1 wherever a person reads them.
    let where_ = h
        .message
        .map(|m| format!("[msg {}] ", m + 1))
        .unwrap_or_default();
    writeln!(
        out,
        "      {where_}{}",
        mark(&h.snippet, &h.highlights, styled)
    )?;
    out.flush()?;
    Ok(())
}

/// The search on a cluster: each shard answers through Dask; the coordinator merges, audits
/// and prints as for the matter on this machine.
fn run_cluster(
    ctx: &Ctx,
    args: &SearchArgs,
    opts: verbatim::cluster::dask::ClusterOptions,
    dialect: Dialect,
) -> Result<i32> {
    let matter = verbatim::matter::Matter::open(&ctx.matter_dir()?)?;
    let super::cluster_cmd::Connected {
        mut cluster, mode, ..
    } = super::cluster_cmd::connect(&matter, &opts)?;
    let qopts = QueryOptions::for_matter_mode(&matter.dir, mode, dialect)?;
    if let Err(e) = verbatim::query::parse_with(&args.query, &qopts) {
        return Ok(report_syntax(&args.query, &e, ctx.json));
    }
    let syntax = dialect.name();
    if args.count {
        let n = cluster.count(&args.query, syntax)?;
        let entry = verbatim::audit::begin(
            &matter.dir,
            &ctx.reviewer,
            "search",
            json!({"query": args.query, "syntax": syntax, "count": n, "scheduler": opts.scheduler}),
        )?;
        print_count(n, ctx.json, entry)?;
        return Ok(0);
    }
    let req = page_request(args, ctx.json)?;
    let res = cluster.search(syntax, &req)?;
    let entry = verbatim::audit::begin(
        &matter.dir,
        &ctx.reviewer,
        "search",
        json!({"query": args.query, "syntax": syntax, "count": res.total, "offset": args.offset, "shown": res.hits.len(), "scheduler": opts.scheduler}),
    )?;
    let json = ctx.json;
    let styled = styled();
    print_then_commit(
        |out| {
            if json {
                writeln!(out, "{}", serde_json::to_string(&res)?)?;
            } else {
                print_header(out, res.total, res.millis, res.hits.is_empty())?;
                for (i, h) in res.hits.iter().enumerate() {
                    print_hit(out, args.offset + i + 1, h, styled)?;
                }
            }
            Ok(())
        },
        || entry.commit().map(|_| ()),
    )?;
    Ok(0)
}

fn run_lucene(ctx: &Ctx, args: &SearchArgs) -> Result<i32> {
    let session = Session::open(ctx)?;
    let req = SearchRequest {
        query: args.query.clone(),
        limit: if args.count { 0 } else { args.limit },
        offset: args.offset,
        sort: SortBy::Relevance,
        snippet_width: 160,
        every_message: false,
    };
    let res = search::search_lucene(&session.index, &req)?;
    session.audit(
        "search",
        json!({"query": args.query, "syntax": "lucene", "count": res.total}),
    )?;
    if args.count {
        if ctx.json {
            print_json(&json!({ "total": res.total }))?;
        } else {
            println!("{}", res.total);
        }
    } else if ctx.json {
        print_json(&res)?;
    } else {
        println!(
            "{} conversations match ({:.1} ms)",
            thousands(res.total),
            res.millis
        );
        for (i, h) in res.hits.iter().enumerate() {
            println!(
                "{:>4}. {}  {}",
                args.offset + i + 1,
                visible_line(&h.id),
                visible_line(&h.snippet)
            );
        }
    }
    Ok(0)
}

/// Prints a syntax error with a caret under the column; exit code 2 (a usage error).
fn report_syntax(query: &str, e: &QueryError, json: bool) -> i32 {
    if json {
        let _ = print_json(&json!({"error": e.message, "column": e.column}));
    } else {
        eprintln!("error: {}", verbatim::textfmt::visible_line(&e.to_string()));
        eprintln!("  {}", verbatim::textfmt::visible_line(query));
        eprintln!("  {}^", " ".repeat(e.column.saturating_sub(1)));
    }
    2
}
