//! Counts that describe a matter: conversations, messages by role, models, dates, sources.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use serde::Serialize;

use crate::index::ConvIndex;
use crate::matter::{Matter, SourceRecord};

#[derive(Debug, Clone, Serialize, Default)]
pub struct MessageCounts {
    pub total: u64,
    pub system: u64,
    pub user: u64,
    pub assistant: u64,
    pub tool: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub matter: String,
    /// How text is indexed (`standard`, or `relativity` from `import --compat`).
    pub text_mode: String,
    /// Whether sentence, paragraph and message boundaries are indexed (w/s, w/p, w/seg).
    pub boundaries: bool,
    pub conversations: u64,
    pub messages: MessageCounts,
    pub turns: u64,
    pub text_bytes: u64,
    pub models: BTreeMap<String, u64>,
    pub languages: BTreeMap<String, u64>,
    pub first_created: Option<chrono::DateTime<chrono::Utc>>,
    pub last_created: Option<chrono::DateTime<chrono::Utc>>,
    pub undated: u64,
    pub sources: Vec<SourceRecord>,
    pub rejects: u64,
    pub index_bytes: u64,
    pub segments: usize,
    /// Shards the conversations are split into (`shard split`); absent for one index.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shards: Option<u32>,
    /// Findings and conversations with findings per elicitation (empty before detection).
    pub elicitation: BTreeMap<String, ElicitationCount>,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ElicitationCount {
    pub findings: u64,
    pub conversations: u64,
}

/// Findings and conversations per elicitation, from the stored findings.
fn elicitation_counts(matter_dir: &std::path::Path) -> Result<BTreeMap<String, ElicitationCount>> {
    let mut out: BTreeMap<String, ElicitationCount> = BTreeMap::new();
    let mut seen: std::collections::HashSet<(String, String)> = Default::default();
    for f in crate::detect::findings::load(matter_dir)? {
        let e = f
            .elicitation
            .map(|e| e.as_str().to_string())
            .unwrap_or_else(|| "not recorded".to_string());
        let c = out.entry(e.clone()).or_default();
        c.findings += 1;
        if seen.insert((e, f.conversation)) {
            c.conversations += 1;
        }
    }
    Ok(out)
}

pub fn compute(matter: &Matter) -> Result<Stats> {
    matter.check_shards()?;
    let index_dirs = matter.index_dirs();
    let mut st = Stats {
        matter: matter.dir.display().to_string(),
        text_mode: matter.meta.text_mode.name().to_string(),
        boundaries: false,
        conversations: 0,
        messages: MessageCounts::default(),
        turns: 0,
        text_bytes: 0,
        models: BTreeMap::new(),
        languages: BTreeMap::new(),
        first_created: None,
        last_created: None,
        undated: 0,
        sources: matter.meta.sources.clone(),
        rejects: count_lines(&matter.rejects_path()),
        index_bytes: index_dirs.iter().map(|d| crate::fsutil::dir_size(d)).sum(),
        segments: 0,
        shards: matter.meta.shards,
        elicitation: elicitation_counts(&matter.dir)?,
    };
    if !index_dirs.iter().all(|d| d.join("meta.json").exists()) {
        return Ok(st);
    }
    let index = ConvIndex::open_all(&index_dirs)?;
    st.text_mode = index.text_mode().name().to_string();
    st.boundaries = index.has_boundaries();
    let searcher = index.searcher();
    st.segments = searcher.segment_readers().len();
    let (mut lo, mut hi) = (i64::MAX, i64::MIN);
    for seg in searcher.segment_readers() {
        let ff = seg.fast_fields();
        let col = |name: &str| {
            ff.u64(name)
                .with_context(|| format!("index has no {name} column"))
        };
        let (n_sys, n_user, n_asst, n_tool, turns, bytes) = (
            col("n_system")?,
            col("n_user")?,
            col("n_assistant")?,
            col("n_tool")?,
            col("turns")?,
            col("text_bytes")?,
        );
        let created = ff.date("created").context("index has no created column")?;
        for doc in seg.doc_ids_alive() {
            st.conversations += 1;
            let g = |c: &tantivy::columnar::Column<u64>| c.first(doc).unwrap_or(0);
            st.messages.system += g(&n_sys);
            st.messages.user += g(&n_user);
            st.messages.assistant += g(&n_asst);
            st.messages.tool += g(&n_tool);
            st.turns += g(&turns);
            st.text_bytes += g(&bytes);
            match created.first(doc) {
                Some(t) => {
                    let s = t.into_timestamp_secs();
                    lo = lo.min(s);
                    hi = hi.max(s);
                }
                None => st.undated += 1,
            }
        }
        for (field, map) in [
            (index.fields.model, &mut st.models),
            (index.fields.language, &mut st.languages),
        ] {
            let inv = seg
                .inverted_index(field)
                .context("cannot read the term dictionary")?;
            let mut stream = inv
                .terms()
                .stream()
                .context("cannot read the term dictionary")?;
            while stream.advance() {
                let key = String::from_utf8_lossy(stream.key()).into_owned();
                *map.entry(key).or_default() += u64::from(stream.value().doc_freq);
            }
        }
    }
    st.messages.total =
        st.messages.system + st.messages.user + st.messages.assistant + st.messages.tool;
    if lo <= hi {
        st.first_created = chrono::DateTime::from_timestamp(lo, 0);
        st.last_created = chrono::DateTime::from_timestamp(hi, 0);
    }
    Ok(st)
}

fn count_lines(path: &std::path::Path) -> u64 {
    match std::fs::read(path) {
        Ok(b) => memchr::memchr_iter(b'\n', &b).count() as u64,
        Err(_) => 0,
    }
}
