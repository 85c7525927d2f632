//! `verbatim report`: documents, unique documents and the any-term total, as CSV.

mod common;

use common::*;

#[test]
fn search_term_report_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let lines = [
        openai_line("a", "apple and pear", "ok"),
        openai_line("b", "apple only", "ok"),
        openai_line("c", "pear only", "ok"),
        openai_line("d", "kiwi", "ok"),
    ];
    let f = write(tmp.path(), "in.jsonl", lines.join("\n").as_bytes());
    let m = tmp.path().join("m");
    assert!(
        run(&m, &["--quiet", "import", f.to_str().unwrap()])
            .status
            .success()
    );
    let terms = write(
        tmp.path(),
        "terms.txt",
        b"apple\n# a comment\npear\napple w/5\nkiwi OR nothing\n\"apple, pear\"\n",
    );
    let out_csv = tmp.path().join("report.csv");
    let out = run(
        &m,
        &[
            "report",
            terms.to_str().unwrap(),
            "--out",
            out_csv.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("1 term(s) did not parse"));
    let csv = std::fs::read_to_string(&out_csv).unwrap();
    let comments: Vec<&str> = csv.lines().filter(|l| l.starts_with('#')).collect();
    assert!(
        comments
            .iter()
            .any(|l| l.contains("terms file:") && l.contains("SHA-256"))
    );
    assert!(
        comments
            .iter()
            .any(|l| l.contains("index version: 1; analyzer: verbatim_text_v4"))
    );
    assert!(
        comments
            .iter()
            .any(|l| l.contains("syntax: dtsearch; text mode: standard"))
    );
    let rows: Vec<&str> = csv.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(rows[0], "line,term,documents,unique_documents,error");
    assert_eq!(rows[1], "1,apple,2,1,");
    assert_eq!(rows[2], "3,pear,2,1,");
    assert!(rows[3].starts_with("4,apple w/5,,,"), "{}", rows[3]);
    assert!(rows[3].contains("expected a word after"), "{}", rows[3]);
    assert_eq!(rows[4], "5,kiwi OR nothing,1,1,");
    assert_eq!(rows[5], "6,\"\"\"apple, pear\"\"\",0,0,");
    assert_eq!(rows[6], ",(any term),4,,");

    // Within a subset.
    let out = run(
        &m,
        &["report", terms.to_str().unwrap(), "--within", "NOT kiwi"],
    );
    let text = stdout(&out);
    assert!(text.contains("1,apple,2,1,"), "{text}");
    assert!(text.contains("5,kiwi OR nothing,0,0,"), "{text}");
    assert!(text.contains(",(any term),3,,"), "{text}");
    assert!(
        text.contains("# within: NOT kiwi (3 conversations)"),
        "{text}"
    );
}

#[test]
fn a_terms_file_names_its_syntax() {
    let tmp = tempfile::tempdir().unwrap();
    let lines = [
        openai_line("a", "apple and pear. Fruit.", "ok"),
        openai_line("b", "apple only", "ok"),
        openai_line("c", "pear only. Apple later.", "ok"),
    ];
    let m = matter_of_lines(tmp.path(), &lines);
    let terms = write(
        tmp.path(),
        "terms.txt",
        b"# syntax: westlaw\napple pear\napple & pear\napple /s pear\npear +s apple\n",
    );
    let out = run(&m, &["report", terms.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("# syntax: westlaw; text mode: standard"),
        "{text}"
    );
    assert!(text.contains("2,apple pear,3,"), "space is OR: {text}");
    assert!(text.contains("3,apple & pear,2,"), "{text}");
    assert!(text.contains("4,apple /s pear,1,"), "{text}");
    assert!(text.contains("5,pear +s apple,0,"), "{text}");
    // The flag wins over the file's line: read as dtSearch, `/s` is refused by name.
    let out = run(
        &m,
        &["report", terms.to_str().unwrap(), "--syntax", "dtsearch"],
    );
    let text = stdout(&out);
    assert!(text.contains("# syntax: dtsearch"), "{text}");
    assert!(text.contains("Westlaw's connector"), "{text}");
    // A byte-order mark and another spelling of the line: still read.
    let bom = write(
        tmp.path(),
        "bom.txt",
        "\u{feff}# Syntax westlaw\napple pear\n".as_bytes(),
    );
    let text = stdout(&run(&m, &["report", bom.to_str().unwrap()]));
    assert!(text.contains("# syntax: westlaw"), "{text}");
    assert!(text.contains("2,apple pear,3,"), "{text}");
    // After the first term it is an error, not a comment quietly ignored.
    let late = write(tmp.path(), "late.txt", b"apple\n# syntax: westlaw\npear\n");
    let out = run(&m, &["report", late.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("before the first term"),
        "{}",
        stderr(&out)
    );
    // A syntax line naming no dialect is an error.
    let bad = write(tmp.path(), "bad.txt", b"# syntax: westlw\napple\n");
    let out = run(&m, &["report", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("dtsearch, westlaw or lexis"),
        "{}",
        stderr(&out)
    );
}
