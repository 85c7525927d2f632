//! What goes into an export. A production handed to the other side or filed with the court
//! carries the transcript and, where asked, the findings; the review team's work product
//! (tags, notes, reviewers, coding history) and the matter's provenance (local source paths,
//! record numbers) go in only when asked for.

use anyhow::{Result, bail};
use serde::Serialize;

use super::Format;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Contents {
    /// Messages, title, ids, dates, model: always.
    pub transcript: bool,
    /// Detection spans and scores.
    pub findings: bool,
    /// Tags, notes, reviewers, coding history: work product.
    pub coding: bool,
    /// Source paths, record numbers.
    pub provenance: bool,
}

pub const CLASSES: [&str; 4] = ["transcript", "findings", "coding", "provenance"];

impl Contents {
    /// Productions (DAT) carry the transcript; pages meant for a reader (HTML) the findings
    /// too; the internal working formats everything.
    pub fn default_for(format: Format) -> Contents {
        match format {
            Format::Dat => Contents::only(&["transcript"]),
            Format::Html | Format::Exhibit | Format::Rsmf => {
                Contents::only(&["transcript", "findings"])
            }
            Format::Jsonl | Format::Csv | Format::Txt | Format::Md => Contents::only(&CLASSES),
        }
    }

    fn only(names: &[&str]) -> Contents {
        Contents {
            transcript: true,
            findings: names.contains(&"findings"),
            coding: names.contains(&"coding"),
            provenance: names.contains(&"provenance"),
        }
    }

    /// `transcript,findings`, or `all`. The transcript is always in.
    pub fn parse(s: &str) -> Result<Contents> {
        let names: Vec<&str> = s
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .collect();
        if names == ["all"] {
            return Ok(Contents::only(&CLASSES));
        }
        for n in &names {
            if !CLASSES.contains(n) {
                bail!(
                    "unknown contents class \"{n}\" (transcript, findings, coding, provenance, or all)"
                );
            }
        }
        Ok(Contents::only(&names))
    }

    /// The classes included, as names.
    pub fn names(&self) -> Vec<&'static str> {
        let on = [true, self.findings, self.coding, self.provenance];
        CLASSES
            .iter()
            .zip(on)
            .filter(|(_, on)| *on)
            .map(|(n, _)| *n)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_keep_work_product_out_of_productions() {
        assert_eq!(Contents::default_for(Format::Dat).names(), ["transcript"]);
        assert_eq!(
            Contents::default_for(Format::Html).names(),
            ["transcript", "findings"]
        );
        assert_eq!(Contents::default_for(Format::Jsonl).names(), CLASSES);
        assert_eq!(
            Contents::parse("findings, coding").unwrap().names(),
            ["transcript", "findings", "coding"]
        );
        assert!(Contents::parse("notes").is_err());
    }
}
