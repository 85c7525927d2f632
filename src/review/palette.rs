//! The tag palette: the tags a review uses, each with a key (1-9), a colour and a
//! description. Kept in the matter's `config.toml` so the whole team codes with the same tags.

use std::path::Path;

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagDef {
    pub name: String,
    /// The key that toggles it in the review interface, 1-9.
    pub key: u8,
    pub colour: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Palette {
    #[serde(rename = "tag")]
    pub tags: Vec<TagDef>,
    /// Groups of tags a conversation holds one of at most (`[exclusive]` in `config.toml`):
    /// choosing one replaces the others, in one journal event.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub exclusive: BTreeMap<String, Vec<String>>,
    /// What a tag requires (`[require]` in `config.toml`: `note = ["reproduces-article"]`).
    #[serde(default, skip_serializing_if = "Require::is_empty")]
    pub require: Require,
}

/// Fields a tag requires before the conversation is done.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Require {
    /// Tags that require a note.
    #[serde(default)]
    pub note: Vec<String>,
}

impl Require {
    pub fn is_empty(&self) -> bool {
        self.note.is_empty()
    }
}

impl Default for Palette {
    fn default() -> Self {
        let t = |name: &str, key: u8, colour: &str, description: &str| TagDef {
            name: name.to_string(),
            key,
            colour: colour.to_string(),
            description: description.to_string(),
        };
        Palette {
            tags: vec![
                t(
                    "reproduces-article",
                    1,
                    "red",
                    "The assistant reproduced article text it was not given",
                ),
                t(
                    "echo-only",
                    2,
                    "yellow",
                    "Article text appears only because the user supplied it",
                ),
                t("not-relevant", 3, "gray", "No article reproduction"),
                t(
                    "needs-second-look",
                    4,
                    "magenta",
                    "Unsure: another reviewer should read it",
                ),
                t("hot", 5, "green", "Key evidence"),
            ],
            // The call on a conversation is one of these, never two.
            exclusive: BTreeMap::from([(
                "call".to_string(),
                ["reproduces-article", "echo-only", "not-relevant"]
                    .map(String::from)
                    .to_vec(),
            )]),
            require: Require::default(),
        }
    }
}

#[derive(Debug, Default, Deserialize, Serialize)]
struct Config {
    #[serde(default, rename = "tag")]
    tags: Option<Vec<TagDef>>,
    #[serde(default)]
    exclusive: Option<BTreeMap<String, Vec<String>>>,
    #[serde(default)]
    require: Require,
}

impl Palette {
    /// Loads the palette from `config.toml` in the matter, or the defaults when it has none.
    pub fn load(matter_dir: &Path) -> Result<Palette> {
        let path = matter_dir.join("config.toml");
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Palette::default()),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        let cfg: Config =
            toml::from_str(&text).with_context(|| format!("{} is not valid", path.display()))?;
        // A palette of its own has only the groups it declares.
        let palette = match cfg.tags {
            Some(tags) if !tags.is_empty() => Palette {
                tags,
                exclusive: cfg.exclusive.unwrap_or_default(),
                require: cfg.require,
            },
            _ => Palette {
                exclusive: cfg
                    .exclusive
                    .unwrap_or_else(|| Palette::default().exclusive),
                require: cfg.require,
                ..Palette::default()
            },
        };
        palette
            .validate()
            .with_context(|| format!("in {}", path.display()))?;
        Ok(palette)
    }

    /// Writes the default palette into a matter that has no config yet, so it can be edited.
    pub fn write_default_if_missing(matter_dir: &Path) -> Result<()> {
        let path = matter_dir.join("config.toml");
        if path.exists() {
            return Ok(());
        }
        let body = toml::to_string_pretty(&Palette::default()).context("cannot write palette")?;
        let designations = toml::to_string(&serde_json::json!({
            "designations": super::designation::DEFAULT_LIST
        }))
        .context("cannot write designations")?;
        let text = format!(
            "# Confidentiality designations a conversation may be coded with.\n{designations}\n\
             # Tag palette of this matter: name, key (1-9), colour, description.\n\n{body}"
        );
        crate::fsutil::write_atomic(&path, text.as_bytes())
    }

    pub fn validate(&self) -> Result<()> {
        let mut keys = std::collections::HashSet::new();
        let mut names = std::collections::HashSet::new();
        for t in &self.tags {
            if !(1..=9).contains(&t.key) {
                bail!("tag \"{}\" has key {}; keys are 1 to 9", t.name, t.key);
            }
            if !keys.insert(t.key) {
                bail!("key {} is given to two tags", t.key);
            }
            if !valid_tag_name(&t.name) {
                bail!(
                    "\"{}\" is not a valid tag name (letters, digits, - and _)",
                    t.name
                );
            }
            if !names.insert(t.name.as_str()) {
                bail!("tag \"{}\" is defined twice", t.name);
            }
        }
        for t in &self.require.note {
            if !names.contains(t.as_str()) {
                bail!("[require] note names \"{t}\", which is not a palette tag");
            }
        }
        let mut grouped = std::collections::HashMap::new();
        for (group, members) in &self.exclusive {
            for m in members {
                if !names.contains(m.as_str()) {
                    bail!("exclusive group \"{group}\" names \"{m}\", which is not a palette tag");
                }
                if let Some(other) = grouped.insert(m.as_str(), group.as_str()) {
                    bail!("tag \"{m}\" is in two exclusive groups ({other} and {group})");
                }
            }
        }
        Ok(())
    }

    /// The tags a conversation holds that require a note it does not have.
    pub fn missing_note(&self, review: Option<&super::ConvReview>) -> Vec<String> {
        let Some(r) = review else {
            return Vec::new();
        };
        if r.note.as_deref().is_some_and(|n| !n.trim().is_empty()) {
            return Vec::new();
        }
        r.tags
            .iter()
            .filter(|t| self.require.note.contains(t))
            .cloned()
            .collect()
    }

    /// Rules a conversation breaks: a required note missing, two tags of an exclusive group.
    pub fn violations(&self, review: &super::ConvReview) -> Vec<String> {
        let mut v: Vec<String> = self
            .missing_note(Some(review))
            .into_iter()
            .map(|t| format!("{t} requires a note"))
            .collect();
        for (group, members) in &self.exclusive {
            let held: Vec<&String> = members
                .iter()
                .filter(|m| review.tags.contains(*m))
                .collect();
            if held.len() > 1 {
                v.push(format!(
                    "holds {} of the exclusive group {group}",
                    held.iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(" and ")
                ));
            }
        }
        v
    }

    /// The other tags of `tag`'s exclusive group (none when it is in no group).
    pub fn rivals(&self, tag: &str) -> Vec<String> {
        self.exclusive
            .values()
            .find(|g| g.iter().any(|m| m == tag))
            .map(|g| g.iter().filter(|m| *m != tag).cloned().collect())
            .unwrap_or_default()
    }

    /// The exclusive group `tag` belongs to, by name.
    pub fn group_of(&self, tag: &str) -> Option<&str> {
        self.exclusive
            .iter()
            .find(|(_, g)| g.iter().any(|m| m == tag))
            .map(|(n, _)| n.as_str())
    }

    pub fn by_key(&self, key: u8) -> Option<&TagDef> {
        self.tags.iter().find(|t| t.key == key)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.tags.iter().any(|t| t.name == name)
    }
}

/// Tag names are plain words so they read the same in queries (`tag:NAME`) and load files.
pub fn valid_tag_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_round_trip_and_validation() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Palette::load(dir.path()).unwrap(), Palette::default());
        Palette::write_default_if_missing(dir.path()).unwrap();
        assert_eq!(Palette::load(dir.path()).unwrap(), Palette::default());
        std::fs::write(
            dir.path().join("config.toml"),
            "[[tag]]\nname = \"a\"\nkey = 1\ncolour = \"red\"\n[[tag]]\nname = \"b\"\nkey = 1\ncolour = \"blue\"\n",
        )
        .unwrap();
        let err = format!("{:#}", Palette::load(dir.path()).unwrap_err());
        assert!(err.contains("key 1 is given to two tags"), "{err}");
    }
}
