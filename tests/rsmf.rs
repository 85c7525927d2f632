//! RSMF productions read back with independent parsers: every `.rsmf` file parsed as mail by
//! `mail-parser`, its one attachment opened by `zip`, its manifest checked against
//! Relativity's published 2.0.0 schema (compiled here from the vendored file, not through the
//! product), and every event compared with the conversation the matter holds.

mod common;

use std::io::Read;
use std::path::Path;

use common::*;
use mail_parser::{MessageParser, MimeHeaders};
use serde_json::Value;

const HIGH: &str = "HIGHLY CONFIDENTIAL - ATTORNEYS' EYES ONLY";

fn schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src/export/rsmf/rsmf_schema.json"),
    )
    .unwrap();
    jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap()
}

struct Parsed {
    version: String,
    bates: String,
    designation: String,
    preview: String,
    attachments: usize,
    manifest: Value,
}

fn parse(bytes: &[u8]) -> Parsed {
    assert!(bytes.iter().all(|b| *b < 128), "an RSMF file is 7-bit");
    let msg = MessageParser::default()
        .parse(bytes)
        .expect("a mail message");
    let header = |name: &str| {
        msg.header(name)
            .and_then(|h| h.as_text())
            .unwrap_or_default()
            .to_string()
    };
    let zip_bytes = msg
        .attachments()
        .find(|a| a.attachment_name() == Some("rsmf.zip"))
        .expect("rsmf.zip attached")
        .contents()
        .to_vec();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).unwrap();
    let mut manifest = String::new();
    zip.by_name("rsmf_manifest.json")
        .unwrap()
        .read_to_string(&mut manifest)
        .unwrap();
    Parsed {
        version: header("X-RSMF-Version"),
        bates: header("X-RSMF-BatesNumber"),
        designation: header("X-RSMF-Designation"),
        preview: msg.body_text(0).unwrap().into_owned(),
        attachments: msg.attachment_count(),
        manifest: serde_json::from_str(&manifest).unwrap(),
    }
}

#[test]
fn rsmf_files_conform_and_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("m");
    verbatim::demo::build(&m, &mut verbatim::progress::Silent).unwrap();
    for args in [
        vec![
            "tag",
            "--query",
            "strong:true OR label:echoed",
            "hot",
            "--yes",
        ],
        vec!["designation", "set", HIGH],
        vec!["note", "conv-0000009", "Privileged: ask the partner"],
    ] {
        let o = run(&m, &args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    }
    let produce = |prefix: &str| {
        let out = tmp.path().join(prefix);
        let o = run(
            &m,
            &[
                "--quiet",
                "export",
                "--tag",
                "hot",
                "--format",
                "rsmf",
                "--bates-prefix",
                prefix,
                "--reproduce",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        out
    };
    let out = produce("RA-");
    let validator = schema();
    let mut files: Vec<_> = std::fs::read_dir(out.join("RSMF"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 5);
    let mut spans = 0;
    let mut echoes = 0;
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("Privileged"),
            "work product in {}",
            f.display()
        );
        let p = parse(&bytes);
        assert_eq!(p.version, "2.0.0");
        assert_eq!(p.attachments, 1, "exactly one attachment");
        assert_eq!(p.bates, f.file_stem().unwrap().to_str().unwrap());
        assert_eq!(p.designation, HIGH);
        let lines: Vec<&str> = p.preview.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(lines.first(), Some(&HIGH));
        assert_eq!(lines.last(), Some(&HIGH));
        let errors: Vec<String> = validator
            .iter_errors(&p.manifest)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", f.display());

        // The events are the conversation's messages, in order, with their roles.
        let conv = &p.manifest["conversations"][0];
        let id = conv["id"].as_str().unwrap();
        let held = json(&run(&m, &["--json", "show", id]));
        let messages = held["messages"].as_array().unwrap();
        let events = p.manifest["events"].as_array().unwrap();
        assert_eq!(events.len(), messages.len(), "{id}");
        for (e, msg) in events.iter().zip(messages) {
            assert_eq!(e["body"], msg["text"], "{id}");
            assert_eq!(e["conversation"], id);
            let role = msg["role"].as_str().unwrap();
            assert!(e["participant"].as_str().unwrap().starts_with(role), "{id}");
            assert!(
                p.preview
                    .contains(msg["text"].as_str().unwrap().lines().next().unwrap_or(""))
            );
            for c in e["custom"].as_array().into_iter().flatten() {
                if c["name"] == "Span" {
                    spans += 1;
                    echoes += usize::from(c["value"].as_str().unwrap().contains("echoed"));
                }
            }
        }
        let names: Vec<&str> = conv["custom"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert!(
            names.contains(&"Designation") && names.contains(&"Bates"),
            "{names:?}"
        );
        assert!(
            !names.contains(&"Tags") && !names.contains(&"Note"),
            "{names:?}"
        );
    }
    assert!(
        spans > 0 && echoes > 0,
        "findings as custom fields: {spans} spans, {echoes} echoed"
    );

    // The same records give the same manifests (only the numbers differ).
    let again = produce("RB-");
    for f in &files {
        let name = f
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .replacen("RA-", "RB-", 1);
        let a = parse(&std::fs::read(f).unwrap()).manifest.to_string();
        let b = parse(&std::fs::read(again.join("RSMF").join(name)).unwrap())
            .manifest
            .to_string()
            .replace("RB-", "RA-");
        assert_eq!(a, b);
    }

    // The schema check is a real one: a broken manifest fails it, here and in the product.
    let mut broken = parse(&std::fs::read(&files[0]).unwrap()).manifest;
    broken["events"][0]["type"] = Value::from("bogus");
    broken["events"][1]["timestamp"] = Value::from("2018-09-11T09:45:00");
    assert!(!validator.is_valid(&broken));
    let err = verbatim::export::rsmf::validate(&broken)
        .unwrap_err()
        .to_string();
    assert!(err.contains("/events/0/type"), "{err}");
}
