//! Building the groups in bounded memory, and again after an import reading only the new
//! conversations. Each unit's shingles go to a file (`groups/shingles.bin`, read back through
//! a memory map: the page cache holds it, not the process); memory keeps per unit only its
//! place, its word count and 21 band keys of 32 bits. A store manifest written last says how
//! much of the files is whole, so a build killed midway is cut back or redone, never half read.
//! The confirmed pairs are kept too (`pairs.bin`, with the threshold they were confirmed at),
//! so an update confirms only the candidate pairs that involve a new unit.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::minhash::{self, BANDS};
use super::{Group, Groups, Params, Scope, gather};
use crate::index::ConvIndex;
use crate::model::Role;

/// Buckets larger than this compare their members to a few anchors only (boilerplate that
/// thousands of replies share would otherwise cost every pair).
const FULL_BUCKET: usize = 64;
const ANCHORS: usize = 4;
/// Conversations read per step of the scan.
const CHUNK: usize = 4096;
pub(super) const NO_MESSAGE: u32 = u32::MAX;

/// One compared unit, as kept in memory and in `units.bin`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Unit {
    pub(super) conv: u32,
    pub(super) message: u32,
    pub(super) words: u32,
    /// Where its shingles are in `shingles.bin` (in shingles, not bytes).
    at: u64,
    len: u32,
    pub(super) bands: [u32; BANDS],
}

const UNIT_BYTES: usize = 4 + 4 + 4 + 8 + 4 + 4 * BANDS;

impl Unit {
    fn write(&self, out: &mut impl Write) -> std::io::Result<()> {
        out.write_all(&self.conv.to_le_bytes())?;
        out.write_all(&self.message.to_le_bytes())?;
        out.write_all(&self.words.to_le_bytes())?;
        out.write_all(&self.at.to_le_bytes())?;
        out.write_all(&self.len.to_le_bytes())?;
        for b in &self.bands {
            out.write_all(&b.to_le_bytes())?;
        }
        Ok(())
    }

    fn read(b: &[u8]) -> Unit {
        let u32_at = |i: usize| u32::from_le_bytes(b[i..i + 4].try_into().unwrap_or_default());
        Unit {
            conv: u32_at(0),
            message: u32_at(4),
            words: u32_at(8),
            at: u64::from_le_bytes(b[12..20].try_into().unwrap_or_default()),
            len: u32_at(20),
            bands: std::array::from_fn(|k| u32_at(24 + 4 * k)),
        }
    }
}

/// What of the store is whole: written last, after the files it counts are synced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Manifest {
    version: u32,
    /// How the units were made, and the similarity the pairs in `pairs.bin` were confirmed at.
    params: Params,
    units: u64,
    shingles: u64,
    conversations: u64,
    /// Confirmed pairs in `pairs.bin`: every pair at the threshold or above among the first
    /// `paired` units that the candidates proposed.
    pairs: u64,
    paired: u64,
}

const STORE_VERSION: u32 = 3;
/// A shingle in `shingles.bin`.
const SHINGLE_BYTES: usize = 4;
/// Candidate pairs are confirmed in blocks of this many shingles of the store (128 MiB
/// each), so that the pages being compared stay few when memory is short.
const BLOCK_SHINGLES: u64 = 32 << 20;
/// Units whose candidate pairs are confirmed together (by the lower unit of a pair).
const PART_UNITS: usize = 200_000;
/// A confirmed pair in `pairs.bin`: two unit numbers and their similarity.
const PAIR_BYTES: usize = 4 + 4 + 8;

/// The store's files.
struct Store {
    dir: PathBuf,
}

impl Store {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

/// What a build reads and keeps in memory.
struct Work {
    units: Vec<Unit>,
    /// Conversation ids and their index keys, by `Unit::conv`.
    ids: Vec<String>,
    keys: HashSet<u64>,
    shingles: u64,
    /// Confirmed pairs among the first `paired` units, from an earlier build.
    pairs: Vec<(u32, u32, f64)>,
    paired: usize,
    /// Pairs in `pairs.bin` once this build's are appended.
    pairs_total: usize,
}

/// How a build went.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Built {
    /// Conversations read (all of them, or the new ones when updating).
    pub read: usize,
    pub incremental: bool,
}

/// What a build compares and how near is near.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub threshold: f64,
    pub scope: Scope,
    /// Units with fewer words are not grouped.
    pub min_words: usize,
}

impl Options {
    /// The options groups were built with.
    pub fn of(p: &Params) -> Options {
        Options {
            threshold: p.threshold,
            scope: p.scope,
            min_words: p.min_words,
        }
    }
}

/// Builds the groups of the index; with `update`, when the store in `store` (`groups/` of the
/// matter) is whole and was built the same way, reads only the conversations not seen before.
/// Groups led by an earlier group's principal keep its id.
pub fn build(
    index: &ConvIndex,
    store: &Path,
    opts: &Options,
    previous: Option<&Groups>,
    update: bool,
    by: &str,
    cancel: &AtomicBool,
) -> Result<(Groups, Built)> {
    let Options {
        threshold,
        scope,
        min_words,
    } = *opts;
    if !(0.05..=1.0).contains(&threshold) {
        bail!("the threshold is a similarity from 0.05 to 1 (0.8: 80 % of shingles shared)");
    }
    crate::fsutil::create_matter_subdir(store)?;
    let st = Store {
        dir: store.to_path_buf(),
    };
    let params = Params {
        threshold,
        scope,
        min_words,
        shingle_words: minhash::SHINGLE_WORDS,
        hashes: minhash::HASHES,
        bands: BANDS,
        rows: minhash::ROWS,
    };
    let wanted = Manifest {
        version: STORE_VERSION,
        params: params.clone(),
        units: 0,
        shingles: 0,
        conversations: 0,
        pairs: 0,
        paired: 0,
    };
    let stored = if update { load(&st, &wanted)? } else { None };
    let mut work = match stored {
        Some(w) => w,
        None => Work {
            units: Vec::new(),
            ids: Vec::new(),
            keys: HashSet::new(),
            shingles: 0,
            pairs: Vec::new(),
            paired: 0,
            pairs_total: 0,
        },
    };
    let incremental = !work.ids.is_empty();
    let read = scan(index, &st, &mut work, scope, min_words, cancel, incremental)?;
    save_manifest(&st, &wanted, &work)?;
    let shingle_file = crate::fsutil::open_read(&st.path("shingles.bin"))?
        .context("the shingles file went missing")?;
    // Safety: the file is the store's own, written above and not changed while mapped.
    let map = unsafe { memmap2::Mmap::map(&shingle_file) }.context("cannot map the shingles")?;
    let all: &[u8] = &map;
    let set = |i: u32| -> Vec<u32> {
        let u = &work.units[i as usize];
        let from = u.at as usize * SHINGLE_BYTES;
        all[from..from + u.len as usize * SHINGLE_BYTES]
            .chunks_exact(SHINGLE_BYTES)
            .map(|c| u32::from_le_bytes(c.try_into().unwrap_or_default()))
            .collect()
    };
    if cancel.load(Ordering::Relaxed) {
        bail!("interrupted; the previous groups are unchanged");
    }
    let fresh = confirm_candidates(
        &st,
        &work.units,
        work.paired as u32,
        threshold,
        &set,
        cancel,
    )?;
    if cancel.load(Ordering::Relaxed) {
        bail!("interrupted; the previous groups are unchanged");
    }
    save_pairs(&st, &fresh, work.paired == 0)?;
    let mut confirmed = std::mem::take(&mut work.pairs);
    confirmed.extend(fresh);
    work.pairs_total = confirmed.len();
    work.paired = work.units.len();
    save_manifest(&st, &wanted, &work)?;
    let input = gather::Input {
        units: &work.units,
        ids: &work.ids,
        set: &set,
        threshold,
    };
    let total = confirmed.len();
    let (mut groups, more) = gather::gather(&input, confirmed);
    name(&mut groups, previous);
    Ok((
        Groups {
            params,
            built: chrono::Utc::now(),
            by: by.to_string(),
            units: work.units.len(),
            pairs: total + more,
            groups,
        },
        Built { read, incremental },
    ))
}

/// The store as the manifest says it is whole (files cut back to it), if it was built the
/// way `wanted` asks.
fn load(st: &Store, wanted: &Manifest) -> Result<Option<Work>> {
    let Some(bytes) = crate::review::named::read(&st.path("store.json"))? else {
        return Ok(None);
    };
    let Ok(m) = serde_json::from_slice::<Manifest>(&bytes) else {
        return Ok(None);
    };
    // The units stand when made the same way; the threshold only decides the pairs.
    let made = |p: &Params| Params {
        threshold: 0.0,
        ..p.clone()
    };
    if m.version != wanted.version || made(&m.params) != made(&wanted.params) {
        return Ok(None);
    }
    let (Ok(mut f), Ok(s)) = (
        crate::fsutil::open_rw(&st.path("units.bin")),
        crate::fsutil::open_rw(&st.path("shingles.bin")),
    ) else {
        return Ok(None);
    };
    let need = m.units as usize * UNIT_BYTES;
    let mut raw = vec![0u8; need];
    if f.metadata()?.len() < need as u64 || f.read_exact(&mut raw).is_err() {
        return Ok(None);
    }
    f.set_len(need as u64)?;
    let units: Vec<Unit> = raw.chunks_exact(UNIT_BYTES).map(Unit::read).collect();
    if s.metadata()?.len() < m.shingles * SHINGLE_BYTES as u64 {
        return Ok(None);
    }
    s.set_len(m.shingles * SHINGLE_BYTES as u64)?;
    let text = std::fs::read_to_string(st.path("conversations.jsonl")).unwrap_or_default();
    let ids: Vec<String> = text
        .lines()
        .take(m.conversations as usize)
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    if ids.len() as u64 != m.conversations
        || units
            .iter()
            .any(|u| u.conv as usize >= ids.len() || u.at + u.len as u64 > m.shingles)
    {
        return Ok(None);
    }
    let keys = ids
        .iter()
        .map(|i| crate::index::document::id_key(i))
        .collect();
    // The pairs stand when confirmed at this threshold and whole; otherwise every candidate is
    // confirmed again (the shingles are still read from the store).
    let pairs = (m.params.threshold == wanted.params.threshold && m.paired <= m.units)
        .then(|| load_pairs(st, m.pairs))
        .transpose()?
        .flatten();
    let paired = if pairs.is_some() {
        m.paired as usize
    } else {
        0
    };
    let pairs_total = pairs.as_ref().map_or(0, Vec::len);
    Ok(Some(Work {
        units,
        ids,
        keys,
        shingles: m.shingles,
        pairs: pairs.unwrap_or_default(),
        paired,
        pairs_total,
    }))
}

/// The first `count` pairs of `pairs.bin` (the file cut back to them), or None when it holds
/// fewer.
fn load_pairs(st: &Store, count: u64) -> Result<Option<Vec<(u32, u32, f64)>>> {
    let Ok(mut f) = crate::fsutil::open_rw(&st.path("pairs.bin")) else {
        return Ok(None);
    };
    let need = count as usize * PAIR_BYTES;
    if f.metadata()?.len() < need as u64 {
        return Ok(None);
    }
    let mut raw = vec![0u8; need];
    if f.read_exact(&mut raw).is_err() {
        return Ok(None);
    }
    f.set_len(need as u64)?;
    Ok(Some(
        raw.chunks_exact(PAIR_BYTES)
            .map(|b| {
                let u32_at =
                    |i: usize| u32::from_le_bytes(b[i..i + 4].try_into().unwrap_or_default());
                let j = f64::from_le_bytes(b[8..16].try_into().unwrap_or_default());
                (u32_at(0), u32_at(4), j)
            })
            .collect(),
    ))
}

/// Appends this build's confirmed pairs to `pairs.bin` (emptied first when `fresh`), synced
/// before the manifest counts them.
fn save_pairs(st: &Store, pairs: &[(u32, u32, f64)], fresh: bool) -> Result<()> {
    let mut f = crate::fsutil::open_append_private(&st.path("pairs.bin"))?;
    if fresh {
        f.set_len(0)?;
    }
    f.seek(SeekFrom::End(0))?;
    let mut out = BufWriter::new(f);
    for &(x, y, j) in pairs {
        out.write_all(&x.to_le_bytes())?;
        out.write_all(&y.to_le_bytes())?;
        out.write_all(&j.to_le_bytes())?;
    }
    out.flush().context("cannot write the store")?;
    out.get_ref().sync_data().context("cannot sync the store")?;
    Ok(())
}

fn save_manifest(st: &Store, wanted: &Manifest, w: &Work) -> Result<()> {
    let m = Manifest {
        units: w.units.len() as u64,
        shingles: w.shingles,
        conversations: w.ids.len() as u64,
        pairs: w.pairs_total as u64,
        paired: w.paired as u64,
        ..wanted.clone()
    };
    let bytes = serde_json::to_vec(&m).context("cannot encode the store manifest")?;
    crate::fsutil::write_atomic(&st.path("store.json"), &bytes)
}

/// Reads the conversations not in `work` yet, appending their units to the store; how many
/// it read. Starting afresh (`append` false) the files are emptied first.
fn scan(
    index: &ConvIndex,
    st: &Store,
    work: &mut Work,
    scope: Scope,
    min_words: usize,
    cancel: &AtomicBool,
    append: bool,
) -> Result<usize> {
    let open = |name: &str| -> Result<BufWriter<File>> {
        let mut f = crate::fsutil::open_append_private(&st.path(name))?;
        if !append {
            f.set_len(0)?;
        }
        f.seek(SeekFrom::End(0))?;
        Ok(BufWriter::new(f))
    };
    let mut units_out = open("units.bin")?;
    let mut shingles_out = open("shingles.bin")?;
    let mut ids_out = open("conversations.jsonl")?;
    let searcher = index.searcher();
    // New conversations only: the id key column says which, without loading documents.
    let mut fresh = Vec::new();
    for (s, seg) in searcher.segment_readers().iter().enumerate() {
        let keys = seg
            .fast_fields()
            .u64("id_key")
            .context("the index has no id key column")?;
        for d in seg.doc_ids_alive() {
            let k = keys.first(d).unwrap_or(0);
            if !work.keys.contains(&k) {
                fresh.push(tantivy::DocAddress::new(s as u32, d));
            }
        }
    }
    for chunk in fresh.chunks(CHUNK) {
        if cancel.load(Ordering::Relaxed) {
            bail!("interrupted; the previous groups are unchanged");
        }
        type Read = (String, Vec<(u32, u32, Vec<u32>)>);
        let part: Vec<Result<Read>> = chunk
            .par_iter()
            .map(|a| {
                let conv = index.load(&searcher, *a)?;
                let texts: Vec<(u32, String)> = match scope {
                    Scope::Conversation => vec![(
                        NO_MESSAGE,
                        conv.messages
                            .iter()
                            .map(|m| m.text.as_str())
                            .collect::<Vec<_>>()
                            .join("\n"),
                    )],
                    Scope::Reply => conv
                        .messages
                        .iter()
                        .filter(|m| m.role == Role::Assistant)
                        .map(|m| (m.index, m.text.clone()))
                        .collect(),
                };
                let units = texts
                    .into_iter()
                    .filter_map(|(message, text)| {
                        let words = crate::index::analyzer::tokenize(&text).len();
                        let shingles = minhash::shingles(&text);
                        (!shingles.is_empty() && words >= min_words).then_some((
                            message,
                            words.min(u32::MAX as usize) as u32,
                            shingles,
                        ))
                    })
                    .collect();
                Ok((conv.id, units))
            })
            .collect();
        for p in part {
            let (id, units) = p?;
            let conv = work.ids.len() as u32;
            serde_json::to_writer(&mut ids_out, &id).context("cannot write the store")?;
            ids_out.write_all(b"\n")?;
            work.keys.insert(crate::index::document::id_key(&id));
            work.ids.push(id);
            for (message, words, shingles) in units {
                let u = Unit {
                    conv,
                    message,
                    words,
                    at: work.shingles,
                    len: shingles.len() as u32,
                    bands: minhash::band_keys(&shingles),
                };
                for s in &shingles {
                    shingles_out.write_all(&s.to_le_bytes())?;
                }
                work.shingles += shingles.len() as u64;
                u.write(&mut units_out)?;
                work.units.push(u);
            }
        }
    }
    for mut f in [units_out, shingles_out, ids_out] {
        f.flush().context("cannot write the store")?;
        f.get_ref().sync_data().context("cannot sync the store")?;
    }
    Ok(fresh.len())
}

/// Candidate pairs: units sharing a band key, sorted and deduplicated.
/// Calls `emit` with every candidate pair (lower unit first) of units sharing a band key
/// with a unit numbered `from` or above (the rest were confirmed before). A pair that shares
/// several bands comes several times.
fn each_candidate(
    units: &[Unit],
    from: u32,
    mut emit: impl FnMut(u32, u32) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut keyed: Vec<(u32, u32)> = Vec::with_capacity(units.len());
    for b in 0..BANDS {
        keyed.clear();
        keyed.extend(
            units
                .iter()
                .enumerate()
                .map(|(i, u)| (u.bands[b], i as u32)),
        );
        keyed.par_sort_unstable();
        // Units ascend within a run, so a run whose last unit is old holds no new pair.
        for run in keyed
            .chunk_by(|a, b| a.0 == b.0)
            .filter(|r| r.len() > 1 && r[r.len() - 1].1 >= from)
        {
            if run.len() <= FULL_BUCKET {
                for (k, &(_, x)) in run.iter().enumerate() {
                    for &(_, y) in &run[k + 1..] {
                        if y >= from {
                            emit(x, y)?;
                        }
                    }
                }
            } else {
                for &(_, anchor) in run.iter().take(ANCHORS) {
                    for &(_, y) in run {
                        if y != anchor && anchor.max(y) >= from {
                            emit(anchor.min(y), anchor.max(y))?;
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

/// The candidate pairs of a few units, in memory, each once.
pub(super) fn candidates(units: &[Unit], from: u32) -> Vec<(u32, u32)> {
    let mut pairs = Vec::new();
    let _ = each_candidate(units, from, |x, y| {
        pairs.push((x, y));
        Ok(())
    });
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

/// Confirms the candidate pairs with a unit numbered `from` or above: the pairs are spilled
/// to files in the store by the range of their lower unit (an external sort: the same pair
/// comes from many bands, and all of them would not fit), then each part is read back,
/// deduplicated and confirmed by exact Jaccard in blocks of the store.
fn confirm_candidates(
    st: &Store,
    units: &[Unit],
    from: u32,
    threshold: f64,
    set: &(dyn Fn(u32) -> Vec<u32> + Sync),
    cancel: &AtomicBool,
) -> Result<Vec<(u32, u32, f64)>> {
    let parts = units.len().div_ceil(PART_UNITS).max(1);
    let span = units.len().div_ceil(parts).max(1) as u32;
    let path = |k: usize| st.path(&format!("candidates-{k}.tmp"));
    // Parts a killed build left behind (there may have been more of them).
    if let Ok(dir) = std::fs::read_dir(&st.dir) {
        for e in dir.flatten() {
            let name = e.file_name();
            let name = name.to_string_lossy();
            if name.starts_with("candidates-") && name.ends_with(".tmp") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let mut files = Vec::with_capacity(parts);
    for k in 0..parts {
        let f = crate::fsutil::open_append_private(&path(k))?;
        f.set_len(0)?;
        files.push(BufWriter::with_capacity(1 << 16, f));
    }
    each_candidate(units, from, |x, y| {
        let w = &mut files[(x / span) as usize];
        w.write_all(&x.to_le_bytes())?;
        w.write_all(&y.to_le_bytes())
    })
    .context("cannot write the candidate pairs")?;
    for mut f in files {
        f.flush().context("cannot write the candidate pairs")?;
    }
    let block = |i: u32| units[i as usize].at / BLOCK_SHINGLES;
    let mut confirmed = Vec::new();
    for k in 0..parts {
        if cancel.load(Ordering::Relaxed) {
            bail!("interrupted; the previous groups are unchanged");
        }
        let mut r = std::io::BufReader::with_capacity(1 << 20, File::open(path(k))?);
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        let mut b = [0u8; 8];
        while r.read_exact(&mut b).is_ok() {
            let x = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            let y = u32::from_le_bytes([b[4], b[5], b[6], b[7]]);
            pairs.push((x, y));
        }
        drop(r);
        let _ = std::fs::remove_file(path(k));
        pairs.par_sort_unstable();
        pairs.dedup();
        // By block of the store, then unit: the pages each thread reads stay within two blocks.
        pairs.par_sort_unstable_by_key(|&(x, y)| (block(x), block(y), x, y));
        confirmed.par_extend(pairs.par_iter().filter_map(|&(x, y)| {
            let j = minhash::jaccard(&set(x), &set(y));
            (j >= threshold).then_some((x, y, j))
        }));
    }
    Ok(confirmed)
}

/// Group ids: a group led by the principal of an earlier group keeps that group's id (so a
/// reviewer's `group:G000012` still means it after an import); the others are numbered on.
fn name(groups: &mut [Group], previous: Option<&Groups>) {
    let mut old: HashMap<(String, Option<u32>), String> = HashMap::new();
    let mut next = 1u64;
    for g in previous.map(|p| p.groups.as_slice()).unwrap_or(&[]) {
        let lead = &g.members[0];
        old.insert((lead.conversation.clone(), lead.message), g.id.clone());
        if let Some(n) = g.id.strip_prefix('G').and_then(|n| n.parse::<u64>().ok()) {
            next = next.max(n + 1);
        }
    }
    let mut used: HashSet<String> = HashSet::new();
    for g in groups.iter_mut() {
        let lead = &g.members[0];
        if let Some(id) = old.get(&(lead.conversation.clone(), lead.message))
            && used.insert(id.clone())
        {
            g.id = id.clone();
        }
    }
    for g in groups.iter_mut().filter(|g| g.id.is_empty()) {
        g.id = format!("G{next:06}");
        used.insert(g.id.clone());
        next += 1;
    }
}
