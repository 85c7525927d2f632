//! Signatures and checkpoints for the audit trail.
//!
//! Each writer has an Ed25519 key kept outside the matter (the user's config directory, or
//! `$VERBATIM_AUDIT_KEY`), so whoever can edit the matter's files cannot forge a signature. Every
//! write of `audit.head` is signed; the public keys that ever signed are listed in the matter
//! (`audit.keys`), each introduced by an `audit-key` entry in the chain. `verbatim audit anchor`
//! prints a signed checkpoint (entry count, head hash, time) to keep elsewhere; `verify
//! --anchor` fails unless the trail still holds that entry with that hash.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signer, Verifier};

use crate::fsutil;
use crate::hashing::hex;

/// What a head signature covers.
pub fn head_message(seq: u64, hash: &str) -> Vec<u8> {
    format!("verbatim-audit-head:v1:{seq}:{hash}").into_bytes()
}

fn checkpoint_message(seq: u64, hash: &str, time: &str) -> Vec<u8> {
    format!("verbatim-anchor:v1:{seq}:{hash}:{time}").into_bytes()
}

fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    if s.len() != 2 * N || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// Whether `sig_hex` is `key_hex`'s signature of `msg`.
pub fn valid_signature(key_hex: &str, msg: &[u8], sig_hex: &str) -> bool {
    let (Some(k), Some(s)) = (unhex::<32>(key_hex), unhex::<64>(sig_hex)) else {
        return false;
    };
    let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(&k) else {
        return false;
    };
    key.verify(msg, &ed25519_dalek::Signature::from_bytes(&s))
        .is_ok()
}

/// This user's signing key.
pub struct SigningKey(ed25519_dalek::SigningKey);

impl SigningKey {
    /// Where the key is kept: `$VERBATIM_AUDIT_KEY`, else the config directory.
    pub fn path() -> Option<PathBuf> {
        if let Some(p) = std::env::var_os("VERBATIM_AUDIT_KEY").filter(|p| !p.is_empty()) {
            return Some(PathBuf::from(p));
        }
        directories::ProjectDirs::from("", "", "verbatim")
            .map(|d| d.config_dir().join("audit-signing.key"))
    }

    /// Loads the key, creating it (private, 0600) on first use.
    pub fn load_or_create() -> Result<SigningKey> {
        let path = Self::path().context("no config directory for the audit signing key")?;
        Self::load_or_create_at(&path)
    }

    pub fn load_or_create_at(path: &Path) -> Result<SigningKey> {
        match fsutil::open_read(path)? {
            Some(mut f) => {
                let mut s = String::new();
                std::io::Read::read_to_string(&mut f, &mut s)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                let Some(bytes) = unhex::<32>(s.trim()) else {
                    bail!("{} is not an audit signing key", path.display());
                };
                Ok(SigningKey(ed25519_dalek::SigningKey::from_bytes(&bytes)))
            }
            None => {
                let mut seed = [0u8; 32];
                getrandom::fill(&mut seed)
                    .map_err(|e| anyhow::anyhow!("no randomness for a signing key: {e}"))?;
                if let Some(dir) = path.parent() {
                    fsutil::create_private_dir(dir)?;
                }
                fsutil::write_atomic(path, format!("{}\n", hex(&seed)).as_bytes())?;
                Ok(SigningKey(ed25519_dalek::SigningKey::from_bytes(&seed)))
            }
        }
    }

    pub fn public_hex(&self) -> String {
        hex(self.0.verifying_key().as_bytes())
    }

    pub fn sign_hex(&self, msg: &[u8]) -> String {
        hex(&self.0.sign(msg).to_bytes())
    }
}

/// A checkpoint of the trail: keep it outside the machine (print it, mail it, file it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: u64,
    pub hash: String,
    pub time: String,
    pub key: String,
    pub sig: String,
}

impl Checkpoint {
    /// Signs a checkpoint of entry `seq` whose line hashes to `hash`.
    pub fn sign(key: &SigningKey, seq: u64, hash: &str, time: DateTime<Utc>) -> Checkpoint {
        let time = time.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        Checkpoint {
            seq,
            hash: hash.to_string(),
            sig: key.sign_hex(&checkpoint_message(seq, hash, &time)),
            time,
            key: key.public_hex(),
        }
    }

    /// `verbatim-anchor:v1:SEQ:HASH:TIME:KEY:SIG`, one line.
    pub fn encode(&self) -> String {
        format!(
            "verbatim-anchor:v1:{}:{}:{}:{}:{}",
            self.seq, self.hash, self.time, self.key, self.sig
        )
    }

    pub fn parse(s: &str) -> Result<Checkpoint> {
        let s = s.trim();
        let rest = s
            .strip_prefix("verbatim-anchor:v1:")
            .context("a checkpoint starts with verbatim-anchor:v1:")?;
        // The time holds colons: split the fixed fields from both ends.
        let parts: Vec<&str> = rest.split(':').collect();
        if parts.len() < 5 {
            bail!("a checkpoint has the form verbatim-anchor:v1:SEQ:HASH:TIME:KEY:SIG");
        }
        let n = parts.len();
        let c = Checkpoint {
            seq: parts[0].parse().context("the checkpoint's entry number")?,
            hash: parts[1].to_string(),
            time: parts[2..n - 2].join(":"),
            key: parts[n - 2].to_string(),
            sig: parts[n - 1].to_string(),
        };
        if !c.signature_valid() {
            bail!("the checkpoint's signature does not match its contents (it was altered)");
        }
        Ok(c)
    }

    pub fn signature_valid(&self) -> bool {
        valid_signature(
            &self.key,
            &checkpoint_message(self.seq, &self.hash, &self.time),
            &self.sig,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoints_round_trip_and_resist_edits() {
        let dir = tempfile::tempdir().unwrap();
        let key = SigningKey::load_or_create_at(&dir.path().join("k")).unwrap();
        let again = SigningKey::load_or_create_at(&dir.path().join("k")).unwrap();
        assert_eq!(key.public_hex(), again.public_hex(), "the key is kept");
        let c = Checkpoint::sign(&key, 42, &"ab".repeat(32), Utc::now());
        let text = c.encode();
        assert_eq!(Checkpoint::parse(&text).unwrap(), c);
        let forged = text.replace(":42:", ":41:");
        assert!(Checkpoint::parse(&forged).is_err());
        assert!(valid_signature(
            &key.public_hex(),
            &head_message(3, "x"),
            &key.sign_hex(&head_message(3, "x"))
        ));
        assert!(!valid_signature(
            &key.public_hex(),
            &head_message(4, "x"),
            &key.sign_hex(&head_message(3, "x"))
        ));
    }
}
