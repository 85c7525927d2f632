//! Quality control of one reviewer's calls: a random sample of the conversations that
//! reviewer called (a tag of an exclusive group, e.g. `call`), with each call kept as it was
//! when drawn, for a second reviewer to call again blind. The share of calls the second
//! reviewer overturned, with its interval, says how far the first reviewer's calls can be
//! trusted.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use chrono::Utc;
use serde::Serialize;

use super::{FORMAT, Kind, Sample, check_name, draw_strata, path, save};
use crate::estimate::draw;
use crate::review::{Palette, ReviewState};

/// What to draw: `size` of `reviewer`'s calls in the exclusive group `group`.
pub struct QcRequest<'a> {
    pub name: &'a str,
    pub reviewer: &'a str,
    pub group: &'a str,
    pub size: u64,
    pub seed: Option<u64>,
    pub by: &'a str,
}

/// Draws a QC sample and stores it (audited by the caller).
pub fn create(
    matter_dir: &Path,
    state: &ReviewState,
    palette: &Palette,
    req: &QcRequest,
) -> Result<Sample> {
    let QcRequest {
        name,
        reviewer,
        group,
        size,
        seed,
        by,
    } = *req;
    check_name(name)?;
    if path(matter_dir, name).exists() {
        bail!("a sample named {name} exists already; choose another name");
    }
    let members = palette.exclusive.get(group).with_context(|| {
        format!(
            "no exclusive group named {group} in the palette (config.toml [exclusive]: {})",
            palette
                .exclusive
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    let mut first_calls = BTreeMap::new();
    for (id, c) in state.convs() {
        if let Some(tag) = members.iter().find(|t| c.holds(t, reviewer)) {
            first_calls.insert(id.to_string(), tag.clone());
        }
    }
    if first_calls.is_empty() {
        bail!("{reviewer} has made no call of the group {group} in this matter");
    }
    let seed = match seed {
        Some(s) => s,
        None => draw::random_seed().map_err(anyhow::Error::msg)?,
    };
    let ids: Vec<String> = first_calls.keys().cloned().collect();
    let query = format!("calls of {group} by {reviewer}");
    let drawn = draw_strata(seed, vec![("all".into(), query.clone(), ids, size)])?;
    // Only the drawn members' calls are kept: the sample file stays the size of the sample.
    let first_calls = drawn
        .members
        .iter()
        .filter_map(|m| first_calls.get(&m.id).map(|t| (m.id.clone(), t.clone())))
        .collect();
    let sample = Sample {
        format: FORMAT,
        name: name.to_string(),
        created: Utc::now(),
        by: by.to_string(),
        algorithm: draw::ALGORITHM.to_string(),
        seed,
        query,
        population: drawn.population,
        population_sha256: drawn.population_sha256,
        allocation: "given".into(),
        strata: drawn.strata,
        kind: Kind::Qc {
            reviewer: reviewer.to_string(),
            group: group.to_string(),
            first_calls,
        },
        members: drawn.members,
    };
    save(matter_dir, &sample)?;
    Ok(sample)
}

/// One member whose second call differs from the first.
#[derive(Debug, Clone, Serialize)]
pub struct Disagreement {
    pub id: String,
    pub first: String,
    pub second: String,
    pub second_by: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Overturns {
    pub reviewer: String,
    pub group: String,
    pub size: u64,
    /// Members called again by someone else.
    pub rechecked: u64,
    pub overturned: u64,
    pub disagreements: Vec<Disagreement>,
}

/// Compares each member's first call with the call another reviewer holds now.
pub fn overturns(sample: &Sample, state: &ReviewState, palette: &Palette) -> Result<Overturns> {
    let Kind::Qc {
        reviewer,
        group,
        first_calls,
    } = &sample.kind
    else {
        bail!("{} is not a QC sample (verbatim qc create)", sample.name);
    };
    let tags = palette
        .exclusive
        .get(group)
        .cloned()
        .unwrap_or_else(|| first_calls.values().cloned().collect());
    let mut out = Overturns {
        reviewer: reviewer.clone(),
        group: group.clone(),
        size: sample.members.len() as u64,
        rechecked: 0,
        overturned: 0,
        disagreements: Vec::new(),
    };
    for m in &sample.members {
        let Some(c) = state.get(&m.id) else { continue };
        let second = tags.iter().find_map(|t| {
            let others: Vec<String> = c
                .tag_by
                .get(t)
                .into_iter()
                .flatten()
                .filter(|w| *w != reviewer)
                .cloned()
                .collect();
            (!others.is_empty()).then(|| (t.clone(), others))
        });
        let Some((second, by)) = second else { continue };
        out.rechecked += 1;
        let first = first_calls.get(&m.id).cloned().unwrap_or_default();
        if second != first {
            out.overturned += 1;
            out.disagreements.push(Disagreement {
                id: m.id.clone(),
                first,
                second,
                second_by: by,
            });
        }
    }
    Ok(out)
}
