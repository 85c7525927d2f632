//! Every supported conversation format, from fixtures written here, imported and read back.

mod common;

use common::*;
use serde_json::json;
use verbatim::index::ConvIndex;
use verbatim::matter::Matter;
use verbatim::model::Role;
use verbatim::search;

fn open(dir: &std::path::Path) -> ConvIndex {
    let m = Matter::open(dir).unwrap();
    ConvIndex::open(&m.index_dir()).unwrap()
}

fn chatgpt_export() -> serde_json::Value {
    // root -> system(hidden, empty) -> user -> assistant A (old) / assistant B (current)
    //                                              B -> tool -> assistant C (current_node)
    let node = |id: &str, parent: Option<&str>, children: &[&str], msg: serde_json::Value| json!({"id": id, "parent": parent, "children": children, "message": msg});
    let msg = |role: &str, name: Option<&str>, content: serde_json::Value, t: f64| {
        json!({"id": "m", "author": {"role": role, "name": name, "metadata": {}},
               "create_time": t, "content": content, "status": "finished_successfully",
               "metadata": {"model_slug": "gpt-4o"}, "recipient": "all"})
    };
    let text = |s: &str| json!({"content_type": "text", "parts": [s]});
    json!([{
        "title": "Branching chat",
        "create_time": 1710328903.455,
        "update_time": 1710401523.8,
        "conversation_id": "conv-branch",
        "current_node": "c",
        "default_model_slug": "gpt-4o",
        "mapping": {
            "root": node("root", None, &["sys"], serde_json::Value::Null),
            "sys": node("sys", Some("root"), &["u"], msg("system", None, text(""), 1.0)),
            "u": node("u", Some("sys"), &["a", "b"], msg("user", None, text("What did the council decide?"), 2.0)),
            "a": node("a", Some("u"), &[], msg("assistant", None, text("An abandoned first draft about zebras."), 3.0)),
            "b": node("b", Some("u"), &["t"], msg("assistant", None, text("Let me look that up."), 4.0)),
            "t": node("t", Some("b"), &["c"], msg("tool", Some("browser"),
                    json!({"content_type": "tether_quote", "title": "Council minutes", "text": "The council approved the bridge."}), 5.0)),
            "c": node("c", Some("t"), &[], msg("assistant", None,
                    json!({"content_type": "multimodal_text", "parts": ["The council approved the bridge.", {"asset_pointer": "file://x"}]}), 6.0)),
        }
    }])
}

#[test]
fn chatgpt_export_follows_current_node() {
    let tmp = tempfile::tempdir().unwrap();
    let f = write(
        tmp.path(),
        "conversations.json",
        chatgpt_export().to_string().as_bytes(),
    );
    let s = import_files(&tmp.path().join("m"), &[f]);
    // The shown thread and the abandoned branch: one family.
    assert_eq!((s.imported, s.rejected), (2, 0));
    assert_eq!(s.files[0].format.as_deref(), Some("chatgpt"));
    let idx = open(&tmp.path().join("m"));
    let c = search::get(&idx, "conv-branch").unwrap().unwrap();
    let roles: Vec<Role> = c.messages.iter().map(|m| m.role).collect();
    assert_eq!(
        roles,
        vec![Role::User, Role::Assistant, Role::Tool, Role::Assistant]
    );
    assert_eq!(c.messages[2].author.as_deref(), Some("browser"));
    assert_eq!(
        c.messages[2].text,
        "Council minutes\nThe council approved the bridge."
    );
    assert_eq!(c.messages[3].text, "The council approved the bridge.");
    assert_eq!(c.title.as_deref(), Some("Branching chat"));
    assert_eq!(c.model.as_deref(), Some("gpt-4o"));
    assert_eq!(c.created.unwrap().timestamp(), 1710328903);
    assert_eq!(c.family.as_deref(), Some("conv-branch"));
    assert_eq!(c.metadata["branch"]["shown"], true);
    assert!(c.metadata.get("other_branches").is_none());
    // The abandoned branch is a conversation of its own: the prompt and the draft.
    let b = search::get(&idx, "conv-branch/branch-2").unwrap().unwrap();
    assert_eq!(b.family.as_deref(), Some("conv-branch"));
    let texts: Vec<&str> = b.messages.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(
        texts,
        vec![
            "What did the council decide?",
            "An abandoned first draft about zebras."
        ]
    );
    assert_eq!(b.metadata["branch"]["number"], 2);
    assert_eq!(search::count(&idx, None, "zebras").unwrap(), 1);
    assert_eq!(search::count(&idx, None, "family:conv-branch").unwrap(), 2);
    assert_eq!(search::count(&idx, None, "tool:bridge").unwrap(), 1);
}

#[test]
fn openai_sharegpt_lmsys_arena_hh() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let openai = [
        openai_line("o1", "tell me about otters", "Otters are playful."),
        json!({"messages": [
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": [{"type": "text", "text": "parts form"}, {"type": "image_url", "image_url": {"url": "x"}}]},
            {"role": "assistant", "content": [{"type": "text", "text": "answer in parts"}]}
        ], "metadata": {"model": "gpt-4o-mini", "timestamp": "2024-02-03T04:05:06+00:00", "language": "English"}})
        .to_string(),
    ]
    .join("\n");
    let sharegpt = json!([
        {"id": "s1", "conversations": [{"from": "human", "value": "sharegpt question"}, {"from": "gpt", "value": "sharegpt answer"}]},
        {"id": "s2", "conversations": [{"from": "system", "value": "sys"}, {"from": "user", "value": "q2"}, {"from": "chatgpt", "value": "a2"}, {"from": "bard", "value": "a3"}]}
    ]);
    let lmsys = json!({"conversation_id": "l1", "model": "vicuna-13b", "conversation": [
        {"role": "user", "content": "lmsys question"}, {"role": "assistant", "content": "lmsys answer"}],
        "turn": 1, "language": "English", "openai_moderation": [], "redacted": false});
    let wildchat = json!({"conversation_hash": "w1", "model": "gpt-4-0314", "timestamp": "2023-04-09 00:03:56+00:00",
        "conversation": [{"role": "user", "content": "wildchat question", "timestamp": "2023-04-09 00:03:56+00:00"},
                         {"role": "assistant", "content": "wildchat answer"}], "turn": 1, "language": "German", "country": "Germany"});
    let arena = json!({"question_id": "q9", "model_a": "alpaca-13b", "model_b": "koala-13b", "winner": "model_b",
        "conversation_a": [{"role": "user", "content": "arena prompt"}, {"role": "assistant", "content": "answer from a"}],
        "conversation_b": [{"role": "user", "content": "arena prompt"}, {"role": "assistant", "content": "answer from b"}],
        "turn": 1, "language": "English", "tstamp": 1682351591.1});
    let hh = json!({"chosen": "\n\nHuman: hh question\n\nAssistant: the chosen reply", "rejected": "\n\nHuman: hh question\n\nAssistant: the rejected reply"});
    let files = [
        write(d, "in/openai.jsonl", openai.as_bytes()),
        write(
            d,
            "in/sharegpt.json",
            serde_json::to_string_pretty(&sharegpt).unwrap().as_bytes(),
        ),
        write(
            d,
            "in/lmsys.jsonl.gz",
            &gzip(format!("{lmsys}\n{wildchat}\n").as_bytes()),
        ),
        write(
            d,
            "in/sub/arena.jsonl.zst",
            &zstd(format!("{arena}\n").as_bytes()),
        ),
        write(d, "in/sub/hh.jsonl", format!("{hh}\n").as_bytes()),
        write(d, "in/sub/notes.txt", b"not imported"),
    ];
    // A directory argument imports every supported file inside, recursively, sorted.
    let verbatim::import::Expanded {
        files: found,
        ignored,
        ..
    } = verbatim::import::expand_paths(&[d.join("in")]).unwrap();
    assert_eq!(found.len(), 5);
    assert_eq!(ignored, vec![files[5].clone()]);
    let m = d.join("m");
    let s = import_files(&m, &found);
    let formats: Vec<&str> = s.files.iter().filter_map(|f| f.format.as_deref()).collect();
    assert_eq!(formats, vec!["lmsys", "openai", "sharegpt", "arena", "hh"]);
    assert_eq!(s.rejected, 0, "{:?}", s.files);
    assert_eq!(s.imported, 2 + 2 + 2 + 2 + 2);
    let idx = open(&m);
    let get = |id: &str| {
        search::get(&idx, id)
            .unwrap()
            .unwrap_or_else(|| panic!("no {id}"))
    };

    let o2 = idx.searcher().num_docs();
    assert_eq!(o2, 10);
    let c = get("s2");
    assert_eq!(c.messages.len(), 4);
    assert_eq!(c.messages[0].role, Role::System);
    assert_eq!(c.messages[3].role, Role::Assistant);
    let w = get("w1");
    assert_eq!(w.language.as_deref(), Some("German"));
    assert_eq!(w.created.unwrap().timestamp(), 1680998636);
    assert_eq!(w.metadata["country"], "Germany");
    let a = get("q9/a");
    let b = get("q9/b");
    assert_eq!(a.model.as_deref(), Some("alpaca-13b"));
    assert_eq!(b.model.as_deref(), Some("koala-13b"));
    assert_eq!(b.messages[1].text, "answer from b");
    let h = get("1/rejected");
    assert_eq!(h.messages[1].text, "the rejected reply");
    assert_eq!(search::count(&idx, None, "model:gpt-4o-mini").unwrap(), 1);
    assert_eq!(search::count(&idx, None, "\"parts form\"").unwrap(), 1);
    assert_eq!(search::count(&idx, None, "lang:german").unwrap(), 1);
    assert_eq!(search::count(&idx, None, "arena prompt").unwrap(), 2);
    assert_eq!(search::count(&idx, None, "user:answer").unwrap(), 0);
    assert_eq!(
        search::count(&idx, None, "assistant:answer NOT lmsys").unwrap(),
        5
    );
    assert_eq!(search::count(&idx, None, "created:2023").unwrap(), 4);
    assert_eq!(
        search::count(&idx, None, "created:>=2024-01-01").unwrap(),
        1
    );
    assert_eq!(search::count(&idx, None, "turns:1").unwrap(), 10);
    assert_eq!(
        search::count(&idx, None, "system:sys OR system:brief").unwrap(),
        2
    );
}

#[test]
fn phrase_never_spans_two_messages() {
    let tmp = tempfile::tempdir().unwrap();
    let line = json!({"id": "x", "messages": [
        {"role": "user", "content": "ends with apple"}, {"role": "user", "content": "pie starts this"},
        {"role": "assistant", "content": "ok"}]});
    let f = write(tmp.path(), "a.jsonl", format!("{line}\n").as_bytes());
    import_files(&tmp.path().join("m"), &[f]);
    let idx = open(&tmp.path().join("m"));
    assert_eq!(search::count(&idx, None, "apple pie").unwrap(), 0);
    assert_eq!(search::count(&idx, None, "pie starts").unwrap(), 1);
    assert_eq!(search::count(&idx, None, "apple AND pie").unwrap(), 1);
}

#[test]
fn search_results_carry_highlights_and_page() {
    let tmp = tempfile::tempdir().unwrap();
    let lines: Vec<String> = (0..30)
        .map(|i| {
            openai_line(
                &format!("c{i:02}"),
                &format!("question {i} about the harbour bridge"),
                "Sure.",
            )
        })
        .collect();
    let f = write(tmp.path(), "a.jsonl", lines.join("\n").as_bytes());
    import_files(&tmp.path().join("m"), &[f]);
    let idx = open(&tmp.path().join("m"));
    let mut req = search::SearchRequest::new("\"harbour bridge\"");
    req.limit = 7;
    req.offset = 21;
    let r = search::search(&idx, None, &req).unwrap();
    assert_eq!(r.total, 30);
    assert_eq!(r.hits.len(), 7);
    let h = &r.hits[0];
    assert_eq!(h.highlights.len(), 1);
    let (a, b) = h.highlights[0];
    assert_eq!(&h.snippet[a..b], "harbour bridge");
    assert_eq!(h.hits[0].message, 0);
    req.offset = 28;
    assert_eq!(search::search(&idx, None, &req).unwrap().hits.len(), 2);
}

#[test]
fn fast_path_reads_records_exactly_like_the_generic_reader() {
    // The first record of a file is read generically (it decides the format); later ones take
    // the fast path. The same record must come out the same either way.
    let tmp = tempfile::tempdir().unwrap();
    let record = |id: &str| {
        json!({"id": id, "model": "gpt-4", "metadata": {"timestamp": "2023-04-09 00:03:56+00:00", "language": "French", "x": [1, 2]},
               "extra": {"nested": true}, "title": "caf\u{e9} \"quoted\"",
               "messages": [
                   {"role": "system", "content": "sys \\ backslash \u{1F600}"},
                   {"role": "user", "content": [{"type": "text", "text": "parts"}, {"type": "image_url"}], "name": "ann", "created": 1681000000},
                   {"role": "assistant", "content": "line\nbreak \"q\"", "timestamp": "2023-04-09T00:05:00Z"},
                   {"role": "assistant", "content": ""},
                   {"role": "tool", "content": null}
               ]})
        .to_string()
    };
    let f = write(
        tmp.path(),
        "a.jsonl",
        format!("{}\n{}\n", record("first"), record("second")).as_bytes(),
    );
    let m = tmp.path().join("m");
    import_files(&m, &[f]);
    let idx = open(&m);
    let mut a = search::get(&idx, "first").unwrap().unwrap();
    let mut b = search::get(&idx, "second").unwrap().unwrap();
    assert_eq!(a.messages.len(), 3);
    assert_eq!(a.language.as_deref(), Some("French"));
    assert_eq!(a.messages[1].author.as_deref(), Some("ann"));
    assert_eq!(a.messages[1].created.unwrap().timestamp(), 1681000000);
    b.id = a.id.clone();
    b.source = a.source.clone();
    a.metadata.remove("id");
    b.metadata.remove("id");
    assert_eq!(a, b);
}
