//! A sharded matter run on a Dask cluster (`cluster up`, `--scheduler`) answers as the same
//! matter on one machine: the same pages (scores, order, snippets), counts and reports, and an
//! import fills the shards as on one machine. A worker killed mid-run does not stop the job,
//! nor a coordinator killed mid-import the next; plain TCP off loopback and certificates of
//! another authority are refused; `cluster down` stops every process `cluster up` started.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

fn have_dask() -> bool {
    have_python_module("distributed", "dask[distributed]")
}

/// Stops the matter's cluster however the test ends.
struct Down(PathBuf);

impl Drop for Down {
    fn drop(&mut self) {
        let _ = run(&self.0, &["cluster", "down"]);
    }
}

/// The process groups `cluster up` recorded, by role.
fn groups(m: &Path) -> Vec<(String, i32)> {
    let v: Value =
        serde_json::from_slice(&std::fs::read(m.join("cluster/processes.json")).unwrap()).unwrap();
    v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g[0].as_str().unwrap().to_string(),
                g[1].as_i64().unwrap() as i32,
            )
        })
        .collect()
}

fn alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    unsafe { libc::kill(pid, 0) == 0 }
}

/// `cluster up` with two workers whose shards answer after 150 ms (debug builds), so that a
/// worker can be killed while its tasks run; the guard that stops it, and its address.
fn slow_cluster_up(m: &Path) -> (Down, String) {
    let up = bin()
        .env("VERBATIM_TEST_FAULT", "serve-delay:150")
        .args([
            "--matter",
            m.to_str().unwrap(),
            "cluster",
            "up",
            "--workers",
            "2",
        ])
        .output()
        .unwrap();
    let down = Down(m.to_path_buf());
    assert!(up.status.success(), "cluster up: {}", stderr(&up));
    let addr = stdout(&up).lines().last().unwrap().trim().to_string();
    assert!(addr.starts_with("tls://127.0.0.1:"), "{addr}");
    (down, addr)
}

/// Each shard's conversations in date order, the same in `m` as in `like`.
fn same_shards(m: &Path, like: &Path, when: &str) {
    let order = ["--sort", "date", "--limit", "100000", "*"];
    for k in 0..4 {
        let shard = format!("shards/{k:03}");
        assert_eq!(
            page(&m.join(&shard), &[], &order),
            page(&like.join(&shard), &[], &order),
            "{shard} {when}"
        );
    }
}

/// `synth` of `n` conversations with `seed` into `tmp/name`; the conversations file.
fn synth_conversations(tmp: &Path, name: &str, n: u64, seed: u64) -> PathBuf {
    let out = tmp.join(name);
    let (n, seed) = (n.to_string(), seed.to_string());
    run_ok(
        tmp,
        &[
            "synth",
            "--conversations",
            &n,
            "--articles",
            "20",
            "--seed",
            &seed,
            "--out",
            out.to_str().unwrap(),
        ],
    );
    out.join("conversations.jsonl")
}

/// A search's JSON page without its timing.
fn page(m: &Path, cluster: &[&str], args: &[&str]) -> Value {
    let mut all: Vec<&str> = cluster.to_vec();
    all.extend_from_slice(&["--json", "search"]);
    all.extend_from_slice(args);
    let out = run(m, &all);
    assert!(out.status.success(), "{all:?}: {}", stderr(&out));
    let mut v = json(&out);
    v.as_object_mut().unwrap().remove("millis");
    v
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

const QUERIES: [&str; 7] = [
    "the",
    "\"the government\"",
    "minister OR council",
    "assistant:report* AND NOT user:said",
    "said w/5 minister",
    "tag:hot OR council",
    "created:2020-01-01..2030-12-31 AND people",
];

#[test]
fn a_cluster_answers_as_the_matter_on_one_machine_and_survives_a_lost_worker() {
    if !have_dask() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, data) = twins(tmp.path(), 1_200, 4);
    for m in [&a, &b] {
        run_ok(
            m,
            &["--quiet", "tag", "--query", "minister", "hot", "--yes"],
        );
    }

    let (_down, addr) = slow_cluster_up(&b);
    let c = ["--scheduler", addr.as_str()];

    // Pages: exactly the matter's own pages on this machine (scores, order, ties, snippets),
    // and the same scored set as the matter never split.
    for q in QUERIES {
        for sort in ["relevance", "date", "date-asc"] {
            let args = ["--limit", "15", "--offset", "3", "--sort", sort, q];
            let here = page(&b, &[], &args);
            let there = page(&b, &c, &args);
            assert_eq!(here, there, "{q} by {sort}");
        }
        let whole = page(&a, &[], &["--limit", "100000", q]);
        let there = page(&b, &c, &["--limit", "100000", q]);
        assert!(whole["total"].as_u64().unwrap() > 0, "{q} matches nothing");
        assert_eq!(hit_set(&whole), hit_set(&there), "{q}");
        let n = run_ok(&a, &["search", "--count", q]);
        assert_eq!(
            run_ok(&b, &["--scheduler", &addr, "search", "--count", q]),
            n,
            "{q}"
        );
    }

    // The term report and the counts.
    let terms = write(tmp.path(), "terms.txt", QUERIES.join("\n").as_bytes());
    let report = |m: &Path, c: &[&str]| {
        let mut args = c.to_vec();
        args.extend_from_slice(&["--json", "report", terms.to_str().unwrap()]);
        let v = json(&run(m, &args));
        (v["rows"].clone(), v["any"].clone(), v["universe"].clone())
    };
    assert_eq!(report(&a, &[]), report(&b, &c));
    let st = json(&run(&b, &["--scheduler", &addr, "--json", "stats"]));
    assert_eq!(st["conversations"], 1_200);
    assert_eq!(st["shards"].as_array().unwrap().len(), 4);

    // Every search on the cluster is in the matter's audit trail, with the scheduler.
    let trail = std::fs::read_to_string(b.join("audit.jsonl")).unwrap();
    assert!(
        trail
            .lines()
            .filter(|l| l.contains("\"scheduler\""))
            .count()
            >= QUERIES.len() * 5,
        "cluster searches missing from the trail"
    );

    // Detection on the cluster writes the findings file of detection on one machine, byte
    // for byte, with the same counts.
    run_ok(&a, &["--quiet", "detect"]);
    run_ok(&b, &["--quiet", "detect"]);
    let here = std::fs::read(b.join("findings.jsonl")).unwrap();
    std::fs::remove_file(b.join("findings.jsonl")).unwrap();
    // In parts of 37 conversations per shard: nine rounds, each shard's findings set aside.
    let out = bin()
        .env("VERBATIM_CLUSTER_DETECT_PART", "37")
        .args([
            "--matter",
            b.to_str().unwrap(),
            "--quiet",
            "--scheduler",
            &addr,
            "detect",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!b.join(".detect-spool").exists());
    let there = std::fs::read(b.join("findings.jsonl")).unwrap();
    assert!(here.len() > 1000, "no findings");
    assert!(here == there, "the cluster's findings differ");
    let lines = |bytes: &[u8]| {
        let mut v: Vec<String> = String::from_utf8_lossy(bytes)
            .lines()
            .map(str::to_string)
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        lines(&std::fs::read(a.join("findings.jsonl")).unwrap()),
        lines(&there)
    );
    let detection = |m: &Path| {
        let v: Value =
            serde_json::from_slice(&std::fs::read(m.join("matter.json")).unwrap()).unwrap();
        let mut d = v["detection"].clone();
        d.as_object_mut().unwrap().remove("time");
        d
    };
    assert_eq!(detection(&a), detection(&b));
    assert_eq!(
        page(
            &b,
            &c,
            &["--sort", "finding", "--limit", "25", "label:reproduced"]
        ),
        page(
            &b,
            &[],
            &["--sort", "finding", "--limit", "25", "label:reproduced"]
        )
    );

    // Productions: the same files, conversation for conversation, Bates number for Bates
    // number (export.json's time and the manifest over it aside).
    let export = |m: &Path, cluster: &[&str], name: &str, extra: &[&str]| {
        let out = tmp.path().join(name);
        let mut args = cluster.to_vec();
        args.extend_from_slice(&["--quiet", "export", "--out", out.to_str().unwrap()]);
        args.extend_from_slice(extra);
        run_ok(m, &args);
        let mut files = Vec::new();
        for e in walk(&out) {
            let rel = e.strip_prefix(&out).unwrap().to_string_lossy().to_string();
            if rel != "export.json" && rel != "manifest.sha256" {
                files.push((rel, std::fs::read(&e).unwrap()));
            }
        }
        files.sort();
        files
    };
    let dat = ["--tag", "hot", "--format", "dat", "--bates-prefix", "T-"];
    let pa = export(&a, &[], "dat-a", &dat);
    let bytes: usize = pa.iter().map(|(_, b)| b.len()).sum();
    assert!(bytes > 10_000, "{} files, {bytes} bytes", pa.len());
    assert!(
        pa == export(&b, &c, "dat-b", &dat),
        "the cluster's production differs"
    );
    let jsonl = ["--query", "council OR minister", "--format", "jsonl"];
    assert!(export(&b, &[], "j-here", &jsonl) == export(&b, &c, "j-there", &jsonl));
    let out = run(
        &b,
        &[
            "--scheduler",
            &addr,
            "export",
            "--tag",
            "nothing-has-it",
            "--format",
            "jsonl",
            "--out",
            "never",
        ],
    );
    assert!(
        stderr(&out).contains("matches no conversation"),
        "{}",
        stderr(&out)
    );

    // Plain TCP is refused (the scheduler speaks TLS anyway); so is an authority of another
    // cluster.
    let port = addr.rsplit(':').next().unwrap();
    let plain = format!("tcp://127.0.0.1:{port}");
    let out = run(&b, &["--scheduler", &plain, "search", "the"]);
    assert!(stderr(&out).contains("not encrypted"), "{}", stderr(&out));
    let out = run(
        &b,
        &[
            "--insecure-loopback",
            "--scheduler",
            "tcp://10.9.8.7:8786",
            "search",
            "the",
        ],
    );
    assert!(stderr(&out).contains("127.0.0.0/8"), "{}", stderr(&out));
    let other = tmp.path().join("other-certs");
    run_ok(&b, &["cluster", "certs", other.to_str().unwrap()]);
    let out = bin()
        .env("VERBATIM_CLUSTER_TIMEOUT", "5")
        .args([
            "--matter",
            b.to_str().unwrap(),
            "--tls",
            other.to_str().unwrap(),
        ])
        .args(["--scheduler", &addr, "search", "the"])
        .output()
        .unwrap();
    assert!(!out.status.success(), "a foreign authority was let in");

    interface_on_the_cluster(&b, &addr);

    // A worker killed while a search runs: the search still completes, the same.
    let expected = page(&b, &[], &["--limit", "100000", "the"]);
    let g = groups(&b);
    let (_, worker1) = g.iter().find(|(r, _)| r == "worker 1").unwrap().clone();
    let child = bin()
        .args(["--matter", b.to_str().unwrap(), "--scheduler", &addr])
        .args(["--json", "search", "--limit", "100000", "the"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The driver is up in about half a second; each of the search's three rounds then waits
    // 150 ms on every shard.
    std::thread::sleep(std::time::Duration::from_millis(900));
    // SAFETY: the worker's process group, started by `cluster up` for this test.
    unsafe {
        libc::kill(-worker1, libc::SIGKILL);
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let log = std::fs::read_to_string(b.join("cluster/scheduler.log")).unwrap();
    assert!(log.contains("Remove worker"), "the worker was not lost");
    let mut v = json(&out);
    v.as_object_mut().unwrap().remove("millis");
    assert_eq!(v, expected);
    assert_eq!(
        page(&b, &c, &["--limit", "50", "council"]),
        page(&b, &[], &["--limit", "50", "council"])
    );

    // `cluster down` stops everything it started.
    run_ok(&b, &["cluster", "down"]);
    for (role, pid) in g {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while alive(pid) && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert!(!alive(pid), "{role} still runs");
    }
    assert!(!b.join("cluster/processes.json").exists());

    import_on_the_cluster(tmp.path(), &a, &b, &data);
}

/// The review interface's worker on the cluster (one driver kept open) answers as on this
/// machine: the list's rows and counts, a transcript, the ids a bulk tag takes, the next
/// conversation without tags, the progress screen's figures.
fn interface_on_the_cluster(m: &Path, addr: &str) {
    use verbatim::search::SortBy;
    use verbatim::tui::reader::{OnCluster, Reader};
    use verbatim::tui::worker::{Core, Request, Response};
    let matter = verbatim::matter::Matter::open(m).unwrap();
    let opts = verbatim::cluster::dask::ClusterOptions {
        scheduler: addr.to_string(),
        tls: Some(m.join(verbatim::cluster::dask::CERTS_DIR)),
        insecure_loopback: false,
    };
    let driver = verbatim::cluster::dask::Driver::start(&opts, m, 4).unwrap();
    let mut cluster = verbatim::cluster::merge::Cluster {
        transport: driver,
        shards: 4,
    };
    let n = cluster
        .info()
        .unwrap()
        .iter()
        .map(|i| i.conversations)
        .sum();
    let reader = Reader::Cluster(OnCluster::new(cluster, matter.meta.text_mode, n, addr));
    let dialect = verbatim::query::Dialect::default();
    let there = Core::open_on(m, "tester", dialect, reader).unwrap();
    let here = Core::open(m, "tester").unwrap();
    assert_eq!(there.num_docs(), here.num_docs());
    let rows = |r: Response| match r {
        Response::Page { total, rows, .. } => format!("{total} {rows:?}"),
        other => panic!("{other:?}"),
    };
    let mut first = None;
    for q in QUERIES {
        for sort in [SortBy::Relevance, SortBy::Date] {
            for offset in [0, 7] {
                let ask = Request::Search {
                    generation: 1,
                    query: q.to_string(),
                    sort,
                    offset,
                    limit: 20,
                    fold: false,
                };
                let page = rows(there.serve(ask.clone()));
                assert_eq!(page, rows(here.serve(ask)), "{q} by {sort:?} from {offset}");
            }
        }
        let ids = |c: &Core| match c.serve(Request::Ids {
            generation: 1,
            query: q.to_string(),
        }) {
            Response::Ids { mut ids, .. } => {
                ids.sort();
                ids
            }
            other => panic!("{other:?}"),
        };
        let all = ids(&there);
        assert!(!all.is_empty(), "{q}");
        assert_eq!(all, ids(&here), "{q}");
        first.get_or_insert(all[0].clone());
    }
    let load = |c: &Core, id: &str| {
        format!(
            "{:?}",
            c.serve(Request::Load {
                generation: 1,
                id: id.to_string(),
                query: "minister OR council".to_string(),
            })
        )
    };
    let id = first.unwrap();
    assert!(
        load(&there, &id).starts_with("Loaded"),
        "{}",
        load(&there, &id)
    );
    assert_eq!(load(&there, &id), load(&here, &id));
    assert!(load(&there, "no-such-conversation").contains("not in the index"));
    let unreviewed = Request::FindUnreviewed {
        generation: 1,
        query: "the".to_string(),
        sort: SortBy::Date,
        from: 0,
        open: false,
        fold: false,
    };
    assert_eq!(
        format!("{:?}", there.serve(unreviewed.clone())),
        format!("{:?}", here.serve(unreviewed))
    );
    for query in [None, Some("minister OR council".to_string())] {
        let stats = |c: &Core| {
            format!(
                "{:?}",
                c.serve(Request::Stats {
                    generation: 1,
                    query: query.clone(),
                })
            )
        };
        assert!(stats(&there).contains("by_month"), "{}", stats(&there));
        assert_eq!(stats(&there), stats(&here), "{query:?}");
    }
}

/// A second delivery imported on the cluster, while a worker is killed, leaves the shards as
/// the same import on this machine does, conversation for conversation: the duplicates kept
/// once, the clashing ids renamed alike, the bad record rejected at the same place.
fn import_on_the_cluster(tmp: &Path, a: &Path, b: &Path, data: &Path) {
    // Exact repeats of the first delivery, new conversations whose ids clash with it, and a
    // record cut short.
    let other = synth_conversations(tmp, "other", 500, 11);
    let first = std::fs::read_to_string(data.join("conversations.jsonl")).unwrap();
    let second = std::fs::read_to_string(other).unwrap();
    let mut more: String = first.lines().take(40).map(|l| format!("{l}\n")).collect();
    more.push_str(&second);
    more.push_str("{\"id\": \"cut-short\", \"messages\": [\n");
    let more = write(tmp, "more.jsonl", more.as_bytes());
    let more = more.to_str().unwrap();

    let here = tmp.join("b-here");
    copy_dir(b, &here);
    let summary = |out: &std::process::Output| {
        assert!(out.status.success(), "{}", stderr(out));
        let mut v = json(out);
        v.as_object_mut().unwrap().remove("seconds");
        for f in v["files"].as_array_mut().unwrap() {
            f.as_object_mut().unwrap().remove("seconds");
        }
        v
    };
    let expected = summary(&run(
        &here,
        &["--json", "import", "--commit-every", "37", more],
    ));
    assert_eq!(expected["duplicates"], 40, "{expected}");
    assert_eq!(expected["renamed"], 500, "{expected}");
    assert_eq!(expected["rejected"], 1, "{expected}");
    run_ok(a, &["--quiet", "import", more]);

    let (_down, addr) = slow_cluster_up(b);
    let (_, worker1) = groups(b)
        .into_iter()
        .find(|(r, _)| r == "worker 1")
        .unwrap();
    // Rounds of 37 conversations: fifteen, each waiting 150 ms on every shard.
    let mut child = bin()
        .env("VERBATIM_CLUSTER_IMPORT_ROUND", "37")
        .args(["--matter", b.to_str().unwrap(), "--scheduler", &addr])
        .args(["--json", "import", more])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the import ended before the worker was killed"
    );
    // SAFETY: the worker's process group, started by `cluster up` for this test.
    unsafe {
        libc::kill(-worker1, libc::SIGKILL);
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(summary(&out), expected);
    let log = std::fs::read_to_string(b.join("cluster/scheduler.log")).unwrap();
    assert!(log.contains("Remove worker"), "the worker was not lost");

    // Shard for shard, the same conversations in the same order.
    same_shards(b, &here, "after the import");
    let order = ["--sort", "date", "--limit", "100000", "*"];
    assert_eq!(page(b, &[], &order), page(&here, &[], &order));
    let c = ["--scheduler", addr.as_str()];
    for q in QUERIES {
        let whole = page(a, &[], &["--limit", "100000", q]);
        let there = page(b, &c, &["--limit", "100000", q]);
        assert_eq!(hit_set(&whole), hit_set(&there), "{q}");
    }
    let rejects = |m: &Path| -> Vec<Value> {
        std::fs::read_to_string(m.join("rejects.jsonl"))
            .unwrap()
            .lines()
            .map(|l| {
                let mut v: Value = serde_json::from_str(l).unwrap();
                v.as_object_mut().unwrap().remove("time");
                v
            })
            .collect()
    };
    assert_eq!(rejects(b), rejects(&here));
    assert_eq!(rejects(b).len(), 1);

    // Run again: every record is already there, and nothing changes.
    let again = json(&run(b, &["--scheduler", &addr, "--json", "import", more]));
    assert_eq!(again["imported"], 0, "{again}");
    assert_eq!(page(b, &[], &order), page(&here, &[], &order));

    // The coordinator killed mid-import (some shards past the last round, some not): the next
    // import brings them back to the round they all committed and resumes from it.
    let third = synth_conversations(tmp, "third", 400, 12);
    let third = third.to_str().unwrap();
    run_ok(&here, &["--quiet", "import", third]);
    let mut child = bin()
        .env("VERBATIM_CLUSTER_IMPORT_ROUND", "37")
        .args(["--matter", b.to_str().unwrap(), "--scheduler", &addr])
        .args(["--quiet", "import", third])
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1600));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the import ended before it was killed"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    let resumed = json(&run(b, &["--scheduler", &addr, "--json", "import", third]));
    assert!(
        !resumed["files"][0]["resumed_after"].is_null(),
        "nothing was committed before the kill: {resumed}"
    );
    same_shards(b, &here, "after the resumed import");

    // Ctrl-C, as a terminal sends it to the command's process group: the import commits its
    // round and stops (the driver, in a group of its own, is not interrupted); a rerun finishes.
    // (The import looks for Ctrl-C every 512 records.)
    let fourth = synth_conversations(tmp, "fourth", 2_000, 13);
    let fourth = fourth.to_str().unwrap();
    run_ok(&here, &["--quiet", "import", fourth]);
    let child = {
        use std::os::unix::process::CommandExt;
        bin()
            .env("VERBATIM_CLUSTER_IMPORT_ROUND", "200")
            .args(["--matter", b.to_str().unwrap(), "--scheduler", &addr])
            .args(["import", fourth])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .process_group(0)
            .spawn()
            .unwrap()
    };
    std::thread::sleep(std::time::Duration::from_millis(1600));
    let mut child = child;
    assert!(
        child.try_wait().unwrap().is_none(),
        "the import ended before Ctrl-C"
    );
    // SAFETY: the process group of the import this test started.
    unsafe {
        libc::kill(-(child.id() as i32), libc::SIGINT);
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("interrupted"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(!stderr(&out).contains("Traceback"), "{}", stderr(&out));
    run_ok(b, &["--quiet", "--scheduler", &addr, "import", fourth]);
    same_shards(b, &here, "after an interrupted import");
}

#[test]
fn a_matter_not_sharded_and_a_bad_address_are_refused_before_anything_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let f = write(
        tmp.path(),
        "in.jsonl",
        openai_line("a", "apple", "pear").as_bytes(),
    );
    let m = tmp.path().join("m");
    run_ok(&m, &["--quiet", "import", f.to_str().unwrap()]);
    let out = run(
        &m,
        &[
            "--insecure-loopback",
            "--scheduler",
            "tcp://127.0.0.1:1",
            "search",
            "apple",
        ],
    );
    assert!(
        stderr(&out).contains("not sharded") || stderr(&out).contains("is not"),
        "{}",
        stderr(&out)
    );
    for (addr, why) in [
        ("tcp://127.0.0.1:1", "not encrypted"),
        ("127.0.0.1:8786", "not a scheduler address"),
        ("tls://10.0.0.1:8786", "ca.pem"),
    ] {
        let out = run(&m, &["--scheduler", addr, "search", "apple"]);
        assert!(!out.status.success());
        assert!(stderr(&out).contains(why), "{addr}: {}", stderr(&out));
    }
    // An import on a cluster goes into the shards of a sharded matter.
    let out = run(
        &m,
        &[
            "--insecure-loopback",
            "--scheduler",
            "tcp://127.0.0.1:1",
            "import",
            f.to_str().unwrap(),
        ],
    );
    assert!(
        stderr(&out).contains("runs a sharded matter"),
        "{}",
        stderr(&out)
    );
    let out = run(&m, &["cluster", "up"]);
    assert!(stderr(&out).contains("not sharded"), "{}", stderr(&out));
}

#[test]
fn a_shard_server_answers_bad_requests_with_errors_and_keeps_serving() {
    use std::io::Write;
    let tmp = tempfile::tempdir().unwrap();
    let lines: Vec<String> = (0..40)
        .map(|i| {
            openai_line(
                &format!("c{i}"),
                &format!("apple number {i}"),
                "pear \u{1b}[31m",
            )
        })
        .collect();
    let f = write(tmp.path(), "in.jsonl", lines.join("\n").as_bytes());
    let m = tmp.path().join("m");
    run_ok(
        &m,
        &["--quiet", "import", "--shards", "2", f.to_str().unwrap()],
    );
    let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let requests = [
        "not json".to_string(),
        "{\"op\": \"nope\"}".to_string(),
        nested,
        "{\"op\": \"count\", \"query\": \"(((apple\", \"syntax\": \"dtsearch\"}".to_string(),
        "{\"op\": \"count\", \"query\": \"apple\", \"syntax\": \"klingon\"}".to_string(),
        "{\"op\": \"load\", \"ids\": [\"no-such-id\"]}".to_string(),
        "{\"op\": \"rank\", \"query\": \"apple\", \"syntax\": \"dtsearch\", \"sort\": \"sideways\", \"k\": 5, \"stats\": null}".to_string(),
        "{\"op\": \"count\", \"query\": \"apple\", \"syntax\": \"dtsearch\"}".to_string(),
    ];
    let shard = m.join("shards/001");
    let mut child = bin()
        .args(["--matter", m.to_str().unwrap(), "shard", "serve", "--shard"])
        .arg(&shard)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    for r in &requests {
        writeln!(input, "{r}").unwrap();
    }
    drop(input);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let replies: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(replies.len(), requests.len(), "{}", stdout(&out));
    for (r, v) in requests.iter().zip(&replies).take(requests.len() - 1) {
        assert_eq!(v["ok"], false, "{}: {v}", &r[..r.len().min(60)]);
        assert!(v["error"].as_str().is_some_and(|e| !e.is_empty()));
    }
    let last = replies.last().unwrap();
    assert_eq!(last["ok"], true, "{last}");
    let one = last["total"].as_u64().unwrap();
    // The two shards' counts add up to the matter's.
    let other = bin()
        .args(["--matter", m.to_str().unwrap(), "shard", "serve", "--shard"])
        .arg(m.join("shards/000"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut i = other.stdin.as_ref().unwrap();
        writeln!(i, "{}", requests.last().unwrap()).unwrap();
    }
    let mut other = other;
    drop(other.stdin.take());
    let out0 = other.wait_with_output().unwrap();
    let zero: Value = serde_json::from_str(stdout(&out0).trim()).unwrap();
    assert_eq!(zero["total"].as_u64().unwrap() + one, 40);

    // Not a shard, or a shard of nothing sharded: refused, by name.
    let out = run(&m, &["shard", "serve", "--shard", m.to_str().unwrap()]);
    assert!(stderr(&out).contains("not a shard"), "{}", stderr(&out));
    let out = bin()
        .args([
            "--matter",
            shard.to_str().unwrap(),
            "shard",
            "serve",
            "--shard",
        ])
        .arg(&shard)
        .output()
        .unwrap();
    assert!(
        stderr(&out).contains("not a sharded matter"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_shard_server_applies_an_import_round_once_and_refuses_one_built_on_another_commit() {
    use std::io::{BufRead, Write};
    let tmp = tempfile::tempdir().unwrap();
    let lines: Vec<String> = (0..30)
        .map(|i| openai_line(&format!("c{i}"), &format!("apple number {i}"), "pear"))
        .collect();
    let f = write(tmp.path(), "in.jsonl", lines.join("\n").as_bytes());
    let m = tmp.path().join("m");
    run_ok(
        &m,
        &["--quiet", "import", "--shards", "2", f.to_str().unwrap()],
    );
    let held: Vec<String> = (0..30)
        .map(|i| format!("c{i}"))
        .filter(|id| verbatim::matter::shard_of(id, 2) == 1)
        .collect();
    let mut child = bin()
        .args(["--matter", m.to_str().unwrap(), "shard", "serve", "--shard"])
        .arg(m.join("shards/001"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let mut output = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut ask = |req: Value| -> Value {
        writeln!(input, "{req}").unwrap();
        let mut line = String::new();
        output.read_line(&mut line).unwrap();
        serde_json::from_str(&line).unwrap()
    };
    let count = serde_json::json!({"op": "count", "query": "apple", "syntax": "dtsearch"});
    assert_eq!(ask(count.clone())["total"], held.len());
    let state = ask(serde_json::json!({"op": "import_state"}));
    assert_eq!(state["ok"], true, "{state}");
    // Three 8-byte keys a conversation, in hexadecimal.
    assert_eq!(state["ids"].as_str().unwrap().len(), held.len() * 48);
    let base = state["payload"].clone();
    assert!(base.is_string(), "{state}");

    let mut conv =
        ask(serde_json::json!({"op": "load", "ids": [held[0]]}))["conversations"][0].clone();
    conv["id"] = "fresh-1".into();
    let round = serde_json::json!({
        "op": "ingest", "base": base, "payload": "round-1", "threads": 1,
        "memory_bytes": 32 << 20,
        "conversations": [{"ord": 1_000_000, "id_hash": 1, "content_hash": 2, "conversation": conv}],
    });
    let first = ask(round.clone());
    assert_eq!(
        (first["added"].clone(), first["already"].clone()),
        (1.into(), false.into()),
        "{first}"
    );
    // The same round again (a task retried after its answer was lost): applied once.
    let again = ask(round);
    assert_eq!(
        (again["added"].clone(), again["already"].clone()),
        (0.into(), true.into()),
        "{again}"
    );
    assert_eq!(ask(count.clone())["total"], held.len() + 1);
    // A round built on a commit the shard is not at is refused; the server goes on.
    let stray = ask(serde_json::json!({
        "op": "ingest", "base": "elsewhere", "payload": "round-2", "threads": 1,
        "memory_bytes": 32 << 20, "conversations": [],
    }));
    assert_eq!(stray["ok"], false);
    assert!(
        stray["error"].as_str().unwrap().contains("another commit"),
        "{stray}"
    );
    // Shards left apart by a killed import are brought back to the older commit.
    let back = ask(serde_json::json!({"op": "reconcile", "from_ord": 1_000_000, "payload": base}));
    assert_eq!(back["ok"], true, "{back}");
    assert_eq!(ask(count)["total"], held.len());
    let state = ask(serde_json::json!({"op": "import_state"}));
    assert_eq!(state["payload"], base);
    drop(input);
    assert!(child.wait().unwrap().success());
}
