//! `audit.head`: the signed name of the trail's newest entry, and how it stands to the trail.
//!
//! Each write signs a head over the entry it wrote, and that head vouches for the whole chain
//! before it. So before anything is written, the head is checked against the trail's end: a
//! head that does not cover it (writes that could not update the head on a full disk, a cut or
//! edited tail, lines added by hand, a deleted, rewritten or unsigned head) is recorded as an
//! `audit-head-gap` entry first, holding the head as found. The next signed head then never
//! vouches silently for what no head covered, and [`check_gap`] reads the record back.

use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::anchor;
use crate::hashing::sha256_hex;

/// The event that records a head found not to cover the trail.
pub const GAP_EVENT: &str = "audit-head-gap";

/// The newest entry, kept beside the trail so a cut-off tail is noticed; signed by the key
/// of whoever wrote it, so it cannot be rewritten to match an edited chain.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(super) struct Head {
    pub seq: u64,
    pub hash: String,
    /// Ed25519 public key (hex) and signature (hex) over [`anchor::head_message`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sig: Option<String>,
}

impl Head {
    /// Why the signature does not vouch for the head, if it does not; `keys` are the keys the
    /// trail introduced. A head signed by `own` key is checked by signing it again (Ed25519
    /// signs deterministically), which is quicker than verifying; a signature that differs
    /// from ours counts as a fault, which can only err towards recording a gap.
    pub fn signature_fault(
        &self,
        keys: &[String],
        own: Option<&anchor::SigningKey>,
    ) -> Option<&'static str> {
        match (&self.key, &self.sig) {
            (Some(k), Some(sig)) => {
                let msg = anchor::head_message(self.seq, &self.hash);
                let valid = match own {
                    Some(o) if o.public_hex() == *k => o.sign_hex(&msg) == *sig,
                    _ => anchor::valid_signature(k, &msg, sig),
                };
                if !valid {
                    Some("its signature does not match it (the head was rewritten)")
                } else if !keys.contains(k) {
                    Some("it is signed by a key the trail never introduced")
                } else {
                    None
                }
            }
            _ => Some(
                "it is unsigned (verbatim signs every head it writes: it was rewritten, or written without a signing key)",
            ),
        }
    }
}

pub(super) fn path(matter_dir: &Path) -> PathBuf {
    matter_dir.join("audit.head")
}

/// The head as it is on disk; an unreadable one counts as missing.
pub(super) fn read(matter_dir: &Path) -> Option<Head> {
    std::fs::read(path(matter_dir))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
}

/// How the head on disk stands to the trail's end, as the next write finds it.
#[derive(Debug, PartialEq)]
pub(super) enum Standing {
    /// It names the last entry (or there is neither head nor entry).
    Covers,
    /// It names the entry before the last, or there is no head and one entry: a command stopped
    /// between its entry and its head. The next write signs a head over entry `seq` first, so a
    /// second interruption does not leave two entries uncovered.
    Interrupted { seq: u64 },
    /// Anything else: the data of the `audit-head-gap` entry to record first.
    Gap(Value),
}

/// How `head` (as found on disk) stands to the trail: `last_two` are the trail's last two
/// complete lines, newest first; `keys` the matter's listed keys; `own` this writer's key. A
/// head whose signature does not vouch for it is a gap however it stands.
pub(super) fn standing(
    head: Option<&Head>,
    last_two: (Option<&[u8]>, Option<&[u8]>),
    keys: &[String],
    own: &anchor::SigningKey,
) -> Result<Standing> {
    let end = match last_two.0 {
        Some(line) => {
            #[derive(Deserialize)]
            struct Seq {
                seq: u64,
            }
            // An unreadable last entry stops the write itself, with its own error.
            let Ok(s) = serde_json::from_slice::<Seq>(line) else {
                return Ok(Standing::Covers);
            };
            Some((s.seq, sha256_hex(line)))
        }
        None => None,
    };
    let why = match (head, &end) {
        (None, None) => return Ok(Standing::Covers),
        (None, Some((1, _))) if last_two.1.is_none() => {
            return Ok(Standing::Interrupted { seq: 1 });
        }
        (None, Some(_)) => "audit.head is missing",
        (Some(_), None) => "the trail is empty but audit.head names an entry",
        (Some(h), Some((n, hash))) => {
            let covers = h.seq == *n && h.hash == *hash;
            let one_short = h.seq + 1 == *n && last_two.1.is_some_and(|p| sha256_hex(p) == h.hash);
            if !covers && !one_short {
                if h.seq < *n {
                    "audit.head names an earlier entry than the trail's last"
                } else {
                    "audit.head does not name the trail's last entry"
                }
            } else if h.signature_fault(keys, Some(own)).is_some() {
                "audit.head's signature does not vouch for it"
            } else if one_short {
                return Ok(Standing::Interrupted { seq: *n });
            } else {
                return Ok(Standing::Covers);
            }
        }
    };
    Ok(Standing::Gap(serde_json::json!({
        "why": why,
        "head": head,
        "trail_end": end.map(|(seq, hash)| serde_json::json!({"seq": seq, "hash": hash})),
    })))
}

/// Entries no signed head vouched for: `from..=to`, and why.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Unvouched {
    pub from: u64,
    pub to: u64,
    pub why: String,
}

/// What a head (found on disk, or recorded by the gap entry `at`) says of the chain's first
/// `n` entries, whose line hashes are `hashes`: `Err((line, reason))` when it shows the chain
/// was cut or changed or the head was rewritten; else the entries after it that it leaves
/// unvouched.
pub(super) fn check(
    head: Option<&Head>,
    hashes: &[String],
    keys: &[String],
    at: Option<u64>,
) -> Result<Option<Unvouched>, (u64, String)> {
    let n = hashes.len() as u64;
    // Present tense for the head on disk; past for one a gap entry recorded.
    let (when, was, names, ends) = match at {
        Some(m) => (
            format!("when entry {m} was written, "),
            "was",
            "named",
            "ended",
        ),
        None => (String::new(), "is", "names", "ends"),
    };
    let Some(h) = head.filter(|h| h.seq > 0) else {
        return Ok((n > 0).then(|| Unvouched {
            from: 1,
            to: n,
            why: format!("{when}audit.head {was} missing"),
        }));
    };
    if h.seq > n {
        return Err((
            n + 1,
            format!(
                "{when}audit.head {names} entry {} but the trail {ends} at entry {n}: entries were removed from the end",
                h.seq
            ),
        ));
    }
    if hashes[h.seq as usize - 1] != h.hash {
        return Err((
            h.seq,
            format!(
                "{when}audit.head {names} entry {} with a different hash: the entry was changed after the head named it",
                h.seq
            ),
        ));
    }
    if let Some(fault) = h.signature_fault(keys, None) {
        return Err((
            n.max(1),
            format!("{when}audit.head {was} not vouched for by its signature: {fault}"),
        ));
    }
    Ok((h.seq < n).then(|| Unvouched {
        from: h.seq + 1,
        to: n,
        why: format!(
            "{when}the last signed head {names} entry {}: these were written by commands that could not update audit.head (a full disk), or added by hand",
            h.seq
        ),
    }))
}

/// Reads back a gap entry (the `lineno`th) against the chain before it.
pub(super) fn check_gap(
    data: &serde_json::Map<String, Value>,
    lineno: u64,
    hashes: &[String],
    keys: &[String],
) -> Result<Option<Unvouched>, (u64, String)> {
    let head: Option<Head> = match data.get("head") {
        None | Some(Value::Null) => None,
        Some(v) => Some(serde_json::from_value(v.clone()).map_err(|e| {
            (
                lineno,
                format!("entry {lineno} records an unreadable audit.head: {e}"),
            )
        })?),
    };
    check(head.as_ref(), hashes, keys, Some(lineno))
}
