//! Bad input is reported with its location and skipped; nothing is silently dropped; nothing
//! panics.

mod common;

use common::*;
use serde_json::json;

fn rejects(matter: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(matter.join("rejects.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn jsonl_with_bad_lines_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let mut lines = vec![openai_line("a", "q", "r")];
    lines.push("{not json at all".to_string()); // line 2
    lines.push(json!({"id": "b", "messages": "oops"}).to_string()); // wrong type
    lines.push(json!({"id": "c", "messages": [{"role": "user", "content": 5}]}).to_string());
    lines.push(json!({"id": "d", "messages": []}).to_string()); // no messages
    lines.push(json!({"id": "e", "messages": [{"role": "wizard", "content": "x"}]}).to_string());
    lines.push(json!({"weird": true}).to_string()); // unknown shape
    lines.push(openai_line("f", "q2", "r2"));
    let mut bytes = lines.join("\n").into_bytes();
    bytes.extend_from_slice(b"\n");
    // Invalid UTF-8 inside a string, line 9.
    bytes.extend_from_slice(
        b"{\"id\": \"g\", \"messages\": [{\"role\": \"user\", \"content\": \"bad \xff\xfe\"}]}\n",
    );
    bytes.extend_from_slice(format!("{}\n", openai_line("h", "q3", "r3")).as_bytes());
    let f = write(tmp.path(), "mixed.jsonl", &bytes);
    let m = tmp.path().join("m");
    let s = import_files(&m, &[f]);
    let c = s.files[0].counts;
    assert_eq!(c.records, 10);
    assert_eq!((c.imported, c.rejected, c.duplicates), (3, 7, 0));
    assert_eq!(c.imported + c.rejected + c.duplicates, c.records);
    assert!(!s.files[0].failed);
    let r = rejects(&m);
    assert_eq!(r.len(), 7);
    let lines: Vec<u64> = r.iter().map(|x| x["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, vec![2, 3, 4, 5, 6, 7, 9]);
    let reason = |i: usize| r[i]["reason"].as_str().unwrap().to_string();
    assert!(reason(0).contains("invalid JSON"), "{}", reason(0));
    assert!(reason(1).contains("must be an array"), "{}", reason(1));
    assert!(reason(2).contains("must be text"), "{}", reason(2));
    assert!(reason(3).contains("no messages"), "{}", reason(3));
    assert!(
        reason(4).contains("unknown role \"wizard\""),
        "{}",
        reason(4)
    );
    assert!(reason(5).contains("no `messages`"), "{}", reason(5));
    assert!(
        reason(6).contains("invalid JSON") || reason(6).contains("unicode"),
        "{}",
        reason(6)
    );
    // Byte offsets point at the start of each rejected line.
    let offset = r[0]["offset"].as_u64().unwrap() as usize;
    assert_eq!(&bytes[offset..offset + 9], b"{not json");
}

#[test]
fn truncated_array_imports_every_complete_record() {
    let tmp = tempfile::tempdir().unwrap();
    let recs: Vec<serde_json::Value> = (0..50)
        .map(|i| json!({"id": format!("s{i}"), "conversations": [
            {"from": "human", "value": format!("question {i} with \"quotes\" and [brackets] {{braces}}")},
            {"from": "gpt", "value": "answer\\ with backslash"}]}))
        .collect();
    let full = serde_json::to_string_pretty(&recs).unwrap();
    // Cut in the middle of record 38.
    let cut_at = full.find("\"s37\"").unwrap() - 20;
    let f = write(tmp.path(), "sharegpt.json", &full.as_bytes()[..cut_at]);
    let m = tmp.path().join("m");
    let s = import_files(&m, &[f]);
    assert_eq!(s.imported, 37);
    assert_eq!(s.rejected, 0);
    assert!(s.truncated);
    let t = s.files[0].truncated.as_ref().unwrap();
    assert_eq!(t.record, 38);
    assert!(full[..t.offset as usize].trim_end().ends_with(','));
    assert!(!s.files[0].failed);
}

#[test]
fn truncated_last_jsonl_line_is_reported_not_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let text = format!(
        "{}\n{}",
        openai_line("a", "q", "r"),
        &openai_line("b", "q", "r")[..30]
    );
    let f = write(tmp.path(), "cut.jsonl", text.as_bytes());
    let s = import_files(&tmp.path().join("m"), &[f]);
    assert_eq!((s.imported, s.rejected), (1, 0));
    assert_eq!(s.files[0].truncated.as_ref().unwrap().record, 2);
}

#[test]
fn not_json_is_an_error_with_position() {
    let tmp = tempfile::tempdir().unwrap();
    let f = write(tmp.path(), "x.json", b"\n\n  hello: world\n");
    let err = try_import(&tmp.path().join("m"), &[f]).unwrap_err();
    let msg = format!("{err:#}");
    assert!(msg.contains("x.json"), "{msg}");
    assert!(msg.contains("line 3, column 3"), "{msg}");
}

#[test]
fn invalid_record_in_array_is_reported_with_position() {
    // Like a redacted export whose numbers were replaced by a placeholder.
    let tmp = tempfile::tempdir().unwrap();
    let f = write(
        tmp.path(),
        "conversations.json",
        b"[{\"title\": \"t\",\n  \"create_time\": EPOCH.MILLIS, \"mapping\": {}}]",
    );
    let m = tmp.path().join("m");
    let s = import_files(&m, &[f]);
    assert!(s.files[0].failed);
    assert_eq!(s.rejected, 1);
    let r = rejects(&m);
    let reason = r[0]["reason"].as_str().unwrap();
    assert!(reason.contains("line 2, column 18"), "{reason}");
    assert!(reason.contains("byte 33"), "{reason}");
}

#[test]
fn empty_file_and_empty_array() {
    let tmp = tempfile::tempdir().unwrap();
    let a = write(tmp.path(), "empty.jsonl", b"");
    let b = write(tmp.path(), "empty.json", b"  [ ]  ");
    let s = import_files(&tmp.path().join("m"), &[a, b]);
    assert_eq!(s.imported + s.rejected, 0);
    assert!(s.files.iter().all(|f| !f.failed));
    assert!(s.files[0].notes.iter().any(|n| n.contains("empty")));
}

#[test]
fn huge_message_is_imported() {
    let tmp = tempfile::tempdir().unwrap();
    let big = "lorem ipsum dolor ".repeat(20 * 1024 * 1024 / 18);
    let line = openai_line("big", &big, "short reply");
    let f = write(
        tmp.path(),
        "big.jsonl",
        format!("{line}\n{}\n", openai_line("small", "q", "r")).as_bytes(),
    );
    let m = tmp.path().join("m");
    let s = import_files(&m, &[f]);
    assert_eq!(s.imported, 2);
    let idx = verbatim::index::ConvIndex::open(&m.join("index")).unwrap();
    assert_eq!(
        verbatim::search::count(&idx, None, "\"ipsum dolor lorem\"").unwrap(),
        1
    );
}

#[test]
fn oversized_record_is_rejected_and_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let big = "x ".repeat(5000);
    let text = format!(
        "[{}, {}, {}]",
        json!({"id": "a", "messages": [{"role": "user", "content": "small"}]}),
        json!({"id": "b", "messages": [{"role": "user", "content": big}]}),
        json!({"id": "c", "messages": [{"role": "user", "content": "after"}]})
    );
    let f = write(tmp.path(), "x.json", text.as_bytes());
    let mut m = verbatim::matter::Matter::open_or_create(&tmp.path().join("m")).unwrap();
    let opts = verbatim::import::ImportOptions {
        max_record_bytes: 1000,
        ..Default::default()
    };
    let s = verbatim::import::import(
        &mut m,
        &[verbatim::import::Input::File(f)],
        &opts,
        &mut verbatim::progress::Silent,
        &std::sync::atomic::AtomicBool::new(false),
    )
    .unwrap();
    assert_eq!((s.imported, s.rejected), (2, 1));
    assert!(s.files[0].problems[0].contains("larger than 1000 bytes"));
}

#[test]
fn duplicates_are_kept_once_and_clashes_renamed() {
    let tmp = tempfile::tempdir().unwrap();
    let lines = [
        openai_line("a", "same", "same"),
        openai_line("a", "same", "same"),
        openai_line("a", "different", "content"),
        openai_line("b", "x", "y"),
        openai_line("a", "different", "content"),
        openai_line("a", "third", "version"),
    ];
    let f = write(tmp.path(), "d.jsonl", lines.join("\n").as_bytes());
    let m = tmp.path().join("m");
    let s = import_files(&m, &[f]);
    let c = s.files[0].counts;
    assert_eq!(
        (c.records, c.imported, c.duplicates, c.renamed, c.rejected),
        (6, 4, 2, 2, 0)
    );
    let idx = verbatim::index::ConvIndex::open(&m.join("index")).unwrap();
    for id in ["a", "a#2", "a#3", "b"] {
        assert!(verbatim::search::get(&idx, id).unwrap().is_some(), "{id}");
    }
    let a2 = verbatim::search::get(&idx, "a#2").unwrap().unwrap();
    assert_eq!(a2.messages[0].text, "different");
    // Across imports too: a second file repeating "a" in its third version is a duplicate.
    let g = write(
        tmp.path(),
        "e.jsonl",
        format!("{}\n{}\n", lines[5], openai_line("a", "fourth", "one")).as_bytes(),
    );
    let s = import_files(&m, &[g]);
    assert_eq!((s.duplicates, s.imported, s.renamed), (1, 1, 1));
    assert!(s.files[0].notes.iter().any(|n| n.contains("a#4")));
}
