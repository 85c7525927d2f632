//! Where a production's conversations come from: the matter's index on this machine
//! ([`Local`]), or the shards of a cluster (`cluster::merge::Remote`). Either ranks the
//! selection in production order once, then hands the conversations over a batch at a time,
//! so that an export's memory does not grow with its size.

use std::ops::Range;

use anyhow::{Context, Result};

use crate::index::ConvIndex;
use crate::model::Conversation;
use crate::query::Node;
use crate::search::{DatedDoc, Lookups};

/// A production's conversations, in production order (oldest first, undated last, ties in
/// import order).
pub trait Conversations {
    /// Finds the selection's matches (`node`, read with `lookups` where the index is) and
    /// puts them in production order; how many.
    fn select(
        &mut self,
        node: &Node,
        selection: &super::Selection,
        lookups: Lookups,
    ) -> Result<u64>;
    /// Calls `f` with the id of every selected conversation, in any order.
    fn each_id(&mut self, f: &mut dyn FnMut(&str)) -> Result<()>;
    /// The selected conversations at `range` of the production order, in that order.
    fn load(&mut self, range: Range<usize>) -> Result<Vec<Conversation>>;
}

/// The matter's index on this machine: 16 bytes per match held.
pub struct Local<'a> {
    index: &'a ConvIndex,
    selected: Option<(tantivy::Searcher, Vec<DatedDoc>)>,
}

impl<'a> Local<'a> {
    pub fn new(index: &'a ConvIndex) -> Local<'a> {
        Local {
            index,
            selected: None,
        }
    }

    fn selected(&self) -> Result<&(tantivy::Searcher, Vec<DatedDoc>)> {
        self.selected
            .as_ref()
            .context("no selection made before reading it")
    }
}

impl Conversations for Local<'_> {
    fn select(&mut self, node: &Node, _: &super::Selection, lookups: Lookups) -> Result<u64> {
        let (searcher, docs) = crate::search::production_order(self.index, lookups, node)?;
        let n = docs.len() as u64;
        self.selected = Some((searcher, docs));
        Ok(n)
    }

    fn each_id(&mut self, f: &mut dyn FnMut(&str)) -> Result<()> {
        let (searcher, docs) = self.selected()?;
        crate::search::each_id(searcher, docs.iter().map(|d| d.0).collect(), |_, id| f(id))
    }

    fn load(&mut self, range: Range<usize>) -> Result<Vec<Conversation>> {
        let (searcher, docs) = self.selected()?;
        docs[range]
            .iter()
            .map(|(addr, _)| {
                self.index
                    .load(searcher, *addr)
                    .context("cannot read a conversation from the index")
            })
            .collect()
    }
}
