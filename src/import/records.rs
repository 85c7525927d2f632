//! Splits a stream of bytes into JSON records without holding more than one record in memory.
//!
//! Three layouts are recognised from the first bytes: a JSON array (`[` ...: each element is a
//! record), JSON Lines (one value per line), and a stream of values that span lines
//! (pretty-printed objects one after another). Records are found by a structural scan (strings,
//! escapes, nesting) and handed out as bytes with their record number, byte offset and line, so
//! that a bad record can be reported precisely and skipped while the rest goes on.

use std::io::Read;

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
}

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
            let mut b = self.buf[self.pos..end_idx].to_vec();
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
