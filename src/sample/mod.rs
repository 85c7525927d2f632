//! Random samples of the matter's conversations, stored in `samples/NAME.json`: simple or
//! stratified, drawn by the documented algorithm (`estimate::draw`) so that anyone with the
//! matter and the seed draws the same ids; and what the review of a sample has found so far
//! (the counts `estimate` turns into rates and intervals).
//!
//! A sample records its population exactly (size and the SHA-256 of its sorted ids, per
//! stratum and overall), so a later import that changes the population is detected.

pub mod counts;
pub mod qc;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::estimate::draw::{self, BottomK};
use crate::estimate::stratified::{Allocation, allocate};
use crate::index::ConvIndex;
use crate::search::Lookups;

/// Version of the sample file's layout.
pub const FORMAT: u32 = 1;

/// One stratum as asked for: its name, its size (`None`: allocated) and its query (within the
/// sample's population query).
#[derive(Debug, Clone, PartialEq)]
pub struct StratumSpec {
    pub name: String,
    pub size: Option<u64>,
    pub query: String,
}

impl StratumSpec {
    /// `NAME:SIZE:QUERY`, or `NAME::QUERY` / `NAME:QUERY` for an allocated size. The query is
    /// last so it may hold colons (`flagged:300:label:reproduced`).
    pub fn parse(text: &str) -> Result<StratumSpec> {
        let (name, rest) = text
            .split_once(':')
            .with_context(|| format!("--stratum {text:?}: write NAME:SIZE:QUERY"))?;
        let (size, query) = match rest.split_once(':') {
            Some(("", q)) => (None, q),
            Some((s, q)) if s.bytes().all(|b| b.is_ascii_digit()) => (
                Some(
                    s.parse::<u64>()
                        .with_context(|| format!("--stratum {text:?}: size {s} is too large"))?,
                ),
                q,
            ),
            _ => (None, rest),
        };
        check_name(name).with_context(|| format!("--stratum {text:?}"))?;
        if query.trim().is_empty() {
            bail!("--stratum {text:?}: the stratum needs a query");
        }
        // A saved search (`@NAME`) is the matter's: such a query is read when the sample is
        // drawn, with the matter.
        if !query.contains('@') {
            crate::query::parse(query).map_err(|e| {
                anyhow::anyhow!(
                    "--stratum {name}: the query does not parse: {} (column {})",
                    e.message,
                    e.column
                )
            })?;
        }
        Ok(StratumSpec {
            name: name.to_string(),
            size,
            query: query.to_string(),
        })
    }
}

/// What to draw.
#[derive(Debug, Clone)]
pub struct CreateRequest {
    pub name: String,
    /// The population (default: every conversation).
    pub query: Option<String>,
    /// The sample's size: required without strata, or with strata and `allocate`.
    pub size: Option<u64>,
    pub strata: Vec<StratumSpec>,
    pub allocate: Option<Allocation>,
    /// Expected rate per stratum, for Neyman allocation (0.5 where not given).
    pub expected: BTreeMap<String, f64>,
    pub seed: Option<u64>,
    pub by: String,
    /// What the sample is for: `sample` or `qc` (with the reviewer checked).
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Kind {
    /// A sample to estimate from.
    Sample,
    /// Quality control of one reviewer's calls: each member's call by `reviewer` when the
    /// sample was drawn, for a second reviewer to check blind.
    Qc {
        reviewer: String,
        group: String,
        first_calls: BTreeMap<String, String>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stratum {
    pub name: String,
    /// The stratum's own query (the sample's population query applies as well).
    pub query: String,
    pub population: u64,
    pub population_sha256: String,
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: String,
    pub stratum: String,
    /// The draw key (hex): members are reviewed in ascending key, and anyone can check it.
    pub key: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    pub format: u32,
    pub name: String,
    pub created: DateTime<Utc>,
    pub by: String,
    pub algorithm: String,
    pub seed: u64,
    /// The population's query (`*`: every conversation).
    pub query: String,
    pub population: u64,
    /// SHA-256 of the population's ids, sorted bytewise, each followed by a newline.
    pub population_sha256: String,
    /// `given`, `proportional` or `neyman`.
    pub allocation: String,
    pub strata: Vec<Stratum>,
    #[serde(flatten)]
    pub kind: Kind,
    /// In review order (ascending key over all strata, so the order does not give a stratum
    /// away).
    pub members: Vec<Member>,
}

pub(crate) fn check_name(name: &str) -> Result<()> {
    if name.is_empty()
        || name.len() > 64
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        bail!("{name:?} is not a usable name: use 1-64 letters, digits, - or _");
    }
    Ok(())
}

pub fn dir(matter_dir: &Path) -> PathBuf {
    matter_dir.join("samples")
}

pub(crate) fn path(matter_dir: &Path, name: &str) -> PathBuf {
    dir(matter_dir).join(format!("{name}.json"))
}

/// The ids matching `query` (and the population query), sorted.
fn ids_of(index: &ConvIndex, lookups: &Lookups, query: &str) -> Result<Vec<String>> {
    let node = crate::search::parse_for(index, lookups.matter_dir, query).map_err(|e| {
        let (message, column) = match e.downcast_ref::<crate::query::QueryError>() {
            Some(q) => (q.message.clone(), q.column),
            None => (format!("{e:#}"), 0),
        };
        anyhow::anyhow!(
            "the query {query:?} does not parse: {} (column {})",
            message,
            column
        )
    })?;
    let mut ids = crate::search::matching_ids_full(
        index,
        Lookups {
            review: lookups.review,
            findings: lookups.findings,
            budget: lookups.budget,
            matter_dir: lookups.matter_dir,
        },
        &node,
    )?;
    ids.sort_unstable();
    Ok(ids)
}

fn within(population: &str, query: &str) -> String {
    if population.trim() == "*" {
        format!("({query})")
    } else {
        format!("({population}) AND ({query})")
    }
}

/// Draws a sample and stores it (audited by the caller). Refuses a name already used.
pub fn create(
    matter_dir: &Path,
    index: &ConvIndex,
    lookups: &Lookups,
    req: &CreateRequest,
) -> Result<Sample> {
    check_name(&req.name)?;
    let file = path(matter_dir, &req.name);
    if file.exists() {
        bail!(
            "a sample named {} exists already (verbatim sample show {}); choose another name",
            req.name,
            req.name
        );
    }
    let query = req
        .query
        .clone()
        .filter(|q| !q.trim().is_empty())
        .unwrap_or_else(|| "*".to_string());
    let specs: Vec<StratumSpec> = if req.strata.is_empty() {
        vec![StratumSpec {
            name: "all".to_string(),
            size: Some(
                req.size
                    .context("give --size N (or strata with their sizes)")?,
            ),
            query: "*".to_string(),
        }]
    } else {
        req.strata.clone()
    };
    let mut seen = HashSet::new();
    for s in &specs {
        if !seen.insert(s.name.as_str()) {
            bail!("two strata are named {}", s.name);
        }
    }
    // Each stratum's population, and no conversation in two strata.
    let mut pops: Vec<Vec<String>> = Vec::with_capacity(specs.len());
    let mut owner: HashMap<String, usize> = HashMap::new();
    for (i, s) in specs.iter().enumerate() {
        let q = if specs.len() == 1 && req.strata.is_empty() {
            query.clone()
        } else {
            within(&query, &s.query)
        };
        let ids = ids_of(index, lookups, &q)?;
        let mut overlap = 0u64;
        let mut example = None;
        for id in &ids {
            if let Some(&j) = owner.get(id) {
                overlap += 1;
                example.get_or_insert((j, id.clone()));
            } else {
                owner.insert(id.clone(), i);
            }
        }
        if let Some((j, id)) = example {
            bail!(
                "strata {} and {} overlap: {overlap} conversation(s) match both (e.g. {}); make the queries exclusive (e.g. add AND NOT ({}) to {})",
                specs[j].name,
                s.name,
                crate::textfmt::visible(&id),
                specs[j].query,
                s.name
            );
        }
        if ids.is_empty() {
            bail!("stratum {} matches no conversation", s.name);
        }
        pops.push(ids);
    }
    let sizes: Vec<u64> = match (&req.allocate, req.size) {
        (Some(_), Some(_)) if req.strata.is_empty() => {
            bail!("--allocate shares --size among strata: give them with --stratum NAME::QUERY")
        }
        (Some(how), Some(total)) => {
            let shape: Vec<(u64, Option<f64>)> = specs
                .iter()
                .zip(&pops)
                .map(|(s, p)| (p.len() as u64, req.expected.get(&s.name).copied()))
                .collect();
            allocate(total, &shape, *how).map_err(anyhow::Error::msg)?
        }
        (Some(_), None) => bail!("--allocate needs --size N (the whole sample's size)"),
        (None, _) => specs
            .iter()
            .map(|s| {
                s.size.with_context(|| {
                    format!(
                        "stratum {} has no size: give NAME:SIZE:QUERY, or --size N --allocate proportional|neyman",
                        s.name
                    )
                })
            })
            .collect::<Result<_>>()?,
    };
    let seed = match req.seed {
        Some(s) => s,
        None => draw::random_seed().map_err(anyhow::Error::msg)?,
    };
    let parts = specs
        .iter()
        .zip(pops)
        .zip(sizes)
        .map(|((spec, ids), size)| (spec.name.clone(), spec.query.clone(), ids, size))
        .collect();
    let drawn = draw_strata(seed, parts)?;
    let sample = Sample {
        format: FORMAT,
        name: req.name.clone(),
        created: Utc::now(),
        by: req.by.clone(),
        algorithm: draw::ALGORITHM.to_string(),
        seed,
        query,
        population: drawn.population,
        population_sha256: drawn.population_sha256,
        allocation: match req.allocate {
            None => "given".into(),
            Some(Allocation::Proportional) => "proportional".into(),
            Some(Allocation::Neyman) => "neyman".into(),
        },
        strata: drawn.strata,
        kind: req.kind.clone(),
        members: drawn.members,
    };
    save(matter_dir, &sample)?;
    Ok(sample)
}

/// Strata drawn, members in review order, and the whole population's size and hash.
pub(crate) struct Drawn {
    pub strata: Vec<Stratum>,
    pub members: Vec<Member>,
    pub population: u64,
    pub population_sha256: String,
}

/// Draws `size` members from each stratum (name, query, ids, size) with `seed`.
pub(crate) fn draw_strata(
    seed: u64,
    parts: Vec<(String, String, Vec<String>, u64)>,
) -> Result<Drawn> {
    let mut strata = Vec::new();
    let mut members = Vec::new();
    let mut all: Vec<String> = Vec::new();
    for (name, query, mut ids, size) in parts {
        if size > ids.len() as u64 {
            bail!(
                "stratum {name} holds {} conversation(s): a sample of {size} cannot be drawn from it",
                ids.len()
            );
        }
        let mut pick = BottomK::new(seed, size as usize);
        for id in &ids {
            pick.push(id);
        }
        let population_sha256 = draw::population_hash(&mut ids).map_err(anyhow::Error::msg)?;
        strata.push(Stratum {
            name: name.clone(),
            query,
            population: ids.len() as u64,
            population_sha256,
            size,
        });
        members.extend(pick.finish().into_iter().map(|d| Member {
            id: d.id,
            stratum: name.clone(),
            key: d.key,
        }));
        all.extend(ids);
    }
    members.sort_by(|a, b| a.key.cmp(&b.key));
    let population = all.len() as u64;
    let population_sha256 = draw::population_hash(&mut all).map_err(anyhow::Error::msg)?;
    Ok(Drawn {
        strata,
        members,
        population,
        population_sha256,
    })
}

pub(crate) fn save(matter_dir: &Path, s: &Sample) -> Result<()> {
    crate::fsutil::create_matter_subdir(&dir(matter_dir))?;
    let bytes = serde_json::to_vec_pretty(s).context("cannot encode the sample")?;
    crate::fsutil::write_atomic(&path(matter_dir, &s.name), &bytes)
}

/// The sample named `name`.
pub fn load(matter_dir: &Path, name: &str) -> Result<Sample> {
    check_name(name)?;
    let p = path(matter_dir, name);
    let f = crate::fsutil::open_read(&p)?.with_context(|| {
        format!("no sample named {name} in this matter (verbatim sample list shows them)")
    })?;
    let s: Sample = serde_json::from_reader(std::io::BufReader::new(f))
        .with_context(|| format!("cannot read {}", p.display()))?;
    if s.format > FORMAT {
        bail!(
            "{} was written by a newer verbatim (format {})",
            p.display(),
            s.format
        );
    }
    Ok(s)
}

/// Every sample of the matter, by name.
pub fn list(matter_dir: &Path) -> Result<Vec<Sample>> {
    let d = dir(matter_dir);
    let entries = match std::fs::read_dir(&d) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot list {}", d.display())),
    };
    let mut out = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".json")
            && check_name(stem).is_ok()
        {
            out.push(load(matter_dir, stem)?);
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

impl Sample {
    /// SHA-256 of the member ids in review order, one per line: what the audit entry of the
    /// draw pins.
    pub fn members_sha256(&self) -> String {
        let mut text = String::new();
        for m in &self.members {
            text.push_str(&m.id);
            text.push('\n');
        }
        crate::hashing::sha256_hex(text.as_bytes())
    }
}

/// Checks the sample file against the audit trail's record of its draw (the last `sample`
/// entry of that name): a member list or seed changed in the file since is an error.
pub fn check_recorded(matter_dir: &Path, s: &Sample) -> Result<()> {
    let entry = crate::audit::read(matter_dir)?.into_iter().rev().find(|e| {
        e.event == "sample" && e.data.get("name").and_then(|v| v.as_str()) == Some(&s.name)
    });
    let Some(e) = entry else {
        bail!(
            "no entry of the audit trail records the drawing of sample {}: samples/{}.json was not made by `sample create` here",
            s.name,
            s.name
        );
    };
    let recorded = e.data.get("members_sha256").and_then(|v| v.as_str());
    let seed = e.data.get("seed").and_then(|v| v.as_u64());
    if recorded != Some(s.members_sha256().as_str()) || seed != Some(s.seed) {
        bail!(
            "samples/{}.json does not hold the sample drawn (audit entry #{}): its members or seed were changed since",
            s.name,
            e.seq
        );
    }
    Ok(())
}

/// The member ids of a sample (for `sample:NAME`).
pub fn member_ids(matter_dir: &Path, name: &str) -> Result<Vec<String>> {
    Ok(load(matter_dir, name)?
        .members
        .into_iter()
        .map(|m| m.id)
        .collect())
}

/// The population as it is now, per stratum and overall: whether it is still the one drawn
/// from.
#[derive(Debug, Clone, Serialize)]
pub struct PopulationCheck {
    pub same: bool,
    pub population: u64,
    pub population_sha256: String,
    /// Strata whose population changed: (name, then, now).
    pub changed: Vec<(String, u64, u64)>,
}

pub fn check_population(
    index: &ConvIndex,
    lookups: &Lookups,
    s: &Sample,
) -> Result<PopulationCheck> {
    let mut all = Vec::new();
    let mut changed = Vec::new();
    for st in &s.strata {
        let q = if s.strata.len() == 1 && st.query == "*" {
            s.query.clone()
        } else {
            within(&s.query, &st.query)
        };
        let mut ids = ids_of(index, lookups, &q)?;
        let h = draw::population_hash(&mut ids).map_err(anyhow::Error::msg)?;
        if h != st.population_sha256 {
            changed.push((st.name.clone(), st.population, ids.len() as u64));
        }
        all.extend(ids);
    }
    let population = all.len() as u64;
    let population_sha256 = draw::population_hash(&mut all).map_err(anyhow::Error::msg)?;
    Ok(PopulationCheck {
        same: population_sha256 == s.population_sha256 && changed.is_empty(),
        population,
        population_sha256,
        changed,
    })
}
