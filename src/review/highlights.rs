//! Highlight sets: the team's terms, each marked in its colour in every transcript
//! (`highlights.json`). A terms file has one query per line, optionally after a colour
//! (`red: "climate change"`); `#` lines and blank lines are skipped, as in a search term
//! report's terms file.

use std::path::Path;

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::query::Dialect;

/// The colours a term may take, in the order terms without one are given them.
pub const COLOURS: [&str; 6] = ["yellow", "cyan", "magenta", "green", "blue", "red"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Term {
    pub query: String,
    pub colour: String,
    /// 1-based line of the terms file.
    pub line: usize,
}

impl Term {
    /// The colour's place in [`COLOURS`].
    pub fn colour_index(&self) -> usize {
        COLOURS.iter().position(|c| *c == self.colour).unwrap_or(0)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HighlightSet {
    #[serde(default)]
    pub syntax: Dialect,
    pub by: String,
    pub time: DateTime<Utc>,
    pub terms: Vec<Term>,
}

/// Reads a terms file: `colour: query` or `query` per line.
pub fn parse_terms(text: &str) -> Result<Vec<Term>> {
    let mut out = Vec::new();
    for (i, raw) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let (colour, query) = match l.split_once(':') {
            Some((c, q)) if COLOURS.contains(&c.trim().to_ascii_lowercase().as_str()) => {
                (Some(c.trim().to_ascii_lowercase()), q.trim())
            }
            _ => (None, l),
        };
        if query.is_empty() {
            bail!("line {}: a colour with no query", i + 1);
        }
        let colour = colour.unwrap_or_else(|| COLOURS[out.len() % COLOURS.len()].to_string());
        out.push(Term {
            query: query.to_string(),
            colour,
            line: i + 1,
        });
    }
    if out.is_empty() {
        bail!("the terms file has no term");
    }
    if out.len() > 100 {
        bail!("{} terms: a highlight set holds at most 100", out.len());
    }
    Ok(out)
}

fn path(matter: &Path) -> std::path::PathBuf {
    matter.join("highlights.json")
}

/// The matter's highlight set, if any.
pub fn load(matter: &Path) -> Result<Option<HighlightSet>> {
    let p = path(matter);
    match super::named::read(&p)? {
        Some(b) => {
            Ok(Some(serde_json::from_slice(&b).with_context(|| {
                format!("{} is not readable", p.display())
            })?))
        }
        None => Ok(None),
    }
}

/// Replaces the matter's highlight set.
pub fn save(matter: &Path, set: &HighlightSet) -> Result<()> {
    super::named::locked(matter, "saved.lock", || {
        let bytes = serde_json::to_vec_pretty(set).context("cannot encode the highlights")?;
        crate::fsutil::write_atomic(&path(matter), &bytes)
    })
}

/// Removes the matter's highlight set; whether there was one.
pub fn clear(matter: &Path) -> Result<bool> {
    super::named::locked(matter, "saved.lock", || {
        match std::fs::remove_file(path(matter)) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e).context("cannot remove highlights.json"),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_given_or_taken_in_turn() {
        let t = parse_terms(
            "\u{feff}# terms\nred: \"climate change\"\noil w/5 price\n\nBlue:iran\nnote: this\n",
        )
        .unwrap();
        let got: Vec<(&str, &str, usize)> = t
            .iter()
            .map(|t| (t.colour.as_str(), t.query.as_str(), t.line))
            .collect();
        assert_eq!(
            got,
            [
                ("red", "\"climate change\"", 2),
                ("cyan", "oil w/5 price", 3),
                ("blue", "iran", 5),
                ("green", "note: this", 6),
            ]
        );
        assert!(parse_terms("# none\n").is_err());
        assert!(parse_terms("red:\n").is_err());
    }
}
