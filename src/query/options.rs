//! What a query is read with besides its text: the dialect it is written in (dtSearch,
//! Westlaw, Lexis), how the matter's text was indexed (which decides how query words are
//! split and which words are noise), and the matter's synonym list for `word&`.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};

use crate::index::analyzer::TextMode;

/// The terms-and-connectors language a query is written in.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize, Hash,
)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// dtSearch as Relativity users type it (the default).
    #[default]
    Dtsearch,
    /// Westlaw terms and connectors: space is OR, `&` AND, `%` BUT NOT, `/s`, `/p`, `/n`,
    /// `+s`, `+p`, `+n`, `!` and `*`.
    Westlaw,
    /// Lexis terms and connectors: `w/n`, `pre/n`, `not w/n`, `w/s`, `w/p`, `w/seg`, `and`,
    /// `or`, `and not`, `!`, `*`; words side by side are a phrase.
    Lexis,
}

impl Dialect {
    pub const ALL: [Dialect; 3] = [Dialect::Dtsearch, Dialect::Westlaw, Dialect::Lexis];

    pub fn name(self) -> &'static str {
        match self {
            Dialect::Dtsearch => "dtsearch",
            Dialect::Westlaw => "westlaw",
            Dialect::Lexis => "lexis",
        }
    }

    pub fn parse(s: &str) -> Option<Dialect> {
        match s.trim().to_ascii_lowercase().as_str() {
            "dtsearch" | "relativity" | "default" => Some(Dialect::Dtsearch),
            "westlaw" => Some(Dialect::Westlaw),
            "lexis" | "lexisnexis" => Some(Dialect::Lexis),
            _ => None,
        }
    }
}

impl std::fmt::Display for Dialect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Dialect {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Dialect::parse(s).ok_or_else(|| format!("unknown syntax {s:?}: dtsearch, westlaw or lexis"))
    }
}

/// Synonym groups: every word of a group stands for all of them (`word&`).
pub type Synonyms = BTreeMap<String, Vec<String>>;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryOptions {
    pub dialect: Dialect,
    pub mode: TextMode,
    /// Normalised word to its group (the word included), from `[synonyms]` in the matter's
    /// `config.toml`.
    pub synonyms: Synonyms,
    /// The matter's saved searches (`@NAME`): name to query and its dialect.
    pub saved: BTreeMap<String, (String, Dialect)>,
    /// The saved searches being expanded, outermost first (a cycle is an error).
    pub expanding: Vec<String>,
}

#[derive(serde::Deserialize)]
struct SynonymConfig {
    #[serde(default)]
    synonyms: BTreeMap<String, Vec<String>>,
}

impl QueryOptions {
    pub fn new(dialect: Dialect, mode: TextMode) -> QueryOptions {
        QueryOptions {
            dialect,
            mode,
            ..Default::default()
        }
    }

    /// Options for the matter in `matter_dir` whose index is `index`.
    pub fn for_matter(
        matter_dir: &Path,
        index: &crate::index::ConvIndex,
        dialect: Dialect,
    ) -> Result<QueryOptions> {
        QueryOptions::for_matter_mode(matter_dir, index.text_mode(), dialect)
    }

    /// As [`QueryOptions::for_matter`], for an index known only by its text mode (the
    /// coordinator of a cluster, whose shards are elsewhere).
    pub fn for_matter_mode(
        matter_dir: &Path,
        mode: crate::index::analyzer::TextMode,
        dialect: Dialect,
    ) -> Result<QueryOptions> {
        let saved = crate::review::saved::load(matter_dir)?
            .searches
            .into_iter()
            .map(|(k, v)| (k, (v.query, v.syntax)))
            .collect();
        Ok(QueryOptions {
            dialect,
            mode,
            synonyms: load_synonyms(matter_dir)?,
            saved,
            expanding: Vec::new(),
        })
    }

    /// The synonym group of a normalised word (empty: none listed).
    pub fn synonyms_of(&self, word: &str) -> Vec<String> {
        self.synonyms.get(word).cloned().unwrap_or_default()
    }
}

/// Reads `[synonyms]` from the matter's `config.toml`: `fast = ["quick", "rapid"]` makes
/// `fast&`, `quick&` and `rapid&` each find all three. Words are normalised as the index
/// normalises them; a word in two groups gets both.
pub fn load_synonyms(matter_dir: &Path) -> Result<Synonyms> {
    let path = matter_dir.join("config.toml");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Synonyms::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let table: toml::Table =
        toml::from_str(&text).with_context(|| format!("{} is not valid", path.display()))?;
    // A misspelt table would leave every `word&` to the word alone, silently.
    if let Some(k) = table.keys().find(|k| {
        k.as_str() != "synonyms" && {
            let l = k.to_ascii_lowercase();
            l == "synonyms" || l == "synonym" || l == "thesaurus"
        }
    }) {
        anyhow::bail!(
            "{}: \"{k}\" is not read; the synonym list is the table [synonyms]",
            path.display()
        );
    }
    let cfg: SynonymConfig = table.try_into().with_context(|| {
        format!(
            "{}: [synonyms] takes word = [\"word\", ...]",
            path.display()
        )
    })?;
    Ok(groups(&cfg.synonyms))
}

/// Normalised synonym groups from `key = [words]` entries.
pub fn groups(entries: &BTreeMap<String, Vec<String>>) -> Synonyms {
    let norm = |w: &str| -> Option<String> {
        let toks = crate::index::analyzer::tokenize(w);
        (toks.len() == 1).then(|| toks[0].0.clone())
    };
    let mut out = Synonyms::new();
    for (key, words) in entries {
        let mut group: Vec<String> = std::iter::once(key.as_str())
            .chain(words.iter().map(String::as_str))
            .filter_map(norm)
            .collect();
        group.sort();
        group.dedup();
        for w in &group {
            let e = out.entry(w.clone()).or_default();
            e.extend(group.iter().cloned());
            e.sort();
            e.dedup();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonym_groups_are_symmetric_and_normalised() {
        let mut e = BTreeMap::new();
        e.insert("Fast".to_string(), vec!["quick".into(), "Rápid".into()]);
        e.insert(
            "quick".to_string(),
            vec!["speedy".into(), "two words".into()],
        );
        let g = groups(&e);
        assert_eq!(g["fast"], ["fast", "quick", "rapid"]);
        assert_eq!(g["quick"], ["fast", "quick", "rapid", "speedy"]);
        assert_eq!(g["speedy"], ["quick", "speedy"]);
        assert!(!g.contains_key("two words"));
    }
}
