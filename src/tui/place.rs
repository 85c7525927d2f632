//! Where a reviewer left off: the query, its order and the selected conversation, kept per
//! matter and reviewer (`places/HASH.json` in the matter, the hash of the reviewer's name) so
//! that the review interface opens where it was closed.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::search::SortBy;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub query: String,
    pub sort: String,
    /// Row of the selection, and the conversation on it (found again by id when it moved).
    pub selected: usize,
    pub id: Option<String>,
}

fn path(matter_dir: &Path, reviewer: &str) -> PathBuf {
    let h = crate::hashing::sha256_hex(reviewer.as_bytes());
    matter_dir.join("places").join(format!("{}.json", &h[..16]))
}

pub fn sort_name(s: SortBy) -> &'static str {
    match s {
        SortBy::Relevance => "relevance",
        SortBy::Date => "newest",
        SortBy::DateAsc => "oldest",
        SortBy::Score => "finding",
    }
}

/// The place this reviewer left, if any (an unreadable file is no place: never an error that
/// keeps the interface from opening).
pub fn load(matter_dir: &Path, reviewer: &str) -> Option<Place> {
    let f = crate::fsutil::open_read(&path(matter_dir, reviewer)).ok()??;
    serde_json::from_reader(std::io::BufReader::new(f)).ok()
}

/// Keeps the place; failures are reported by the caller, never fatal.
pub fn save(matter_dir: &Path, reviewer: &str, place: &Place) -> anyhow::Result<()> {
    let p = path(matter_dir, reviewer);
    if let Some(dir) = p.parent() {
        crate::fsutil::create_matter_subdir(dir)?;
    }
    let bytes = serde_json::to_vec_pretty(place)?;
    crate::fsutil::write_atomic(&p, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_kept_per_reviewer() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path(), "ann"), None);
        let p = Place {
            query: "tag:hot".into(),
            sort: "newest".into(),
            selected: 7,
            id: Some("c7".into()),
        };
        save(dir.path(), "ann", &p).unwrap();
        assert_eq!(load(dir.path(), "ann"), Some(p));
        assert_eq!(load(dir.path(), "bob"), None);
    }
}
