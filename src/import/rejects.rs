//! `rejects.jsonl`: every record import could not read, with where it was and why.

use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Reject {
    pub time: chrono::DateTime<chrono::Utc>,
    pub file: String,
    pub record: u64,
    pub offset: u64,
    pub line: u64,
    pub column: u64,
    pub reason: String,
    /// The first bytes of the record (lossy UTF-8), to help find it.
    pub excerpt: String,
    /// A Parquet record's row group and row within it (0-based, as pyarrow counts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row_group: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u64>,
}

impl Reject {
    /// One line for the terminal.
    pub fn describe(&self) -> String {
        if let (Some(g), Some(r)) = (self.row_group, self.row) {
            return format!(
                "{}: row group {g}, row {r} (record {}): {}",
                self.file, self.record, self.reason
            );
        }
        format!(
            "{}: record {} (byte {}, line {}, column {}): {}",
            self.file, self.record, self.offset, self.line, self.column, self.reason
        )
    }
}

pub struct RejectLog {
    out: BufWriter<std::fs::File>,
}

impl RejectLog {
    pub fn open(path: &Path) -> Result<RejectLog> {
        Ok(RejectLog {
            out: BufWriter::new(crate::fsutil::open_append_private(path)?),
        })
    }

    pub fn write(&mut self, r: &Reject) -> Result<()> {
        serde_json::to_writer(&mut self.out, r).context("cannot write rejects.jsonl")?;
        self.out
            .write_all(b"\n")
            .context("cannot write rejects.jsonl")
    }

    /// Makes the log durable (called at each index commit).
    pub fn sync(&mut self) -> Result<()> {
        self.out.flush().context("cannot write rejects.jsonl")?;
        self.out
            .get_ref()
            .sync_data()
            .context("cannot sync rejects.jsonl")
    }
}

/// The first `max` bytes of a record, as text.
pub fn excerpt(bytes: &[u8], max: usize) -> String {
    let cut = bytes.len().min(max);
    let mut s = String::from_utf8_lossy(&bytes[..cut]).into_owned();
    if bytes.len() > max {
        s.push('…');
    }
    s
}
