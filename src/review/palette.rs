//! The tag palette: the tags a review uses, each with a key (1-9), a colour and a
//! description. Kept in the matter's `config.toml` so the whole team codes with the same tags.

use std::path::Path;

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
        }
    }
}

#[derive(Debug, Default, Deserialize, Serialize)]
struct Config {
    #[serde(default, rename = "tag")]
    tags: Option<Vec<TagDef>>,
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
        let palette = match cfg.tags {
            Some(tags) if !tags.is_empty() => Palette { tags },
            _ => Palette::default(),
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
        Ok(())
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
