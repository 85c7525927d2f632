//! What the review of a sample has found: per stratum, members reviewed (coded by anyone) and
//! positive (holding the positive tag), and whether the reviewed members are a prefix of the
//! review order (then they are themselves a simple random sample of the stratum).

use serde::Serialize;

use super::Sample;
use crate::estimate::stratified::StratumCounts;
use crate::review::ReviewState;

#[derive(Debug, Clone, Serialize)]
pub struct StratumProgress {
    pub name: String,
    pub counts: StratumCounts,
    /// Reviewed members that come after an unreviewed one in the review order.
    pub out_of_order: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub positive: String,
    pub strata: Vec<StratumProgress>,
}

impl Progress {
    pub fn reviewed(&self) -> u64 {
        self.strata.iter().map(|s| s.counts.reviewed).sum()
    }

    pub fn size(&self) -> u64 {
        self.strata.iter().map(|s| s.counts.sampled).sum()
    }

    pub fn positives(&self) -> u64 {
        self.strata.iter().map(|s| s.counts.positives).sum()
    }

    pub fn out_of_order(&self) -> u64 {
        self.strata.iter().map(|s| s.out_of_order).sum()
    }

    pub fn counts(&self) -> Vec<StratumCounts> {
        self.strata.iter().map(|s| s.counts.clone()).collect()
    }
}

/// Counts the review of `sample`: a member is reviewed when someone coded it, positive when it
/// holds `positive`.
pub fn progress(sample: &Sample, state: &ReviewState, positive: &str) -> Progress {
    let strata = sample
        .strata
        .iter()
        .map(|st| {
            let mut counts = StratumCounts::new(&st.name, st.population, st.size, 0, 0);
            let mut gap = false;
            let mut out_of_order = 0;
            for m in sample.members.iter().filter(|m| m.stratum == st.name) {
                let c = state.view(&m.id);
                if c.is_some_and(|c| c.reviewed()) {
                    counts.reviewed += 1;
                    if gap {
                        out_of_order += 1;
                    }
                    if c.is_some_and(|c| c.has_tag(positive)) {
                        counts.positives += 1;
                    }
                } else {
                    gap = true;
                }
            }
            StratumProgress {
                name: st.name.clone(),
                counts,
                out_of_order,
            }
        })
        .collect();
    Progress {
        positive: positive.to_string(),
        strata,
    }
}
