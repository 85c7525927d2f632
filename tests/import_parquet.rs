//! `verbatim import` of Parquet written by an independent writer (pyarrow, pinned in
//! scripts/requirements.txt, through scripts/parquet_fixture.py): a directory of LMSYS shards
//! with counts and ids against pyarrow's own reading, WildChat timestamps, a damaged page whose
//! rows are rejected by row group and row while the rest is imported, an interrupted import
//! resumed, a file imported twice, and a mapped layout.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::{Value, json};
use verbatim::matter::{Matter, SourceStatus};

fn lmsys(prefix: &str, n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            json!({
                "conversation_id": format!("{prefix}{i:05}"),
                "model": if i % 2 == 0 { "vicuna-13b" } else { "gpt-4" },
                "conversation": [
                    {"role": "user", "content": format!("Tell me about lighthouse {prefix} {i}")},
                    {"role": "assistant", "content": "Lighthouses guide ships along dangerous coasts."}
                ],
                "turn": 1,
                "language": "English",
                "redacted": false
            })
        })
        .collect()
}

/// Writes `records` with pyarrow in `layout`; returns the file.
fn parquet(dir: &Path, name: &str, layout: &str, records: &[Value], extra: &[&str]) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let input = dir.join(format!("{name}.jsonl.src"));
    let text: String = records.iter().map(|r| r.to_string() + "\n").collect();
    std::fs::write(&input, text).unwrap();
    let out = dir.join(format!("{name}.parquet"));
    let mut args = vec![
        "write",
        "--layout",
        layout,
        input.to_str().unwrap(),
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    parquet_fixture(&args);
    std::fs::remove_file(&input).unwrap();
    out
}

#[test]
fn a_directory_of_lmsys_shards_imports_every_row_pyarrow_reads() {
    if !have_pyarrow() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let shards = tmp.path().join("lmsys-chat-1m/data");
    let mut pyarrow_rows = 0;
    let mut ids = Vec::new();
    for (s, codec) in ["snappy", "zstd", "gzip"].iter().enumerate() {
        let recs = lmsys(&format!("s{s}-"), 700 + s * 13);
        let f = parquet(
            &shards,
            &format!("train-{s:05}-of-00003"),
            "lmsys",
            &recs,
            &["--row-group-size", "256", "--compression", codec],
        );
        let read = parquet_fixture(&["read", f.to_str().unwrap(), "--column", "conversation_id"]);
        pyarrow_rows += read["rows"].as_u64().unwrap();
        ids.extend(
            read["columns"]["conversation_id"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_string()),
        );
    }
    let m = tmp.path().join("m");
    let o = run(&m, &["import", shards.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(docs(&m), pyarrow_rows);
    assert_eq!(pyarrow_rows, 700 + 713 + 726);
    // Every id pyarrow reads is in the matter, with its provenance.
    for id in [&ids[0], &ids[800], ids.last().unwrap()] {
        let o = run(&m, &["show", "--json", id]);
        assert!(o.status.success(), "{id}: {}", stderr(&o));
        let v = json(&o);
        assert!(v["source"]["file"].as_str().unwrap().ends_with(".parquet"));
        assert!(v["model"].as_str().is_some());
    }
    let meta = Matter::open(&m).unwrap().meta;
    assert_eq!(meta.sources.len(), 3);
    assert!(
        meta.sources
            .iter()
            .all(|s| s.container.as_deref() == Some("parquet")
                && s.status == SourceStatus::Complete
                && !s.sha256.is_empty())
    );
    // Imported again: nothing changes.
    let o = run(&m, &["import", shards.to_str().unwrap()]);
    assert!(
        stdout(&o).matches("skipped, already imported").count() == 3,
        "{}",
        stdout(&o)
    );
    assert_eq!(docs(&m), pyarrow_rows);
}

#[test]
fn wildchat_timestamps_and_a_mapped_layout_arrive_intact() {
    if !have_pyarrow() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let recs: Vec<Value> = (0..40)
        .map(|i| {
            json!({
                "conversation_hash": format!("wc{i:03}"),
                "model": "gpt-3.5-turbo-0301",
                "timestamp": format!("2023-04-{:02}T10:11:12.123456Z", 1 + i % 28),
                "conversation": [
                    {"role": "user", "content": format!("question {i}"), "language": "English", "timestamp": "2023-04-01T10:11:12Z", "turn_identifier": i},
                    {"role": "assistant", "content": "an answer", "language": "English", "timestamp": "2023-04-01T10:11:13Z", "turn_identifier": i}
                ],
                "turn": 1, "language": "English", "toxic": false, "redacted": false,
                "country": "France", "state": null, "hashed_ip": "abc"
            })
        })
        .collect();
    let f = parquet(
        tmp.path(),
        "wildchat",
        "wildchat",
        &recs,
        &["--row-group-size", "16"],
    );
    let m = tmp.path().join("m");
    let o = run(&m, &["import", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let v = json(&run(&m, &["show", "--json", "wc005"]));
    assert_eq!(
        v["created"].as_str().unwrap(),
        "2023-04-06T10:11:12.123456Z"
    );
    let o = run(&m, &["search", "--count", "created:2023-04-01..2023-04-03"]);
    assert!(o.status.success());

    // Another layout, mapped by column name.
    let other: Vec<Value> = (0..10)
        .map(|i| {
            json!({"chat_id": format!("x{i}"), "llm": "m1", "turns": [
                {"from": "human", "value": format!("hello {i}")},
                {"from": "gpt", "value": "hi"}
            ]})
        })
        .collect();
    let f = parquet(tmp.path(), "other", "mapped", &other, &[]);
    let m2 = tmp.path().join("m2");
    let o = run(&m2, &["import", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--columns"), "{}", stderr(&o));
    let o = run(
        &m2,
        &[
            "import",
            "--columns",
            "id=chat_id,messages=turns,model=llm",
            f.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(docs(&m2), 10);
    let v = json(&run(&m2, &["show", "--json", "x3"]));
    assert_eq!(v["model"], "m1");
}

#[test]
fn a_damaged_page_rejects_its_rows_by_row_group_and_imports_the_rest() {
    if !have_pyarrow() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let f = parquet(
        tmp.path(),
        "whole",
        "lmsys",
        &lmsys("d", 1000),
        &["--row-group-size", "200", "--compression", "none"],
    );
    let bad = tmp.path().join("damaged.parquet");
    let c = parquet_fixture(&[
        "corrupt",
        f.to_str().unwrap(),
        bad.to_str().unwrap(),
        "--row-group",
        "2",
    ]);
    assert!(c.is_object());
    let m = tmp.path().join("m");
    let o = run(&m, &["--json", "import", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s = json(&o);
    let imported = s["imported"].as_u64().unwrap();
    let rejected = s["rejected"].as_u64().unwrap();
    assert_eq!(imported + rejected, 1000, "every row is accounted for");
    assert_eq!(imported, 800, "the four undamaged row groups");
    assert_eq!(docs(&m), 800);
    let rejects = std::fs::read_to_string(m.join("rejects.jsonl")).unwrap();
    let r: Value = serde_json::from_str(rejects.lines().next().unwrap()).unwrap();
    assert_eq!(r["row_group"], 2);
    assert_eq!(r["row"], 0);
    assert!(r["file"].as_str().unwrap().ends_with("damaged.parquet"));
}

#[test]
fn an_interrupted_parquet_import_resumes_after_its_last_commit() {
    if !have_pyarrow() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let f = parquet(
        tmp.path(),
        "big",
        "lmsys",
        &lmsys("r", 5000),
        &["--row-group-size", "700"],
    );
    let m = tmp.path().join("m");
    let s = import_stopping(&m, std::slice::from_ref(&f), 300, Some(2000));
    assert!(s.interrupted);
    let first = docs(&m);
    assert!((2000..5000).contains(&first), "{first}");
    let s = import_stopping(&m, std::slice::from_ref(&f), 300, None);
    assert_eq!(s.files[0].resumed_after, Some(first));
    assert_eq!((s.duplicates, docs(&m)), (0, 5000));
    let src = &Matter::open(&m).unwrap().meta.sources[0];
    assert_eq!((src.status, src.imported), (SourceStatus::Complete, 5000));
}
