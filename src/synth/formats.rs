//! Serialisation of articles, conversations (three shapes) and ground truth.

use std::io::{self, Write};

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::articles::Article;
use super::conv::{Conv, iso, uuid};
use super::rng::Rng;
use crate::model::Role;

/// Counts the bytes that pass through, for the summary.
pub struct Counting<W: Write> {
    pub inner: W,
    pub bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[derive(Serialize)]
struct ArticleRec<'a> {
    id: &'a str,
    title: &'a str,
    url: &'a str,
    published: String,
    section: &'a str,
    text: &'a str,
}

pub fn write_article(w: &mut impl Write, a: &Article) -> io::Result<()> {
    let rec = ArticleRec {
        id: &a.id,
        title: &a.title,
        url: &a.url,
        published: a.published.format("%Y-%m-%d").to_string(),
        section: a.section,
        text: &a.text,
    };
    serde_json::to_writer(&mut *w, &rec)?;
    w.write_all(b"\n")
}

#[derive(Serialize)]
struct TruthSpan {
    message: usize,
    start: usize,
    end: usize,
    article_start: usize,
    article_end: usize,
    label: &'static str,
}

#[derive(Serialize)]
struct TruthRec<'a> {
    conversation: &'a str,
    case: &'static str,
    article: Option<&'a str>,
    words: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    elicitation: Option<&'static str>,
    spans: Vec<TruthSpan>,
}

pub fn write_truth(w: &mut impl Write, c: &Conv, articles: &[Article]) -> io::Result<()> {
    let rec = TruthRec {
        conversation: &c.id,
        case: c.case.name(),
        article: c.article.map(|i| articles[i].id.as_str()),
        words: c.words,
        elicitation: c.elicitation,
        spans: c
            .spans
            .iter()
            .map(|s| TruthSpan {
                message: s.message,
                start: s.start,
                end: s.end,
                article_start: s.article_start,
                article_end: s.article_end,
                label: s.label,
            })
            .collect(),
    };
    serde_json::to_writer(&mut *w, &rec)?;
    w.write_all(b"\n")
}

#[derive(Serialize)]
struct TextPart<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    text: &'a str,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Content<'a> {
    Text(&'a str),
    Parts([TextPart<'a>; 1]),
}

#[derive(Serialize)]
struct OpenAiMsg<'a> {
    role: &'static str,
    content: Content<'a>,
}

#[derive(Serialize)]
struct OpenAiRec<'a> {
    id: &'a str,
    model: &'a str,
    timestamp: String,
    language: &'a str,
    messages: Vec<OpenAiMsg<'a>>,
}

/// One line of `conversations.jsonl`.
pub fn write_openai(w: &mut impl Write, c: &Conv) -> io::Result<()> {
    let rec = OpenAiRec {
        id: &c.id,
        model: c.model,
        timestamp: iso(c.created),
        language: c.language,
        messages: c
            .messages
            .iter()
            .map(|m| OpenAiMsg {
                role: m.role.as_str(),
                content: if m.parts {
                    Content::Parts([TextPart {
                        kind: "text",
                        text: &m.text,
                    }])
                } else {
                    Content::Text(&m.text)
                },
            })
            .collect(),
    };
    serde_json::to_writer(&mut *w, &rec)?;
    w.write_all(b"\n")
}

#[derive(Serialize)]
struct ShareGptMsg<'a> {
    from: &'static str,
    value: &'a str,
}

#[derive(Serialize)]
struct ShareGptRec<'a> {
    id: &'a str,
    model: &'a str,
    timestamp: String,
    language: &'a str,
    conversations: Vec<ShareGptMsg<'a>>,
}

/// One element of the ShareGPT array (without separators).
pub fn write_sharegpt(w: &mut impl Write, c: &Conv) -> io::Result<()> {
    let rec = ShareGptRec {
        id: &c.id,
        model: c.model,
        timestamp: iso(c.created),
        language: c.language,
        conversations: c
            .messages
            .iter()
            .map(|m| ShareGptMsg {
                from: match m.role {
                    Role::User => "human",
                    Role::Assistant => "gpt",
                    Role::System => "system",
                    Role::Tool => "tool",
                },
                value: &m.text,
            })
            .collect(),
    };
    serde_json::to_writer(&mut *w, &rec)?;
    Ok(())
}

#[derive(Serialize)]
struct Empty {}

#[derive(Serialize)]
struct Author {
    role: &'static str,
    name: Option<&'static str>,
    metadata: Empty,
}

#[derive(Serialize)]
struct NodeContent<'a> {
    content_type: &'static str,
    parts: [&'a str; 1],
}

#[derive(Serialize)]
struct MsgMeta<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    is_visually_hidden_from_conversation: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    model_slug: Option<&'a str>,
}

#[derive(Serialize)]
struct NodeMsg<'a> {
    id: &'a str,
    author: Author,
    create_time: Option<f64>,
    update_time: Option<f64>,
    content: NodeContent<'a>,
    status: &'static str,
    end_turn: Option<bool>,
    weight: f64,
    metadata: MsgMeta<'a>,
    recipient: &'static str,
}

struct Node<'a> {
    id: String,
    parent: Option<usize>,
    children: Vec<usize>,
    msg: Option<(Role, &'a str, Option<f64>, bool)>,
}

#[derive(Serialize)]
struct NodeRec<'a> {
    id: &'a str,
    parent: Option<&'a str>,
    children: Vec<&'a str>,
    message: Option<NodeMsg<'a>>,
}

/// The `mapping` object: node id -> node, in creation order.
struct Mapping<'a> {
    nodes: &'a [Node<'a>],
    slug: &'a str,
}

impl Serialize for Mapping<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.nodes.len()))?;
        for n in self.nodes {
            let message = n.msg.map(|(role, text, time, hidden)| NodeMsg {
                id: &n.id,
                author: Author {
                    role: role.as_str(),
                    name: None,
                    metadata: Empty {},
                },
                create_time: time,
                update_time: None,
                content: NodeContent {
                    content_type: "text",
                    parts: [text],
                },
                status: "finished_successfully",
                end_turn: match role {
                    Role::Assistant => Some(true),
                    _ => None,
                },
                weight: 1.0,
                metadata: MsgMeta {
                    is_visually_hidden_from_conversation: hidden.then_some(true),
                    model_slug: (role == Role::Assistant).then_some(self.slug),
                },
                recipient: "all",
            });
            let rec = NodeRec {
                id: &n.id,
                parent: n.parent.map(|p| self.nodes[p].id.as_str()),
                children: n
                    .children
                    .iter()
                    .map(|&c| self.nodes[c].id.as_str())
                    .collect(),
                message,
            };
            map.serialize_entry(&n.id, &rec)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct ChatGptRec<'a> {
    title: &'a str,
    create_time: f64,
    update_time: f64,
    mapping: Mapping<'a>,
    current_node: &'a str,
    conversation_id: &'a str,
    id: &'a str,
    default_model_slug: &'a str,
    is_archived: bool,
    moderation_results: [u8; 0],
}

/// One element of the ChatGPT export array: a root node, the hidden system message, the
/// visible thread and, when the conversation has one, an off-path regenerated answer.
pub fn write_chatgpt(w: &mut impl Write, c: &Conv) -> io::Result<()> {
    let mut ids = Rng::new(c.node_seed);
    let mut nodes: Vec<Node> = Vec::with_capacity(c.messages.len() + 3);
    nodes.push(Node {
        id: uuid(&mut ids),
        parent: None,
        children: Vec::new(),
        msg: None,
    });
    nodes.push(Node {
        id: uuid(&mut ids),
        parent: Some(0),
        children: Vec::new(),
        msg: Some((Role::System, "", None, true)),
    });
    nodes[0].children.push(1);
    let mut last = 1;
    let mut regen_after: Option<usize> = None;
    for (i, m) in c.messages.iter().enumerate() {
        let idx = nodes.len();
        nodes.push(Node {
            id: uuid(&mut ids),
            parent: Some(last),
            children: Vec::new(),
            msg: Some((m.role, &m.text, Some(m.time), false)),
        });
        nodes[last].children.push(idx);
        if let Some((ri, _, _)) = &c.regen
            && *ri == i
        {
            regen_after = Some(last);
        }
        last = idx;
    }
    if let (Some(parent), Some((_, text, time))) = (regen_after, &c.regen) {
        let idx = nodes.len();
        nodes.push(Node {
            id: uuid(&mut ids),
            parent: Some(parent),
            children: Vec::new(),
            msg: Some((Role::Assistant, text, Some(*time), false)),
        });
        // The regenerated-away answer is the second child: it is not on the current path.
        nodes[parent].children.push(idx);
    }
    let rec = ChatGptRec {
        title: &c.title,
        create_time: c.created,
        update_time: c.updated,
        mapping: Mapping {
            nodes: &nodes,
            slug: c.slug,
        },
        current_node: &nodes[last].id,
        conversation_id: &c.id,
        id: &c.id,
        default_model_slug: c.slug,
        is_archived: false,
        moderation_results: [],
    };
    serde_json::to_writer(&mut *w, &rec)?;
    Ok(())
}
