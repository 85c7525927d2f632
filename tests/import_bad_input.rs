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
fn a_stray_bracket_in_an_array_loses_no_record() {
    let tmp = tempfile::tempdir().unwrap();
    let r = |i: usize| openai_line(&format!("r{i}"), &format!("question {i}"), "answer");
    // `[` before the last record: its list is never closed, nor is the outer one; and `[`
    // before a middle record whose list the outer `]` closes.
    for (name, text, want) in [
        ("last.json", format!("[{},{},[{}]", r(0), r(1), r(2)), 3),
        (
            "middle.json",
            format!("[{},[{},{}],{}]", r(0), r(1), r(2), r(3)),
            4,
        ),
    ] {
        let f = write(tmp.path(), name, text.as_bytes());
        let m = tmp.path().join(name.replace(".json", ""));
        let s = import_files(&m, &[f]);
        assert_eq!(s.imported, want, "{name}: {:?}", s.files[0]);
        assert_eq!(s.rejected, 0, "{name}");
        let notes = &s.files[0].notes;
        assert!(
            notes.iter().any(|n| n.contains("inside the list")),
            "{name}: {notes:?}"
        );
    }
    // A list of things that are not records stays one rejected record.
    let f = write(
        tmp.path(),
        "odd.json",
        format!("[{},[{{\"x\": 1}}]]", r(0)).as_bytes(),
    );
    let s = import_files(&tmp.path().join("odd"), &[f]);
    assert_eq!((s.imported, s.rejected), (1, 1));
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
    let s = try_import(&tmp.path().join("m"), &[f]).unwrap();
    assert!(s.files[0].failed);
    let msg = s.files[0].error.clone().unwrap();
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

#[test]
fn a_renamed_duplicate_never_takes_an_id_that_exists_literally() {
    let tmp = tempfile::tempdir().unwrap();
    // `dup#2` literally, before and after `dup` clashes; across two imports.
    let first = [
        openai_line("dup#2", "literal", "before"),
        openai_line("dup", "one", "1"),
        openai_line("dup", "two", "2"),
    ];
    let second = [
        openai_line("dup#3", "literal", "after"),
        openai_line("dup", "three", "3"),
        openai_line("dup#2", "another", "literal"),
        openai_line("dup", "two", "2"),
    ];
    let f = write(tmp.path(), "f.jsonl", first.join("\n").as_bytes());
    let g = write(tmp.path(), "g.jsonl", second.join("\n").as_bytes());
    let m = tmp.path().join("m");
    let s = import_files(&m, &[f]);
    assert_eq!((s.imported, s.renamed), (3, 1));
    let s = import_files(&m, &[g]);
    assert_eq!((s.imported, s.renamed, s.duplicates), (3, 3, 1));
    let idx = verbatim::index::ConvIndex::open(&m.join("index")).unwrap();
    let expect = [
        ("dup#2", "literal"),
        ("dup", "one"),
        ("dup#3", "two"),
        ("dup#3#2", "literal"),
        ("dup#4", "three"),
        ("dup#2#2", "another"),
    ];
    for (id, first_text) in expect {
        let c = verbatim::search::get(&idx, id)
            .unwrap()
            .unwrap_or_else(|| panic!("{id}"));
        assert_eq!(c.messages[0].text, first_text, "{id}");
    }
    // Six conversations, six distinct ids: every id query hits exactly one document.
    assert_eq!(idx.searcher().num_docs(), 6);
}

/// 100 records; record 2 (1-based) is damaged by `damage`. Returns the file bytes.
fn hundred_with_bad_second(pretty: bool, array: bool, damage: fn(&str) -> String) -> Vec<u8> {
    let recs: Vec<String> = (0..100)
        .map(|i| {
            let v = json!({
                "id": format!("r{i}"),
                "messages": [
                    {"role": "user", "content": format!("question {i}")},
                    {"role": "assistant", "content": format!("answer {i}")}
                ]
            });
            let s = if pretty {
                serde_json::to_string_pretty(&v).unwrap()
            } else {
                v.to_string()
            };
            if i == 1 { damage(&s) } else { s }
        })
        .collect();
    let body = if array {
        format!("[{}]", recs.join(if pretty { ",\n" } else { "," }))
    } else {
        recs.join("\n")
    };
    body.into_bytes()
}

#[test]
fn one_broken_element_does_not_drop_the_rest_of_the_file() {
    let lose_quote: fn(&str) -> String = |s| s.replacen("\"question 1\"", "\"question 1", 1);
    let lose_bracket: fn(&str) -> String = |s| s.replacen(']', "", 1);
    let lose_brace: fn(&str) -> String = |s| s.replacen('}', "", 1);
    for (pretty, array) in [(false, true), (true, true), (true, false)] {
        for (what, damage) in [
            ("quote", lose_quote),
            ("bracket", lose_bracket),
            ("brace", lose_brace),
        ] {
            let tmp = tempfile::tempdir().unwrap();
            let bytes = hundred_with_bad_second(pretty, array, damage);
            let f = write(tmp.path(), "conv.json", &bytes);
            let m = tmp.path().join("m");
            let s = import_files(&m, &[f]);
            let c = s.files[0].counts;
            let case = format!("pretty={pretty} array={array} lost {what}");
            assert!(s.files[0].truncated.is_none(), "{case}: not truncated");
            assert_eq!(c.imported, 99, "{case}: {:?}", s.files[0]);
            assert_eq!(c.rejected, 1, "{case}");
            assert_eq!(c.records, 100, "{case}: counts add up");
            let r = rejects(&m);
            assert_eq!(r.len(), 1, "{case}");
            let reason = r[0].to_string();
            assert!(
                reason.contains("bytes") && reason.contains(".."),
                "{case}: the reject names its byte range: {reason}"
            );
        }
    }
}

#[test]
fn a_bom_inside_a_jsonl_file_is_stripped() {
    let tmp = tempfile::tempdir().unwrap();
    let mut bytes = format!("{}\n", openai_line("a", "q", "r")).into_bytes();
    bytes.extend_from_slice(b"\xEF\xBB\xBF");
    bytes.extend_from_slice(format!("{}\n", openai_line("b", "q", "r")).as_bytes());
    let f = write(tmp.path(), "cat.jsonl", &bytes);
    let s = import_files(&tmp.path().join("m"), &[f]);
    assert_eq!(s.files[0].counts.imported, 2, "{:?}", s.files[0]);
}

#[test]
fn a_utf16_file_is_named_as_utf16() {
    let tmp = tempfile::tempdir().unwrap();
    let text = format!("{}\n", openai_line("a", "q", "r"));
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let f = write(tmp.path(), "win.jsonl", &bytes);
    let o = run(&tmp.path().join("m"), &["import", f.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("UTF-16"), "{}", stderr(&o));
}

fn many_lines(prefix: &str, n: usize) -> Vec<u8> {
    (0..n)
        .map(|i| {
            openai_line(
                &format!("{prefix}{i}"),
                &format!("q {i}"),
                &format!("a {i}"),
            ) + "\n"
        })
        .collect::<String>()
        .into_bytes()
}

#[test]
fn corrupt_compressed_files_keep_what_was_read_name_the_file_and_go_on() {
    let tmp = tempfile::tempdir().unwrap();
    let plain = many_lines("g", 3000);
    // A gzip cut in half; a zstd with flipped bytes in the middle; then a good file.
    let gz = gzip(&plain);
    let cut = write(tmp.path(), "a-cut.jsonl.gz", &gz[..gz.len() / 2]);
    let zs = zstd(&many_lines("z", 3000));
    let flipped = write(tmp.path(), "b-flip.jsonl.zst", &zs[..zs.len() * 3 / 5]);
    let good = write(tmp.path(), "c-good.jsonl", &many_lines("ok", 10));
    let m = tmp.path().join("m");
    let o = run(
        &m,
        &[
            "--json",
            "import",
            cut.to_str().unwrap(),
            flipped.to_str().unwrap(),
            good.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v = json(&o);
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 3);
    for f in &files[..2] {
        assert_eq!(f["failed"], true, "{f}");
        let e = f["error"].as_str().unwrap();
        assert!(
            e.contains(f["path"].as_str().unwrap()),
            "names the file: {e}"
        );
        assert!(
            e.contains("uncompressed byte") && e.contains("compressed byte"),
            "{e}"
        );
        let imported = f["imported"].as_u64().unwrap();
        assert!(
            imported > 100,
            "records before the damage are imported: {f}"
        );
        assert!(imported < 3000, "{f}");
    }
    assert_eq!(files[2]["imported"], 10, "the next file is still imported");
    // The audit trail has the import's start and its end, with the failures.
    let audit = std::fs::read_to_string(m.join("audit.jsonl")).unwrap();
    assert!(audit.contains("\"import-start\""), "{audit}");
    assert!(audit.contains("\"event\":\"import\""), "{audit}");
    assert!(audit.contains("b-flip.jsonl.zst"), "{audit}");
}

#[test]
fn a_duplicate_messages_key_is_rejected_not_half_read() {
    let tmp = tempfile::tempdir().unwrap();
    let rec = r#"{"id":"d","messages":[{"role":"user","content":"first list"}],"messages":[{"role":"user","content":"second list"}]}"#;
    let bytes = format!("{rec}\n{}\n", openai_line("ok", "q", "a"));
    let f = write(tmp.path(), "dup.jsonl", bytes.as_bytes());
    let m = tmp.path().join("m");
    let s = import_files(&m, &[f]);
    assert_eq!(s.files[0].counts.imported, 1);
    assert_eq!(s.files[0].counts.rejected, 1);
    assert!(rejects(&m)[0].to_string().contains("duplicate key"));
}

#[cfg(unix)]
#[test]
fn fifos_and_symlink_loops_in_a_directory_are_skipped_and_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("in");
    write(&d, "a.jsonl", &many_lines("a", 3));
    let fifo = d.join("pipe.jsonl");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo on a fresh path in a temporary directory.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    std::os::unix::fs::symlink(&d, d.join("loop")).unwrap();
    std::os::unix::fs::symlink(d.join("self.jsonl"), d.join("self.jsonl")).unwrap();
    let m = tmp.path().join("m");
    let o = bin()
        .arg("--matter")
        .arg(&m)
        .args(["import", d.to_str().unwrap()])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("pipe.jsonl") && err.contains("not a regular file"),
        "{err}"
    );
    assert!(err.contains("loop") && err.contains("skipped"), "{err}");
    assert!(err.contains("self.jsonl"), "{err}");
    assert!(stdout(&o).contains("3 imported"), "{}", stdout(&o));
}
