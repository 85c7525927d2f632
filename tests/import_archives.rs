//! Deliveries as they arrive: zip (deflate, ZIP64, AES), tar, tar.gz and tar.zst archives read
//! member by member, with provenance `ARCHIVE!MEMBER`; archives built by the zip and tar crates
//! and by independent tools (`zip`, `tar`, Python's `zipfile`); cut archives, archives imported
//! twice, an interrupted archive resumed; foreign formats named.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use verbatim::matter::{Matter, SourceStatus};
use zip::write::SimpleFileOptions;

fn lines(prefix: &str, n: usize) -> String {
    (0..n)
        .map(|i| {
            openai_line(
                &format!("{prefix}{i}"),
                &format!("question {prefix} {i} about harbours"),
                "An answer about harbours and the ships in them.",
            ) + "\n"
        })
        .collect()
}

/// Builds a zip with the zip crate: (name, bytes, options) per member.
fn make_zip(path: &Path, members: &[(&str, Vec<u8>, SimpleFileOptions)]) {
    let mut w = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes, opts) in members {
        w.start_file(*name, *opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap();
}

fn deflated() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated)
}

fn make_tar(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, bytes) in members {
        let mut h = tar::Header::new_gnu();
        h.set_size(bytes.len() as u64);
        h.set_mode(0o600);
        h.set_cksum();
        b.append_data(&mut h, name, *bytes).unwrap();
    }
    b.into_inner().unwrap()
}

/// An independent tool the CI machine has; elsewhere a missing one skips the test.
fn tool(name: &str) -> bool {
    let ok = Command::new(name)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success() || !o.stdout.is_empty());
    if !ok && std::env::var_os("VERBATIM_REQUIRE_TOOLS").is_some() {
        panic!("{name} is required here (VERBATIM_REQUIRE_TOOLS, set by scripts/test)");
    }
    ok
}

fn source_of(m: &Path, id: &str) -> String {
    let o = run(m, &["show", "--json", id]);
    assert!(o.status.success(), "{}", stderr(&o));
    json(&o)["source"]["file"].as_str().unwrap().to_string()
}

#[test]
fn a_zip_is_read_member_by_member_with_its_provenance() {
    let tmp = tempfile::tempdir().unwrap();
    let z = tmp.path().join("delivery.zip");
    let bad = format!("{}not json\n", lines("b", 2));
    make_zip(
        &z,
        &[
            ("vol1/a.jsonl", lines("a", 30).into_bytes(), deflated()),
            (
                "vol1/b.jsonl.gz",
                gzip(bad.as_bytes()),
                SimpleFileOptions::default(),
            ),
            (
                "vol2/c.ndjson.zst",
                zstd(lines("c", 5).as_bytes()),
                deflated(),
            ),
            ("README.txt", b"read me".to_vec(), deflated()),
            ("vol2/", Vec::new(), SimpleFileOptions::default()),
        ],
    );
    let m = tmp.path().join("m");
    let o = run(&m, &["import", z.to_str().unwrap()]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    assert_eq!(docs(&m), 37);
    assert!(out.contains("README.txt: not a .json"), "{out}");
    let real = std::fs::canonicalize(&z).unwrap();
    let real = real.display();
    assert_eq!(source_of(&m, "a3"), format!("{real}!vol1/a.jsonl"));
    assert_eq!(source_of(&m, "c4"), format!("{real}!vol2/c.ndjson.zst"));
    // The bad record is reported under its member.
    let rejects = std::fs::read_to_string(m.join("rejects.jsonl")).unwrap();
    let r: serde_json::Value = serde_json::from_str(rejects.lines().next().unwrap()).unwrap();
    assert_eq!(r["file"], format!("{real}!vol1/b.jsonl.gz"));
    assert_eq!(r["record"], 3);
    let meta = Matter::open(&m).unwrap().meta;
    let archive = meta.sources.iter().find(|s| s.container.is_some()).unwrap();
    assert_eq!(archive.container.as_deref(), Some("zip"));
    assert_eq!(
        (archive.members, archive.imported, archive.rejected),
        (Some(3), 37, 1)
    );
    assert_eq!(
        archive.sha256,
        verbatim::hashing::sha256_hex(&std::fs::read(&z).unwrap())
    );
    let member = meta
        .sources
        .iter()
        .find(|s| s.path.ends_with("!vol1/a.jsonl"))
        .unwrap();
    assert_eq!(member.archive.as_deref(), Some(archive.path.as_str()));
    assert_eq!(member.status, SourceStatus::Complete);

    // Exports asked for provenance name the member.
    let out = tmp.path().join("export");
    let o = run(
        &m,
        &[
            "export",
            "--query",
            "id:a3",
            "--format",
            "jsonl",
            "--include",
            "provenance",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let exported = std::fs::read_to_string(out.join("conversations.jsonl")).unwrap();
    assert!(
        exported.contains(&format!("{real}!vol1/a.jsonl")),
        "{exported}"
    );

    // The same archive again, under another name: nothing changes.
    let copy = tmp.path().join("again.zip");
    std::fs::copy(&z, &copy).unwrap();
    let o = run(&m, &["import", copy.to_str().unwrap()]);
    assert!(
        stdout(&o).contains("skipped, already imported"),
        "{}",
        stdout(&o)
    );
    assert_eq!(docs(&m), 37);
}

#[test]
fn zip64_and_aes_encrypted_members_are_read() {
    let tmp = tempfile::tempdir().unwrap();
    let z = tmp.path().join("enc.zip");
    let aes = deflated().with_aes_encryption(zip::AesMode::Aes256, "s3cret pass");
    make_zip(
        &z,
        &[
            (
                "big.jsonl",
                lines("z", 10).into_bytes(),
                deflated().large_file(true),
            ),
            ("secret.jsonl", lines("s", 7).into_bytes(), aes),
        ],
    );
    let m = tmp.path().join("m");
    let o = run(&m, &["import", z.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--password-file"), "{}", stderr(&o));
    assert_eq!(
        docs(&m),
        10,
        "the ZIP64 member is read, the encrypted one is not"
    );

    let wrong = write(tmp.path(), "wrong.txt", b"guess\n");
    let m2 = tmp.path().join("m2");
    let o = run(
        &m2,
        &[
            "import",
            "--password-file",
            wrong.to_str().unwrap(),
            z.to_str().unwrap(),
        ],
    );
    assert!(stderr(&o).contains("does not open"), "{}", stderr(&o));

    let right = write(tmp.path(), "pw.txt", b"s3cret pass\n");
    let m3 = tmp.path().join("m3");
    let o = run(
        &m3,
        &[
            "import",
            "--password-file",
            right.to_str().unwrap(),
            z.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(docs(&m3), 17);
}

#[test]
fn tar_tar_gz_and_tar_zst_are_read_in_order() {
    let tmp = tempfile::tempdir().unwrap();
    let a = lines("t", 12);
    let b = gzip(lines("u", 3).as_bytes());
    let tar = make_tar(&[
        ("x/a.jsonl", a.as_bytes()),
        ("x/b.jsonl.gz", &b),
        ("x/notes.md", b"n"),
    ]);
    for (name, bytes, kind) in [
        ("d.tar", tar.clone(), "tar"),
        ("d.tgz", gzip(&tar), "tar.gz"),
        ("d.tar.zst", zstd(&tar), "tar.zst"),
    ] {
        let p = write(tmp.path(), name, &bytes);
        let m = tmp.path().join(format!("m-{name}"));
        let s = import_files(&m, std::slice::from_ref(&p));
        assert_eq!(s.imported, 15, "{name}");
        assert_eq!(s.files[0].container.as_deref(), Some(kind));
        assert!(s.files[0].skipped_members[0].starts_with("x/notes.md"));
        assert_eq!(s.files.len(), 3, "the archive and its two members");
        assert!(s.files[2].path.ends_with(&format!("{name}!x/b.jsonl.gz")));
    }
}

#[test]
fn a_cut_archive_keeps_everything_before_the_cut() {
    let tmp = tempfile::tempdir().unwrap();
    // tar.gz cut in the middle of its second member.
    let first = lines("f", 40);
    let second = lines("g", 400);
    let tar = gzip(&make_tar(&[
        ("first.jsonl", first.as_bytes()),
        ("second.jsonl", second.as_bytes()),
    ]));
    let cut = write(tmp.path(), "cut.tar.gz", &tar[..tar.len() * 3 / 4]);
    let m = tmp.path().join("m");
    let o = run(&m, &["import", cut.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let n = docs(&m);
    assert!((40..440).contains(&n), "{n}");
    assert!(
        stderr(&o).contains("every complete record before it was imported"),
        "{}",
        stderr(&o)
    );

    // A zip cut before its central directory: members read from their local headers.
    let z = tmp.path().join("whole.zip");
    make_zip(
        &z,
        &[
            ("one.jsonl", lines("o", 20).into_bytes(), deflated()),
            ("two.jsonl", lines("p", 300).into_bytes(), deflated()),
        ],
    );
    let bytes = std::fs::read(&z).unwrap();
    let cut = write(tmp.path(), "cut.zip", &bytes[..bytes.len() * 2 / 3]);
    let m = tmp.path().join("m2");
    let o = run(&m, &["import", cut.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let n = docs(&m);
    assert!((20..320).contains(&n), "{n}");
    assert!(stderr(&o).contains("central directory"), "{}", stderr(&o));
}

#[test]
fn an_interrupted_archive_resumes_member_by_member() {
    let tmp = tempfile::tempdir().unwrap();
    let tar = gzip(&make_tar(&[
        ("a.jsonl", lines("a", 1000).as_bytes()),
        ("b.jsonl", lines("b", 3000).as_bytes()),
        ("c.jsonl", lines("c", 500).as_bytes()),
    ]));
    let p = write(tmp.path(), "d.tar.gz", &tar);
    let m = tmp.path().join("m");
    let s = import_stopping(&m, std::slice::from_ref(&p), 250, Some(1500));
    assert!(s.interrupted);
    let first = docs(&m);
    assert!((2500..4000).contains(&first), "{first}");
    let meta = Matter::open(&m).unwrap().meta;
    assert_eq!(
        meta.sources[0].status,
        SourceStatus::Partial,
        "the archive is unfinished"
    );

    let s = import_stopping(&m, std::slice::from_ref(&p), 250, None);
    assert!(!s.interrupted);
    assert_eq!(s.duplicates, 0);
    assert_eq!(docs(&m), 4500);
    assert!(
        s.files[1]
            .skipped
            .as_deref()
            .unwrap()
            .contains("already imported from this archive")
    );
    assert!(s.files[2].resumed_after.is_some());
    let meta = Matter::open(&m).unwrap().meta;
    let archive = &meta.sources[0];
    assert_eq!(archive.status, SourceStatus::Complete);
    assert_eq!((archive.imported, archive.members), (4500, Some(3)));
}

#[test]
fn a_chatgpt_export_zip_imports_its_conversations_and_names_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let conv = serde_json::json!([{
        "id": "conv-1", "title": "Harbours", "create_time": 1700000000.0,
        "current_node": "n2",
        "mapping": {
            "n0": {"id": "n0", "message": null, "parent": null, "children": ["n1"]},
            "n1": {"id": "n1", "parent": "n0", "children": ["n2"], "message": {"id": "n1",
                "author": {"role": "user"}, "content": {"content_type": "text", "parts": ["Tell me about harbours"]}}},
            "n2": {"id": "n2", "parent": "n1", "children": [], "message": {"id": "n2",
                "author": {"role": "assistant"}, "content": {"content_type": "text", "parts": ["Harbours shelter ships."]}}}
        }
    }]);
    let z = tmp.path().join("export.zip");
    make_zip(
        &z,
        &[
            (
                "conversations.json",
                conv.to_string().into_bytes(),
                deflated(),
            ),
            ("chat.html", b"<html></html>".to_vec(), deflated()),
            ("user.json", b"{\"id\":\"user-1\"}".to_vec(), deflated()),
            ("message_feedback.json", b"[]".to_vec(), deflated()),
            ("file-abc.png", vec![0x89, b'P', b'N', b'G'], deflated()),
        ],
    );
    let m = tmp.path().join("m");
    let o = run(&m, &["import", z.to_str().unwrap()]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    assert_eq!(docs(&m), 1);
    for skipped in [
        "chat.html",
        "user.json",
        "message_feedback.json",
        "file-abc.png",
    ] {
        assert!(
            out.contains(&format!("left out: {skipped}: not conversations")),
            "{out}"
        );
    }
}

#[test]
fn archives_made_by_independent_tools_are_read() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    write(&src, "p/one.jsonl", lines("one", 25).as_bytes());
    write(&src, "p/two.jsonl.gz", &gzip(lines("two", 8).as_bytes()));
    let mut made: Vec<PathBuf> = Vec::new();
    if tool("tar") {
        let out = tmp.path().join("gnu.tar.gz");
        let ok = Command::new("tar")
            .arg("czf")
            .arg(&out)
            .arg("-C")
            .arg(&src)
            .arg("p")
            .status()
            .unwrap();
        assert!(ok.success());
        made.push(out);
    }
    if tool("zip") {
        let out = tmp.path().join("infozip.zip");
        let ok = Command::new("zip")
            .current_dir(&src)
            .args(["-q", "-r"])
            .arg(&out)
            .arg("p")
            .status()
            .unwrap();
        assert!(ok.success());
        made.push(out);
    }
    if tool("python3") {
        let out = tmp.path().join("python.zip");
        let script = "import sys, zipfile\n\
            with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:\n\
            \x20   z.write(sys.argv[2] + '/p/one.jsonl', 'p/one.jsonl')\n\
            \x20   with z.open('p/two.jsonl.gz', 'w', force_zip64=True) as f:\n\
            \x20       f.write(open(sys.argv[2] + '/p/two.jsonl.gz', 'rb').read())\n";
        let ok = Command::new("python3")
            .args(["-c", script])
            .arg(&out)
            .arg(&src)
            .status()
            .unwrap();
        assert!(ok.success());
        made.push(out);
    }
    for archive in made {
        let m = tmp.path().join(format!(
            "m-{}",
            archive.file_name().unwrap().to_string_lossy()
        ));
        let s = import_files(&m, std::slice::from_ref(&archive));
        assert_eq!((s.imported, s.rejected), (33, 0), "{}", archive.display());
        assert!(s.files.iter().any(|f| f.path.ends_with("!p/two.jsonl.gz")));
    }
}

#[test]
fn foreign_containers_and_encodings_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let utf16: Vec<u8> = "\u{feff}{\"messages\": []}\n"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let cases: [(&str, Vec<u8>, &str); 5] = [
        (
            "f.jsonl.gz",
            gzip(b"PK\x03\x04 a zip inside gzip"),
            "a zip archive (inside",
        ),
        (
            "a.7z",
            b"7z\xBC\xAF\x27\x1C\x00\x04rest".to_vec(),
            "a 7z archive: unpack it first",
        ),
        (
            "b.rar",
            b"Rar!\x1A\x07\x01\x00rest".to_vec(),
            "a RAR archive",
        ),
        ("c.jsonl", utf16, "UTF-16 text"),
        (
            "d.jsonl.bz2",
            b"BZh91AY&SYrest".to_vec(),
            "bzip2-compressed",
        ),
    ];
    for (name, bytes, want) in cases {
        let p = write(tmp.path(), name, &bytes);
        let m = tmp.path().join(format!("m-{name}"));
        let o = run(&m, &["import", p.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        let err = stderr(&o);
        assert!(!err.contains("byte 0"), "{name}: {err}");
        assert!(err.contains(want), "{name}: {err}");
    }
}

#[test]
fn two_members_under_one_name_are_both_read_and_told_apart() {
    let tmp = tempfile::tempdir().unwrap();
    let tar = make_tar(&[
        ("a.jsonl", lines("first", 3).as_bytes()),
        ("a.jsonl", lines("second", 4).as_bytes()),
    ]);
    let p = write(tmp.path(), "twice.tar", &tar);
    let m = tmp.path().join("m");
    let s = import_files(&m, std::slice::from_ref(&p));
    assert_eq!(s.imported, 7);
    assert!(
        s.files[2].path.ends_with("!a.jsonl (entry 2 of that name)"),
        "{}",
        s.files[2].path
    );
    // And again: the same archive is a no-op.
    let s = import_files(&m, &[p]);
    assert_eq!(s.imported + s.duplicates, 0);
}

#[test]
fn a_bad_member_is_reported_and_the_members_after_it_are_still_read() {
    let tmp = tempfile::tempdir().unwrap();
    let tar = make_tar(&[
        ("a.jsonl", lines("a", 5).as_bytes()),
        ("b.json", b"this is not json at all\n"),
        ("c.jsonl", lines("c", 7).as_bytes()),
    ]);
    // Two volumes concatenated: the second is read too.
    let second = gzip(&make_tar(&[("d.jsonl", lines("d", 3).as_bytes())]));
    let mut both = gzip(&tar);
    both.extend_from_slice(&second);
    let p = write(tmp.path(), "vols.tar.gz", &both);
    let m = tmp.path().join("m");
    let o = run(&m, &["import", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "b.json is reported");
    assert_eq!(docs(&m), 15, "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains("b.json"), "{}", stderr(&o));
}

#[test]
fn an_encrypted_member_left_out_for_want_of_a_password_is_read_when_it_comes() {
    let tmp = tempfile::tempdir().unwrap();
    let z = tmp.path().join("enc.zip");
    let aes = deflated().with_aes_encryption(zip::AesMode::Aes128, "pw");
    make_zip(
        &z,
        &[
            ("open.jsonl", lines("o", 4).into_bytes(), deflated()),
            ("secret.jsonl", lines("s", 6).into_bytes(), aes),
        ],
    );
    let m = tmp.path().join("m");
    assert_eq!(
        run(&m, &["import", z.to_str().unwrap()]).status.code(),
        Some(1)
    );
    assert_eq!(docs(&m), 4);
    let pw = write(tmp.path(), "pw.txt", b"pw\n");
    let o = run(
        &m,
        &[
            "import",
            "--password-file",
            pw.to_str().unwrap(),
            z.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(docs(&m), 10);
    assert!(stdout(&o).contains("open.jsonl: skipped, already imported from this archive"));
}

#[test]
fn names_that_show_alike_are_still_two_members_and_an_empty_archive_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let z = tmp.path().join("alike.zip");
    make_zip(
        &z,
        &[
            ("x\u{1b}.jsonl", lines("e", 2).into_bytes(), deflated()),
            ("x\\u{1b}.jsonl", lines("f", 3).into_bytes(), deflated()),
        ],
    );
    let m = tmp.path().join("m");
    assert_eq!(import_files(&m, std::slice::from_ref(&z)).imported, 5);

    let empty = tmp.path().join("empty.zip");
    make_zip(&empty, &[("notes.txt", b"n".to_vec(), deflated())]);
    let o = run(&tmp.path().join("m2"), &["import", empty.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("holds no conversation files"),
        "{}",
        stderr(&o)
    );
}
