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
            let note = seq % 10 == 0;
            let e = Event {
                seq,
                time: chrono::Utc::now(),
                reviewer: format!("reviewer{}", seq % 4),
                conversation: Some(id.clone()),
                conversations: Vec::new(),
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
        let t = Instant::now();
        let j = Journal::open(tmp.path()).unwrap();
        replay.push(t.elapsed().as_secs_f64());
        journal = Some(j);
    }
    let mut journal = journal.unwrap();
    println!(
        "| replay of {events} events (median of 3) | {:.2} s |",
        median(&mut replay)
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
    let (mut plain, mut filtered) = (Vec::new(), Vec::new());
    for _ in 0..10 {
        for (a, b) in pairs {
            let t = Instant::now();
            std::hint::black_box(search::count(&index, Some(state), a).unwrap());
            plain.push(t.elapsed().as_secs_f64() * 1000.0);
            let t = Instant::now();
            std::hint::black_box(search::count(&index, Some(state), b).unwrap());
            filtered.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    let (p, f) = (median(&mut plain), median(&mut filtered));
    println!("| count, 4 queries x 10, unfiltered | median {p:.1} ms |");
    println!(
        "| count, the same with a review filter | median {f:.1} ms ({:.1}x) |",
        f / p
    );
}
