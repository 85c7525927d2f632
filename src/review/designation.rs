//! Confidentiality designations under a protective order: the list a matter allows (in
//! `config.toml`), the matter's default (`designation.json`, audited), and each
//! conversation's own designation, coded in the journal like a tag. What a produced page
//! carries is the conversation's own designation, else the run's (`export --designation`),
//! else the matter's default.

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use super::state::ConvReview;

pub const DEFAULT_LIST: [&str; 2] = ["CONFIDENTIAL", "HIGHLY CONFIDENTIAL - ATTORNEYS' EYES ONLY"];

const FILE: &str = "designation.json";

#[derive(Debug, Default, Deserialize)]
struct Config {
    #[serde(default)]
    designations: Option<Vec<String>>,
}

/// The designations a matter allows: `designations = [...]` in its `config.toml`, else the
/// default list.
pub fn list(matter_dir: &Path) -> Result<Vec<String>> {
    let path = matter_dir.join("config.toml");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let cfg: Config =
        toml::from_str(&text).with_context(|| format!("{} is not valid", path.display()))?;
    let list = match cfg.designations {
        Some(l) if !l.is_empty() => l,
        _ => DEFAULT_LIST.iter().map(|s| s.to_string()).collect(),
    };
    for d in &list {
        check_text(d).with_context(|| format!("in {}", path.display()))?;
    }
    Ok(list)
}

/// A designation is one line of printable text that fits a page header.
pub fn check_text(text: &str) -> Result<()> {
    if text.trim().is_empty() {
        bail!("a designation cannot be empty");
    }
    if text.chars().count() > 120 {
        bail!("a designation is at most 120 characters (it is stamped on every page)");
    }
    if text.chars().any(char::is_control) {
        bail!("a designation cannot hold control characters or line breaks");
    }
    Ok(())
}

/// The list's own spelling of `text` (compared without regard to case or surrounding space).
pub fn canonical(text: &str, list: &[String]) -> Result<String> {
    let want = text.trim();
    match list.iter().find(|d| d.eq_ignore_ascii_case(want)) {
        Some(d) => Ok(d.clone()),
        None => bail!(
            "\"{want}\" is not one of the matter's designations ({}); add it to `designations` in \
             the matter's config.toml",
            list.iter()
                .map(|d| format!("\"{d}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Stored {
    default: Option<String>,
    set_by: String,
    time: chrono::DateTime<chrono::Utc>,
}

/// The matter's default designation, if one was set.
pub fn matter_default(matter_dir: &Path) -> Result<Option<String>> {
    let path = matter_dir.join(FILE);
    match crate::fsutil::open_read(&path)? {
        None => Ok(None),
        Some(f) => {
            let s: Stored = serde_json::from_reader(std::io::BufReader::new(f))
                .with_context(|| format!("{} is not a designation file", path.display()))?;
            Ok(s.default)
        }
    }
}

/// Sets (or with `None` clears) the matter's default designation, and audits it.
pub fn set_matter_default(matter_dir: &Path, reviewer: &str, value: Option<&str>) -> Result<()> {
    let before = matter_default(matter_dir)?;
    let stored = Stored {
        default: value.map(str::to_string),
        set_by: reviewer.to_string(),
        time: chrono::Utc::now(),
    };
    let bytes = serde_json::to_vec_pretty(&stored).context("cannot encode the designation")?;
    crate::fsutil::write_atomic(&matter_dir.join(FILE), &bytes)?;
    crate::audit::append(
        matter_dir,
        reviewer,
        "designation-default",
        serde_json::json!({"designation": value, "previous": before}),
    )?;
    Ok(())
}

/// What a conversation's pages carry: its own designation, else the run's, else the matter's.
pub fn effective(
    review: Option<&ConvReview>,
    run: Option<&str>,
    matter: Option<&str>,
) -> Option<String> {
    review
        .and_then(|r| r.designation.as_deref())
        .or(run)
        .or(matter)
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_default_and_precedence() {
        let dir = tempfile::tempdir().unwrap();
        let l = list(dir.path()).unwrap();
        assert_eq!(l, DEFAULT_LIST);
        assert_eq!(canonical("confidential ", &l).unwrap(), "CONFIDENTIAL");
        assert!(canonical("SECRET", &l).is_err());
        assert_eq!(matter_default(dir.path()).unwrap(), None);
        set_matter_default(dir.path(), "ann", Some("CONFIDENTIAL")).unwrap();
        assert_eq!(
            matter_default(dir.path()).unwrap().as_deref(),
            Some("CONFIDENTIAL")
        );
        let own = ConvReview {
            designation: Some("X".into()),
            ..Default::default()
        };
        assert_eq!(effective(Some(&own), Some("R"), Some("M")).unwrap(), "X");
        assert_eq!(effective(None, Some("R"), Some("M")).unwrap(), "R");
        assert_eq!(effective(None, None, Some("M")).unwrap(), "M");
        assert!(check_text("a\nb").is_err());
        std::fs::write(
            dir.path().join("config.toml"),
            "designations = [\"OUTSIDE COUNSEL ONLY\"]\n",
        )
        .unwrap();
        assert_eq!(list(dir.path()).unwrap(), ["OUTSIDE COUNSEL ONLY"]);
    }
}
