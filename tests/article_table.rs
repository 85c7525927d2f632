//! The article table on disk (`articles/table/`): the mapped table finds exactly what the
//! in-memory table finds; a missing, stale, torn or foreign table is rebuilt with the reason
//! said; a build killed at any moment leaves a matter that detects correctly afterwards.

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Instant;

use common::*;
use verbatim::detect::elicitation::{ArticleName, ArticleNames};
use verbatim::detect::findings::scan_named;
use verbatim::detect::table::ArticleTable;
use verbatim::detect::{Thresholds, store};
use verbatim::index::ConvIndex;

/// The table was built from the corpus as it is: detect uses it without a rebuild.
fn assert_table_current(m: &Path) {
    let manifest = store::manifest(m).unwrap().unwrap();
    assert_eq!(
        manifest.corpus_sha256,
        verbatim::articles::corpus_sha256(m).unwrap()
    );
    let err = detect(m);
    assert!(!err.contains("building the article table"), "{err}");
}

/// A synthetic production and corpus, imported; returns (tempdir, matter, synth dir).
fn synth_matter(conversations: u64, articles: u64) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("s");
    synth_planted(&out, conversations, articles, 5);
    let m = tmp.path().join("m");
    let c = out.join("conversations.jsonl");
    run_ok(&m, &["--quiet", "import", c.to_str().unwrap()]);
    (tmp, m, out)
}

fn import_articles(m: &Path, file: &Path) -> String {
    run_ok(m, &["articles", "import", file.to_str().unwrap()])
}

/// Findings as sorted JSON lines.
fn sorted_findings(m: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_to_string(m.join("findings.jsonl"))
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    v.sort();
    v
}

/// What the in-memory table finds on every conversation of the matter.
fn in_memory_findings(m: &Path) -> Vec<String> {
    let articles = verbatim::articles::load(m).unwrap();
    let names = ArticleNames {
        names: articles
            .iter()
            .map(|a| ArticleName::new(a.title.as_deref(), a.url.as_deref()))
            .collect(),
    };
    let table = ArticleTable::build(articles, Thresholds::default().max_df);
    let index = ConvIndex::open(&m.join("index")).unwrap();
    let searcher = index.searcher();
    let mut v = Vec::new();
    for addr in ConvIndex::doc_addresses(&searcher) {
        let conv = index.load(&searcher, addr).unwrap();
        for f in scan_named(&conv, &table, &names, &Thresholds::default()) {
            v.push(serde_json::to_string(&f).unwrap());
        }
    }
    v.sort();
    v
}

/// Sets `key` of the table's manifest to `value`, as a hand edit would.
fn set_in_manifest(table: &Path, key: &str, value: serde_json::Value) {
    let p = table.join("manifest.json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
    v[key] = value;
    std::fs::write(&p, v.to_string()).unwrap();
}

fn detect(m: &Path) -> String {
    let out = run(m, &["detect"]);
    assert!(out.status.success(), "{}", stderr(&out));
    stderr(&out)
}

#[test]
fn the_mapped_table_finds_what_the_in_memory_table_finds() {
    let (_t, m, s) = synth_matter(1_200, 200);
    let said = import_articles(&m, &s.join("articles.jsonl"));
    assert!(said.contains("article table: 200 articles"), "{said}");
    let manifest = store::manifest(&m).unwrap().unwrap();
    assert_eq!(manifest.articles, 200);
    assert_eq!(
        manifest.corpus_sha256,
        verbatim::articles::corpus_sha256(&m).unwrap()
    );
    // Built at import: detect opens it without building.
    let err = detect(&m);
    assert!(!err.contains("building the article table"), "{err}");
    let mapped = sorted_findings(&m);
    assert!(mapped.len() > 100, "{}", mapped.len());
    // Copies asked for by title or URL: the mapped table names its articles from the store
    // (kept once parsed), the in-memory scan is handed the names.
    let requested = mapped
        .iter()
        .filter(|f| f.contains("\"elicitation\":\"requested\""))
        .count();
    assert!(requested > 10, "{requested}");
    assert_eq!(mapped, in_memory_findings(&m));
    // The table is the owner's alone, like the rest of the matter.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for f in ["words.bin", "entries.bin", "manifest.json"] {
            let mode = std::fs::metadata(m.join("articles/table").join(f))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "{f}: {mode:o}");
        }
    }
}

#[test]
fn a_missing_stale_torn_or_foreign_table_is_rebuilt_and_says_why() {
    let (_t, m, s) = synth_matter(400, 60);
    import_articles(&m, &s.join("articles.jsonl"));
    detect(&m);
    let reference = sorted_findings(&m);
    let table = m.join("articles/table");
    type Damage<'a> = Box<dyn Fn() + 'a>;
    let cases: Vec<(&str, Damage)> = vec![
        (
            "no article table yet",
            Box::new(|| std::fs::remove_dir_all(&table).unwrap()),
        ),
        (
            "entries.bin is",
            Box::new(|| {
                let f = std::fs::OpenOptions::new()
                    .write(true)
                    .open(table.join("entries.bin"))
                    .unwrap();
                let len = f.metadata().unwrap().len();
                f.set_len(len - 5).unwrap();
            }),
        ),
        (
            "words.bin is missing",
            Box::new(|| std::fs::remove_file(table.join("words.bin")).unwrap()),
        ),
        (
            "manifest is damaged",
            Box::new(|| std::fs::write(table.join("manifest.json"), b"{\"version\":").unwrap()),
        ),
        (
            "layout version 99",
            Box::new(|| set_in_manifest(&table, "version", 99.into())),
        ),
        (
            "index.bin record",
            Box::new(|| {
                // Same size, wrong offsets: only reading them tells.
                let p = table.join("index.bin");
                let mut b = std::fs::read(&p).unwrap();
                b[16..24].copy_from_slice(&u64::MAX.to_le_bytes());
                std::fs::write(&p, b).unwrap();
            }),
        ),
        (
            "buckets.bin offset",
            Box::new(|| {
                let p = table.join("buckets.bin");
                let mut b = std::fs::read(&p).unwrap();
                let n = b.len();
                b[n / 2..n / 2 + 8].copy_from_slice(&u64::MAX.to_le_bytes());
                std::fs::write(&p, b).unwrap();
            }),
        ),
        (
            "manifest is damaged",
            Box::new(|| set_in_manifest(&table, "bucket_bits", 0.into())),
        ),
        (
            "this build detects with k5",
            Box::new(|| set_in_manifest(&table, "algorithm", "k8-stride8-detector1".into())),
        ),
        (
            "corpus changed",
            Box::new(|| set_in_manifest(&table, "corpus_sha256", "00".into())),
        ),
    ];
    for (why, damage) in cases {
        damage();
        let err = detect(&m);
        assert!(
            err.contains(why) && err.contains("building the article table"),
            "{why}: {err}"
        );
        assert_eq!(sorted_findings(&m), reference, "{why}");
        // Then it is whole again: the next run opens it as it is.
        let err = detect(&m);
        assert!(!err.contains("building the article table"), "{why}: {err}");
    }
    // Another boilerplate threshold is another table.
    let out = run(&m, &["detect", "--max-df", "3"]);
    assert!(stderr(&out).contains("more than 10 articles and this run asks for 3"));
    assert_eq!(store::manifest(&m).unwrap().unwrap().max_df, 3);
}

#[test]
fn more_articles_rebuild_the_table_and_nothing_new_keeps_it() {
    let (t, m, s) = synth_matter(300, 40);
    import_articles(&m, &s.join("articles.jsonl"));
    let first = store::manifest(&m).unwrap().unwrap();
    // The same file again: skipped, and the table is kept as it is.
    let said = import_articles(&m, &s.join("articles.jsonl"));
    assert!(!said.contains("article table:"), "{said}");
    assert_eq!(store::manifest(&m).unwrap().unwrap().built, first.built);
    let extra = write(
        t.path(),
        "more.jsonl",
        b"{\"id\":\"x-1\",\"title\":\"Extra\",\"text\":\"An extra article about the harbour barrier and its engineers, long enough to hold a few k-grams of its own words.\"}\n",
    );
    let said = import_articles(&m, &extra);
    assert!(said.contains("article table: 41 articles"), "{said}");
    let second = store::manifest(&m).unwrap().unwrap();
    assert_eq!(
        second.corpus_sha256,
        verbatim::articles::corpus_sha256(&m).unwrap()
    );
    assert!(second.words > first.words);
}

/// A reference matter of the same synth output, imported and detected whole: its findings,
/// and how long its `articles import` (import and table) took.
fn reference(t: &Path, s: &Path) -> (Vec<String>, std::time::Duration) {
    let m = t.join("ref");
    let c = s.join("conversations.jsonl");
    run_ok(&m, &["--quiet", "import", c.to_str().unwrap()]);
    let started = Instant::now();
    import_articles(&m, &s.join("articles.jsonl"));
    let whole = started.elapsed();
    detect(&m);
    (sorted_findings(&m), whole)
}

/// Runs `verbatim --matter m --quiet ARGS` four times, killing it at 1/5 to 4/5 of `whole`
/// (each run's arguments from its number, 1 to 4).
fn kill_part_way(m: &Path, whole: std::time::Duration, args: impl Fn(u32) -> Vec<String>) {
    for k in 1..=4u32 {
        let mut child = bin()
            .args(["--matter", m.to_str().unwrap(), "--quiet"])
            .args(args(k))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(whole * k / 5);
        let _ = child.kill();
        let _ = child.wait();
    }
}

#[test]
fn a_build_killed_at_any_moment_leaves_a_matter_that_detects_right() {
    let (t, m, s) = synth_matter(300, 1_500);
    let (reference, whole) = reference(t.path(), &s);
    import_articles(&m, &s.join("articles.jsonl"));
    // Builds for other boilerplate thresholds, killed part-way through.
    kill_part_way(&m, whole, |k| {
        vec!["detect".into(), "--max-df".into(), (10 + k).to_string()]
    });
    // Whatever the kills left (a half-written table.new/, a table of another max_df), the
    // next run reads a whole table and finds the same.
    detect(&m);
    assert_eq!(sorted_findings(&m), reference);
    assert!(!m.join("articles/table.new").exists());
}

#[test]
fn an_import_killed_while_it_builds_the_table_is_finished_by_the_next() {
    let (t, m, s) = synth_matter(300, 1_500);
    let (reference, whole) = reference(t.path(), &s);
    let articles = s.join("articles.jsonl");
    let file = articles.to_str().unwrap().to_string();
    kill_part_way(&m, whole, |_| {
        vec!["articles".into(), "import".into(), file.clone()]
    });
    // The file is imported whole (or found imported) and the table matches the corpus.
    import_articles(&m, &articles);
    assert_table_current(&m);
    assert_eq!(sorted_findings(&m), reference);
}

#[test]
fn a_file_rolled_back_during_the_import_leaves_a_table_of_what_was_kept() {
    let (t, m, s) = synth_matter(200, 60);
    // A good file, then a gzip file cut in the middle: its articles are rolled back.
    let text = std::fs::read(s.join("articles.jsonl")).unwrap();
    let lines: Vec<&[u8]> = text.split_inclusive(|b| *b == b'\n').collect();
    let first: Vec<u8> = lines[..30].concat();
    let second: Vec<u8> = lines[30..].concat();
    let a = write(t.path(), "a.jsonl", &first);
    let gz = gzip(&second);
    let b = write(t.path(), "b.jsonl.gz", &gz[..gz.len() * 2 / 3]);
    let out = run(
        &m,
        &[
            "articles",
            "import",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(said.contains("nothing from this file was kept"), "{said}");
    assert!(said.contains("article table: 30 articles"), "{said}");
    assert_table_current(&m);
    assert_eq!(sorted_findings(&m), in_memory_findings(&m));
}
