//! Chinese, Japanese, Korean and Thai text is searchable word by word inside sentences, with
//! hits marked where they are; no text is left unindexed for being long.

mod common;

use common::*;

fn matter() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let long = format!("prefix{}suffix", "ab".repeat(200));
    let lines = [
        openai_line(
            "zh",
            "请总结这篇文章",
            "北京市政府今天宣布了新的环境保护政策。",
        ),
        openai_line(
            "ja",
            "要約してください",
            "東京都は新しい環境政策を発表しました。",
        ),
        openai_line(
            "ko",
            "요약해 주세요",
            "서울시는 오늘 새로운 환경 정책을 발표했습니다.",
        ),
        openai_line("th", "ช่วยสรุปหน่อย", "รัฐบาลประกาศนโยบายสิ่งแวดล้อมใหม่วันนี้"),
        openai_line("long", "a blob", &format!("here is {long} end")),
        openai_line("en", "hello", "nothing cjk here"),
    ];
    let f = write(tmp.path(), "in.jsonl", (lines.join("\n") + "\n").as_bytes());
    let m = tmp.path().join("m");
    assert!(run(&m, &["import", f.to_str().unwrap()]).status.success());
    (tmp, m)
}

fn ids(m: &std::path::Path, q: &str) -> Vec<String> {
    let o = run(m, &["--json", "search", q]);
    assert!(o.status.success(), "{q}: {}", stderr(&o));
    let v = json(&o);
    let mut out: Vec<String> = v["hits"]
        .as_array()
        .unwrap_or_else(|| panic!("{q}: {v}"))
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect();
    out.sort();
    out
}

#[test]
fn words_inside_cjk_sentences_are_found_and_marked() {
    let (_t, m) = matter();
    for (q, want) in [
        ("环境保护", vec!["zh"]),
        ("政府", vec!["zh"]),
        ("政策", vec!["ja", "zh"]),
        ("环境 AND 北京", vec!["zh"]),
        ("\"市政府今天\"", vec!["zh"]),
        ("環境政策", vec!["ja"]),
        ("東京", vec!["ja"]),
        ("発表", vec!["ja"]),
        ("정책", vec!["ko"]),
        ("서울시", vec!["ko"]),
        ("นโยบาย", vec!["th"]),
        ("京", vec!["ja", "zh"]),
        ("策", vec!["ja", "zh"]),
        ("政府 w/5 宣布", vec!["zh"]),
        ("政府 w/3 宣布", vec![]),
        ("保护环境", vec![]),
    ] {
        assert_eq!(ids(&m, q), want, "{q}");
    }
    // The hit is marked exactly on the word, in the right place.
    let v = json(&run(&m, &["--json", "search", "环境保护"]));
    let h = &v["hits"][0];
    let snippet = h["snippet"].as_str().unwrap();
    let (a, b) = (
        h["highlights"][0][0].as_u64().unwrap() as usize,
        h["highlights"][0][1].as_u64().unwrap() as usize,
    );
    assert_eq!(&snippet[a..b], "环境保护", "{h}");
}

#[test]
fn an_over_long_token_is_split_not_dropped() {
    let (_t, m) = matter();
    let long = format!("prefix{}suffix", "ab".repeat(200));
    assert_eq!(ids(&m, &long), vec!["long"]);
    // The pieces take positions, as words do: 412 bytes are five pieces.
    assert_eq!(ids(&m, "here w/7 end"), vec!["long"]);
}
