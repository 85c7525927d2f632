//! Tokenising speed of the message analyzers on the same synthetic English text and on text
//! with Chinese and Japanese runs, in one process: v1 (CJK runs whole, long tokens dropped),
//! v2 (CJK bigrams, long tokens split, the message gap), v3 (v2 with sentence, paragraph and
//! message boundary marks), v4 (v3 with pairs of adjacent common words) and the
//! Relativity-compatible analyzer (v3 with noise words left
//! out, words cut to 32 characters, `_` inside words).
//!
//! cargo bench --bench analyzer

use std::time::Instant;

use tantivy::tokenizer::{TextAnalyzer, TokenStream};
use verbatim::index::analyzer;

fn tokens(a: &mut TextAnalyzer, texts: &[String]) -> usize {
    let mut n = 0;
    for t in texts {
        let mut s = a.token_stream(t);
        while s.advance() {
            n += s.token().text.len();
        }
    }
    n
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let english = "The harbour authority said on Tuesday that the new tidal barrier would be \
        finished by the spring, two years later than planned and at almost twice the cost. ";
    let cjk = "港湾局は火曜日、新しい防潮堤の完成が春になると発表した。中华人民共和国国务院今天发布了新的规定。";
    let sets = [
        ("English", vec![english.repeat(40); 2_000]),
        (
            "English with CJK runs",
            vec![format!("{}{cjk}", english.repeat(20)); 2_000],
        ),
    ];
    println!(
        "| text | MB | v1 MB/s | v2 MB/s | v3 MB/s | v4 MB/s | relativity MB/s | v2 / v1 | v3 / v2 | v4 / v3 |\n|---|---|---|---|---|---|---|---|---|---|"
    );
    for (name, texts) in sets {
        let mb = texts.iter().map(String::len).sum::<usize>() as f64 / 1e6;
        let rate = |mut a: TextAnalyzer| {
            let runs: Vec<f64> = (0..5)
                .map(|_| {
                    let t = Instant::now();
                    assert!(tokens(&mut a, &texts) > 0);
                    mb / t.elapsed().as_secs_f64()
                })
                .collect();
            median(runs)
        };
        let v1 = rate(analyzer::index_analyzer_v1());
        let v2 = rate(analyzer::index_analyzer_v2());
        let v3 = rate(analyzer::index_analyzer());
        let v4 = rate(analyzer::index_analyzer_with_grams());
        let rel = rate(analyzer::index_analyzer_for(analyzer::TextMode::Relativity));
        println!(
            "| {name} | {mb:.0} | {v1:.0} | {v2:.0} | {v3:.0} | {v4:.0} | {rel:.0} | {:.2} | {:.2} | {:.2} |",
            v2 / v1,
            v3 / v2,
            v4 / v3
        );
    }
}
