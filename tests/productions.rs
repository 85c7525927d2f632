//! Productions as served: confidentiality designations (matter default, per conversation,
//! per run) stamped in every format; the production register with its filters, re-production
//! refusal and tamper check; exhibit pages; and a failed production that registers nothing.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;
use verbatim::export::dat;

const HIGH: &str = "HIGHLY CONFIDENTIAL - ATTORNEYS' EYES ONLY";

/// The demo matter, its strong findings tagged `hot`, the matter designated HIGH and the
/// first hot conversation designated CONFIDENTIAL on its own.
fn matter() -> (tempfile::TempDir, PathBuf, Vec<String>) {
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("m");
    verbatim::demo::build(&m, &mut verbatim::progress::Silent).unwrap();
    ok(&m, &["tag", "--query", "strong:true", "hot", "--yes"]);
    let ids: Vec<String> = json(&run(
        &m,
        &["--json", "search", "tag:hot", "--limit", "1000"],
    ))["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect();
    assert!(ids.len() >= 5, "{} hot", ids.len());
    ok(
        &m,
        &[
            "designation",
            "set",
            "highly confidential - attorneys' eyes only",
        ],
    );
    ok(&m, &["designation", "code", &ids[0], "confidential"]);
    (tmp, m, ids)
}

fn ok(m: &Path, args: &[&str]) -> String {
    let mut all = vec!["--quiet"];
    all.extend_from_slice(args);
    let out = run(m, &all);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

fn count(m: &Path, q: &str) -> u64 {
    json(&run(m, &["--json", "search", q, "--limit", "1"]))["total"]
        .as_u64()
        .unwrap()
}

fn export(m: &Path, out: &Path, format: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "--json",
        "--quiet",
        "export",
        "--tag",
        "hot",
        "--format",
        format,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = run(m, &args);
    assert!(o.status.success(), "{format}: {}", stderr(&o));
    json(&o)
}

fn read(p: &Path) -> String {
    String::from_utf8(std::fs::read(p).unwrap()).unwrap()
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

#[test]
fn designations_are_coded_searched_and_undone() {
    let (_tmp, m, ids) = matter();
    let total = count(&m, "*");
    assert_eq!(count(&m, "designation:confidential"), 1);
    assert_eq!(
        count(&m, &format!("designation:\"{HIGH}\"")),
        total - 1,
        "the matter default covers every conversation not coded otherwise"
    );
    assert_eq!(count(&m, "designation:none"), 0);
    // Not in the list: refused, nothing recorded.
    let bad = run(&m, &["designation", "code", &ids[1], "TOP SECRET"]);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("not one of the matter's designations"));
    // Coded twice: nothing recorded the second time.
    let again = ok(&m, &["designation", "code", &ids[0], "CONFIDENTIAL"]);
    assert!(again.contains("nothing recorded"), "{again}");
    // Undo reverts the designation like any coding.
    ok(&m, &["undo"]);
    assert_eq!(count(&m, "designation:confidential"), 0);
    ok(
        &m,
        &[
            "designation",
            "code",
            "--query",
            "tag:hot",
            "CONFIDENTIAL",
            "--yes",
        ],
    );
    assert_eq!(count(&m, "designation:confidential"), ids.len() as u64);
    ok(&m, &["designation", "uncode", &ids[1]]);
    assert_eq!(count(&m, "designation:confidential"), ids.len() as u64 - 1);
    // Without a matter default, conversations without their own have none.
    ok(&m, &["designation", "clear"]);
    assert_eq!(
        count(&m, "designation:none"),
        total - (ids.len() as u64 - 1)
    );
    // Every change is in the audit trail.
    let audit = read(&m.join("audit.jsonl"));
    assert!(audit.contains("\"designation-default\""));
    assert!(audit.contains("\"designate\""));
    let verify = run(&m, &["audit", "verify"]);
    assert!(verify.status.success(), "{}", stderr(&verify));
}

#[test]
fn every_format_carries_the_designation() {
    let (tmp, m, ids) = matter();
    let own = ids[0].as_str();
    let check_conv = |text: &str, id: &str, what: &str| {
        let want = if id == own { "CONFIDENTIAL" } else { HIGH };
        assert!(text.contains(want), "{what} of {id} lacks {want}");
        if id == own {
            assert!(
                !text.contains(HIGH),
                "{what} of {id} carries the default too"
            );
        }
    };
    // JSONL and CSV: a field per conversation.
    let out = tmp.path().join("jsonl");
    export(&m, &out, "jsonl", &[]);
    for line in read(&out.join("conversations.jsonl")).lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        check_conv(
            v["designation"].as_str().unwrap(),
            v["id"].as_str().unwrap(),
            "jsonl",
        );
    }
    let out = tmp.path().join("csv");
    export(&m, &out, "csv", &[]);
    let mut rd = csv::Reader::from_path(out.join("conversations.csv")).unwrap();
    let head = rd.headers().unwrap().clone();
    let col = |n: &str| {
        head.iter()
            .position(|h| h.trim_start_matches('\u{feff}') == n)
            .unwrap()
    };
    for r in rd.records() {
        let r = r.unwrap();
        check_conv(&r[col("designation")], &r[col("id")], "csv");
    }
    // Text and Markdown transcripts: the first and last lines.
    for format in ["txt", "md"] {
        let out = tmp.path().join(format);
        export(&m, &out, format, &[]);
        let files = files_in(&out.join("transcripts"));
        assert_eq!(files.len(), ids.len());
        let mut own_files = 0;
        for f in files {
            let t = read(&f);
            let first = t.lines().next().unwrap().trim_matches('*');
            let last = t.lines().last().unwrap().trim_matches('*');
            assert_eq!(first, last, "{}", f.display());
            let header = t.lines().take(4).collect::<Vec<_>>().join("\n");
            if header.contains(own) {
                own_files += 1;
                assert_eq!(first, "CONFIDENTIAL", "{}", f.display());
            } else {
                assert_eq!(first, HIGH, "{}", f.display());
            }
        }
        assert_eq!(own_files, 1, "{format}");
    }
    // HTML: a banner at the top and the bottom, and the print margins of every page.
    let out = tmp.path().join("html");
    export(&m, &out, "html", &[]);
    for f in files_in(&out.join("conversations")) {
        let t = read(&f);
        let banners = t.matches("class=\"designation screen\"").count();
        assert_eq!(banners, 2, "{}", f.display());
        assert!(t.contains("@top-center{content:\""), "{}", f.display());
        assert!(t.contains("@bottom-center{content:\""), "{}", f.display());
    }
    // DAT: the CONFIDENTIALITY field, the TEXT files' first and last lines, the natives.
    let out = tmp.path().join("dat");
    export(&m, &out, "dat", &["--bates-prefix", "D-"]);
    let rows = dat::parse(&std::fs::read(out.join("loadfile.dat")).unwrap()).unwrap();
    let c = |n: &str| dat::FIELDS.iter().position(|f| *f == n).unwrap();
    assert_eq!(rows.len(), ids.len() + 1);
    for r in &rows[1..] {
        let id = &r[c("CONV_ID")];
        check_conv(&r[c("CONFIDENTIALITY")], id, "CONFIDENTIALITY");
        let text = read(&out.join(r[c("TEXTPATH")].replace('\\', "/")));
        let (first, last) = (text.lines().next().unwrap(), text.lines().last().unwrap());
        assert_eq!(first, last);
        check_conv(first, id, "TEXT first line");
        let native: Value =
            serde_json::from_str(&read(&out.join(r[c("NATIVEPATH")].replace('\\', "/")))).unwrap();
        check_conv(native["designation"].as_str().unwrap(), id, "native");
    }
    // A run's designation stands in for the matter's, never for a conversation's own.
    let out = tmp.path().join("dat-run");
    export(
        &m,
        &out,
        "dat",
        &[
            "--bates-prefix",
            "R-",
            "--designation",
            "CONFIDENTIAL - OUTSIDE COUNSEL",
        ],
    );
    let rows = dat::parse(&std::fs::read(out.join("loadfile.dat")).unwrap()).unwrap();
    for r in &rows[1..] {
        let want = if r[c("CONV_ID")] == *own {
            "CONFIDENTIAL"
        } else {
            "CONFIDENTIAL - OUTSIDE COUNSEL"
        };
        assert_eq!(r[c("CONFIDENTIALITY")], want);
    }
    // Exhibits: a banner and the print margins on every page.
    let out = tmp.path().join("exhibit");
    export(&m, &out, "exhibit", &["--bates-prefix", "X-"]);
    let pages = files_in(&out.join("exhibits"));
    assert_eq!(pages.len(), ids.len());
    for f in pages {
        let t = read(&f);
        let stem = f.file_stem().unwrap().to_str().unwrap();
        assert!(
            t.contains(&format!("@top-right{{content:\"{stem}\"")),
            "{stem}"
        );
        assert!(t.contains("@top-center{content:\""), "{stem}");
        assert!(
            t.contains("class=\"rep\""),
            "{stem}: no reproduced span marked"
        );
    }
}

#[test]
fn the_register_records_productions_and_refuses_to_produce_twice() {
    let (tmp, m, ids) = matter();
    assert_eq!(count(&m, "produced:yes"), 0);
    let first = tmp.path().join("p1");
    let s = export(
        &m,
        &first,
        "dat",
        &[
            "--bates-prefix",
            "ABC-",
            "--recipient",
            "Counsel for the defendant",
        ],
    );
    assert_eq!(s["production"], "PROD-0001");
    assert_eq!(count(&m, "produced:yes"), ids.len() as u64);
    assert_eq!(count(&m, "produced:no"), count(&m, "*") - ids.len() as u64);
    assert_eq!(count(&m, "bates:abc-0000001"), 1);
    assert_eq!(count(&m, "bates:ABC-*"), ids.len() as u64);
    let listed: Value = json(&run(&m, &["--json", "productions"]));
    let p = &listed[0];
    assert_eq!(p["id"], "PROD-0001");
    assert_eq!(p["recipient"], "Counsel for the defendant");
    assert_eq!(p["designation"], HIGH);
    assert_eq!(p["bates_first"], "ABC-0000001");
    assert_eq!(p["conversations"], ids.len() as u64);
    assert_eq!(p["manifest_sha256"], s["manifest_sha256"]);
    let places: Value = json(&run(
        &m,
        &["--json", "productions", "--conversation", &ids[0]],
    ));
    assert_eq!(places.as_array().unwrap().len(), 1);

    // The same set again under the same prefix: refused, with the count and the numbers,
    // and nothing consumed or registered.
    let again = tmp.path().join("p2");
    let o = run(
        &m,
        &[
            "export",
            "--tag",
            "hot",
            "--format",
            "dat",
            "--bates-prefix",
            "ABC-",
            "--out",
            again.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("{} of the {} selected", ids.len(), ids.len())),
        "{err}"
    );
    assert!(
        err.contains("ABC-00000") && err.contains("--reproduce"),
        "{err}"
    );
    assert!(!again.exists());
    assert_eq!(
        json(&run(&m, &["--json", "productions"]))
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Leaving the produced ones out works; so does --reproduce, under new numbers.
    let rest = run(
        &m,
        &[
            "--quiet",
            "export",
            "--query",
            "strong:true AND -bates:ABC-*",
            "--format",
            "dat",
            "--bates-prefix",
            "ABC-",
            "--allow-empty",
            "--out",
            tmp.path().join("p-rest").to_str().unwrap(),
        ],
    );
    assert!(rest.status.success(), "{}", stderr(&rest));
    let s2 = export(
        &m,
        &again,
        "dat",
        &["--bates-prefix", "ABC-", "--reproduce"],
    );
    assert_eq!(s2["production"], "PROD-0003");
    let n = ids.len() as u64;
    assert_eq!(s2["bates_first"], format!("ABC-{:07}", n + 1));
    let places: Value = json(&run(
        &m,
        &["--json", "productions", "--conversation", &ids[0]],
    ));
    assert_eq!(places.as_array().unwrap().len(), 2);
    // The CSV's bates column names where each conversation was produced.
    let csv_out = tmp.path().join("csv");
    export(&m, &csv_out, "csv", &[]);
    let mut rd = csv::Reader::from_path(csv_out.join("conversations.csv")).unwrap();
    let head = rd.headers().unwrap().clone();
    let bates_col = head.iter().position(|h| h == "bates").unwrap();
    for r in rd.records() {
        let r = r.unwrap();
        assert_eq!(r[bates_col].split(';').count(), 2, "{:?}", r);
    }
    // A numbers file altered after the fact is caught.
    let numbers = m.join("productions/PROD-0001.jsonl");
    let text = read(&numbers).replacen("ABC-0000001", "ABC-0009999", 1);
    std::fs::write(&numbers, text).unwrap();
    let o = run(&m, &["productions"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("register was altered"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_failed_production_registers_nothing_and_consumes_no_numbers() {
    let (tmp, m, _ids) = matter();
    let out = tmp.path().join("x");
    let o = run_env(
        &m,
        &[
            "export",
            "--tag",
            "hot",
            "--format",
            "exhibit",
            "--bates-prefix",
            "EX-",
            "--pdf",
            "--out",
            out.to_str().unwrap(),
        ],
        &[("VERBATIM_CHROMIUM", ""), ("PATH", "/nonexistent")],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("headless Chromium"), "{}", stderr(&o));
    assert!(!out.exists());
    assert!(!m.join("productions.jsonl").exists());
    // --pdf belongs to exhibits; Bates numbers to productions.
    let o = run(
        &m,
        &[
            "export",
            "--tag",
            "hot",
            "--format",
            "html",
            "--pdf",
            "--out",
            "/tmp/never",
        ],
    );
    assert!(
        stderr(&o).contains("--pdf prints exhibit pages"),
        "{}",
        stderr(&o)
    );
    let o = run(
        &m,
        &[
            "export",
            "--tag",
            "hot",
            "--format",
            "exhibit",
            "--out",
            "/tmp/never",
        ],
    );
    assert!(stderr(&o).contains("needs Bates numbers"), "{}", stderr(&o));
    let s = export(&m, &out, "exhibit", &["--bates-prefix", "EX-"]);
    assert_eq!(s["bates_first"], "EX-0000001");
    assert_eq!(s["production"], "PROD-0001");
}

fn run_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut c = bin();
    c.current_dir(dir).args(["--matter", dir.to_str().unwrap()]);
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}
