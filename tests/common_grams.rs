//! Common grams change how a phrase is looked up, never what it finds: the same conversations
//! indexed with pairs of common words (the current analyzer) and without (v3) answer every
//! phrase, count and ranking page alike, on random text dense in common words, and the pairs
//! stay out of every pattern and highlight.

use proptest::prelude::*;
use verbatim::index::analyzer::{TEXT_ANALYZER, TEXT_ANALYZER_V3};
use verbatim::index::{ConvIndex, WriterSettings, document};
use verbatim::model::{Conversation, Message, Role, SourceRef};

/// Mostly common words, a few others, and punctuation that ends sentences and paragraphs.
const VOCAB: &[&str] = &[
    "the", "the", "of", "said", "a", "in", "to", "one", "it", "was", "minister", "budget", "plan",
    "cut", "The", "SAID", "of.", "the\n\n", "said,", "Of",
];

fn conversation(i: usize, messages: &[Vec<usize>]) -> Conversation {
    Conversation {
        id: format!("c{i}"),
        source: SourceRef {
            file: "random".into(),
            record: i as u64,
        },
        title: None,
        created: None,
        model: None,
        language: None,
        messages: messages
            .iter()
            .enumerate()
            .map(|(m, words)| Message {
                index: m as u32,
                role: if m % 2 == 0 {
                    Role::User
                } else {
                    Role::Assistant
                },
                author: None,
                created: None,
                text: words
                    .iter()
                    .map(|&w| VOCAB[w % VOCAB.len()])
                    .collect::<Vec<_>>()
                    .join(" "),
            })
            .collect(),
        metadata: Default::default(),
        family: None,
    }
}

fn index(dir: &std::path::Path, analyzer: &str, convs: &[Conversation]) -> ConvIndex {
    let idx = ConvIndex::create_with_analyzer(dir, analyzer).unwrap();
    let mut w = idx
        .writer(WriterSettings {
            threads: 1,
            memory_bytes: 15 << 20,
        })
        .unwrap();
    for (k, c) in convs.iter().enumerate() {
        let k = k as u64;
        w.add_document(document::build(c, &idx.fields, k, k, k).unwrap())
            .unwrap();
    }
    w.commit().unwrap();
    idx.reload().unwrap();
    idx
}

fn ids(idx: &ConvIndex, q: &str) -> Vec<String> {
    let node = verbatim::query::parse(q).unwrap();
    let mut v = verbatim::search::matching_ids(idx, None, &node).unwrap();
    v.sort();
    v
}

fn phrase(words: &[usize]) -> String {
    let ws: Vec<&str> = words
        .iter()
        .map(|&w| ["the", "of", "said", "a", "in", "one", "minister", "it"][w % 8])
        .collect();
    format!("\"{}\"", ws.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn phrases_find_the_same_conversations_with_and_without_pairs(
        convs in prop::collection::vec(
            prop::collection::vec(prop::collection::vec(0usize..40, 0..30), 1..4), 1..25),
        phrases in prop::collection::vec(prop::collection::vec(0usize..8, 2..5), 1..12),
    ) {
        let convs: Vec<Conversation> =
            convs.iter().enumerate().map(|(i, m)| conversation(i, m)).collect();
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let grams = index(a.path(), TEXT_ANALYZER, &convs);
        let plain = index(b.path(), TEXT_ANALYZER_V3, &convs);
        for p in &phrases {
            for q in [phrase(p), format!("assistant:{}", phrase(p)), format!("{} AND minister", phrase(p))] {
                prop_assert_eq!(ids(&grams, &q), ids(&plain, &q), "query {}", q);
            }
        }
    }
}

/// A phrase of two common words is read as one term, and finds what the words find; the pairs
/// are not words: no pattern reaches them, and a phrase across two messages still fails.
#[test]
fn pairs_are_found_by_phrases_only() {
    let convs = vec![
        conversation(0, &[vec![3, 0, 11], vec![0, 3]]), // "said the budget" / "the said"
        conversation(1, &[vec![3], vec![0, 11]]),       // "said" / "the budget": two messages
        conversation(2, &[vec![3, 17, 0]]),             // "said the\n\n the": across a paragraph
    ];
    let a = tempfile::tempdir().unwrap();
    let idx = index(a.path(), TEXT_ANALYZER, &convs);
    assert_eq!(ids(&idx, "\"said the\""), ["c0", "c2"]);
    assert_eq!(ids(&idx, "said the"), ["c0", "c2"]);
    assert_eq!(ids(&idx, "\"the the\""), ["c2"]);
    assert_eq!(ids(&idx, "\"said the budget\""), ["c0"]);
    assert_eq!(ids(&idx, "user:\"the said\""), Vec::<String>::new());
    assert_eq!(ids(&idx, "assistant:\"the said\""), ["c0"]);
    // Patterns expand over words only: `sa*` is `said`, never a pair that starts with it.
    assert_eq!(ids(&idx, "\"sa* the\""), ["c0", "c2"]);
    assert_eq!(ids(&idx, "*the*"), ["c0", "c1", "c2"]);
    let c = verbatim::search::count(&idx, None, "\"said the\" w/3 budget").unwrap();
    assert_eq!(c, 1);
    assert_eq!(idx.analyzer_name(), TEXT_ANALYZER);
    // The pair is a term of its own, in the conversations that hold it.
    let pair = verbatim::index::common_grams::gram("said", "the");
    let term = tantivy::Term::from_field_text(idx.fields.user, &pair);
    assert_eq!(idx.searcher().doc_freq(&term).unwrap(), 2);
    let term = tantivy::Term::from_field_text(idx.fields.assistant, &pair);
    assert_eq!(idx.searcher().doc_freq(&term).unwrap(), 0);
}

/// A matter whose index was built before common grams keeps its layout: an import adds to it
/// with the words alone, the matter records the analyzer its index has, and phrases of common
/// words find what they found.
#[test]
fn a_matter_built_before_keeps_its_layout() {
    use std::sync::atomic::AtomicBool;
    use verbatim::import::{self, ImportOptions, Input};
    let dir = tempfile::tempdir().unwrap();
    let mut m = verbatim::matter::Matter::open_or_create(dir.path()).unwrap();
    std::fs::create_dir_all(m.index_dir()).unwrap();
    drop(ConvIndex::create_with_analyzer(&m.index_dir(), TEXT_ANALYZER_V3).unwrap());
    let file = dir.path().join("in.jsonl");
    std::fs::write(
        &file,
        "{\"id\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"What happened?\"},\
         {\"role\":\"assistant\",\"content\":\"The minister said the plan was one of the best.\"}]}\n\
         {\"id\":\"b\",\"messages\":[{\"role\":\"user\",\"content\":\"said. The end\"}]}\n",
    )
    .unwrap();
    import::import(
        &mut m,
        &[Input::File(file)],
        &ImportOptions::default(),
        &mut verbatim::progress::Silent,
        &AtomicBool::new(false),
    )
    .unwrap();
    let m = verbatim::matter::Matter::open(dir.path()).unwrap();
    assert_eq!(m.meta.analyzer, TEXT_ANALYZER_V3);
    let idx = ConvIndex::open(&m.index_dir()).unwrap();
    assert_eq!(idx.analyzer_name(), TEXT_ANALYZER_V3);
    assert_eq!(ids(&idx, "said the"), ["a", "b"]);
    assert_eq!(ids(&idx, "\"one of the best\""), ["a"]);
    let pair = verbatim::index::common_grams::gram("said", "the");
    let term = tantivy::Term::from_field_text(idx.fields.assistant, &pair);
    assert_eq!(idx.searcher().doc_freq(&term).unwrap(), 0);
}
