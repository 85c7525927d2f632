//! One exported conversation: the transcript as imported (masked when asked), what the review
//! decided about it, its coding history and its findings. Every format writes from this.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use super::contents::Contents;
use super::redact::{self, Counts};
use crate::articles::Article;
use crate::detect::Finding;
use crate::model::Conversation;
use crate::review::{ConvReview, Event};

#[derive(Debug, Clone, Serialize)]
pub struct Record {
    /// Position in the export (1-based).
    #[serde(skip)]
    pub ordinal: u64,
    /// Whether personal data was masked (article excerpts are then masked too).
    #[serde(skip)]
    pub redacted: bool,
    /// What this export carries; what is left out is empty here and absent from natives.
    #[serde(skip)]
    pub contents: Contents,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bates: Option<String>,
    /// The confidentiality designation stamped on the conversation's pages.
    pub designation: Option<String>,
    /// Bates numbers under which earlier productions carried the conversation (the register).
    #[serde(skip)]
    pub produced_as: Vec<String>,
    #[serde(flatten)]
    pub conversation: Conversation,
    pub turns: u64,
    pub tags: Vec<String>,
    /// Who applied each current tag.
    pub tagged_by: BTreeMap<String, BTreeSet<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub reviewers: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_reviewer: Option<String>,
    /// Every coding event that touched this conversation, oldest first.
    pub history: Vec<HistoryEntry>,
    pub findings: Vec<Finding>,
    /// Values masked by `--redact-pii`, per kind (never the values).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub redactions: Counts,
    /// The near-duplicate group the conversation is in (`groups build`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<GroupPlace>,
}

/// A conversation's place in the matter's near-duplicate groups.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupPlace {
    pub id: String,
    /// The group's principal conversation.
    pub principal: String,
    /// Similarity to the principal (1 for the principal).
    pub similarity: f64,
}

impl GroupPlace {
    /// Each conversation's first group (the largest it is in), from the matter's groups.
    pub fn map(groups: &crate::groups::Groups) -> HashMap<String, GroupPlace> {
        let mut out = HashMap::new();
        for g in &groups.groups {
            let principal = g.members[0].conversation.clone();
            for m in &g.members {
                out.entry(m.conversation.clone())
                    .or_insert_with(|| GroupPlace {
                        id: g.id.clone(),
                        principal: principal.clone(),
                        similarity: (m.similarity * 1000.0).round() / 1000.0,
                    });
            }
        }
        out
    }

    /// The three load-file values: group id, principal, similarity (empty outside a group).
    pub fn fields(place: Option<&GroupPlace>) -> [String; 3] {
        match place {
            Some(p) => [
                p.id.clone(),
                p.principal.clone(),
                format!("{:.3}", p.similarity),
            ],
            None => Default::default(),
        }
    }
}

/// A coding event as exported: bulk events name only this conversation's part in them.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    pub seq: u64,
    pub time: chrono::DateTime<chrono::Utc>,
    pub reviewer: String,
    pub action: &'static str,
    pub value: serde_json::Value,
    pub bulk: bool,
    /// Group coding: the group, its principal and the similarity floor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<serde_json::Value>,
}

impl HistoryEntry {
    pub fn of(e: &Event) -> HistoryEntry {
        HistoryEntry {
            seq: e.seq,
            time: e.time,
            reviewer: e.reviewer.clone(),
            action: e.action.as_str(),
            value: e.value.clone(),
            bulk: e.is_bulk(),
            via: e.via.clone(),
        }
    }
}

impl Record {
    /// Builds the record; with `redact`, personal data in the messages, title, note and
    /// metadata is masked and the findings' offsets are carried over to the masked text.
    pub fn build(
        ordinal: u64,
        mut conversation: Conversation,
        review: Option<&ConvReview>,
        mut history: Vec<HistoryEntry>,
        mut findings: Vec<Finding>,
        redact: bool,
        contents: Contents,
    ) -> Record {
        // Left-out classes never reach a sink: not even masked, not even empty fields.
        let review = review.filter(|_| contents.coding);
        if !contents.coding {
            history.clear();
        }
        if !contents.findings {
            findings.clear();
        }
        if !contents.provenance {
            conversation.source = crate::model::SourceRef::default();
        }
        let mut counts = Counts::new();
        let mut note = review.and_then(|r| r.note.clone());
        if redact {
            let mut maps = HashMap::new();
            for m in &mut conversation.messages {
                let masked = redact::mask(&m.text);
                if !masked.counts.is_empty() {
                    redact::merge(&mut counts, &masked.counts);
                    m.text = masked.text;
                    maps.insert(m.index, masked.map);
                }
            }
            for f in &mut findings {
                for s in &mut f.spans {
                    if let Some(map) = maps.get(&s.message) {
                        s.start = map.start(s.start);
                        s.end = map.end(s.end);
                    }
                }
            }
            let authors = conversation
                .messages
                .iter_mut()
                .filter_map(|m| m.author.as_mut());
            for text in [
                conversation.title.as_mut(),
                conversation.model.as_mut(),
                note.as_mut(),
            ]
            .into_iter()
            .flatten()
            .chain(authors)
            .chain(history.iter_mut().map(|h| &mut h.reviewer))
            {
                let masked = redact::mask(text);
                redact::merge(&mut counts, &masked.counts);
                *text = masked.text;
            }
            // Notes in the coding history carry the same text as the note.
            for h in &mut history {
                redact::mask_json(&mut h.value, &mut counts);
            }
            let mut meta = serde_json::Value::Object(std::mem::take(&mut conversation.metadata));
            redact::mask_json(&mut meta, &mut counts);
            if let serde_json::Value::Object(m) = meta {
                conversation.metadata = m;
            }
        }
        // Strongest finding first.
        findings.sort_by(|a, b| {
            b.longest_run_words
                .cmp(&a.longest_run_words)
                .then(a.article.cmp(&b.article))
        });
        let turns = conversation.turns();
        let mut record = Record {
            ordinal,
            redacted: redact,
            contents,
            bates: None,
            designation: None,
            produced_as: Vec::new(),
            turns,
            tags: review
                .map(|r| r.tags.iter().cloned().collect())
                .unwrap_or_default(),
            tagged_by: review.map(|r| r.tag_by.clone()).unwrap_or_default(),
            note,
            reviewers: review
                .map(|r| r.reviewers.iter().cloned().collect())
                .unwrap_or_default(),
            last_reviewer: review.and_then(|r| r.last_reviewer.clone()),
            history,
            findings,
            redactions: counts,
            group: None,
            conversation,
        };
        if redact {
            record.mask_reviewer_names();
        }
        record
    }

    /// Reviewer names are the team's, but one written as an address or a phone number is
    /// personal data like any other.
    fn mask_reviewer_names(&mut self) {
        let counts = &mut self.redactions;
        let mut mask = |s: &mut String| {
            let m = redact::mask(s);
            if !m.counts.is_empty() {
                redact::merge(counts, &m.counts);
                *s = m.text;
            }
        };
        self.reviewers.iter_mut().for_each(&mut mask);
        if let Some(r) = self.last_reviewer.as_mut() {
            mask(r);
        }
        for who in self.tagged_by.values_mut() {
            *who = std::mem::take(who)
                .into_iter()
                .map(|mut w| {
                    mask(&mut w);
                    w
                })
                .collect();
        }
    }

    pub fn id(&self) -> &str {
        &self.conversation.id
    }

    /// Where the conversation came from, for the formats that print it (`provenance`).
    pub fn source_line(&self) -> String {
        let s = &self.conversation.source;
        format!("{} record {}", s.file, s.record)
    }

    /// The finding with the longest reproduced run.
    /// Where each earlier user, system or tool message supplied text of a matched article
    /// (byte ranges by message index, sorted, overlaps merged): marked as supplied on pages.
    pub fn supplied_ranges(&self, articles: &ArticleMap) -> HashMap<u32, Vec<(usize, usize)>> {
        let mut out: HashMap<u32, Vec<(usize, usize)>> = HashMap::new();
        for f in &self.findings {
            let (Some(first), Some(a)) = (
                f.spans.iter().map(|s| s.message).min(),
                articles.get(&f.article),
            ) else {
                continue;
            };
            let st = crate::detect::elicitation::supplied_text(&self.conversation, first, &a.text);
            for (m, s, e) in st.messages {
                out.entry(m).or_default().push((s, e));
            }
        }
        for v in out.values_mut() {
            v.sort_unstable();
            let mut merged: Vec<(usize, usize)> = Vec::new();
            for (s, e) in v.drain(..) {
                match merged.last_mut() {
                    Some(last) if s <= last.1 => last.1 = last.1.max(e),
                    _ => merged.push((s, e)),
                }
            }
            *v = merged;
        }
        out
    }

    pub fn strongest(&self) -> Option<&Finding> {
        self.findings.first()
    }

    /// Matched article ids, strongest first, without repeats.
    pub fn matched_articles(&self) -> Vec<&str> {
        let mut seen = std::collections::HashSet::new();
        self.findings
            .iter()
            .map(|f| f.article.as_str())
            .filter(|a| seen.insert(*a))
            .collect()
    }

    /// A file name stem unique within the export: the Bates number, or the position and a
    /// file-safe form of the id.
    pub fn file_stem(&self) -> String {
        match &self.bates {
            Some(b) => b.clone(),
            None => {
                let safe: String = self
                    .id()
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                            c
                        } else {
                            '_'
                        }
                    })
                    .take(80)
                    .collect();
                format!("{:06}-{safe}", self.ordinal)
            }
        }
    }

    /// The record as one JSON line, without the fields of classes left out.
    pub fn to_json(&self) -> anyhow::Result<Vec<u8>> {
        Ok(serde_json::to_vec(&self.to_value()?)?)
    }

    /// The record as JSON, without the fields of classes left out (natives use this too).
    pub fn to_value(&self) -> anyhow::Result<serde_json::Value> {
        let mut v = serde_json::to_value(self)?;
        if let Some(m) = v.as_object_mut() {
            let c = self.contents;
            let drop: &[(&str, bool)] = &[
                ("tags", c.coding),
                ("tagged_by", c.coding),
                ("note", c.coding),
                ("reviewers", c.coding),
                ("last_reviewer", c.coding),
                ("history", c.coding),
                ("findings", c.findings),
                ("source", c.provenance),
            ];
            for (k, keep) in drop {
                if !keep {
                    m.remove(*k);
                }
            }
        }
        Ok(v)
    }
}

/// Articles matched by the exported conversations, by id (for titles and excerpts).
pub type ArticleMap = HashMap<String, Article>;

/// An article as a list names it: "title [id]", or the id alone when it has no title.
pub fn article_ref(articles: &ArticleMap, id: &str) -> String {
    match articles.get(id).and_then(|a| a.title.as_deref()) {
        Some(t) => format!("{t} [{id}]"),
        None => id.to_string(),
    }
}

/// A short reference to an article: its title, else its id.
pub fn article_label<'a>(articles: &'a ArticleMap, id: &'a str) -> &'a str {
    articles
        .get(id)
        .and_then(|a| a.title.as_deref())
        .unwrap_or(id)
}
