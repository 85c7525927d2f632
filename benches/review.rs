//! Review journal and audit costs: replay of 1M journal events, fsync per event, and the
//! latency of tag-filtered queries against the same queries without the filter.
//!
//! cargo bench --bench review                                  # 100,000 conversations
//! VERBATIM_BENCH_CONVERSATIONS=1000000 cargo bench --bench review

use std::io::Write;
use std::time::Instant;

use serde_json::json;
use verbatim::index::ConvIndex;
use verbatim::review::{Action, Draft, Event, Journal};
use verbatim::search;

#[path = "common/mod.rs"]
mod common;
use common::{env_u64, matter, median, percentile};

fn main() {
    let n = env_u64("VERBATIM_BENCH_CONVERSATIONS", 100_000);
    let events = env_u64("VERBATIM_BENCH_EVENTS", 1_000_000);
    // Conversations per event: 1 is one reviewer's click each; more is bulk coding by query.
    let bulk = env_u64("VERBATIM_BENCH_BULK", 1).max(1) as usize;
    println!("## review journal, {n}-conversation matter\n");
    println!("| measure | value |");
    println!("|---|---|");

    // Replay: a journal of `events` tag/note events over the matter's ids.
    let m = matter(n);
    let index = ConvIndex::open(&m.join("index")).unwrap();
    let all = search::matching_ids(&index, None, &verbatim::query::Node::All).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    {
        let f = std::fs::File::create(tmp.path().join("review.jsonl")).unwrap();
        let mut w = std::io::BufWriter::new(f);
        let tags = [
            "reproduces-article",
            "echo-only",
            "not-relevant",
            "needs-second-look",
            "hot",
        ];
        for seq in 1..=events {
            let id = &all[(seq as usize * 7919) % all.len()];
            let note = bulk == 1 && seq % 10 == 0;
            // A bulk event codes the next `bulk` conversations of the same walk.
            let many: Vec<String> = if bulk > 1 {
                (0..bulk)
                    .map(|j| all[(((seq as usize - 1) * bulk + j) * 7919) % all.len()].clone())
                    .collect()
            } else {
                Vec::new()
            };
            let e = Event {
                seq,
                time: chrono::Utc::now(),
                reviewer: format!("reviewer{}", seq % 4),
                conversation: (bulk == 1).then(|| id.clone()),
                conversations: many,
                action: if note { Action::Note } else { Action::Tag },
                value: if note {
                    json!(format!("note {seq}"))
                } else {
                    json!(tags[(seq % 5) as usize])
                },
                prev: json!([]),
                replaces: Vec::new(),
                via: None,
            };
            serde_json::to_writer(&mut w, &e).unwrap();
            w.write_all(b"\n").unwrap();
        }
    }
    let mut replay = Vec::new();
    let mut journal = None;
    for _ in 0..3 {
        // One replayed state at a time.
        drop(journal.take());
        let t = Instant::now();
        let j = Journal::open(tmp.path()).unwrap();
        replay.push(t.elapsed().as_secs_f64());
        journal = Some(j);
    }
    let mut journal = journal.unwrap();
    println!(
        "| replay of {events} events of {bulk} conversation(s) each (median of 3) | {:.2} s; anonymous memory of this process after: {:.0} MiB |",
        median(&mut replay),
        common::rss_anon_mib()
    );

    // fsync cost: append one event at a time.
    let mut per = Vec::new();
    for i in 0..200 {
        let id = all[i % all.len()].clone();
        let t = Instant::now();
        journal
            .append("bench", |_| {
                Ok(vec![Draft {
                    conversations: vec![id],
                    action: Action::Tag,
                    value: json!("hot"),
                    replaces: Vec::new(),
                    via: None,
                }])
            })
            .unwrap();
        per.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "| append one event (write + fsync), 200 appends | p50 {:.2} ms, p99 {:.2} ms |",
        percentile(&mut per, 0.5),
        percentile(&mut per, 0.99)
    );

    // Tag-filtered queries against the same queries unfiltered.
    let state = journal.state();
    let tagged = state.tag_counts();
    println!(
        "| conversations tagged (after replay) | {} reviewed; hot {} |",
        state.reviewed_count(),
        tagged.get("hot").copied().unwrap_or(0)
    );
    let pairs = [
        ("report", "report AND tag:hot"),
        ("climate change", "\"climate change\" AND -tag:not-relevant"),
        ("model:gpt-4", "model:gpt-4 AND reviewed:no"),
        (
            "minister AND budget",
            "minister AND budget AND reviewer:reviewer1",
        ),
    ];
    // Without kept sets (a state replayed afresh, as every query paid before): each filtered
    // query walks every coded conversation and every document.
    let (mut plain, mut afresh) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        for (a, b) in pairs {
            let t = Instant::now();
            std::hint::black_box(search::count(&index, Some(state), a).unwrap());
            plain.push(t.elapsed().as_secs_f64() * 1000.0);
            let fresh = state.clone();
            let t = Instant::now();
            std::hint::black_box(search::count(&index, Some(&fresh), b).unwrap());
            afresh.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    // The first use of each filter on this state builds its set; later ones reuse it.
    let mut first = Vec::new();
    for (_, b) in pairs {
        let t = Instant::now();
        std::hint::black_box(search::count(&index, Some(state), b).unwrap());
        first.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let mut kept = Vec::new();
    for _ in 0..10 {
        for (_, b) in pairs {
            let t = Instant::now();
            std::hint::black_box(search::count(&index, Some(state), b).unwrap());
            kept.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    let p = median(&mut plain);
    println!("| count, 4 queries, unfiltered | median {p:.1} ms |");
    println!(
        "| the same with a review filter, set built on every query (before) | median {:.1} ms, max {:.1} ms |",
        median(&mut afresh),
        percentile(&mut afresh, 1.0)
    );
    println!(
        "| the same, first use of each filter on the state (builds its set) | median {:.1} ms, max {:.1} ms |",
        median(&mut first),
        percentile(&mut first, 1.0)
    );
    println!(
        "| the same, sets kept with the state (x 10) | p50 {:.1} ms, p99 {:.1} ms |",
        percentile(&mut kept, 0.5),
        percentile(&mut kept, 0.99)
    );
    // A reviewer codes one conversation, then the list is filtered again: the kept sets are
    // updated with that conversation alone.
    let mut after = Vec::new();
    for i in 0..100 {
        let id = all[(i * 104_729) % all.len()].clone();
        journal
            .append("bench", |_| {
                Ok(vec![Draft {
                    conversations: vec![id],
                    action: Action::Tag,
                    value: json!(if i % 2 == 0 { "hot" } else { "echo-only" }),
                    replaces: Vec::new(),
                    via: None,
                }])
            })
            .unwrap();
        let (_, b) = pairs[i % pairs.len()];
        let t = Instant::now();
        std::hint::black_box(search::count(&index, Some(journal.state()), b).unwrap());
        after.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "| filtered count right after a tag (100 tags) | p50 {:.1} ms, p99 {:.1} ms |",
        percentile(&mut after, 0.5),
        percentile(&mut after, 0.99)
    );
}
