//! Where each conversation stands in the matter's groups, kept loaded for the interface and
//! the query filters, and read again only when `groups.json` changes on disk.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use anyhow::Result;

use super::{Group, Groups};

/// The groups with an index by conversation.
pub struct Placed {
    pub groups: Groups,
    /// Per conversation: (group, member) positions, its largest group first.
    by_conv: HashMap<String, Vec<(u32, u32)>>,
}

/// A conversation's place in one group.
#[derive(Debug, Clone, PartialEq)]
pub struct Place<'a> {
    pub group: &'a Group,
    pub member: usize,
}

impl Place<'_> {
    pub fn is_principal(&self) -> bool {
        self.member == 0
    }

    pub fn similarity(&self) -> f64 {
        self.group.members[self.member].similarity
    }

    /// Conversations in the group (a conversation with two replies in it counts once).
    pub fn conversations(&self) -> usize {
        let mut ids: Vec<&str> = self
            .group
            .members
            .iter()
            .map(|m| m.conversation.as_str())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    }
}

impl Placed {
    pub fn new(groups: Groups) -> Placed {
        let mut by_conv: HashMap<String, Vec<(u32, u32)>> = HashMap::new();
        for (g, grp) in groups.groups.iter().enumerate() {
            for (m, member) in grp.members.iter().enumerate() {
                by_conv
                    .entry(member.conversation.clone())
                    .or_default()
                    .push((g as u32, m as u32));
            }
        }
        Placed { groups, by_conv }
    }

    /// The conversation's places, its largest group first (groups are stored largest first).
    pub fn places(&self, conversation: &str) -> Vec<Place<'_>> {
        self.by_conv
            .get(conversation)
            .into_iter()
            .flatten()
            .map(|&(g, m)| Place {
                group: &self.groups.groups[g as usize],
                member: m as usize,
            })
            .collect()
    }

    /// Its first place: the largest group it is in.
    pub fn first(&self, conversation: &str) -> Option<Place<'_>> {
        self.places(conversation).into_iter().next()
    }

    pub fn is_grouped(&self, conversation: &str) -> bool {
        self.by_conv.contains_key(conversation)
    }
}

/// `groups.json` loaded once and again only after it changed.
#[derive(Default)]
pub struct Cache {
    seen: Option<(PathBuf, Option<SystemTime>, u64)>,
    placed: Option<Arc<Placed>>,
}

impl Cache {
    /// The matter's groups (None: not built).
    pub fn get(&mut self, matter: &Path) -> Result<Option<Arc<Placed>>> {
        let path = matter.join("groups.json");
        let stamp = std::fs::symlink_metadata(&path)
            .ok()
            .map(|m| (m.modified().ok(), m.len()));
        let key = stamp.map(|(t, n)| (path.clone(), t, n));
        if key != self.seen {
            self.placed = super::load(matter)?.map(|g| Arc::new(Placed::new(g)));
            self.seen = key;
        }
        Ok(self.placed.clone())
    }
}
