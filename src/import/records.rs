//! Splits a stream of bytes into JSON records without holding more than one record in memory.
//!
//! Three layouts are recognised from the first bytes: a JSON array (`[` ...: each element is a
//! record), JSON Lines (one value per line), and a stream of values that span lines
//! (pretty-printed objects one after another). Records are found by a structural scan (strings,
//! escapes, nesting) and handed out as bytes with their record number, byte offset and line, so
//! that a bad record can be reported precisely and skipped while the rest goes on.

use std::collections::{BTreeMap, HashSet};
use std::io::Read;

use serde::de::IgnoredAny;

use anyhow::{Context, Result, bail};

/// Records larger than this are reported and skipped rather than buffered.
pub const DEFAULT_MAX_RECORD: usize = 512 << 20;

const CHUNK: usize = 1 << 16;

/// One record's bytes and where they were found.
#[derive(Debug, Clone)]
pub struct RawRecord {
    /// 1-based record number within the file.
    pub number: u64,
    /// Byte offset of the record's first byte in the (decompressed) stream.
    pub offset: u64,
    /// 1-based line and column of the record's first byte.
    pub line: u64,
    pub column: u64,
    pub bytes: Vec<u8>,
}

/// What the scanner yields.
#[derive(Debug)]
pub enum Item {
    Record(RawRecord),
    /// A record that cannot even be delimited or is too large; it is skipped.
    Bad {
        record: RawRecord,
        reason: String,
    },
    /// The stream ends in the middle of a record: everything before it was yielded.
    Truncated {
        record_number: u64,
        offset: u64,
        line: u64,
        reason: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Array,
    Lines,
    Stream,
    Empty,
}

impl Layout {
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Array => "json array",
            Layout::Lines => "json lines",
            Layout::Stream => "json values",
            Layout::Empty => "empty",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArrayState {
    /// Right after `[` or after a `,`.
    ExpectElement,
    /// After an element: `,` or `]` must follow.
    ExpectSeparator,
    Closed,
}

/// The record scanner. Call [`Scanner::next_item`] until it returns `None`.
pub struct Scanner<R: Read> {
    reader: R,
    buf: Vec<u8>,
    /// Start of unconsumed bytes in `buf`.
    pos: usize,
    /// Stream offset of `buf[0]`.
    base: u64,
    eof: bool,
    layout: Layout,
    array: ArrayState,
    records: u64,
    /// Line of `buf[pos]` (1-based) and stream offset where that line starts.
    line: u64,
    line_start: u64,
    max_record: usize,
    finished: bool,
    /// Bytes after the closing `]` that are not white space (reported once).
    trailing_note: Option<String>,
    /// Top-level keys of the first records that parsed: a resynchronisation point must look
    /// like a record of this file (a message object nested in a broken record does not).
    record_keys: HashSet<String>,
    /// Records whose keys were learnt.
    keyed_records: u32,
}

/// Records whose keys are learnt for resynchronisation.
const KEY_SAMPLE: u32 = 16;

impl<R: Read> Scanner<R> {
    /// Reads the first bytes to recognise the layout. A stream that is not JSON at all is an
    /// error naming the position.
    pub fn new(reader: R) -> Result<Scanner<R>> {
        Self::with_max_record(reader, DEFAULT_MAX_RECORD)
    }

    pub fn with_max_record(reader: R, max_record: usize) -> Result<Scanner<R>> {
        let mut s = Scanner {
            reader,
            buf: Vec::with_capacity(CHUNK * 2),
            pos: 0,
            base: 0,
            eof: false,
            layout: Layout::Empty,
            array: ArrayState::ExpectElement,
            records: 0,
            line: 1,
            line_start: 0,
            max_record,
            finished: false,
            trailing_note: None,
            record_keys: HashSet::new(),
            keyed_records: 0,
        };
        s.detect_layout()?;
        Ok(s)
    }

    /// True once the last record was handed out.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// Bytes consumed so far (decompressed).
    pub fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// A remark about the end of the stream (garbage after the array), if any.
    pub fn trailing_note(&self) -> Option<&str> {
        self.trailing_note.as_deref()
    }

    fn fill(&mut self) -> Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.pos > 0 && self.pos >= self.buf.len() / 2 {
            self.buf.drain(..self.pos);
            self.base += self.pos as u64;
            self.pos = 0;
        }
        let old = self.buf.len();
        self.buf.resize(old + CHUNK, 0);
        let n = loop {
            match self.reader.read(&mut self.buf[old..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.buf.truncate(old);
                    return Err(e)
                        .context(format!("read error at byte {}", self.base + old as u64));
                }
            }
        };
        self.buf.truncate(old + n);
        if n == 0 {
            self.eof = true;
        }
        Ok(n > 0)
    }

    /// Moves `pos` past white space (and a UTF-8 byte-order mark at the very start), keeping
    /// line counts. Returns false at the end of the stream.
    fn skip_ws(&mut self) -> Result<bool> {
        loop {
            while self.pos < self.buf.len() {
                match self.buf[self.pos] {
                    b'\n' => {
                        self.pos += 1;
                        self.line += 1;
                        self.line_start = self.offset();
                    }
                    b' ' | b'\t' | b'\r' => self.pos += 1,
                    0xEF if self.offset() == 0 => {
                        // Possible BOM: needs three bytes.
                        if self.buf.len() - self.pos < 3 && self.fill()? {
                            continue;
                        }
                        if self.buf[self.pos..].starts_with(&[0xEF, 0xBB, 0xBF]) {
                            self.pos += 3;
                            self.line_start = self.offset();
                        } else {
                            return Ok(true);
                        }
                    }
                    _ => return Ok(true),
                }
            }
            if !self.fill()? {
                return Ok(false);
            }
        }
    }

    fn position_of(&self, offset: u64) -> (u64, u64) {
        (self.line, offset.saturating_sub(self.line_start) + 1)
    }

    fn detect_layout(&mut self) -> Result<()> {
        if !self.skip_ws()? {
            self.layout = Layout::Empty;
            self.finished = true;
            return Ok(());
        }
        let b = self.buf[self.pos];
        match b {
            b'[' => {
                self.layout = Layout::Array;
                self.pos += 1;
            }
            b'{' | b'"' => {
                // JSON Lines when the first value ends on its own line; otherwise a stream of
                // values that span lines.
                match self.scan_value()? {
                    Some(end) => {
                        let single_line = !self.buf[self.pos..end].contains(&b'\n');
                        // Offsets relative to `pos`: `fill` may move the buffer.
                        let mut rel = end - self.pos;
                        loop {
                            while self.pos + rel < self.buf.len()
                                && matches!(self.buf[self.pos + rel], b' ' | b'\t' | b'\r')
                            {
                                rel += 1;
                            }
                            if self.pos + rel < self.buf.len() || !self.fill()? {
                                break;
                            }
                        }
                        let i = self.pos + rel;
                        let at_eol = i >= self.buf.len() || self.buf[i] == b'\n';
                        self.layout = if single_line && at_eol {
                            Layout::Lines
                        } else {
                            Layout::Stream
                        };
                    }
                    // The first value never ends: a one-line file cut off, or a huge value.
                    None => {
                        self.layout = if self.buf[self.pos..].contains(&b'\n') {
                            Layout::Stream
                        } else {
                            Layout::Lines
                        };
                    }
                }
            }
            0xFF | 0xFE | 0x00 if self.utf16().is_some() => {
                let order = self.utf16().unwrap_or("little-endian");
                bail!(
                    "the file is UTF-16 ({order}), not UTF-8: convert it first, e.g. \
                     `iconv -f UTF-16 -t UTF-8 FILE > FILE.utf8.jsonl`"
                );
            }
            other => {
                let (line, col) = self.position_of(self.offset());
                let shown = if other.is_ascii_graphic() {
                    format!("'{}'", other as char)
                } else {
                    format!("byte 0x{other:02x}")
                };
                bail!(
                    "not JSON: expected '[' or '{{' at byte {} (line {line}, column {col}), found {shown}",
                    self.offset()
                );
            }
        }
        Ok(())
    }

    /// `Some(byte order)` when the stream starts like UTF-16 text: a byte-order mark, or JSON
    /// punctuation with a NUL beside it.
    fn utf16(&self) -> Option<&'static str> {
        let b = &self.buf[self.pos..];
        match b {
            [0xFF, 0xFE, ..] => Some("little-endian"),
            [0xFE, 0xFF, ..] => Some("big-endian"),
            [b'[' | b'{', 0, ..] => Some("little-endian"),
            [0, b'[' | b'{', ..] => Some("big-endian"),
            _ => None,
        }
    }

    /// Finds the end (exclusive index into `buf`) of the JSON value starting at `pos`,
    /// reading more input as needed. `None` at end of stream. Only structure is checked.
    fn scan_value(&mut self) -> Result<Option<usize>> {
        let mut st = ValueScan::default();
        let mut i = self.pos;
        loop {
            if let Some(end) = st.advance(&self.buf, i) {
                return Ok(Some(end));
            }
            if self.buf.len() - self.pos > self.max_record {
                return Ok(None);
            }
            i = self.buf.len();
            let before = self.pos;
            if !self.fill()? {
                return Ok(st.end_at_eof(self.buf.len()));
            }
            i -= before - self.pos;
        }
    }

    /// The next record, or `None` when the stream is done.
    pub fn next_item(&mut self) -> Result<Option<Item>> {
        if self.finished {
            return Ok(None);
        }
        match self.layout {
            Layout::Empty => Ok(None),
            Layout::Lines => self.next_line(),
            Layout::Stream => self.next_stream_value(),
            Layout::Array => self.next_array_element(),
        }
    }

    fn next_line(&mut self) -> Result<Option<Item>> {
        if !self.skip_ws()? {
            self.finished = true;
            return Ok(None);
        }
        let start_off = self.offset();
        let (line, column) = self.position_of(start_off);
        let mut search_from = self.pos;
        let mut oversized = false;
        let end = loop {
            if let Some(i) = memchr::memchr(b'\n', &self.buf[search_from..]) {
                break Some(search_from + i);
            }
            if self.buf.len() - self.pos > self.max_record {
                oversized = true;
                // Drop what we have of this line and keep looking for its end.
                self.base += self.buf.len() as u64;
                self.buf.clear();
                self.pos = 0;
            }
            search_from = self.buf.len();
            let before = self.pos;
            if !self.fill()? {
                break None;
            }
            search_from -= before - self.pos;
        };
        self.records += 1;
        let number = self.records;
        let end_idx = end.unwrap_or(self.buf.len());
        oversized |= end_idx - self.pos > self.max_record;
        let bytes = if oversized {
            Vec::new()
        } else {
            // A byte-order mark inside the file (files concatenated with `cat`) is not data.
            let line_bytes = &self.buf[self.pos..end_idx];
            let mut b = line_bytes
                .strip_prefix(&[0xEF, 0xBB, 0xBF])
                .unwrap_or(line_bytes)
                .to_vec();
            while b
                .last()
                .is_some_and(|c| *c == b'\r' || *c == b' ' || *c == b'\t')
            {
                b.pop();
            }
            b
        };
        let record = RawRecord {
            number,
            offset: start_off,
            line,
            column,
            bytes,
        };
        match end {
            Some(i) => {
                self.pos = i + 1;
                self.line += 1;
                self.line_start = self.offset();
            }
            None => {
                self.pos = self.buf.len();
                self.finished = true;
            }
        }
        if oversized {
            return Ok(Some(Item::Bad {
                record,
                reason: format!("record larger than {} bytes", self.max_record),
            }));
        }
        Ok(Some(Item::Record(record)))
    }

    fn next_stream_value(&mut self) -> Result<Option<Item>> {
        if !self.skip_ws()? {
            self.finished = true;
            return Ok(None);
        }
        self.take_value()
    }

    fn next_array_element(&mut self) -> Result<Option<Item>> {
        loop {
            if self.array == ArrayState::Closed {
                if self.skip_ws()? {
                    // Records after the closing `]`: a broken record closed the array early
                    // (a lost `[`); the stretch is rejected and the records after it read.
                    let off = self.offset();
                    let (line, column) = self.position_of(off);
                    let why = "data after the array's closing ']'".to_string();
                    if let Some(item) =
                        self.resync(off, self.records + 1, line, column, Some(why))?
                    {
                        self.records += 1;
                        return Ok(Some(item));
                    }
                    let (line, col) = self.position_of(self.offset());
                    self.trailing_note = Some(format!(
                        "unexpected data after the closing ']' at byte {} (line {line}, column {col}); ignored",
                        self.offset()
                    ));
                }
                self.finished = true;
                return Ok(None);
            }
            if !self.skip_ws()? {
                self.finished = true;
                let offset = self.offset();
                let line = self.line;
                return Ok(Some(Item::Truncated {
                    record_number: self.records + 1,
                    offset,
                    line,
                    reason: "the file ends before the JSON array is closed".to_string(),
                }));
            }
            let b = self.buf[self.pos];
            match (self.array, b) {
                (_, b']') => {
                    self.pos += 1;
                    self.array = ArrayState::Closed;
                }
                (ArrayState::ExpectSeparator, b',') => {
                    self.pos += 1;
                    self.array = ArrayState::ExpectElement;
                }
                (ArrayState::ExpectElement, b',') => {
                    // An empty slot (`[a,,b]`): report it as a bad record and move on.
                    let off = self.offset();
                    let (line, column) = self.position_of(off);
                    self.records += 1;
                    self.pos += 1;
                    return Ok(Some(Item::Bad {
                        record: RawRecord {
                            number: self.records,
                            offset: off,
                            line,
                            column,
                            bytes: Vec::new(),
                        },
                        reason: "empty array element".to_string(),
                    }));
                }
                (ArrayState::ExpectSeparator, _) => {
                    // Missing comma: treat what follows as the next element.
                    self.array = ArrayState::ExpectElement;
                }
                (ArrayState::ExpectElement, _) => {
                    self.array = ArrayState::ExpectSeparator;
                    return self.take_value();
                }
                (ArrayState::Closed, _) => unreachable!("handled above"),
            }
        }
    }

    /// Takes one value starting at `pos` as a record.
    fn take_value(&mut self) -> Result<Option<Item>> {
        let start_off = self.offset();
        let (line, column) = self.position_of(start_off);
        self.records += 1;
        let number = self.records;
        let mut st = ValueScan::default();
        let mut i = self.pos;
        let mut oversized = false;
        let end = loop {
            if let Some(end) = st.advance(&self.buf, i) {
                break Some(end);
            }
            i = self.buf.len();
            if self.buf.len() - self.pos > self.max_record {
                // Keep scanning the structure but stop keeping the bytes.
                oversized = true;
                self.count_lines(self.pos, self.buf.len());
                self.base += self.buf.len() as u64;
                self.buf.clear();
                self.pos = 0;
                i = 0;
            }
            let before = self.pos;
            if !self.fill()? {
                break st.end_at_eof(self.buf.len());
            }
            i -= before - self.pos;
        };
        let Some(end) = end else {
            // The value never closes. Either the file really ends inside it, or a broken
            // record (a lost quote or bracket) swallowed the records after it: look for the
            // next record that parses before calling the file truncated.
            if !oversized && let Some(item) = self.resync(start_off, number, line, column, None)? {
                return Ok(Some(item));
            }
            self.pos = self.buf.len();
            self.finished = true;
            return Ok(Some(Item::Truncated {
                record_number: number,
                offset: start_off,
                line,
                reason: format!("the file ends in the middle of record {number}"),
            }));
        };
        oversized |= end - self.pos > self.max_record;
        let mut end = end;
        if !oversized {
            // Structure alone can be fooled by one lost quote; the record must parse.
            let problem = match st.problem.take() {
                Some(p) => Some(p),
                None => check_record(
                    &mut self.record_keys,
                    &mut self.keyed_records,
                    &self.buf[self.pos..end],
                )
                .map(|e| {
                    let at = RawRecord {
                        number,
                        offset: start_off,
                        line,
                        column,
                        bytes: self.buf[self.pos..end].to_vec(),
                    };
                    json_error(&at, &e)
                }),
            };
            if let Some(reason) = problem {
                let end_rel = end - self.pos;
                if let Some(item) =
                    self.resync(start_off, number, line, column, Some(reason.clone()))?
                {
                    return Ok(Some(item));
                }
                // No record follows: this one is bad on its own (the buffer may have moved).
                end = self.pos + end_rel;
                st.problem = Some(reason);
            }
        }
        let record_bytes = if oversized {
            Vec::new()
        } else {
            let mut b = self.buf[self.pos..end].to_vec();
            while b.last().is_some_and(u8::is_ascii_whitespace) {
                b.pop();
            }
            b
        };
        self.count_lines(self.pos, end);
        self.pos = end;
        let record = RawRecord {
            number,
            offset: start_off,
            line,
            column,
            bytes: record_bytes,
        };
        if oversized {
            return Ok(Some(Item::Bad {
                record,
                reason: format!("record larger than {} bytes", self.max_record),
            }));
        }
        if let Some(reason) = st.problem {
            return Ok(Some(Item::Bad { record, reason }));
        }
        Ok(Some(Item::Record(record)))
    }

    /// Whether a value found while resynchronising looks like a record of this file.
    /// It must carry the message-list key this file's records use (any such key before a
    /// good record was seen), or, in a file whose records have none, share a key with them.
    fn plausible_record(&self, bytes: &[u8]) -> bool {
        let Ok(m) = serde_json::from_slice::<BTreeMap<String, IgnoredAny>>(bytes) else {
            return false;
        };
        let known: Vec<&str> = MESSAGE_KEYS
            .iter()
            .copied()
            .filter(|k| self.record_keys.contains(*k))
            .collect();
        if !known.is_empty() {
            known.iter().any(|k| m.contains_key(*k))
        } else if !self.record_keys.is_empty() {
            m.keys().any(|k| self.record_keys.contains(k))
        } else {
            MESSAGE_KEYS.iter().any(|k| m.contains_key(*k))
        }
    }

    /// After a record that does not parse (starting at `pos`, stream offset `start_off`):
    /// finds the next object that parses as a record of this file. The stretch before it becomes one bad record with its byte range
    /// and the scan resumes there. `None` when no such object follows (`reason` is `None` when
    /// the record never closed: the file is truncated).
    fn resync(
        &mut self,
        start_off: u64,
        number: u64,
        line: u64,
        column: u64,
        reason: Option<String>,
    ) -> Result<Option<Item>> {
        // Offsets relative to `pos` (refills move the buffer, never past `pos`).
        let mut rel = 1usize;
        loop {
            let from = self.pos + rel;
            let Some(k) = memchr::memchr(b'{', &self.buf[from.min(self.buf.len())..]) else {
                rel = self.buf.len() - self.pos;
                if self.buf.len() - self.pos > self.max_record || !self.fill()? {
                    break;
                }
                continue;
            };
            let cand = from + k - self.pos;
            // Any `{` may start the next record: damage can eat separators, or leave a record
            // as a key's value (`"model": {"id": ...`). Records never nest records, so
            // [`Scanner::plausible_record`] tells them from the objects inside one.
            rel = cand + 1;
            let Some(end) = self.scan_from(cand)? else {
                continue;
            };
            if !self.plausible_record(&self.buf[self.pos + cand..self.pos + end]) {
                continue;
            }
            let at = self.pos + cand;
            let end_off = self.base + at as u64;
            let why = reason.unwrap_or_else(|| "the record never closes".to_string());
            self.count_lines(self.pos, at);
            self.pos = at;
            if self.layout == Layout::Array {
                self.array = ArrayState::ExpectElement;
            }
            return Ok(Some(Item::Bad {
                record: RawRecord {
                    number,
                    offset: start_off,
                    line,
                    column,
                    bytes: Vec::new(),
                },
                reason: format!(
                    "unreadable stretch at bytes {start_off}..{end_off} ({} bytes; {why}); \
                     resumed at the next record",
                    end_off - start_off
                ),
            }));
        }
        Ok(None)
    }

    /// The end (relative to `pos`) of the value starting at `pos + rel`, reading on as needed;
    /// `None` when it does not close before the end of input or the record size limit.
    fn scan_from(&mut self, rel: usize) -> Result<Option<usize>> {
        let mut st = ValueScan::default();
        let mut i = self.pos + rel;
        loop {
            if let Some(end) = st.advance(&self.buf, i) {
                return Ok(st.problem.is_none().then(|| end - self.pos));
            }
            if self.buf.len() - (self.pos + rel) > self.max_record {
                return Ok(None);
            }
            i = self.buf.len();
            let before = self.pos;
            if !self.fill()? {
                return Ok(None);
            }
            i -= before - self.pos;
        }
    }

    fn count_lines(&mut self, from: usize, to: usize) {
        let slice = &self.buf[from..to];
        let n = memchr::memchr_iter(b'\n', slice).count() as u64;
        if n > 0 {
            self.line += n;
            let last = memchr::memrchr(b'\n', slice).unwrap_or(0);
            self.line_start = self.base + (from + last + 1) as u64;
        }
    }
}

/// A JSON error in a record, placed in the file: byte offset, line and column.
pub fn json_error(raw: &RawRecord, e: &serde_json::Error) -> String {
    let (line, col) = (e.line() as u64, e.column() as u64);
    let abs_line = raw.line + line.saturating_sub(1);
    let abs_col = if line <= 1 {
        raw.column + col.saturating_sub(1)
    } else {
        col
    };
    // Byte offset of the error inside the record.
    let mut off = 0usize;
    let mut l = 1u64;
    for (i, b) in raw.bytes.iter().enumerate() {
        if l == line {
            off = i + (col.saturating_sub(1) as usize);
            break;
        }
        if *b == b'\n' {
            l += 1;
        }
    }
    let msg = e.to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
    format!(
        "invalid JSON at byte {} (line {abs_line}, column {abs_col}): {msg}",
        raw.offset + off as u64
    )
}

/// Salvages the records in one line that does not parse as a whole (a lost line break
/// joined two records; a stray byte before a record): the byte ranges of every object in it
/// that parses and carries a message list, and of the stretches between them. `None` when
/// there is no such object, or it is the whole line: the line is one bad record.
pub fn split_values(bytes: &[u8]) -> Option<Vec<(usize, usize)>> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(k) = memchr::memchr(b'{', &bytes[at..]) {
        let p = at + k;
        let mut it = serde_json::Deserializer::from_slice(&bytes[p..])
            .into_iter::<BTreeMap<String, IgnoredAny>>();
        match it.next() {
            Some(Ok(m)) if MESSAGE_KEYS.iter().any(|k| m.contains_key(*k)) => {
                let end = p + it.byte_offset();
                found.push((p, end));
                at = end;
            }
            _ => at = p + 1,
        }
    }
    if found.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    let mut prev = 0;
    let blank = |s: &[u8]| s.iter().all(|b| b.is_ascii_whitespace());
    for (a, b) in found {
        if !blank(&bytes[prev..a]) {
            out.push((prev, a));
        }
        out.push((a, b));
        prev = b;
    }
    if !blank(&bytes[prev..]) {
        out.push((prev, bytes.len()));
    }
    // Each piece is strictly smaller than the line, so salvaging a piece again ends.
    (out.len() > 1).then_some(out)
}

/// Keys that carry a record's messages: a record naming one twice would silently lose a list
/// (JSON parsers keep the last).
const MESSAGE_KEYS: [&str; 6] = [
    "messages",
    "conversations",
    "conversation",
    "mapping",
    "conversation_a",
    "conversation_b",
];

/// A message-list key that appears twice at the top level of the object in `bytes`, if any.
/// Cheap when there is none: the precise check runs only when a key's quoted name occurs
/// twice anywhere in the record.
pub fn duplicate_message_key(bytes: &[u8]) -> Option<&'static str> {
    let suspect = MESSAGE_KEYS.iter().any(|k| {
        let quoted = format!("\"{k}\"");
        memchr::memmem::find_iter(bytes, quoted.as_bytes())
            .nth(1)
            .is_some()
    });
    if !suspect {
        return None;
    }
    struct Keys(Vec<String>);
    impl<'de> serde::Deserialize<'de> for Keys {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Keys, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = Keys;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut m: A,
                ) -> Result<Keys, A::Error> {
                    let mut keys = Vec::new();
                    while let Some((k, IgnoredAny)) = m.next_entry::<String, IgnoredAny>()? {
                        keys.push(k);
                    }
                    Ok(Keys(keys))
                }
            }
            d.deserialize_map(V)
        }
    }
    let Keys(keys) = serde_json::from_slice(bytes).ok()?;
    MESSAGE_KEYS
        .iter()
        .find(|k| keys.iter().filter(|x| x == *k).count() > 1)
        .copied()
}

/// `None` when `bytes` parse as JSON (learning the keys of the first records), else why not.
fn check_record(
    keys: &mut HashSet<String>,
    keyed: &mut u32,
    bytes: &[u8],
) -> Option<serde_json::Error> {
    if *keyed < KEY_SAMPLE
        && let Ok(m) = serde_json::from_slice::<BTreeMap<String, IgnoredAny>>(bytes)
    {
        keys.extend(m.into_keys());
        *keyed += 1;
        return None;
    }
    serde_json::from_slice::<IgnoredAny>(bytes).err()
}

/// State of a structural scan over one value; kept across buffer refills.
#[derive(Debug, Default)]
struct ValueScan {
    depth: u32,
    in_string: bool,
    escape: bool,
    started: bool,
    /// A top-level scalar is being read (ends at `,` `]` `}` or white space).
    scalar: bool,
    problem: Option<String>,
}

impl ValueScan {
    /// Scans `buf[from..]`; returns the end index of the value when it is complete.
    fn advance(&mut self, buf: &[u8], from: usize) -> Option<usize> {
        let mut i = from;
        while i < buf.len() {
            if self.in_string {
                if self.escape {
                    // The byte after a backslash never ends the string.
                    self.escape = false;
                    i += 1;
                    continue;
                }
                let k = memchr::memchr2(b'"', b'\\', &buf[i..])?;
                let j = i + k;
                i = j + 1;
                if buf[j] == b'\\' {
                    self.escape = true;
                    continue;
                }
                self.in_string = false;
                if self.depth == 0 {
                    return Some(i);
                }
                continue;
            }
            let b = buf[i];
            if self.scalar {
                if matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\r' | b'\n') {
                    return Some(i);
                }
                i += 1;
                continue;
            }
            match b {
                b'"' => {
                    self.in_string = true;
                    self.started = true;
                }
                b'{' | b'[' => {
                    self.depth += 1;
                    self.started = true;
                }
                b'}' | b']' => {
                    if self.depth == 0 {
                        // A closer with nothing open: garbage where a value should start.
                        self.problem = Some(format!("unexpected '{}'", b as char));
                        return Some(i + 1);
                    }
                    self.depth -= 1;
                    if self.depth == 0 {
                        return Some(i + 1);
                    }
                }
                b' ' | b'\t' | b'\r' | b'\n' => {}
                _ => {
                    if !self.started {
                        self.scalar = true;
                        self.started = true;
                    }
                }
            }
            i += 1;
        }
        None
    }

    /// At end of stream: a top-level scalar ends there; anything else is cut off.
    fn end_at_eof(&self, len: usize) -> Option<usize> {
        if self.scalar && !self.in_string {
            Some(len)
        } else {
            None
        }
    }
}
