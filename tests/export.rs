//! Export end to end through the binary: every format from a tagged set of the demo matter,
//! the DAT production parsed back byte by byte, Bates numbers continued by a second
//! production, manifests checked with `sha256sum -c`, CSV read back, HTML well formed,
//! redaction with findings' offsets intact, and a killed export leaving nothing behind.

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::{Value, json};
use verbatim::export::dat;

/// The demo matter with every strong finding tagged `hot` and a few notes.
fn demo_matter() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("m");
    verbatim::demo::build(&m, &mut verbatim::progress::Silent).unwrap();
    let out = run(
        &m,
        &["--quiet", "tag", "--query", "strong:true", "hot", "--yes"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let ids = json(&run(&m, &["--json", "search", "tag:hot", "--limit", "3"]));
    let first = ids["hits"][0]["id"].as_str().unwrap().to_string();
    // A note with every character a load file or spreadsheet must carry.
    let note = "line one, \"quoted\"\nline two; þorn \u{14} sep =SUM(A1)";
    assert!(run(&m, &["note", &first, note]).status.success());
    (tmp, m)
}

fn export(m: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json", "--quiet", "export"];
    all.extend_from_slice(args);
    let out = run(m, &all);
    assert!(out.status.success(), "{}", stderr(&out));
    json(&out)
}

fn sha256sum_check(dir: &Path) {
    let out = Command::new("sha256sum")
        .args(["-c", "--strict", "manifest.sha256"])
        .current_dir(dir)
        .output()
        .expect("sha256sum runs");
    assert!(
        out.status.success(),
        "manifest does not verify: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // Every file of the export (but the manifest) is in it.
    let manifest = std::fs::read_to_string(dir.join("manifest.sha256")).unwrap();
    let listed: HashSet<String> = manifest
        .lines()
        .map(|l| l.split_once("  ").unwrap().1.to_string())
        .collect();
    let mut on_disk = HashSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                if rel != "manifest.sha256" {
                    on_disk.insert(rel);
                }
            }
        }
    }
    assert_eq!(listed, on_disk);
}

fn hot_ids(m: &Path) -> Vec<String> {
    let out = json(&run(
        m,
        &["--json", "search", "tag:hot", "--limit", "10000"],
    ));
    out["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn dat_production_parses_back_and_bates_continue() {
    let (tmp, m) = demo_matter();
    let ids = hot_ids(&m);
    assert!(ids.len() > 10);
    let out1 = tmp.path().join("prod1");
    let s = export(
        &m,
        &[
            "--tag",
            "hot",
            "--format",
            "dat",
            "--out",
            out1.to_str().unwrap(),
            "--bates-prefix",
            "NYT-OAI-",
            "--bates-width",
            "6",
            "--include",
            "all",
        ],
    );
    assert_eq!(s["conversations"], ids.len());
    assert_eq!(s["bates_first"], "NYT-OAI-000001");
    sha256sum_check(&out1);
    python_reads_the_load_file(&out1.join("loadfile.dat"), ids.len());

    // Byte level: BOM, qualifiers, separators, CRLF and nothing else as a line end.
    let bytes = std::fs::read(out1.join("loadfile.dat")).unwrap();
    assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert!(text.ends_with("\r\n"));
    assert_eq!(text.matches('\n').count(), text.matches("\r\n").count());
    assert_eq!(text.matches("\r\n").count(), ids.len() + 1);
    let header = text.split("\r\n").next().unwrap();
    let want: Vec<String> = dat::FIELDS
        .iter()
        .map(|f| format!("\u{FE}{f}\u{FE}"))
        .collect();
    assert_eq!(header, want.join("\u{14}"));

    let rows = dat::parse(&bytes).unwrap();
    let (head, rows) = rows.split_first().unwrap();
    assert_eq!(head, &dat::FIELDS.map(String::from).to_vec());
    let col = |name: &str| dat::FIELDS.iter().position(|f| *f == name).unwrap();
    let mut seen_ids = HashSet::new();
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r.len(), dat::FIELDS.len());
        let bates = format!("NYT-OAI-{:06}", i + 1);
        assert_eq!(r[col("BEGBATES")], bates, "Bates run has no gaps");
        assert_eq!(r[col("ENDBATES")], bates);
        seen_ids.insert(r[col("CONV_ID")].clone());
        assert!(r[col("TAGS")].split(';').any(|t| t == "hot"));
        let native = r[col("NATIVEPATH")].replace('\\', "/");
        assert_eq!(native, format!("NATIVES/{bates}.json"));
        let native_bytes = std::fs::read(out1.join(&native)).unwrap();
        assert_eq!(
            r[col("SHA256")],
            verbatim::hashing::sha256_hex(&native_bytes)
        );
        let nat: Value = serde_json::from_slice(&native_bytes).unwrap();
        assert_eq!(nat["id"], r[col("CONV_ID")].as_str());
        assert_eq!(nat["bates"], bates.as_str());
        assert_eq!(nat["turns"].as_u64().unwrap().to_string(), r[col("TURNS")]);
        let longest = nat["findings"][0]["longest_run_words"].as_u64().unwrap();
        assert_eq!(r[col("LONGEST_RUN_WORDS")], longest.to_string());
        let text_path = out1.join(r[col("TEXTPATH")].replace('\\', "/"));
        let transcript = std::fs::read_to_string(text_path).unwrap();
        assert!(transcript.contains(&format!("Conversation: {}", r[col("CONV_ID")])));
        assert!(!r[col("MATCHED_ARTICLES")].is_empty());
    }
    assert_eq!(seen_ids, ids.iter().cloned().collect::<HashSet<_>>());
    // The note kept its line break (as ®, read back as \n); þ and 0x14 could not be carried.
    let noted = rows
        .iter()
        .find(|r| r[col("NOTE")].contains("line one"))
        .unwrap();
    assert_eq!(
        noted[col("NOTE")],
        "line one, \"quoted\"\nline two; \u{FFFD}orn   sep =SUM(A1)"
    );

    // A second production continues the numbers; an explicit start below them is refused.
    let out2 = tmp.path().join("prod2");
    let s2 = export(
        &m,
        &[
            "--query",
            "tag:hot AND strong:true",
            "--format",
            "dat",
            "--out",
            out2.to_str().unwrap(),
            "--bates-prefix",
            "NYT-OAI-",
            "--bates-width",
            "6",
            "--reproduce",
        ],
    );
    assert_eq!(s2["bates_first"], format!("NYT-OAI-{:06}", ids.len() + 1));
    let o = run(
        &m,
        &[
            "export",
            "--tag",
            "hot",
            "--format",
            "dat",
            "--out",
            tmp.path().join("prod3").to_str().unwrap(),
            "--bates-prefix",
            "NYT-OAI-",
            "--bates-start",
            "5",
        ],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("already produced"), "{}", stderr(&o));
    assert!(!tmp.path().join("prod3").exists());

    // The audit trail records both productions with their manifests' hashes.
    let audit = stdout(&run(&m, &["--json", "audit"]));
    let exports: Vec<Value> = audit
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|e| e["event"] == "export")
        .collect();
    assert_eq!(exports.len(), 2);
    assert_eq!(exports[0]["data"]["manifest_sha256"], s["manifest_sha256"]);
    assert_eq!(exports[0]["data"]["format"], "dat");
    assert_eq!(exports[1]["data"]["conversations"], s2["conversations"]);
}

/// Reads the load file with Python's csv module, a reader that knows nothing of verbatim:
/// separator 0x14, qualifier þ, UTF-8 with BOM, CRLF.
fn python_reads_the_load_file(dat: &Path, rows: usize) {
    let script = r#"
import csv, json, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f, delimiter="\x14", quotechar="\u00fe", lineterminator="\r\n"))
print(json.dumps({"header": rows[0], "rows": len(rows) - 1,
                  "bates": [r[0] for r in rows[1:]], "widths": sorted({len(r) for r in rows})}))
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(dat)
        .output()
        .expect("python3 is needed for this test (.ci/run installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["header"], json!(dat::FIELDS));
    assert_eq!(v["rows"], rows);
    assert_eq!(v["widths"], json!([dat::FIELDS.len()]));
    let bates: Vec<String> = (1..=rows).map(|i| format!("NYT-OAI-{i:06}")).collect();
    assert_eq!(v["bates"], json!(bates));
}

#[test]
fn every_format_exports_with_a_verified_manifest() {
    let (tmp, m) = demo_matter();
    let ids = hot_ids(&m);
    for format in ["jsonl", "csv", "txt", "md", "html"] {
        let out = tmp.path().join(format);
        let s = export(
            &m,
            &[
                "--tag",
                "hot",
                "--format",
                format,
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert_eq!(s["conversations"], ids.len(), "{format}");
        sha256sum_check(&out);
        let desc: Value =
            serde_json::from_slice(&std::fs::read(out.join("export.json")).unwrap()).unwrap();
        assert_eq!(desc["conversations"], ids.len());
        // The selection (tags, queries) is work product: named only where coding goes in.
        if desc["contents"]
            .as_array()
            .unwrap()
            .contains(&json!("coding"))
        {
            assert_eq!(desc["selection"]["tags"], json!(["hot"]), "{format}");
        } else {
            assert!(
                desc["selection"].as_str().unwrap().contains("withheld"),
                "{format}"
            );
        }
    }

    // JSONL: one conversation per line, with messages, tags, history and findings.
    let lines = std::fs::read_to_string(tmp.path().join("jsonl/conversations.jsonl")).unwrap();
    let recs: Vec<Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(recs.len(), ids.len());
    for r in &recs {
        assert!(r["messages"].as_array().unwrap().len() >= 2);
        assert!(r["tags"].as_array().unwrap().contains(&json!("hot")));
        assert_eq!(r["history"][0]["action"], "tag");
        assert_eq!(r["history"][0]["bulk"], true);
        assert!(!r["findings"].as_array().unwrap().is_empty());
        // Evidence offsets point into the exported text.
        for f in r["findings"].as_array().unwrap() {
            for sp in f["spans"].as_array().unwrap() {
                let msg = &r["messages"][sp["message_index"].as_u64().unwrap() as usize]["text"];
                let text = msg.as_str().unwrap();
                let (a, b) = (
                    sp["start"].as_u64().unwrap() as usize,
                    sp["end"].as_u64().unwrap() as usize,
                );
                assert!(text.get(a..b).is_some_and(|t| !t.is_empty()));
            }
        }
    }
    let noted = recs.iter().find(|r| r.get("note").is_some()).unwrap();
    assert!(noted["note"].as_str().unwrap().contains("þorn"));

    // CSV: BOM, header, one row per conversation, the awkward note intact (a formula guard
    // only where a spreadsheet would run the value).
    let csv_bytes = std::fs::read(tmp.path().join("csv/conversations.csv")).unwrap();
    assert_eq!(&csv_bytes[..3], &[0xEF, 0xBB, 0xBF]);
    let mut rdr = csv::Reader::from_reader(&csv_bytes[3..]);
    let headers = rdr.headers().unwrap().clone();
    assert_eq!(&headers[0], "id");
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), ids.len());
    let note_col = headers.iter().position(|h| h == "note").unwrap();
    let with_note = rows.iter().find(|r| !r[note_col].is_empty()).unwrap();
    assert_eq!(
        &with_note[note_col],
        "line one, \"quoted\"\nline two; þorn \u{14} sep =SUM(A1)"
    );
    let strong_col = headers.iter().position(|h| h == "strong").unwrap();
    assert!(rows.iter().all(|r| &r[strong_col] == "true"));

    // Transcripts: one file per conversation.
    for (dir, ext) in [("txt", "txt"), ("md", "md")] {
        let files: Vec<_> = std::fs::read_dir(tmp.path().join(dir).join("transcripts"))
            .unwrap()
            .flatten()
            .collect();
        assert_eq!(files.len(), ids.len());
        assert!(files.iter().all(|f| f.path().extension().unwrap() == ext));
    }
    let txt = std::fs::read_dir(tmp.path().join("txt/transcripts"))
        .unwrap()
        .flatten()
        .next()
        .unwrap();
    let t = std::fs::read_to_string(txt.path()).unwrap();
    assert!(t.contains("Findings:") && t.contains("--- [1] USER"), "{t}");

    // HTML: well formed; every reproduced span marked and listed beside its article text.
    let html_dir = tmp.path().join("html");
    let index = std::fs::read_to_string(html_dir.join("index.html")).unwrap();
    assert_well_formed(&index);
    let pages: Vec<_> = std::fs::read_dir(html_dir.join("conversations"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(pages.len(), ids.len());
    for p in &pages {
        let page = std::fs::read_to_string(p.path()).unwrap();
        assert_well_formed(&page);
        let marked = page.matches("<span class=\"rep\" id=\"s").count();
        assert!(
            marked > 0,
            "no reproduced span marked in {}",
            p.path().display()
        );
        assert!(page.contains("<table class=\"redline\">"));
        assert!(!page.contains("article text not in the matter"));
        let href = format!("conversations/{}", p.file_name().to_string_lossy());
        assert!(index.contains(&href));
    }
}

/// Checks that every element opened is closed in order (void elements aside).
fn assert_well_formed(html: &str) {
    const VOID: [&str; 4] = ["meta", "br", "hr", "img"];
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').expect("tag closed");
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack
                .pop()
                .unwrap_or_else(|| panic!("</{name}> closes nothing"));
            assert_eq!(open, name, "</{name}> closes <{open}>");
        } else {
            let name = tag.split_whitespace().next().unwrap().to_ascii_lowercase();
            assert!(
                name.chars().all(|c| c.is_ascii_alphanumeric()),
                "odd tag <{tag}>"
            );
            if !VOID.contains(&name.as_str()) {
                stack.push(name);
            }
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

#[test]
fn redaction_masks_and_keeps_finding_offsets() {
    let article = "LISBON, Portugal — The harbour authority said on Tuesday that the new tidal \
        barrier would be finished by the spring, two years later than planned and at almost \
        twice the original cost. Engineers told a committee of the city council that the \
        foundations had to be redesigned after surveys found softer clay beneath the estuary \
        than expected.";
    let tmp = tempfile::tempdir().unwrap();
    let a = write(
        tmp.path(),
        "articles.jsonl",
        format!(
            "{}\n",
            json!({"id": "art-1", "title": "Barrier", "text": article})
        )
        .as_bytes(),
    );
    let reply = format!(
        "Reach the desk at news.desk@example.org or (212) 555-0142, card 4111 1111 1111 1111. {article} Served from 10.1.2.3 on version 4.2.0.1."
    );
    let convs = [
        json!({"id": "pii", "model": "gpt-4 (ops: ops.team@example.net)", "messages": [
            {"role": "user", "content": "my SSN is 123-45-6789, what was the Lisbon story?"},
            {"role": "assistant", "content": reply}]}),
        json!({"id": "clean", "messages": [
            {"role": "user", "content": "On 2024-11-29 I read release 1.2.3.4 notes; call ext 555-0142"},
            {"role": "assistant", "content": "Nothing personal here: 4111 1111 1111 1112."}]}),
    ];
    let lines: Vec<String> = convs.iter().map(|c| c.to_string()).collect();
    let c = write(tmp.path(), "c.jsonl", lines.join("\n").as_bytes());
    let m = tmp.path().join("m");
    assert!(
        run(&m, &["--quiet", "import", c.to_str().unwrap()])
            .status
            .success()
    );
    assert!(
        run(&m, &["--quiet", "articles", "import", a.to_str().unwrap()])
            .status
            .success()
    );
    assert!(run(&m, &["--quiet", "detect"]).status.success());
    // A note with personal data: masked in the note and in the coding history.
    assert!(
        run(
            &m,
            &[
                "--reviewer",
                "kim@firm.example.com",
                "note",
                "pii",
                "called her on 212-555-0199"
            ]
        )
        .status
        .success()
    );
    let out = tmp.path().join("red");
    let s = export(
        &m,
        &[
            "--query",
            "id:pii OR id:clean",
            "--format",
            "jsonl",
            "--out",
            out.to_str().unwrap(),
            "--redact-pii",
        ],
    );
    // Phones: the reply's, and the note's in the note and in its history entry.
    assert_eq!(
        s["redactions"],
        json!({"CARD": 1, "EMAIL": 5, "IPV4": 1, "PHONE": 3, "SSN": 1})
    );
    let text = std::fs::read_to_string(out.join("conversations.jsonl")).unwrap();
    for secret in [
        "212-555-0199",
        "news.desk",
        "(212) 555",
        "4111 1111 1111 1111",
        "123-45-6789",
        "10.1.2.3",
        "ops.team@",
        "kim@firm",
    ] {
        assert!(!text.contains(secret), "{secret} left in the export");
    }
    let recs: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let pii = recs.iter().find(|r| r["id"] == "pii").unwrap();
    let msg = pii["messages"][1]["text"].as_str().unwrap();
    assert!(msg.starts_with(
        "Reach the desk at [REDACTED-EMAIL] or [REDACTED-PHONE], card [REDACTED-CARD]."
    ));
    assert!(msg.ends_with("Served from [REDACTED-IPV4] on version 4.2.0.1."));
    let span = &pii["findings"][0]["spans"][0];
    let (a, b) = (
        span["start"].as_u64().unwrap() as usize,
        span["end"].as_u64().unwrap() as usize,
    );
    assert!(
        article.starts_with(&msg[a..b][..40]),
        "span moved: {}",
        &msg[a..b]
    );
    // Nothing was masked in the clean conversation: dates, versions, short numbers, non-Luhn.
    let clean = recs.iter().find(|r| r["id"] == "clean").unwrap();
    assert!(clean.get("redactions").is_none());
    assert_eq!(
        clean["messages"][0]["text"],
        convs[1]["messages"][0]["content"]
    );
    // The log counts per conversation and never holds a value.
    let log = std::fs::read_to_string(out.join("redaction-log.jsonl")).unwrap();
    assert_eq!(log.lines().count(), 1);
    assert!(log.contains("\"pii\"") && !log.contains("example.org"));
}

#[test]
fn existing_destination_needs_force_and_bad_requests_are_clear() {
    let (tmp, m) = demo_matter();
    let out = tmp.path().join("x");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("keep.txt"), "mine").unwrap();
    let o = run(
        &m,
        &[
            "export",
            "--tag",
            "hot",
            "--format",
            "csv",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(out.join("keep.txt")).unwrap(),
        "mine"
    );
    // --force replaces only an earlier export, never a folder of other work (or a matter).
    for victim in [out.clone(), m.clone()] {
        let o = run(
            &m,
            &[
                "export",
                "--tag",
                "hot",
                "--format",
                "csv",
                "--out",
                victim.to_str().unwrap(),
                "--force",
            ],
        );
        assert!(!o.status.success());
        assert!(
            stderr(&o).contains("not an earlier export"),
            "{}",
            stderr(&o)
        );
    }
    assert_eq!(
        std::fs::read_to_string(out.join("keep.txt")).unwrap(),
        "mine"
    );
    assert!(m.join("review.jsonl").exists());
    let earlier = tmp.path().join("earlier");
    export(
        &m,
        &[
            "--tag",
            "hot",
            "--format",
            "jsonl",
            "--out",
            earlier.to_str().unwrap(),
        ],
    );
    export(
        &m,
        &[
            "--tag",
            "hot",
            "--format",
            "csv",
            "--out",
            earlier.to_str().unwrap(),
            "--force",
        ],
    );
    assert!(!earlier.join("conversations.jsonl").exists());
    assert!(earlier.join("conversations.csv").exists());
    sha256sum_check(&earlier);

    for (args, says) in [
        (vec!["--format", "csv"], "--tag"),
        (vec!["--tag", "hot", "--format", "dat"], "--bates-prefix"),
        (
            vec!["--tag", "hot", "--format", "csv", "--bates-prefix", "A"],
            "productions (--format dat, exhibit or rsmf)",
        ),
        (vec!["--query", "(unclosed", "--format", "csv"], "query"),
        (vec!["--tag", "hot", "--format", "pdf"], "unknown format"),
        (
            vec!["--tag", "hot", "--format", "dat", "--bates-prefix", "a/b"],
            "prefix",
        ),
    ] {
        let dest = tmp.path().join("bad");
        let mut all = vec!["export", "--out", dest.to_str().unwrap()];
        all.extend(args.iter().copied());
        let o = run(&m, &all);
        assert!(!o.status.success(), "{args:?}");
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
        assert!(!dest.exists());
    }
}

#[test]
fn a_killed_export_leaves_nothing_under_the_final_name() {
    let (tmp, m) = demo_matter();
    // Whatever the moment of the kill, the destination is absent or complete.
    let mut absent = 0;
    for (round, delay_ms) in [0u64, 20, 50, 100, 200, 400].into_iter().enumerate() {
        let dest = tmp.path().join(format!("k{round}"));
        let mut child = bin()
            .args([
                "--matter",
                m.to_str().unwrap(),
                "--quiet",
                "export",
                "--query",
                "*",
                "--format",
                "html",
                "--out",
            ])
            .arg(&dest)
            .spawn()
            .unwrap();
        // Kill only once the export is under way: its temporary directory exists.
        let partial = tmp
            .path()
            .join(format!(".k{round}.verbatim-partial-{}", child.id()));
        let t = std::time::Instant::now();
        while !partial.exists() && !dest.exists() && t.elapsed().as_secs() < 30 {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let status = child.wait().unwrap();
        if dest.exists() {
            sha256sum_check(&dest);
        } else {
            absent += 1;
            assert!(!status.success());
        }
        // The next export to the same place cleans up what the killed one left.
        export(
            &m,
            &[
                "--tag",
                "hot",
                "--format",
                "txt",
                "--out",
                dest.to_str().unwrap(),
                "--force",
            ],
        );
        let names: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("verbatim-partial"))
            .collect();
        assert!(names.is_empty(), "{names:?}");
    }
    assert!(absent > 0, "no kill landed mid-export");
}

/// Every file under `dir`, as bytes, with its path.
fn all_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(all_files(&p));
        } else {
            out.push((p.clone(), std::fs::read(&p).unwrap()));
        }
    }
    out
}

#[test]
fn a_default_production_carries_no_work_product() {
    let (tmp, m) = demo_matter();
    let secret_note = "Privileged: discuss with partner before producing";
    let id = hot_ids(&m)[0].clone();
    let by = |args: &[&str]| {
        let mut a = vec!["--reviewer", "zelda-reviewer"];
        a.extend_from_slice(args);
        run(&m, &a)
    };
    assert!(by(&["note", &id, secret_note]).status.success());
    assert!(by(&["tag", &id, "needs-second-look"]).status.success());
    let reviewer = std::env::var("USER").unwrap_or_default();
    for (format, extra) in [
        ("dat", vec!["--bates-prefix", "WP-"]),
        ("html", vec![]),
        ("exhibit", vec!["--bates-prefix", "WX-"]),
    ] {
        let out = tmp.path().join(format!("prod-{format}"));
        let mut args = vec![
            "--reviewer",
            "zelda-reviewer",
            "--tag",
            "hot",
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend(extra);
        let s = export(&m, &args);
        assert_eq!(s["contents"][0], "transcript");
        let files = all_files(&out);
        assert!(files.len() > 3, "{format}: {} files", files.len());
        for (path, bytes) in files {
            let text = String::from_utf8_lossy(&bytes);
            for needle in [
                secret_note,
                "needs-second-look",
                "\"hot\"",
                "tag:hot",
                "zelda-reviewer",
                "demo:conversations.jsonl",
                "tagged_by",
            ] {
                assert!(
                    !text.contains(needle),
                    "{format}: {} carries {needle:?}",
                    path.display()
                );
            }
            if !reviewer.is_empty() && reviewer.len() > 3 {
                assert!(
                    !text.contains(&format!("\"{reviewer}\"")),
                    "{format}: {} names reviewer {reviewer}",
                    path.display()
                );
            }
        }
        let desc: Value =
            serde_json::from_slice(&std::fs::read(out.join("export.json")).unwrap()).unwrap();
        assert!(
            desc["contents"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c != "coding")
        );
    }
    // Asked for, the work product goes in, and export.json says so.
    let out = tmp.path().join("internal");
    export(
        &m,
        &[
            "--tag",
            "hot",
            "--format",
            "dat",
            "--bates-prefix",
            "INT-",
            "--include",
            "transcript,coding",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let dat =
        String::from_utf8_lossy(&std::fs::read(out.join("loadfile.dat")).unwrap()).into_owned();
    assert!(dat.contains(secret_note));
    let audit = std::fs::read_to_string(m.join("audit.jsonl")).unwrap();
    assert!(
        audit.contains("\"contents\":[\"transcript\",\"coding\"]"),
        "the audit entry records the contents"
    );
}

/// Stops the export (sets `cancel`) as soon as a phase whose name starts with `at` begins.
struct CancelAt<'a> {
    at: &'static str,
    cancel: &'a std::sync::atomic::AtomicBool,
}

impl verbatim::progress::Progress for CancelAt<'_> {
    fn begin(&mut self, label: &str, _: Option<u64>) {
        if label.starts_with(self.at) {
            self.cancel
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
    fn update(&mut self, _: u64, _: u64) {}
    fn end(&mut self) {}
    fn note(&mut self, _: &str) {}
}

/// A stop asked for after the last conversation is written (while files are finished or a PDF
/// printed) still leaves nothing and consumes no Bates numbers; once the numbers are committed
/// and the manifest is being written, the export is complete and kept.
#[test]
fn an_export_stopped_after_the_last_conversation_leaves_nothing() {
    let (tmp, m) = demo_matter();
    let index = verbatim::index::ConvIndex::open(&m.join("index")).unwrap();
    let journal = verbatim::review::Journal::open(&m).unwrap();
    let findings = verbatim::detect::FindingsIndex::load(&m).unwrap();
    let inputs = verbatim::export::Inputs {
        matter_dir: &m,
        index: &index,
        review: journal.state(),
        findings: &findings,
    };
    let request = |out: &Path| verbatim::export::ExportRequest {
        selection: verbatim::export::Selection {
            tags: vec!["hot".into()],
            query: None,
            ..Default::default()
        },
        format: verbatim::export::Format::Dat,
        contents: None,
        out: out.to_path_buf(),
        bates: Some(verbatim::export::BatesOptions::new("STOP-")),
        redact: false,
        force: false,
        reviewer: "ann".into(),
        designation: None,
        recipient: None,
        reproduce: false,
        pdf: false,
    };
    let out = tmp.path().join("stopped");
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let mut p = CancelAt {
        at: "finishing",
        cancel: &cancel,
    };
    let e = verbatim::export::run(&inputs, &request(&out), &mut p, &cancel).unwrap_err();
    assert!(format!("{e:#}").contains("nothing was written"), "{e:#}");
    assert!(!out.exists());
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("stopped"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // No numbers were consumed: the next production starts at 1. A stop while its manifest
    // is written comes after the point of no return: it is complete and kept.
    let out = tmp.path().join("kept");
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let mut p = CancelAt {
        at: "writing the manifest",
        cancel: &cancel,
    };
    let s = verbatim::export::run(&inputs, &request(&out), &mut p, &cancel).unwrap();
    assert_eq!(s.bates_first.as_deref(), Some("STOP-0000001"));
    let check = Command::new("sha256sum")
        .args(["--quiet", "-c", "manifest.sha256"])
        .current_dir(&out)
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", stderr(&check));
}

/// A primed conversation's pages mark the article text the user supplied in the prompt, in the
/// HTML redline and on the exhibit; every marked passage is the article's own text.
#[test]
fn pages_mark_the_text_the_user_supplied() {
    let (tmp, m) = demo_matter();
    let articles: std::collections::HashMap<String, String> =
        std::fs::read_to_string(m.join("articles/articles.jsonl"))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .map(|a| {
                (
                    a["id"].as_str().unwrap().to_string(),
                    a["text"].as_str().unwrap().to_string(),
                )
            })
            .collect();
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let all_text: String = articles
        .values()
        .map(|t| norm(t))
        .collect::<Vec<_>>()
        .join("\n");
    let re = regex::Regex::new(r#"<span class="supplied" title="[^"]*">([^<]*)</span>"#).unwrap();
    for (format, extra) in [
        ("html", vec![]),
        ("exhibit", vec!["--bates-prefix", "SUP-"]),
    ] {
        let out = tmp.path().join(format!("sup-{format}"));
        let mut args = vec![
            "--query",
            "elicitation:primed",
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend(extra);
        export(&m, &args);
        let mut marked = 0;
        for e in walk(&out) {
            if e.extension().is_some_and(|x| x == "html") {
                let page = std::fs::read_to_string(&e).unwrap();
                for c in re.captures_iter(&page) {
                    let text = norm(
                        &c[1]
                            .replace("&amp;", "&")
                            .replace("&quot;", "\"")
                            .replace("&#39;", "'")
                            .replace("&lt;", "<")
                            .replace("&gt;", ">"),
                    );
                    assert!(
                        all_text.contains(&text),
                        "{format}: not article text: {text}"
                    );
                    marked += 1;
                }
            }
        }
        assert!(marked > 0, "{format}: nothing marked as supplied");
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
