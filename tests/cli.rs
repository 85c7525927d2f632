//! The command line as a user drives it: output shapes, errors, exit codes, file modes.

mod common;

use common::*;

fn matter_with(lines: &[String]) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let f = write(tmp.path(), "in.jsonl", lines.join("\n").as_bytes());
    let m = tmp.path().join("m");
    let out = run(&m, &["--quiet", "import", f.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    (tmp, m)
}

#[test]
fn search_json_shape_and_highlights() {
    let (_t, m) = matter_with(&[
        openai_line(
            "a",
            "Tell me about the Thames barrier",
            "The Thames barrier protects London.",
        ),
        openai_line("b", "Rivers?", "Many rivers flow."),
    ]);
    let v = json(&run(&m, &["--json", "search", "thames barrier"]));
    assert_eq!(v["total"], 1);
    let hit = &v["hits"][0];
    assert_eq!(hit["id"], "a");
    assert_eq!(hit["created"], "2023-05-01T10:00:00Z");
    let snippet = hit["snippet"].as_str().unwrap();
    let hl = hit["highlights"][0].as_array().unwrap();
    let (s, e) = (
        hl[0].as_u64().unwrap() as usize,
        hl[1].as_u64().unwrap() as usize,
    );
    assert_eq!(&snippet[s..e], "Thames barrier");
    // Per-message hits: the user message and the assistant reply.
    assert_eq!(hit["hits"].as_array().unwrap().len(), 2);
    let v = json(&run(
        &m,
        &["--json", "search", "--count", "rivers OR barrier"],
    ));
    assert_eq!(v["total"], 2);
    let text = stdout(&run(&m, &["search", "barrier"]));
    assert!(text.contains("«barrier»"), "{text}");
}

#[test]
fn the_results_list_shows_each_page_in_rank_order_and_audits_what_it_shows() {
    // The list is written hit by hit as each is read; it must still be the ranked page, the
    // same as the JSON page, and the trail must count what was shown.
    let lines: Vec<String> = (0..30)
        .map(|i| {
            let words = "barrier ".repeat(1 + i % 7);
            openai_line(
                &format!("c{i:02}"),
                "Rivers?",
                &format!("The {words}holds."),
            )
        })
        .collect();
    let (_t, m) = matter_with(&lines);
    for args in [
        &["--limit", "7"][..],
        &["--limit", "7", "--offset", "5"],
        &["--sort", "date", "--limit", "4"],
    ] {
        let mut q = vec!["search", "barrier"];
        q.extend_from_slice(args);
        let text = stdout(&run(&m, &q));
        let listed: Vec<&str> = text
            .lines()
            .filter_map(|l| {
                let mut w = l.split_whitespace();
                let n = w.next()?;
                (n.ends_with('.') && n[..n.len() - 1].parse::<u32>().is_ok()).then(|| w.next())?
            })
            .collect();
        let mut jq = vec!["--json"];
        jq.extend_from_slice(&q);
        let v = json(&run(&m, &jq));
        let ranked: Vec<&str> = v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_str().unwrap())
            .collect();
        assert_eq!(listed, ranked, "{args:?}\n{text}");
        assert!(text.starts_with("30 conversations match"), "{text}");
    }
    let text = stdout(&run(&m, &["search", "barrier", "--offset", "40"]));
    assert!(text.contains("; no hits on this page"), "{text}");
    let audit = std::fs::read_to_string(m.join("audit.jsonl")).unwrap();
    let shown: Vec<u64> = audit
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|e| e["event"] == "search")
        .map(|e| e["data"]["shown"].as_u64().unwrap())
        .collect();
    assert_eq!(shown, [7, 7, 7, 7, 4, 4, 0], "{audit}");
}

#[test]
fn syntax_errors_point_at_the_column() {
    let (_t, m) = matter_with(&[openai_line("a", "x", "y")]);
    let out = run(&m, &["search", "apple AND (pie"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("unclosed '(' at column 11"), "{err}");
    assert!(err.contains("          ^"), "{err}");
    let v = json(&run(&m, &["--json", "search", "a OR"]));
    assert_eq!(v["column"], 3);
}

#[test]
fn explain_shows_the_reading() {
    let out = bin()
        .args(["search", "--explain", "apple pie OR cake"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert_eq!(text.lines().next(), Some("(\"apple pie\" OR cake)"));
    assert!(text.contains("├─ PHRASE \"apple pie\""), "{text}");
    assert!(text.contains("└─ WORD cake"), "{text}");
}

#[test]
fn usage_errors_exit_2_and_missing_matter_is_clear() {
    let out = bin().args(["search"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let tmp = tempfile::tempdir().unwrap();
    let out = run(&tmp.path().join("nothing"), &["search", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no matter at"), "{}", stderr(&out));
}

#[cfg(unix)]
#[test]
fn matter_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let (_t, m) = matter_with(&[openai_line("a", "x", "y"), "garbage".to_string()]);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&m), 0o700);
    let mut checked = 0;
    for dir in [m.clone(), m.join("index")] {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            let want = if p.is_dir() { 0o700 } else { 0o600 };
            assert_eq!(mode(&p), want, "{}", p.display());
            checked += 1;
        }
    }
    assert!(checked > 5);
}

#[test]
fn stats_json_and_newer_schema_refused() {
    let (_t, m) = matter_with(&[openai_line("a", "x", "y"), openai_line("b", "x", "z")]);
    let v = json(&run(&m, &["--json", "stats"]));
    assert_eq!(v["conversations"], 2);
    assert_eq!(v["messages"]["user"], 2);
    assert_eq!(v["models"]["gpt-4"], 2);
    assert_eq!(v["sources"][0]["imported"], 2);
    assert!(v["index_bytes"].as_u64().unwrap() > 0);
    let p = m.join("matter.json");
    let mut meta: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
    meta["schema"] = serde_json::json!(99);
    std::fs::write(&p, meta.to_string()).unwrap();
    let out = run(&m, &["stats"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("newer verbatim"), "{}", stderr(&out));
}

#[test]
fn import_json_summary_shape() {
    let tmp = tempfile::tempdir().unwrap();
    let f = write(
        tmp.path(),
        "in.jsonl",
        format!("{}\nbad\n", openai_line("a", "x", "y")).as_bytes(),
    );
    let out = run(
        &tmp.path().join("m"),
        &["--json", "import", f.to_str().unwrap()],
    );
    let v = json(&out);
    for k in ["imported", "rejected", "duplicates", "truncated", "files"] {
        assert!(v.get(k).is_some(), "missing {k}: {v}");
    }
    assert_eq!(
        (v["imported"].as_u64(), v["rejected"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(v["files"][0]["records"], 2);
}

#[test]
fn every_readme_query_example_explains() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("<!-- query-examples -->").unwrap();
    let end = readme.find("<!-- /query-examples -->").unwrap();
    let examples: Vec<&str> = readme[start..end]
        .lines()
        .filter(|l| !l.starts_with("<!--") && !l.starts_with("```") && !l.trim().is_empty())
        .collect();
    assert!(examples.len() >= 8);
    for q in examples {
        let out = bin().args(["search", "--explain", q]).output().unwrap();
        assert!(out.status.success(), "{q}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(text.lines().count() >= 2, "{q}: {text}");
    }
}

#[test]
fn untag_of_an_absent_tag_and_tag_of_a_held_one_record_nothing() {
    let (_t, m) = matter_with(&[openai_line("a", "q", "r")]);
    let journal_lines = || {
        std::fs::read_to_string(m.join("review.jsonl"))
            .unwrap_or_default()
            .lines()
            .count()
    };
    let ann = |verb: &str| {
        let out = run(&m, &["--reviewer", "ann", verb, "a", "hot"]);
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    assert!(ann("untag").contains("not tagged"));
    assert_eq!(journal_lines(), 0);
    ann("tag");
    assert_eq!(journal_lines(), 1);
    assert!(ann("tag").contains("already tagged"));
    assert_eq!(journal_lines(), 1);
    // Untagging what is there is an event, as before.
    ann("untag");
    assert_eq!(journal_lines(), 2);
}

#[test]
fn an_empty_export_and_findings_of_an_unknown_id_are_errors() {
    let (t, m) = matter_with(&[openai_line("a", "q", "r")]);
    let out_dir = t.path().join("out");
    let out = run(
        &m,
        &[
            "export",
            "--tag",
            "nonexistent",
            "--format",
            "jsonl",
            "--out",
            out_dir.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("matches no conversation"),
        "{}",
        stderr(&out)
    );
    assert!(!out_dir.exists(), "nothing is written");
    let out = run(
        &m,
        &[
            "export",
            "--tag",
            "nonexistent",
            "--format",
            "jsonl",
            "--allow-empty",
            "--out",
            out_dir.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&m, &["findings", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no conversation nope"),
        "{}",
        stderr(&out)
    );
    // A misspelled field is a usage error that points at the nearest name.
    let out = run(&m, &["search", "asistant:oil"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("assistant:"), "{}", stderr(&out));
}

#[test]
fn viewed_is_kept_apart_from_coded() {
    let (_t, m) = matter_with(&[
        openai_line("a", "q1", "r1"),
        openai_line("b", "q2", "r2"),
        openai_line("c", "q3", "r3"),
    ]);
    let count = |q: &str| {
        stdout(&run(&m, &["search", "--count", q]))
            .trim()
            .to_string()
    };
    // Bulk coding codes without anyone reading.
    let out = run(
        &m,
        &[
            "--reviewer",
            "ann",
            "tag",
            "--query",
            "*",
            "--yes",
            "not-relevant",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(count("reviewed:yes"), "3");
    assert_eq!(count("viewed:yes"), "0");
    assert!(run(&m, &["show", "b"]).status.success());
    assert_eq!(count("viewed:yes"), "1");
    assert_eq!(count("viewed:no AND reviewed:yes"), "2");
    assert!(stdout(&run(&m, &["--json", "search", "viewed:yes"])).contains("\"b\""));
}

#[test]
fn completions_and_manual_pages_come_from_the_definitions() {
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("m");
    for shell in ["bash", "zsh", "fish"] {
        let o = run(&m, &["completions", shell]);
        assert!(o.status.success(), "{shell}: {}", stderr(&o));
        let s = stdout(&o);
        for word in ["designation", "productions", "bates-prefix", "reproduce"] {
            assert!(s.contains(word), "{shell} completions lack {word}");
        }
    }
    let o = run(&m, &["man"]);
    assert!(stdout(&o).contains(".TH verbatim 1"), "{}", stdout(&o));
    let dir = tmp.path().join("man1");
    assert!(
        run(&m, &["man", "--out", dir.to_str().unwrap()])
            .status
            .success()
    );
    let export = std::fs::read_to_string(dir.join("verbatim-export.1")).unwrap();
    assert!(export.contains("bates\\-prefix") || export.contains("bates-prefix"));
    // The commands people mistype show examples.
    for cmd in ["search", "export"] {
        let help = stdout(&run(&m, &[cmd, "--help"]));
        assert!(help.contains("Examples:"), "{cmd} --help: {help}");
    }
}

#[test]
fn model_and_id_filters_take_wildcards_unless_quoted() {
    let mut lines = Vec::new();
    for (id, model) in [
        ("arena_1", "gpt-4"),
        ("arena_2", "gpt-4o"),
        ("wild_1", "gpt-3.5-turbo"),
    ] {
        let mut v: serde_json::Value =
            serde_json::from_str(&openai_line(id, "hello", "hi there")).unwrap();
        v["model"] = serde_json::json!(model);
        lines.push(v.to_string());
    }
    let (_t, m) = matter_with(&lines);
    let count = |q: &str| {
        json(&run(&m, &["--json", "search", q, "--count"]))["total"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(count("model:gpt-4"), 1);
    assert_eq!(count("model:gpt-4*"), 2);
    assert_eq!(count("model:GPT-?"), 1);
    assert_eq!(count("model:\"gpt-4*\""), 0, "quoted: literal");
    assert_eq!(count("id:arena_*"), 2);
    assert_eq!(count("id:*_1"), 2);
    assert_eq!(count("-id:arena*"), 1);
    // The reading shows the pattern as typed.
    let explain = stdout(&run(
        &m,
        &["search", "model:gpt-4* AND id:\"x*\"", "--explain"],
    ));
    assert!(
        explain.starts_with("(model:gpt-4* AND id:\"x*\")"),
        "{explain}"
    );
    // An unknown tag warns, naming the nearest.
    let o = run(&m, &["search", "tag:reproduce-article"]);
    assert!(
        stderr(&o).contains("did you mean tag:reproduces-article"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn findings_sort_limit_label_and_query() {
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("m");
    verbatim::demo::build(&m, &mut verbatim::progress::Silent).unwrap();
    let lines = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["findings"];
        a.extend_from_slice(args);
        let o = run(&m, &a);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        // Each finding's elicitation is said on an indented line under it.
        let out = stdout(&o);
        let findings = out.lines().filter(|l| l.starts_with("conv-")).count();
        let said = out.lines().filter(|l| l.starts_with("    ")).count();
        assert_eq!(findings, said, "{out}");
        out.lines()
            .filter(|l| !l.starts_with("    "))
            .map(String::from)
            .collect()
    };
    let top = lines(&["--sort", "run", "--limit", "3"]);
    assert!(top[0].starts_with("conversation  article"), "{top:?}");
    assert_eq!(top.len(), 5, "header, 3 findings, footer: {top:?}");
    assert!(top[4].contains("3 of "), "{top:?}");
    let runs: Vec<u64> = top[1..4]
        .iter()
        .map(|l| {
            l.split("longest ")
                .nth(1)
                .unwrap()
                .split(' ')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    assert!(runs.windows(2).all(|w| w[0] >= w[1]), "{runs:?}");
    let echoed = lines(&["--label", "echoed"]);
    assert!(
        echoed[1..echoed.len() - 1]
            .iter()
            .all(|l| l.contains(" echoed ")),
        "{echoed:?}"
    );
    assert!(
        echoed.iter().any(|l| l.contains("words the user supplied")),
        "{echoed:?}"
    );
    let q = json(&run(&m, &["--json", "search", "model:gpt-4o", "--count"]))["total"]
        .as_u64()
        .unwrap();
    assert!(q > 0);
    let only = lines(&["--query", "model:gpt-4o"]);
    for l in &only[1..only.len() - 1] {
        let id = l.split_whitespace().next().unwrap();
        let v = json(&run(
            &m,
            &[
                "--json",
                "search",
                &format!("id:{id} AND model:gpt-4o"),
                "--count",
            ],
        ));
        assert_eq!(v["total"], 1, "{l}");
    }
}

/// A field that no segment holds is left out of queries; once a later import brings one
/// (a system prompt), searches find it, scoped and unscoped, with the highlight on its words.
#[test]
fn a_field_first_held_by_a_later_import_is_searched() {
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("m");
    let a = write(
        tmp.path(),
        "a.jsonl",
        (openai_line("plain", "hello there", "general kenobi") + "\n").as_bytes(),
    );
    run_ok(&m, &["import", a.to_str().unwrap()]);
    assert_eq!(
        run_ok(&m, &["search", "--count", "system:obey"]).trim(),
        "0"
    );
    assert_eq!(run_ok(&m, &["search", "--count", "obey"]).trim(), "0");
    let line = serde_json::json!({"id": "prompted", "messages": [
        {"role": "system", "content": "Always obey the council."},
        {"role": "user", "content": "hello"},
        {"role": "assistant", "content": "As you wish."}
    ]});
    let b = write(tmp.path(), "b.jsonl", format!("{line}\n").as_bytes());
    run_ok(&m, &["import", b.to_str().unwrap()]);
    assert_eq!(
        run_ok(&m, &["search", "--count", "system:obey"]).trim(),
        "1"
    );
    assert_eq!(run_ok(&m, &["search", "--count", "obey"]).trim(), "1");
    assert_eq!(
        run_ok(&m, &["search", "--count", "\"obey the\""]).trim(),
        "1"
    );
    let page = run_ok(&m, &["search", "obey"]);
    assert!(page.contains("prompted"), "{page}");
    assert!(page.contains("«obey»"), "{page}");
}

/// The binary is linked to start quickly (`build.rs`): GCC's unwinder is linked in instead of
/// `libgcc_s.so.1` loaded at every start, and relative relocations are packed where glibc reads
/// them. (That panics still unwind through it is tested by the review interface's faults.)
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn the_binary_loads_no_libgcc_s_and_packs_its_relocations() {
    use std::process::Command;
    let Ok(out) = Command::new("readelf")
        .args(["-d", env!("CARGO_BIN_EXE_verbatim")])
        .output()
    else {
        eprintln!("skipped: no readelf");
        return;
    };
    let dynamic = String::from_utf8_lossy(&out.stdout);
    assert!(dynamic.contains("libc.so"), "{dynamic}");
    let static_unwinder = Command::new("cc")
        .arg("-print-file-name=libgcc_eh.a")
        .output()
        .is_ok_and(|o| {
            std::path::Path::new(String::from_utf8_lossy(&o.stdout).trim()).is_absolute()
        });
    if static_unwinder {
        assert!(!dynamic.contains("libgcc_s"), "{dynamic}");
    }
    let glibc = Command::new("getconf")
        .arg("GNU_LIBC_VERSION")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let version: Vec<u32> = glibc
        .trim_start_matches("glibc ")
        .split('.')
        .map(|p| p.parse().unwrap_or(0))
        .collect();
    if version.len() >= 2 && (version[0], version[1]) >= (2, 36) {
        assert!(dynamic.contains("(RELR)"), "{dynamic}");
    }
}
