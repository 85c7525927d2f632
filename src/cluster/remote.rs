//! A production's conversations from a cluster (`export --scheduler`): the export's
//! [`Conversations`] over the shards.

use anyhow::{Context, Result};

use super::merge::{Cluster, Transport};
use crate::export::source::Conversations;

/// A production's conversations from the shards of a cluster: the selection's matches are
/// ranked on each shard and merged here (a shard and an id per match held); the
/// conversations come a batch at a time from the shards holding them.
pub struct Remote<'a, T: Transport> {
    pub cluster: &'a mut Cluster<T>,
    /// The selection ranked last, and its matches.
    ranked: Option<crate::export::Selection>,
    selected: Vec<(u32, String)>,
}

impl<'a, T: Transport> Remote<'a, T> {
    pub fn new(cluster: &'a mut Cluster<T>) -> Remote<'a, T> {
        Remote {
            cluster,
            ranked: None,
            selected: Vec::new(),
        }
    }

    /// Ranks `selection` (kept for the export that follows); how many it matches.
    pub fn rank(&mut self, selection: &crate::export::Selection) -> Result<u64> {
        if self.ranked.as_ref() != Some(selection) {
            self.selected = self.cluster.production(selection)?;
            self.ranked = Some(selection.clone());
        }
        Ok(self.selected.len() as u64)
    }
}

impl<T: Transport> Conversations for Remote<'_, T> {
    fn select(
        &mut self,
        _: &crate::query::Node,
        selection: &crate::export::Selection,
        _: crate::search::Lookups,
    ) -> Result<u64> {
        self.rank(selection)
    }

    fn each_id(&mut self, f: &mut dyn FnMut(&str)) -> Result<()> {
        for (_, id) in &self.selected {
            f(id);
        }
        Ok(())
    }

    fn load(&mut self, range: std::ops::Range<usize>) -> Result<Vec<crate::model::Conversation>> {
        let which = self
            .selected
            .get(range)
            .context("past the end of the selection")?
            .to_vec();
        self.cluster.load(&which)
    }
}
