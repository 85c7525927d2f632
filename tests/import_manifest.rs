//! The producing party's hash manifest: a delivery is checked against it before anything is
//! imported; a missing, extra or altered file stops the import with the list, unless the
//! exceptions are accepted, and the check is in the audit trail and matter.json either way.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use verbatim::matter::Matter;

fn delivery(dir: &Path) {
    write(
        dir,
        "vol1/a.jsonl",
        (openai_line("a1", "q one", "r one") + "\n").as_bytes(),
    );
    write(
        dir,
        "vol1/b.jsonl.gz",
        &gzip((openai_line("b1", "q two", "r two") + "\n").as_bytes()),
    );
    write(
        dir,
        "vol2/c.jsonl",
        (openai_line("c1", "q three", "r three") + "\n").as_bytes(),
    );
}

/// `sha256sum` (or `md5sum`) run in the delivery, as a producing party would.
fn sums(tool: &str, dir: &Path) -> String {
    let o = Command::new(tool)
        .current_dir(dir)
        .args(["vol1/a.jsonl", "./vol1/b.jsonl.gz", "vol2/c.jsonl"])
        .output()
        .unwrap_or_else(|e| panic!("{tool}: {e}"));
    assert!(o.status.success());
    String::from_utf8(o.stdout).unwrap()
}

fn audit_entries(m: &Path, event: &str) -> Vec<serde_json::Value> {
    std::fs::read_to_string(m.join("audit.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|e| e["event"] == event)
        .collect()
}

#[test]
fn a_delivery_matching_its_manifest_is_verified_then_imported() {
    for tool in ["sha256sum", "md5sum", "sha1sum"] {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().join("delivery");
        delivery(&d);
        let manifest = write(&d, "MANIFEST.txt", sums(tool, &d).as_bytes());
        let m = tmp.path().join("m");
        let o = run(
            &m,
            &[
                "import",
                "--manifest",
                manifest.to_str().unwrap(),
                d.to_str().unwrap(),
            ],
        );
        let out = stdout(&o);
        assert_eq!(o.status.code(), Some(0), "{tool}: {out}{}", stderr(&o));
        assert!(out.contains("3 of 3 listed files match"), "{out}");
        assert_eq!(docs(&m), 3);
        let e = audit_entries(&m, "delivery-verify");
        assert_eq!(e.len(), 1);
        assert_eq!(e[0]["data"]["result"], "verified");
        assert_eq!(
            e[0]["data"]["manifest_sha256"],
            verbatim::hashing::sha256_hex(&std::fs::read(&manifest).unwrap())
        );
        let meta = Matter::open(&m).unwrap().meta;
        assert_eq!(meta.deliveries.len(), 1);
        assert_eq!(meta.deliveries[0].matched, 3);
    }
}

#[test]
fn a_mismatch_stops_the_import_with_the_list() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("delivery");
    delivery(&d);
    let listed = sums("sha256sum", &d);
    // After the manifest was made: one file altered, one removed, one added.
    write(
        &d,
        "vol1/a.jsonl",
        (openai_line("a1", "q one", "r ONE") + "\n").as_bytes(),
    );
    std::fs::remove_file(d.join("vol2/c.jsonl")).unwrap();
    write(
        &d,
        "vol2/planted.jsonl",
        (openai_line("x", "q", "r") + "\n").as_bytes(),
    );
    let manifest = write(tmp.path(), "delivery.sha256", listed.as_bytes());
    let m = tmp.path().join("m");
    let o = run(
        &m,
        &[
            "import",
            "--manifest",
            manifest.to_str().unwrap(),
            d.to_str().unwrap(),
        ],
    );
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("missing: vol2/c.jsonl"), "{out}");
    assert!(out.contains("mismatch: vol1/a.jsonl"), "{out}");
    assert!(out.contains("extra: vol2/planted.jsonl"), "{out}");
    assert!(stderr(&o).contains("nothing imported"), "{}", stderr(&o));
    assert_eq!(docs(&m), 0);
    let e = audit_entries(&m, "delivery-verify");
    assert_eq!(e[0]["data"]["result"], "stopped");
    assert_eq!(e[0]["data"]["exceptions"].as_array().unwrap().len(), 3);

    // Accepted: imported, each exception recorded.
    let o = run(
        &m,
        &[
            "import",
            "--manifest",
            manifest.to_str().unwrap(),
            "--accept-mismatch",
            d.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(docs(&m), 3);
    let e = audit_entries(&m, "delivery-verify");
    assert_eq!(e[1]["data"]["result"], "exceptions accepted");
    let meta = Matter::open(&m).unwrap().meta;
    assert_eq!(meta.deliveries.len(), 2);
    assert_eq!(meta.deliveries[1].exceptions.len(), 3);
    // The audit trail still verifies.
    let o = run(&m, &["audit", "verify"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn a_csv_manifest_made_on_windows_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("delivery");
    delivery(&d);
    let mut csv = String::from("\u{feff}File Name,Size,SHA-256 Hash\r\n");
    for f in ["vol1/a.jsonl", "vol1/b.jsonl.gz", "vol2/c.jsonl"] {
        let bytes = std::fs::read(d.join(f)).unwrap();
        csv.push_str(&format!(
            "{},{},{}\r\n",
            f.replace('/', "\\"),
            bytes.len(),
            verbatim::hashing::sha256_hex(&bytes).to_uppercase()
        ));
    }
    let manifest = write(&d, "manifest.csv", csv.as_bytes());
    let m = tmp.path().join("m");
    let o = run(
        &m,
        &[
            "import",
            "--manifest",
            manifest.to_str().unwrap(),
            d.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(docs(&m), 3);
}

#[test]
fn a_manifest_cannot_point_outside_the_delivery() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("delivery");
    delivery(&d);
    let secret = write(tmp.path(), "secret.txt", b"not part of it");
    let mut listed = sums("sha256sum", &d);
    listed.push_str(&format!(
        "{}  ../secret.txt\n",
        verbatim::hashing::sha256_hex(&std::fs::read(&secret).unwrap())
    ));
    let manifest = write(tmp.path(), "m.sha256", listed.as_bytes());
    let m = tmp.path().join("m");
    let o = run(
        &m,
        &[
            "import",
            "--manifest",
            manifest.to_str().unwrap(),
            d.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("missing: ../secret.txt"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_file_outside_the_checked_delivery_cannot_ride_along() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("delivery");
    delivery(&d);
    // A manifest that lists itself, as `find . -type f | xargs sha256sum` makes one.
    let mut listed = sums("sha256sum", &d);
    listed.push_str(&format!("{}  MANIFEST.sha256\n", "0".repeat(64)));
    let manifest = write(&d, "MANIFEST.sha256", listed.as_bytes());
    let stray = write(
        tmp.path(),
        "stray.jsonl",
        (openai_line("s1", "q", "r") + "\n").as_bytes(),
    );
    let m = tmp.path().join("m");
    let o = run(
        &m,
        &[
            "import",
            "--manifest",
            manifest.to_str().unwrap(),
            d.to_str().unwrap(),
            stray.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("stray.jsonl"), "{}", stdout(&o));
    assert_eq!(docs(&m), 0);
    // Without the stray file the same delivery is verified (the manifest's own line aside).
    let o = run(
        &m,
        &[
            "import",
            "--manifest",
            manifest.to_str().unwrap(),
            d.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(docs(&m), 3);
}
