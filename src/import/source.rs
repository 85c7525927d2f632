//! Opening an input file: transparent gzip/zstd decompression (recognised by magic bytes), a
//! running SHA-256 of the stored bytes, and a byte count for progress.

use std::cell::RefCell;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::rc::Rc;

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    pub fn as_str(self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        }
    }
}

/// What the hashing reader has seen so far.
#[derive(Default)]
pub struct RawState {
    sha: Sha256,
    pub bytes: u64,
}

/// Shared view of the raw bytes read, for progress and the final hash.
#[derive(Clone, Default)]
pub struct RawTap(Rc<RefCell<RawState>>);

impl RawTap {
    pub fn bytes(&self) -> u64 {
        self.0.borrow().bytes
    }

    /// The SHA-256 of all bytes read (meaningful once the whole file was read).
    pub fn sha256_hex(&self) -> String {
        let sha = self.0.borrow().sha.clone();
        crate::hashing::hex(&sha.finalize())
    }
}

struct TapReader<R> {
    inner: R,
    tap: RawTap,
}

impl<R: Read> Read for TapReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut st = self.tap.0.borrow_mut();
        st.sha.update(&buf[..n]);
        st.bytes += n as u64;
        Ok(n)
    }
}

/// An opened input: a reader of the decompressed bytes plus the tap on the raw ones.
pub struct Opened<'r> {
    pub reader: Box<dyn Read + 'r>,
    pub tap: RawTap,
    pub compression: Compression,
}

/// Opens `path`, recognising compression from its first bytes.
pub fn open(path: &Path) -> Result<Opened<'static>> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    open_reader(Box::new(file)).with_context(|| format!("cannot read {}", path.display()))
}

/// Wraps any reader the same way (the demo imports from memory, archives their members).
pub fn open_reader<'r>(raw: Box<dyn Read + 'r>) -> Result<Opened<'r>> {
    let tap = RawTap::default();
    let (head, raw) = peek(TapReader {
        inner: raw,
        tap: tap.clone(),
    })
    .context("cannot read the first bytes")?;
    let compression = if head.starts_with(&[0x1f, 0x8b]) {
        Compression::Gzip
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Compression::Zstd
    } else {
        Compression::None
    };
    let buffered = BufReader::with_capacity(1 << 16, raw);
    let reader: Box<dyn Read + 'r> = match compression {
        Compression::None => Box::new(buffered),
        Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(buffered)),
        Compression::Zstd => Box::new(
            zstd::stream::read::Decoder::with_buffer(buffered)
                .context("cannot start zstd decompression")?,
        ),
    };
    // What the (decompressed) bytes are, before they are taken for JSON: an archive, a
    // database or UTF-16 text is named rather than reported as bad JSON at byte 0.
    let (head, reader) = peek(reader).with_context(|| {
        format!(
            "cannot read the first bytes of the {} data",
            compression.as_str()
        )
    })?;
    if let Some(what) = super::container::foreign(&head) {
        let inside = match compression {
            Compression::None => String::new(),
            c => format!(" (inside {} compression)", c.as_str()),
        };
        anyhow::bail!("{what}{inside}");
    }
    Ok(Opened {
        reader: Box::new(reader),
        tap,
        compression,
    })
}

/// How many first bytes recognising a container needs (tar's magic is at 257).
pub const HEAD: u64 = 1024;

/// The first [`HEAD`] bytes of a reader, and a reader that still yields them.
pub fn peek<'r, R: Read + 'r>(mut r: R) -> std::io::Result<(Vec<u8>, impl Read + 'r)> {
    let mut head = Vec::with_capacity(HEAD as usize);
    (&mut r).take(HEAD).read_to_end(&mut head)?;
    Ok((head.clone(), std::io::Cursor::new(head).chain(r)))
}

/// SHA-256 of a file's bytes as stored.
pub fn sha256_file(path: &Path) -> Result<String> {
    let f = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    crate::hashing::sha256_reader(BufReader::new(f))
        .with_context(|| format!("cannot read {}", path.display()))
}

/// Whether a file name looks like something import reads (directories are filtered by it).
pub fn is_supported_name(name: &str) -> bool {
    is_conversation_name(name) || super::container::is_container_name(name)
}

/// A name import reads as conversation records (JSON, JSON Lines; gzip or zstd around them).
pub fn is_conversation_name(name: &str) -> bool {
    let base = crate::fsutil::uncompressed_name(name);
    base.ends_with(".json") || base.ends_with(".jsonl") || base.ends_with(".ndjson")
}
