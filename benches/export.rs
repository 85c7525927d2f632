//! Export throughput in every format at 10k and 100k conversations (seconds, MB/s of output),
//! against a baseline that only loads each conversation from the index and serialises it to
//! JSON in memory; and the peak memory of `verbatim export` at both sizes (it should be flat).
//!
//! cargo bench --bench export
//! VERBATIM_BENCH_EXPORT_SIZES=10000 cargo bench --bench export   # only the small size

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use verbatim::detect::FindingsIndex;
use verbatim::export::{self, BatesOptions, Format, Selection};
use verbatim::index::ConvIndex;
use verbatim::review::Journal;

#[path = "common/mod.rs"]
mod common;
use common::{child_peak_anon, child_peak_rss, matter, median};

fn sizes() -> Vec<u64> {
    std::env::var("VERBATIM_BENCH_EXPORT_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000])
}

fn main() {
    println!("## export\n");
    println!(
        "| conversations | format | median s | MB written | MB/s | vs load+serialise baseline |"
    );
    println!("|---|---|---|---|---|---|");
    let mut rss = Vec::new();
    for n in sizes() {
        let m = matter(n);
        // Earlier bench runs registered their productions: start from an empty register.
        let _ = std::fs::remove_file(m.join("productions.jsonl"));
        let _ = std::fs::remove_dir_all(m.join("productions"));
        let index = ConvIndex::open(&m.join("index")).unwrap();
        let journal = Journal::open(&m).unwrap();
        let findings = FindingsIndex::load(&m).unwrap();
        let runs = if n <= 10_000 { 3 } else { 1 };

        // Baseline: the unavoidable part, loading and encoding every conversation.
        let mut base = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            let searcher = index.searcher();
            let mut bytes = 0usize;
            for addr in ConvIndex::doc_addresses(&searcher) {
                let c = index.load(&searcher, addr).unwrap();
                bytes += serde_json::to_vec(&c).unwrap().len();
            }
            assert!(bytes > 0);
            base.push(t.elapsed().as_secs_f64());
        }
        let base = median(&mut base);
        println!("| {n} | (baseline: load + JSON) | {base:.2} | | | 1.00 |");

        // Every format, then JSON Lines again with personal data masked (every message, title
        // and note through the detectors).
        let runs_of = Format::ALL
            .into_iter()
            .map(|f| (f, false))
            .chain([(Format::Jsonl, true)]);
        let mut kept = Vec::new();
        for (format, redact) in runs_of {
            let mut secs = Vec::new();
            let mut mb = 0.0;
            for _ in 0..runs {
                let tmp = tempfile::tempdir_in(m.parent().unwrap()).unwrap();
                let req = export::ExportRequest {
                    selection: Selection {
                        tags: vec![],
                        query: Some("*".into()),
                        ..Default::default()
                    },
                    format,
                    contents: None,
                    out: tmp.path().join("out"),
                    bates: format.numbered().then(|| BatesOptions {
                        // A fresh prefix each run so the matter's counters never run out.
                        prefix: format!("B{}-", std::process::id()),
                        start: None,
                        width: 9,
                    }),
                    redact,
                    force: false,
                    reviewer: "bench".into(),
                    designation: Some("CONFIDENTIAL".into()),
                    recipient: None,
                    // Every run produces the same set again under the run's prefix.
                    reproduce: true,
                    pdf: false,
                };
                let inputs = export::Inputs {
                    matter_dir: &m,
                    index: &index,
                    review: journal.state(),
                    findings: &findings,
                };
                let t = Instant::now();
                let s = export::run(
                    &inputs,
                    &req,
                    &mut verbatim::progress::Silent,
                    &AtomicBool::new(false),
                )
                .unwrap();
                secs.push(t.elapsed().as_secs_f64());
                assert_eq!(s.conversations, n);
                mb = s.bytes as f64 / 1e6;
                // Kept until every format ran: ext4 scans past recently deleted inodes when
                // creating files, so deleting each export before the next would slow the
                // next one's file creation (seen as kernel time in `find_inode_bit`).
                kept.push(tmp);
            }
            let t = median(&mut secs);
            println!(
                "| {n} | {}{} | {t:.2} | {mb:.0} | {:.0} | {:.2} |",
                format.name(),
                if redact { " --redact-pii" } else { "" },
                mb / t,
                t / base
            );
        }

        // Memory against the size of the export: subsets of this matter, then all of it.
        for (what, q) in [
            ("turns:>=8", "turns:>=8"),
            ("turns:1", "turns:1"),
            ("all", "*"),
        ] {
            let tmp = tempfile::tempdir_in(m.parent().unwrap()).unwrap();
            let count = std::process::Command::new(env!("CARGO_BIN_EXE_verbatim"))
                .arg("--matter")
                .arg(&m)
                .args(["search", q, "--count"])
                .output()
                .unwrap();
            let count = String::from_utf8_lossy(&count.stdout).trim().to_string();
            let export_to = |dir: &str| {
                let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_verbatim"));
                cmd.arg("--matter")
                    .arg(&m)
                    .args([
                        "--quiet", "export", "--query", q, "--format", "html", "--out",
                    ])
                    .arg(tmp.path().join(dir));
                cmd
            };
            let (anon, rss_total) = (
                child_peak_anon(export_to("out")),
                child_peak_rss(export_to("out2")),
            );
            rss.push((n, what, count, anon, rss_total));
        }
    }
    println!(
        "\n| matter | selection | exported | peak anonymous memory | peak RSS (with mapped index pages) |"
    );
    println!("|---|---|---|---|---|");
    for (n, what, count, anon, rss) in rss {
        println!("| {n} | {what} | {count} | {anon:.0} MiB | {rss:.0} MiB |");
    }
}
