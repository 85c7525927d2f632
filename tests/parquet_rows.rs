//! The Parquet reader against files written by pyarrow in the public datasets' own layouts
//! (LMSYS-Chat-1M, WildChat) and a mapped one, with the counts, ids and values pyarrow itself
//! reads (`scripts/parquet_fixture.py`): several row groups and codecs, resuming across a group
//! boundary, a damaged page, truncated and foreign files, and real conversations from
//! `../shared/data` when present.

mod common;

use std::path::{Path, PathBuf};
use std::time::Instant;

use common::{have_pyarrow, parquet_fixture};
use serde_json::{Value, json};
use verbatim::import::Format;
use verbatim::import::common::RecordCtx;
use verbatim::import::parquet_rows::{ColumnMap, ParquetRows, RowItem};
use verbatim::model::Conversation;

fn write_jsonl(path: &Path, records: &[Value]) {
    let mut s = String::new();
    for r in records {
        s.push_str(&r.to_string());
        s.push('\n');
    }
    std::fs::write(path, s).unwrap();
}

/// Writes `records` as Parquet in `layout` and returns the file.
fn parquet(dir: &Path, name: &str, layout: &str, records: &[Value], extra: &[&str]) -> PathBuf {
    let input = dir.join(format!("{name}.jsonl"));
    write_jsonl(&input, records);
    let out = dir.join(format!("{name}.parquet"));
    let mut args = vec![
        "write",
        "--layout",
        layout,
        input.to_str().unwrap(),
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let answer = parquet_fixture(&args);
    assert_eq!(answer["rows"].as_u64().unwrap(), records.len() as u64);
    out
}

/// pyarrow's own reading of `file`, with the values of `columns`.
fn pyarrow_read(file: &Path, columns: &[&str]) -> Value {
    let mut args = vec!["read", file.to_str().unwrap()];
    for c in columns {
        args.extend(["--column", c]);
    }
    parquet_fixture(&args)
}

fn strings(v: &Value) -> Vec<Option<String>> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().map(str::to_string))
        .collect()
}

fn read_all(r: &mut ParquetRows) -> Vec<RowItem> {
    std::iter::from_fn(|| r.next_item()).collect()
}

fn number_of(item: &RowItem) -> u64 {
    match item {
        RowItem::Row { number, .. } | RowItem::Bad { number, .. } => *number,
        RowItem::GroupLost { first_number, .. } => *first_number,
    }
}

/// A row's record read by the format reader it is meant for, as `import` would.
fn conversation(value: &Value, number: u64, expect: Format) -> Conversation {
    assert_eq!(Format::detect(value), Some(expect), "{value}");
    let ctx = RecordCtx {
        file: "f.parquet",
        record: number,
    };
    let mut convs = expect.parse(value.clone(), &ctx).unwrap();
    assert_eq!(convs.len(), 1);
    convs.remove(0)
}

/// The same record read straight from its JSON, for comparison.
fn from_json(record: &Value, number: u64) -> Conversation {
    let format = Format::detect(record).unwrap();
    conversation(record, number, format)
}

fn same_conversation(a: &Conversation, b: &Conversation) {
    assert_eq!(a.id, b.id);
    assert_eq!(a.model, b.model, "{}", a.id);
    assert_eq!(a.created, b.created, "{}", a.id);
    assert_eq!(a.language, b.language, "{}", a.id);
    assert_eq!(a.messages, b.messages, "{}", a.id);
}

const WORDS: [&str; 12] = [
    "contract",
    "tribunal",
    "Überweisung",
    "déjà",
    "合同",
    "the",
    "witness",
    "exhibit",
    "😀",
    "damages",
    "\n",
    "clause",
];

fn text(seed: usize, len: usize) -> String {
    (0..len)
        .map(|k| WORDS[(seed * 7 + k * 13 + k * k) % WORDS.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

fn moderation(seed: usize) -> Value {
    json!({
        "categories": {"harassment": false, "hate": seed.is_multiple_of(5), "violence/graphic": false},
        "category_scores": {"harassment": 0.001, "hate": (seed % 100) as f64 / 100.0},
        "flagged": seed.is_multiple_of(5)
    })
}

/// LMSYS-Chat-1M records; every 250th has a null conversation.
fn lmsys_records(n: usize) -> Vec<Value> {
    let models = ["vicuna-13b", "koala-13b", "gpt-4", "llama-2-13b-chat"];
    (0..n)
        .map(|i| {
            let turns = 1 + i % 4;
            let conversation: Vec<Value> = (0..turns * 2)
                .map(|k| {
                    json!({
                        "content": text(i + k, 3 + (i * 31 + k) % 60),
                        "role": if k.is_multiple_of(2) { "user" } else { "assistant" }
                    })
                })
                .collect();
            json!({
                "conversation_id": format!("{:032x}", i * 2_654_435_761),
                "model": models[i % models.len()],
                "conversation": if i % 250 == 7 { Value::Null } else { json!(conversation) },
                "turn": turns,
                "language": if i.is_multiple_of(3) { "German" } else { "English" },
                "openai_moderation": (0..turns * 2).map(|k| moderation(i + k)).collect::<Vec<_>>(),
                "redacted": i.is_multiple_of(11)
            })
        })
        .collect()
}

/// WildChat records, timestamps with microseconds.
fn wildchat_records(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            let start = 1_680_998_573 + i as i64 * 3_607;
            let iso = |secs: i64, micros: i64| {
                chrono::DateTime::from_timestamp(secs, (micros * 1000) as u32)
                    .unwrap()
                    .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
            };
            let conversation: Vec<Value> = (0..2 + i % 3)
                .map(|k| {
                    json!({
                        "content": text(i * 3 + k, 5 + (i + k) % 40),
                        "role": if k.is_multiple_of(2) { "user" } else { "assistant" },
                        "timestamp": iso(start + k as i64 * 20, (i * 37 % 1_000_000) as i64),
                        "country": "Australia",
                        "hashed_ip": format!("{:x}", i * 97),
                        "header": {"accept-language": "en-AU", "user-agent": "Mozilla/5.0"},
                        "language": "English",
                        "redacted": false,
                        "state": "Queensland",
                        "toxic": false,
                        "turn_identifier": i * 10 + k
                    })
                })
                .collect();
            json!({
                "conversation_hash": format!("{:032x}", i * 40_503 + 1),
                "model": if i.is_multiple_of(2) { "gpt-3.5-turbo-0613" } else { "gpt-4-0314" },
                "timestamp": iso(start, (i * 123_457 % 1_000_000) as i64),
                "conversation": conversation,
                "turn": 1 + i % 3,
                "language": "English",
                "openai_moderation": [moderation(i)],
                "detoxify_moderation": [{"toxicity": 0.0007, "insult": 0.0002}],
                "toxic": false,
                "redacted": i.is_multiple_of(13),
                "state": "Queensland",
                "country": "Australia",
                "hashed_ip": format!("{:x}", i * 97),
                "header": {"accept-language": "en-AU", "user-agent": "Mozilla/5.0"}
            })
        })
        .collect()
}

#[test]
fn lmsys_layout_in_every_codec_matches_pyarrow() {
    if !have_pyarrow() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let records = lmsys_records(1_300);
    for codec in ["snappy", "zstd", "gzip", "lz4", "brotli"] {
        let file = parquet(
            tmp.path(),
            &format!("lmsys-{codec}"),
            "lmsys",
            &records,
            &["--row-group-size", "300", "--compression", codec],
        );
        let truth = pyarrow_read(&file, &["conversation_id", "model"]);
        let ids = strings(&truth["columns"]["conversation_id"]);
        let models = strings(&truth["columns"]["model"]);
        let mut r = ParquetRows::open(&file, None).unwrap();
        assert_eq!(r.layout_name(), "lmsys");
        assert_eq!(r.total_rows(), truth["rows"].as_u64().unwrap());
        assert_eq!(r.row_groups(), 5);
        assert_eq!(json!(r.group_rows()), truth["group_rows"]);
        let items = read_all(&mut r);
        assert_eq!(items.len(), records.len(), "{codec}");
        let mut bad = 0;
        for (i, item) in items.iter().enumerate() {
            assert_eq!(number_of(item), i as u64 + 1);
            match item {
                RowItem::Row {
                    number,
                    row_group,
                    row,
                    value,
                } => {
                    assert_eq!((*row_group, *row), (i / 300, (i % 300) as u64));
                    let c = conversation(value, *number, Format::Lmsys);
                    assert_eq!(Some(&c.id), ids[i].as_ref());
                    assert_eq!(c.model, models[i]);
                    same_conversation(&c, &from_json(&records[i], *number));
                    assert!(c.metadata["openai_moderation"].is_array());
                    assert_eq!(c.metadata["turn"], records[i]["turn"]);
                    assert_eq!(c.metadata["redacted"], records[i]["redacted"]);
                }
                RowItem::Bad { reason, .. } => {
                    bad += 1;
                    assert!(records[i]["conversation"].is_null());
                    assert_eq!(reason, "`conversation` is null");
                }
                other => panic!("{codec}: {other:?}"),
            }
        }
        assert_eq!(bad, 6, "{codec}");
        let size = std::fs::metadata(&file).unwrap().len();
        assert!(r.bytes_done() > size / 2 && r.bytes_done() < size);
    }
}

#[test]
fn wildchat_layout_with_microsecond_and_nanosecond_timestamps() {
    if !have_pyarrow() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let records = wildchat_records(700);
    for (unit, codec) in [("us", "snappy"), ("ns", "zstd")] {
        let file = parquet(
            tmp.path(),
            &format!("wildchat-{unit}"),
            "wildchat",
            &records,
            &[
                "--row-group-size",
                "128",
                "--compression",
                codec,
                "--timestamp-unit",
                unit,
            ],
        );
        let truth = pyarrow_read(&file, &["conversation_hash", "timestamp"]);
        let ids = strings(&truth["columns"]["conversation_hash"]);
        let secs = truth["columns"]["timestamp"].as_array().unwrap();
        let mut r = ParquetRows::open(&file, None).unwrap();
        assert_eq!(r.layout_name(), "wildchat");
        assert_eq!(r.total_rows(), truth["rows"].as_u64().unwrap());
        assert_eq!(r.row_groups(), 6);
        let items = read_all(&mut r);
        assert_eq!(items.len(), 700);
        for (i, item) in items.iter().enumerate() {
            let RowItem::Row { number, value, .. } = item else {
                panic!("{item:?}")
            };
            let ts = value["timestamp"].as_str().unwrap();
            assert!(ts.ends_with('Z') && ts.contains('T'), "{ts}");
            let c = conversation(value, *number, Format::Lmsys);
            assert_eq!(Some(&c.id), ids[i].as_ref());
            assert_eq!(c.created.unwrap().timestamp(), secs[i].as_i64().unwrap());
            // Exact to the microsecond, per message too.
            same_conversation(&c, &from_json(&records[i], *number));
            assert!(c.messages.iter().all(|m| m.created.is_some()));
            assert_eq!(
                c.metadata["conversation_hash"],
                records[i]["conversation_hash"]
            );
            assert_eq!(c.metadata["header"]["accept-language"], "en-AU");
            assert_eq!(c.metadata["detoxify_moderation"][0]["toxicity"], 0.0007);
        }
    }
}

#[test]
fn skip_rows_resumes_across_a_group_boundary() {
    if !have_pyarrow() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let records = lmsys_records(1_000);
    let file = parquet(
        tmp.path(),
        "skip",
        "lmsys",
        &records,
        &["--row-group-size", "300", "--compression", "zstd"],
    );
    let truth = pyarrow_read(&file, &["conversation_id"]);
    let ids = strings(&truth["columns"]["conversation_id"]);
    let size = std::fs::metadata(&file).unwrap().len();

    // Read part of the first group, "interrupt", resume in a new reader past the boundary.
    let mut r = ParquetRows::open(&file, None).unwrap();
    for _ in 0..250 {
        r.next_item().unwrap();
    }
    assert_eq!(r.bytes_done(), 0);
    let mut r = ParquetRows::open(&file, None).unwrap();
    r.skip_rows(450).unwrap();
    let after_one = r.bytes_done();
    assert!(
        after_one > 0 && after_one < size / 2,
        "{after_one} of {size}"
    );
    let items = read_all(&mut r);
    assert_eq!(items.len(), 550);
    let RowItem::Row {
        number,
        row_group,
        row,
        value,
    } = &items[0]
    else {
        panic!("{:?}", items[0])
    };
    assert_eq!((*number, *row_group, *row), (451, 1, 150));
    assert_eq!(value["conversation_id"].as_str(), ids[450].as_deref());
    assert_eq!(number_of(items.last().unwrap()), 1_000);
    assert!(r.bytes_done() > after_one && r.bytes_done() < size);

    // Exactly two whole groups, then the rest; the whole file; too much.
    let mut r = ParquetRows::open(&file, None).unwrap();
    r.skip_rows(600).unwrap();
    let RowItem::Row { row_group, row, .. } = r.next_item().unwrap() else {
        panic!()
    };
    assert_eq!((row_group, row), (2, 0));
    let mut r = ParquetRows::open(&file, None).unwrap();
    r.skip_rows(1_000).unwrap();
    assert!(r.next_item().is_none());
    let e = ParquetRows::open(&file, None)
        .unwrap()
        .skip_rows(1_001)
        .unwrap_err();
    assert!(e.to_string().contains("only 1000"), "{e}");
}

#[test]
fn a_damaged_page_loses_its_row_group_and_no_other() {
    if !have_pyarrow() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let records = lmsys_records(1_000);
    let file = parquet(
        tmp.path(),
        "plain",
        "lmsys",
        &records,
        &["--row-group-size", "200", "--compression", "none"],
    );
    let truth = pyarrow_read(&file, &["conversation_id"]);
    let ids = strings(&truth["columns"]["conversation_id"]);

    // The first data page header of the message text in group 2 overwritten.
    let damaged = tmp.path().join("damaged.parquet");
    let d = parquet_fixture(&[
        "corrupt",
        file.to_str().unwrap(),
        damaged.to_str().unwrap(),
        "--row-group",
        "2",
        "--column",
        "conversation",
    ]);
    assert_eq!(d["rows"], 200);
    let mut r = ParquetRows::open(&damaged, None).unwrap();
    assert_eq!(r.total_rows(), 1_000);
    let items = read_all(&mut r);
    let lost: Vec<&RowItem> = items
        .iter()
        .filter(|i| matches!(i, RowItem::GroupLost { .. }))
        .collect();
    assert_eq!(lost.len(), 1, "{lost:?}");
    let RowItem::GroupLost {
        first_number,
        row_group,
        row,
        rows,
        reason,
    } = lost[0]
    else {
        unreachable!()
    };
    assert_eq!((*first_number, *row_group, *row, *rows), (401, 2, 0, 200));
    assert!(
        reason.contains("damaged.parquet") && reason.contains("row group 2"),
        "{reason}"
    );
    // Every other row is read, in order, with pyarrow's ids.
    let read: Vec<(u64, Option<String>)> = items
        .iter()
        .filter_map(|i| match i {
            RowItem::Row { number, value, .. } => Some((
                *number,
                value["conversation_id"].as_str().map(str::to_string),
            )),
            RowItem::Bad { number, .. } => Some((*number, ids[*number as usize - 1].clone())),
            RowItem::GroupLost { .. } => None,
        })
        .collect();
    assert_eq!(read.len(), 800);
    for (number, id) in read {
        assert!(!(401..=600).contains(&number));
        assert_eq!(id, ids[number as usize - 1]);
    }

    // Resuming inside the damaged group: the rest of it is reported lost, then reading goes on.
    let mut r = ParquetRows::open(&damaged, None).unwrap();
    r.skip_rows(450).unwrap();
    match r.next_item().unwrap() {
        RowItem::GroupLost {
            first_number,
            row_group,
            row,
            rows,
            ..
        } => assert_eq!((first_number, row_group, row, rows), (451, 2, 50, 150)),
        other => panic!("{other:?}"),
    }
    let RowItem::Row { number, value, .. } = r.next_item().unwrap() else {
        panic!()
    };
    assert_eq!(number, 601);
    assert_eq!(value["conversation_id"].as_str(), ids[600].as_deref());

    // Bytes flipped in the middle of every column chunk of group 1: whatever the decoder makes
    // of them, the other groups are intact and every row is accounted for.
    let flipped = tmp.path().join("flipped.parquet");
    parquet_fixture(&[
        "corrupt",
        file.to_str().unwrap(),
        flipped.to_str().unwrap(),
        "--row-group",
        "1",
        "--mode",
        "body",
    ]);
    let mut r = ParquetRows::open(&flipped, None).unwrap();
    let items = read_all(&mut r);
    assert_eq!(items.iter().map(RowItem::rows).sum::<u64>(), 1_000);
    for item in &items {
        match item {
            RowItem::Row {
                row_group, value, ..
            } if *row_group != 1 => {
                let n = number_of(item) as usize;
                assert_eq!(value["conversation_id"].as_str(), ids[n - 1].as_deref());
            }
            RowItem::GroupLost { row_group, .. } => assert_eq!(*row_group, 1),
            _ => {}
        }
    }
}

#[test]
fn truncated_foreign_and_unknown_files_are_refused_clearly() {
    if !have_pyarrow() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let records = lmsys_records(50);
    let file = parquet(tmp.path(), "whole", "lmsys", &records, &[]);
    let bytes = std::fs::read(&file).unwrap();
    for (name, len) in [("half", bytes.len() / 2), ("cut", bytes.len() - 3)] {
        let cut = tmp.path().join(format!("{name}.parquet"));
        std::fs::write(&cut, &bytes[..len]).unwrap();
        let e = format!("{}", ParquetRows::open(&cut, None).unwrap_err());
        assert!(e.contains(&format!("{name}.parquet")), "{e}");
        assert!(e.contains("truncated"), "{e}");
    }
    let jsonl = tmp.path().join("whole.jsonl");
    let e = format!("{}", ParquetRows::open(&jsonl, None).unwrap_err());
    assert!(e.contains("whole.jsonl: not a Parquet file"), "{e}");
    let missing = tmp.path().join("missing.parquet");
    let e = format!("{}", ParquetRows::open(&missing, None).unwrap_err());
    assert!(
        e.contains("cannot open") && e.contains("missing.parquet"),
        "{e}"
    );
}

#[test]
fn a_mapped_layout_reads_through_columns() {
    if !have_pyarrow() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let records: Vec<Value> = (0..400)
        .map(|i| {
            json!({
                "conv_id": format!("m-{i}"),
                "turns": [
                    {"from": "human", "value": text(i, 9)},
                    {"from": "gpt", "value": text(i + 1, 14)}
                ],
                "llm": "mistral-7b",
                "ts": format!("2024-01-{:02}T03:04:05Z", 1 + i % 28),
                "lang": "French",
                "score": i,
                "id": format!("row-{i}"),
                "conversations": "a column that would make the record look like ShareGPT"
            })
        })
        .collect();
    let file = parquet(
        tmp.path(),
        "mapped",
        "mapped",
        &records,
        &["--row-group-size", "150", "--timestamp-columns", "ts"],
    );
    let e = format!("{}", ParquetRows::open(&file, None).unwrap_err());
    assert!(e.contains("not a known conversation layout"), "{e}");
    assert!(e.contains("turns: list<struct<from, value>>"), "{e}");
    assert!(e.contains("ts: timestamp[us]"), "{e}");
    assert!(e.contains("--columns"), "{e}");

    let map =
        ColumnMap::parse("id=conv_id,messages=turns,model=llm,timestamp=ts,language=lang").unwrap();
    let mut r = ParquetRows::open(&file, Some(&map)).unwrap();
    assert_eq!(r.layout_name(), "mapped");
    assert_eq!((r.total_rows(), r.row_groups()), (400, 3));
    let items = read_all(&mut r);
    assert_eq!(items.len(), 400);
    for (i, item) in items.iter().enumerate() {
        let RowItem::Row { number, value, .. } = item else {
            panic!("{item:?}")
        };
        let c = conversation(value, *number, Format::OpenAiChat);
        assert_eq!(c.id, format!("m-{i}"));
        assert_eq!(c.model.as_deref(), Some("mistral-7b"));
        assert_eq!(c.language.as_deref(), Some("French"));
        assert_eq!(
            c.created.unwrap().to_rfc3339(),
            format!("2024-01-{:02}T03:04:05+00:00", 1 + i % 28)
        );
        assert_eq!(c.messages.len(), 2);
        assert_eq!(c.messages[0].text, text(i, 9));
        assert_eq!(c.metadata["score"], i);
        assert_eq!(c.metadata["column.id"], format!("row-{i}"));
        assert!(c.metadata["column.conversations"].is_string());
    }
}

/// The shared real conversations (WildChat sample and Arena), as WildChat and LMSYS Parquet
/// files: every conversation reads back exactly as from its JSON.
#[test]
fn real_conversations_round_trip() {
    let chats = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/chats");
    let (wild, arena) = (
        chats.join("wildchat_sample.jsonl"),
        chats.join("chatbot_arena.jsonl"),
    );
    if !wild.exists() || !arena.exists() {
        eprintln!(
            "SKIPPED: {} not found; real-data check not run",
            chats.display()
        );
        return;
    }
    if !have_pyarrow() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let lines = |p: &Path| -> Vec<Value> {
        std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let wildchat: Vec<Value> = lines(&wild)
        .into_iter()
        .map(|r| {
            let m = &r["metadata"];
            json!({
                "conversation_hash": r["id"],
                "model": m["model"],
                "timestamp": m["timestamp"],
                "conversation": r["messages"],
                "turn": m["turn_count"],
                "language": m["language"],
                "toxic": m["toxic"],
                "redacted": m["redacted"],
                "state": m["state"],
                "country": m["country"]
            })
        })
        .collect();
    let lmsys: Vec<Value> = lines(&arena)
        .into_iter()
        .map(|r| {
            json!({
                "conversation_id": r["id"],
                "model": "arena",
                "conversation": r["messages"],
                "turn": r["messages"].as_array().map_or(0, |m| m.len() / 2),
                "language": "English",
                "redacted": false
            })
        })
        .collect();
    for (layout, records, rg) in [("wildchat", &wildchat, "40"), ("lmsys", &lmsys, "500")] {
        let file = parquet(
            tmp.path(),
            layout,
            layout,
            records,
            &["--row-group-size", rg, "--compression", "zstd"],
        );
        let mut r = ParquetRows::open(&file, None).unwrap();
        assert_eq!(r.layout_name(), layout);
        let items = read_all(&mut r);
        assert_eq!(items.len(), records.len());
        for (i, item) in items.iter().enumerate() {
            let RowItem::Row { number, value, .. } = item else {
                panic!("{item:?}")
            };
            let c = conversation(value, *number, Format::Lmsys);
            same_conversation(&c, &from_json(&records[i], *number));
            assert!(!c.messages.is_empty());
        }
    }
}

/// Throughput of reading Parquet into JSON records against parsing the same records from JSON
/// Lines. Run with
/// `cargo test --release --test parquet_rows -- --ignored --nocapture throughput`.
#[test]
#[ignore]
fn throughput() {
    if !have_pyarrow() {
        return;
    }
    let n: usize = std::env::var("PARQUET_BENCH_ROWS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let arena =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/chats/chatbot_arena.jsonl");
    // Real conversations when there, repeated under new ids; synthetic ones otherwise.
    let records: Vec<Value> = match std::fs::read_to_string(&arena) {
        Ok(s) => {
            let real: Vec<Value> = s
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            (0..n)
                .map(|i| {
                    let r = &real[i % real.len()];
                    json!({
                        "conversation_id": format!("{}-{i}", r["id"].as_str().unwrap()),
                        "model": "vicuna-13b",
                        "conversation": r["messages"],
                        "turn": 1,
                        "language": "English",
                        "openai_moderation": [moderation(i)],
                        "redacted": false
                    })
                })
                .collect()
        }
        Err(_) => lmsys_records(n),
    };
    let tmp = tempfile::tempdir().unwrap();
    let file = parquet(
        tmp.path(),
        "bench",
        "lmsys",
        &records,
        &["--row-group-size", "10000", "--compression", "snappy"],
    );
    let jsonl = tmp.path().join("bench.jsonl");
    drop(records);
    let pq_size = std::fs::metadata(&file).unwrap().len() as f64;
    let json_size = std::fs::metadata(&jsonl).unwrap().len() as f64;

    let t = Instant::now();
    let mut r = ParquetRows::open(&file, None).unwrap();
    let mut rows = 0u64;
    while let Some(item) = r.next_item() {
        assert!(matches!(item, RowItem::Row { .. }));
        rows += 1;
    }
    let pq_secs = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let bytes = std::fs::read(&jsonl).unwrap();
    let mut lines = 0u64;
    for line in bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        let v: Value = serde_json::from_slice(line).unwrap();
        assert!(v.is_object());
        lines += 1;
    }
    let json_secs = t.elapsed().as_secs_f64();
    assert_eq!(rows, lines);
    let mb = 1024.0 * 1024.0;
    println!(
        "parquet: {rows} rows in {pq_secs:.2} s = {:.0} rows/s, {:.1} MB/s of Parquet ({:.1} MB), {:.1} MB/s of JSON-equivalent",
        rows as f64 / pq_secs,
        pq_size / mb / pq_secs,
        pq_size / mb,
        json_size / mb / pq_secs
    );
    println!(
        "jsonl:   {lines} rows in {json_secs:.2} s = {:.0} rows/s, {:.1} MB/s ({:.1} MB)",
        lines as f64 / json_secs,
        json_size / mb / json_secs,
        json_size / mb
    );
}
