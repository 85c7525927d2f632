//! A ShareGPT file of ~17,000 conversations cut off mid-record: every complete conversation
//! is imported, the cut is reported where it is, and counts and searches agree with an
//! independent reading of the same file (Python's own JSON decoder, `scripts/independent_read.py`).

mod common;

use std::process::Command;

use common::*;
use verbatim::synth::{SynthFormat, SynthOptions};

#[test]
fn truncated_sharegpt_agrees_with_an_independent_reader() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("SKIPPED: python3 not found; the independent reader needs it");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("synth");
    verbatim::synth::synth(
        &SynthOptions {
            conversations: 17_000,
            articles: 200,
            seed: 17,
            format: SynthFormat::ShareGpt,
            out: out.clone(),
            plant_rate: 0.25,
            near_duplicates: 0.0,
        },
        &mut |_| {},
    )
    .unwrap();
    let full = std::fs::read(out.join("conversations.json")).unwrap();
    // Cut in the middle of a record near the end, on a UTF-8 boundary.
    let mut cut = full.len() * 97 / 100;
    while !(full[cut] == b'a' || full[cut] == b'e') {
        cut += 1;
    }
    let file = write(tmp.path(), "sharegpt_cut.json", &full[..cut]);

    let words = [
        "python",
        "recipe",
        "report",
        "government",
        "minister",
        "the",
    ];
    let mut args = vec![
        concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/independent_read.py").to_string(),
        file.display().to_string(),
    ];
    args.extend(words.iter().map(|w| w.to_string()));
    let py = Command::new("python3").args(&args).output().unwrap();
    assert!(
        py.status.success(),
        "{}",
        String::from_utf8_lossy(&py.stderr)
    );
    let truth: serde_json::Value = serde_json::from_slice(&py.stdout).unwrap();
    let complete = truth["records"].as_u64().unwrap();
    assert!(complete > 16_000 && complete < 17_000, "{truth}");

    let m = tmp.path().join("m");
    let imp = run(&m, &["--json", "import", file.to_str().unwrap()]);
    assert!(imp.status.success(), "{}", stderr(&imp));
    let s = json(&imp);
    assert_eq!(
        s["imported"].as_u64().unwrap(),
        truth["with_messages"].as_u64().unwrap()
    );
    assert_eq!(
        s["imported"].as_u64().unwrap() + s["rejected"].as_u64().unwrap(),
        complete
    );
    assert_eq!(s["truncated"], true);
    let t = &s["files"][0]["truncated"];
    assert_eq!(t["record"].as_u64().unwrap(), complete + 1);
    assert_eq!(t["offset"].as_u64(), truth["truncated_at"].as_u64(), "{t}");

    for w in words {
        let out = run(&m, &["search", "--count", w]);
        assert_eq!(
            stdout(&out).trim(),
            truth["words"][w].as_u64().unwrap().to_string(),
            "{w}"
        );
    }
}
