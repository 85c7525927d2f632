//! Parquet shards (LMSYS-Chat-1M, WildChat and other layouts) read row by row into the JSON
//! records the format readers already understand.
//!
//! Streaming: one row group is open at a time, and within it the record reader buffers a batch
//! of values per column, so memory does not grow with the file. A row that cannot become a
//! record is reported on its own ([`RowItem::Bad`]); a row group whose pages cannot be read
//! (corrupt page, bad compression) is reported from the failing row on ([`RowItem::GroupLost`])
//! and reading goes on with the next group. Every row the footer declares comes out exactly once
//! as a row, a bad row or part of a lost group.
//!
//! The two public layouts are recognised from the schema: a `conversation` list of structs with
//! `role` and `content`, with `conversation_id` (LMSYS) or `conversation_hash` (WildChat). Their
//! rows become LMSYS/WildChat records (`conversation`, ids, model, timestamp, the other columns
//! as they are). Any other layout is read through a [`ColumnMap`] (`--columns`) into OpenAI chat
//! records (`id`, `messages`, `model`, `timestamp`, `language`, the other columns).

use std::cell::{Cell, RefCell};
use std::fmt;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Once};

use anyhow::{Result, anyhow, bail};
use chrono::{DateTime, NaiveDate, NaiveTime, SecondsFormat, Utc};
use parquet::basic::{ConvertedType, LogicalType, Repetition, TimeUnit, Type as PhysicalType};
use parquet::data_type::Decimal;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::reader::{ReaderIter, TreeBuilder};
use parquet::record::{Field, Row};
use parquet::schema::types::{SchemaDescPtr, Type};
use serde_json::{Map, Value};

use super::Format;

/// `--columns id=conv_id,messages=turns,model=llm,timestamp=ts,language=lang` for other layouts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ColumnMap {
    pub id: Option<String>,
    pub messages: String,
    pub model: Option<String>,
    pub timestamp: Option<String>,
    pub language: Option<String>,
}

/// The keys `--columns` accepts, in the order they are described.
const MAP_KEYS: [&str; 5] = ["id", "messages", "model", "timestamp", "language"];

impl ColumnMap {
    /// Reads `key=column,...`; `messages=` is required, the others are optional.
    pub fn parse(spec: &str) -> Result<ColumnMap> {
        let mut map = ColumnMap::default();
        let mut messages = None;
        let mut seen: Vec<&str> = Vec::new();
        for part in spec.split(',') {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let Some((key, column)) = part.split_once('=') else {
                bail!(
                    "--columns: `{part}` is not key=column (keys: {})",
                    MAP_KEYS.join(", ")
                );
            };
            let (key, column) = (key.trim(), column.trim());
            if key.is_empty() {
                bail!("--columns: `{part}` has no key before `=`");
            }
            if column.is_empty() {
                bail!("--columns: `{key}=` names no column");
            }
            let Some(&key) = MAP_KEYS.iter().find(|k| k.eq_ignore_ascii_case(key)) else {
                bail!(
                    "--columns: unknown key `{key}` (keys: {})",
                    MAP_KEYS.join(", ")
                );
            };
            if seen.contains(&key) {
                bail!("--columns: `{key}` is given twice");
            }
            seen.push(key);
            let column = column.to_string();
            match key {
                "id" => map.id = Some(column),
                "messages" => messages = Some(column),
                "model" => map.model = Some(column),
                "timestamp" => map.timestamp = Some(column),
                _ => map.language = Some(column),
            }
        }
        map.messages = messages.ok_or_else(|| {
            anyhow!(
                "--columns: `messages=COLUMN` is required (the column holding the message list)"
            )
        })?;
        Ok(map)
    }

    /// The output key and column of each mapped field.
    fn pairs(&self) -> Vec<(&'static str, &str)> {
        let mut out = vec![("messages", self.messages.as_str())];
        for (key, col) in [
            ("id", &self.id),
            ("model", &self.model),
            ("timestamp", &self.timestamp),
            ("language", &self.language),
        ] {
            if let Some(c) = col {
                out.push((key, c.as_str()));
            }
        }
        out
    }
}

impl fmt::Display for ColumnMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .pairs()
            .into_iter()
            .map(|(k, c)| format!("{k}={c}"))
            .collect();
        f.write_str(&parts.join(","))
    }
}

/// One row read from the file.
#[derive(Debug, Clone, PartialEq)]
pub enum RowItem {
    /// `number` is 1-based across the file; `row` is 0-based within `row_group` (0-based).
    Row {
        number: u64,
        row_group: usize,
        row: u64,
        value: Value,
    },
    /// One row that cannot be turned into a record (e.g. messages column null, wrong type).
    Bad {
        number: u64,
        row_group: usize,
        row: u64,
        reason: String,
    },
    /// A row group that cannot be read from `row` onward (corrupt page, bad compression): the
    /// rest of its rows are lost, reading goes on with the next group.
    GroupLost {
        first_number: u64,
        row_group: usize,
        row: u64,
        rows: u64,
        reason: String,
    },
}

impl RowItem {
    /// The number of file rows this item stands for (1, or the rows of a lost group).
    pub fn rows(&self) -> u64 {
        match self {
            RowItem::Row { .. } | RowItem::Bad { .. } => 1,
            RowItem::GroupLost { rows, .. } => *rows,
        }
    }
}

/// How a row becomes a record.
#[derive(Debug, Clone)]
enum Layout {
    Lmsys,
    WildChat,
    /// For each top-level column (by position), the keys it is written under.
    Mapped {
        keys: Vec<Vec<String>>,
    },
}

/// Top-level column names that would change how a record is recognised, or shadow a mapped
/// field: such a column is passed on as `column.NAME`.
const SHADOWING: [&str; 6] = [
    "mapping",
    "conversation_a",
    "conversation_b",
    "conversations",
    "conversation",
    "messages",
];

/// Reads a Parquet file row by row; see the module documentation.
pub struct ParquetRows {
    path: PathBuf,
    reader: SerializedFileReader<File>,
    descr: SchemaDescPtr,
    /// The top-level fields of the schema, by position.
    fields: Vec<Arc<Type>>,
    layout: Layout,
    group_rows: Vec<u64>,
    group_bytes: Vec<u64>,
    total_rows: u64,
    /// The group being read, and the next row within it.
    group: usize,
    row: u64,
    /// Rows handed out (or skipped) so far: the next row's number is `done + 1`.
    done: u64,
    bytes_done: u64,
    iter: Option<ReaderIter>,
    /// Why the current group cannot be read from `row` on (reported by the next call).
    lost: Option<String>,
}

impl fmt::Debug for ParquetRows {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParquetRows")
            .field("path", &self.path)
            .field("layout", &self.layout_name())
            .field("total_rows", &self.total_rows)
            .field("group", &self.group)
            .field("row", &self.row)
            .finish()
    }
}

impl ParquetRows {
    /// Reads the footer; a file that is not Parquet, or whose layout is not recognised and no
    /// map was given, is an error naming the columns found and suggesting --columns.
    pub fn open(path: &Path, columns: Option<&ColumnMap>) -> Result<ParquetRows> {
        let shown = path.display();
        // Each message names the file itself, so it reads whole without its cause chain.
        let mut file = File::open(path).map_err(|e| anyhow!("cannot open {shown}: {e}"))?;
        check_magic(&mut file).map_err(|e| anyhow!("{shown}: {e:#}"))?;
        let reader = guarded(|| SerializedFileReader::new(file))
            .map_err(|p| anyhow!("{shown}: the Parquet footer cannot be read ({p})"))?
            .map_err(|e| {
                anyhow!(
                    "{shown}: the Parquet footer cannot be read: {}",
                    shorten(e.to_string())
                )
            })?;

        let meta = reader.metadata();
        let descr = meta.file_metadata().schema_descr_ptr();
        let fields: Vec<Arc<Type>> = descr.root_schema().get_fields().to_vec();
        let mut group_rows = Vec::with_capacity(meta.num_row_groups());
        let mut group_bytes = Vec::with_capacity(meta.num_row_groups());
        let mut total_rows = 0u64;
        for (i, g) in meta.row_groups().iter().enumerate() {
            let n = u64::try_from(g.num_rows()).map_err(|_| {
                anyhow!(
                    "{shown}: the footer is corrupt: row group {i} has {} rows",
                    g.num_rows()
                )
            })?;
            total_rows = total_rows
                .checked_add(n)
                .ok_or_else(|| anyhow!("{shown}: the footer is corrupt: too many rows"))?;
            group_rows.push(n);
            group_bytes.push(u64::try_from(g.compressed_size()).unwrap_or(0));
        }

        let layout = match columns {
            Some(map) => mapped_layout(&fields, map).map_err(|e| anyhow!("{shown}: {e:#}"))?,
            None => recognise(&fields).ok_or_else(|| {
                anyhow!(
                    "{shown}: the Parquet columns are not a known conversation layout \
                     (LMSYS-Chat-1M or WildChat); columns found: {}. Name the columns with \
                     --columns messages=COLUMN[,id=COLUMN,model=COLUMN,timestamp=COLUMN,language=COLUMN]",
                    describe_columns(&fields)
                )
            })?,
        };

        Ok(ParquetRows {
            path: path.to_path_buf(),
            reader,
            descr,
            fields,
            layout,
            group_rows,
            group_bytes,
            total_rows,
            group: 0,
            row: 0,
            done: 0,
            bytes_done: 0,
            iter: None,
            lost: None,
        })
    }

    /// "lmsys", "wildchat" or "mapped".
    pub fn layout_name(&self) -> &'static str {
        match self.layout {
            Layout::Lmsys => "lmsys",
            Layout::WildChat => "wildchat",
            Layout::Mapped { .. } => "mapped",
        }
    }

    /// The format reader the records are meant for.
    pub fn format(&self) -> Format {
        match self.layout {
            Layout::Lmsys | Layout::WildChat => Format::Lmsys,
            Layout::Mapped { .. } => Format::OpenAiChat,
        }
    }

    /// The top-level columns and their types, as named in error messages.
    pub fn columns(&self) -> String {
        describe_columns(&self.fields)
    }

    pub fn total_rows(&self) -> u64 {
        self.total_rows
    }

    pub fn row_groups(&self) -> usize {
        self.group_rows.len()
    }

    /// Rows of each row group, as the footer declares them.
    pub fn group_rows(&self) -> &[u64] {
        &self.group_rows
    }

    /// Rows handed out or skipped so far (the next row's number is one more).
    pub fn rows_done(&self) -> u64 {
        self.done
    }

    /// Skips the next `n` rows (the first `n` when called right after [`open`](Self::open), to
    /// resume an interrupted import), skipping whole row groups without decoding them. Rows of a
    /// partly skipped group are decoded and dropped; if that group fails while doing so, the
    /// rows after the skipped ones are reported as lost by the next [`next_item`](Self::next_item).
    pub fn skip_rows(&mut self, n: u64) -> Result<()> {
        let left = self.total_rows - self.done;
        if n > left {
            bail!(
                "{}: cannot skip {n} rows: only {left} of its {} rows are left",
                self.path.display(),
                self.total_rows
            );
        }
        let mut n = n;
        while n > 0 {
            self.finish_groups();
            let in_group = self.group_rows[self.group] - self.row;
            if self.row == 0 && self.iter.is_none() && self.lost.is_none() && n >= in_group {
                // The whole group, without reading it.
                self.done += in_group;
                self.row += in_group;
                n -= in_group;
                continue;
            }
            let step = n.min(in_group);
            if self.lost.is_none() && self.iter.is_none() {
                self.open_group();
            }
            let mut skipped = 0;
            while skipped < step && self.lost.is_none() {
                match self.read_raw() {
                    Ok(_) => {
                        self.row += 1;
                        skipped += 1;
                    }
                    Err(reason) => self.lose(reason),
                }
            }
            // Rows skipped after a failure were lost anyway: the next item reports the rest.
            self.row += step - skipped;
            self.done += step;
            n -= step;
        }
        self.finish_groups();
        Ok(())
    }

    /// The next row, bad row or lost part of a row group; `None` at the end of the file.
    pub fn next_item(&mut self) -> Option<RowItem> {
        self.finish_groups();
        if self.group >= self.group_rows.len() {
            return None;
        }
        let (group, row) = (self.group, self.row);
        if self.lost.is_none() && self.iter.is_none() {
            self.open_group();
        }
        let item = if let Some(reason) = self.lost.take() {
            let rows = self.group_rows[group] - row;
            let item = RowItem::GroupLost {
                first_number: self.done + 1,
                row_group: group,
                row,
                rows,
                reason: format!(
                    "{}: row group {group} cannot be read from row {row} on ({rows} rows lost): {reason}",
                    self.path.display()
                ),
            };
            self.row += rows;
            self.done += rows;
            item
        } else {
            match self.read_raw() {
                Ok(raw) => {
                    self.row += 1;
                    self.done += 1;
                    let number = self.done;
                    match self.record(raw) {
                        Ok(value) => RowItem::Row {
                            number,
                            row_group: group,
                            row,
                            value,
                        },
                        Err(reason) => RowItem::Bad {
                            number,
                            row_group: group,
                            row,
                            reason,
                        },
                    }
                }
                Err(reason) => {
                    self.lose(reason);
                    return self.next_item();
                }
            }
        };
        self.finish_groups();
        Some(item)
    }

    /// Compressed bytes of the row groups finished so far (progress against the file size).
    pub fn bytes_done(&self) -> u64 {
        self.bytes_done
    }

    /// Moves past row groups whose rows are all out.
    fn finish_groups(&mut self) {
        while self.group < self.group_rows.len() && self.row >= self.group_rows[self.group] {
            self.bytes_done += self.group_bytes[self.group];
            self.group += 1;
            self.row = 0;
            self.iter = None;
            self.lost = None;
        }
    }

    /// Marks the current group unreadable from the current row on.
    fn lose(&mut self, reason: String) {
        self.iter = None;
        self.lost = Some(shorten(reason));
    }

    /// Opens the record reader of the current group (or marks the group lost).
    fn open_group(&mut self) {
        let (reader, descr, i) = (&self.reader, &self.descr, self.group);
        let opened = guarded(|| {
            let group = reader.get_row_group(i)?;
            TreeBuilder::new().as_iter(descr.clone(), &*group)
        });
        match opened {
            Ok(Ok(iter)) => self.iter = Some(iter),
            Ok(Err(e)) => self.lose(e.to_string()),
            Err(panic) => self.lose(panic),
        }
    }

    /// The next row of the current group as the record reader gives it.
    fn read_raw(&mut self) -> Result<Row, String> {
        let iter = self
            .iter
            .as_mut()
            .ok_or_else(|| "the row group is not open".to_string())?;
        match guarded(|| iter.next()) {
            Ok(Some(Ok(row))) => Ok(row),
            Ok(Some(Err(e))) => Err(e.to_string()),
            Ok(None) => Err("the row group ended before the rows its footer declares".to_string()),
            Err(panic) => Err(panic),
        }
    }

    /// The record of one row, in the shape the format readers take.
    fn record(&self, row: Row) -> Result<Value, String> {
        let mut obj = Map::new();
        let columns = row.into_columns();
        match &self.layout {
            Layout::Lmsys | Layout::WildChat => {
                for (i, (name, field)) in columns.into_iter().enumerate() {
                    let ty = self.field_type(i, &name);
                    let value = to_json(field, ty);
                    if name == "conversation" {
                        check_list(&value, "conversation")?;
                        obj.insert(name, value);
                    } else if SHADOWING.contains(&name.as_str()) {
                        obj.insert(format!("column.{name}"), value);
                    } else {
                        obj.insert(name, value);
                    }
                }
            }
            Layout::Mapped { keys } => {
                for (i, (name, field)) in columns.into_iter().enumerate() {
                    let ty = self.field_type(i, &name);
                    let value = to_json(field, ty);
                    let Some(out) = keys.get(i).filter(|k| !k.is_empty()) else {
                        obj.insert(name, value);
                        continue;
                    };
                    let mut value = Some(value);
                    for (j, key) in out.iter().enumerate() {
                        // The last key takes the value, the others a copy.
                        let v = if j + 1 == out.len() {
                            value.take().unwrap_or(Value::Null)
                        } else {
                            value.clone().unwrap_or(Value::Null)
                        };
                        if key == "messages" {
                            obj.insert(key.clone(), normalise_messages(v, &name)?);
                        } else {
                            obj.insert(key.clone(), v);
                        }
                    }
                }
            }
        }
        let value = Value::Object(obj);
        match Format::detect(&value) {
            Some(f) if f == self.format() => Ok(value),
            other => Err(format!(
                "the record reads as {} rather than {}",
                other.map_or("no known format", Format::name),
                self.format().name()
            )),
        }
    }

    /// The schema type of the `i`th top-level column, checked against its name.
    fn field_type(&self, i: usize, name: &str) -> Option<&Type> {
        child_type(&self.fields, i, name)
    }
}

impl Iterator for ParquetRows {
    type Item = RowItem;

    fn next(&mut self) -> Option<RowItem> {
        self.next_item()
    }
}

/// An error message cut to a readable length (the decoder's can quote a whole value's bytes).
fn shorten(mut s: String) -> String {
    const MAX: usize = 300;
    if s.len() > MAX {
        let mut cut = MAX;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push_str(" …");
    }
    s
}

/// A Parquet file starts and ends with `PAR1`.
fn check_magic(file: &mut File) -> Result<()> {
    let len = file.metadata()?.len();
    let mut head = [0u8; 4];
    let mut tail = [0u8; 4];
    let read_head = len >= 4 && file.read_exact(&mut head).is_ok();
    if !read_head || &head != b"PAR1" {
        bail!("not a Parquet file (it does not start with the PAR1 marker)");
    }
    if len < 12 {
        bail!("a truncated Parquet file: {len} bytes, too short to hold a footer");
    }
    file.seek(SeekFrom::End(-4))?;
    file.read_exact(&mut tail)?;
    if &tail != b"PAR1" {
        bail!(
            "a truncated or damaged Parquet file: it starts like one but does not end with the PAR1 \
             marker ({len} bytes)"
        );
    }
    file.seek(SeekFrom::Start(0))?;
    Ok(())
}

/// Recognises LMSYS-Chat-1M and WildChat from their columns.
fn recognise(fields: &[Arc<Type>]) -> Option<Layout> {
    let has = |name: &str| fields.iter().any(|f| f.name() == name);
    let conversation = fields.iter().find(|f| f.name() == "conversation")?;
    let element = list_element(conversation)?;
    if !(element.is_group() && has_child(element, "role") && has_child(element, "content")) {
        return None;
    }
    if has("conversation_id") {
        Some(Layout::Lmsys)
    } else if has("conversation_hash") {
        Some(Layout::WildChat)
    } else {
        None
    }
}

/// Checks a column map against the file's columns and works out each column's output keys.
fn mapped_layout(fields: &[Arc<Type>], map: &ColumnMap) -> Result<Layout> {
    let mut keys: Vec<Vec<String>> = vec![Vec::new(); fields.len()];
    for (key, column) in map.pairs() {
        let Some(i) = fields.iter().position(|f| f.name() == column) else {
            bail!(
                "--columns {key}={column}: the file has no column `{column}`; columns found: {}",
                describe_columns(fields)
            );
        };
        if key == "messages" {
            let ok = list_element(&fields[i]).is_some_and(|e| {
                e.is_group()
                    && ((has_child(e, "role") && has_child(e, "content"))
                        || (has_child(e, "from") && has_child(e, "value")))
            });
            if !ok {
                bail!(
                    "--columns messages={column}: column `{column}` is {}, not a list of messages \
                     (structs with role and content, or from and value)",
                    describe_type(&fields[i], 0)
                );
            }
        }
        keys[i].push(key.to_string());
    }
    // Columns passed on under their own name must not shadow a mapped field or change the
    // format the record is recognised as.
    let mapped: Vec<&str> = map.pairs().into_iter().map(|(k, _)| k).collect();
    for (i, f) in fields.iter().enumerate() {
        if !keys[i].is_empty() {
            continue;
        }
        let name = f.name();
        let shadows = SHADOWING.contains(&name)
            || mapped.contains(&name)
            || (name == "created" && map.timestamp.is_some());
        if shadows {
            keys[i].push(format!("column.{name}"));
        }
    }
    Ok(Layout::Mapped { keys })
}

/// A record's message list must be a list (an empty one is read, and rejected by the importer).
fn check_list(v: &Value, column: &str) -> Result<(), String> {
    match v {
        Value::Array(_) => Ok(()),
        Value::Null => Err(format!("`{column}` is null")),
        other => Err(format!(
            "`{column}` must be a list of messages, found {}",
            super::common::kind_of(other)
        )),
    }
}

/// A mapped message list with `role`/`content` keys (ShareGPT's `from`/`value` renamed).
fn normalise_messages(v: Value, column: &str) -> Result<Value, String> {
    check_list(&v, column)?;
    let Value::Array(items) = v else {
        unreachable!("checked above")
    };
    let items = items
        .into_iter()
        .map(|m| match m {
            Value::Object(mut o) if !o.contains_key("role") && o.contains_key("from") => {
                let mut out = Map::with_capacity(o.len());
                out.insert("role".into(), o.remove("from").unwrap_or(Value::Null));
                out.insert("content".into(), o.remove("value").unwrap_or(Value::Null));
                out.extend(o);
                Value::Object(out)
            }
            other => other,
        })
        .collect();
    Ok(Value::Array(items))
}

fn has_child(t: &Type, name: &str) -> bool {
    t.is_group() && t.get_fields().iter().any(|f| f.name() == name)
}

fn is_repeated(t: &Type) -> bool {
    let info = t.get_basic_info();
    info.has_repetition() && info.repetition() == Repetition::REPEATED
}

fn is_list(t: &Type) -> bool {
    let info = t.get_basic_info();
    t.is_group()
        && (info.converted_type() == ConvertedType::LIST
            || matches!(info.logical_type_ref(), Some(LogicalType::List)))
}

fn is_map(t: &Type) -> bool {
    let info = t.get_basic_info();
    t.is_group()
        && (matches!(
            info.converted_type(),
            ConvertedType::MAP | ConvertedType::MAP_KEY_VALUE
        ) || matches!(info.logical_type_ref(), Some(LogicalType::Map)))
}

/// The element type of a list column, following the record reader's rules for the standard
/// three-level lists and the legacy two-level ones.
fn list_element(t: &Type) -> Option<&Type> {
    if is_repeated(t) {
        return Some(t);
    }
    if !is_list(t) {
        return None;
    }
    let repeated = t.get_fields().first()?;
    if repeated.is_primitive()
        || repeated.get_fields().len() > 1
        || repeated.name() == "array"
        || repeated.name().ends_with("_tuple")
    {
        return Some(repeated);
    }
    repeated.get_fields().first().map(|e| &**e)
}

/// The key and value types of a map column.
fn map_types(t: &Type) -> Option<(&Type, Option<&Type>)> {
    if !is_map(t) {
        return None;
    }
    let kv = t.get_fields().first()?;
    if !kv.is_group() {
        return None;
    }
    let f = kv.get_fields();
    Some((f.first()?, f.get(1).map(|v| &**v)))
}

fn describe_columns(fields: &[Arc<Type>]) -> String {
    if fields.is_empty() {
        return "none".to_string();
    }
    fields
        .iter()
        .map(|f| format!("{}: {}", f.name(), describe_type(f, 0)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A short, pyarrow-like spelling of a column type: `string`, `list<struct<content, role>>`.
fn describe_type(t: &Type, depth: usize) -> String {
    if let Some(e) = list_element(t).filter(|e| !std::ptr::eq(*e, t)) {
        return format!("list<{}>", describe_type(e, depth + 1));
    }
    if is_repeated(t) {
        let mut inner = describe_type_plain(t, depth + 1);
        inner.insert_str(0, "list<");
        inner.push('>');
        return inner;
    }
    describe_type_plain(t, depth)
}

fn describe_type_plain(t: &Type, depth: usize) -> String {
    if t.is_group() {
        if let Some((k, v)) = map_types(t) {
            return format!(
                "map<{}, {}>",
                describe_type(k, depth + 1),
                v.map_or("null".to_string(), |v| describe_type(v, depth + 1))
            );
        }
        let names: Vec<String> = t
            .get_fields()
            .iter()
            .map(|f| {
                if depth == 0 {
                    format!("{}: {}", f.name(), describe_type(f, depth + 1))
                } else {
                    f.name().to_string()
                }
            })
            .collect();
        return format!("struct<{}>", names.join(", "));
    }
    let info = t.get_basic_info();
    match info.logical_type_ref() {
        Some(LogicalType::String) | Some(LogicalType::Enum) | Some(LogicalType::Json) => {
            return "string".into();
        }
        Some(LogicalType::Timestamp(ts)) => {
            let unit = match ts.unit {
                TimeUnit::MILLIS => "ms",
                TimeUnit::MICROS => "us",
                _ => "ns",
            };
            return format!("timestamp[{unit}]");
        }
        Some(LogicalType::Date) => return "date".into(),
        _ => {}
    }
    match info.converted_type() {
        ConvertedType::UTF8 | ConvertedType::ENUM | ConvertedType::JSON => return "string".into(),
        ConvertedType::TIMESTAMP_MILLIS => return "timestamp[ms]".into(),
        ConvertedType::TIMESTAMP_MICROS => return "timestamp[us]".into(),
        ConvertedType::DATE => return "date".into(),
        _ => {}
    }
    match t.get_physical_type() {
        PhysicalType::BOOLEAN => "bool",
        PhysicalType::INT32 => "int32",
        PhysicalType::INT64 => "int64",
        PhysicalType::INT96 => "timestamp[int96]",
        PhysicalType::FLOAT => "float",
        PhysicalType::DOUBLE => "double",
        PhysicalType::BYTE_ARRAY | PhysicalType::FIXED_LEN_BYTE_ARRAY => "binary",
    }
    .to_string()
}

/// A value as JSON, with the schema type (when known) to read timestamps the record reader
/// leaves as plain integers (nanosecond timestamps).
fn to_json(field: Field, ty: Option<&Type>) -> Value {
    match field {
        Field::Str(s) => Value::String(s),
        Field::Group(row) => group_json(row, ty),
        other => field_json(&other, ty),
    }
}

fn group_json(row: Row, ty: Option<&Type>) -> Value {
    let children = ty.filter(|t| t.is_group()).map(|t| t.get_fields());
    let mut obj = Map::new();
    for (i, (name, f)) in row.into_columns().into_iter().enumerate() {
        let child = children.and_then(|c| child_type(c, i, &name));
        obj.insert(name, to_json(f, child));
    }
    Value::Object(obj)
}

/// The schema type of a struct's `i`th field, checked against its name.
fn child_type<'a>(children: &'a [Arc<Type>], i: usize, name: &str) -> Option<&'a Type> {
    match children.get(i) {
        Some(t) if t.name() == name => Some(t),
        _ => children.iter().find(|t| t.name() == name).map(|t| &**t),
    }
}

/// [`group_json`] for a struct the record reader only lends (inside a list).
fn group_json_ref(row: &Row, ty: Option<&Type>) -> Value {
    let children = ty.filter(|t| t.is_group()).map(|t| t.get_fields());
    let mut obj = Map::new();
    for (i, (name, f)) in row.get_column_iter().enumerate() {
        let child = children.and_then(|c| child_type(c, i, name));
        obj.insert(name.clone(), field_json(f, child));
    }
    Value::Object(obj)
}

fn field_json(field: &Field, ty: Option<&Type>) -> Value {
    match field {
        Field::Null => Value::Null,
        Field::Bool(b) => Value::Bool(*b),
        Field::Byte(n) => (*n).into(),
        Field::Short(n) => (*n).into(),
        Field::Int(n) => (*n).into(),
        Field::Long(n) => match ty.and_then(timestamp_unit) {
            Some(unit) => timestamp_json(*n, unit),
            None => (*n).into(),
        },
        Field::UByte(n) => (*n).into(),
        Field::UShort(n) => (*n).into(),
        Field::UInt(n) => (*n).into(),
        Field::ULong(n) => (*n).into(),
        Field::Float16(n) => float_json(f64::from(*n)),
        Field::Float(n) => float_json(f64::from(*n)),
        Field::Double(n) => float_json(*n),
        Field::Decimal(d) => Value::String(decimal_string(d)),
        Field::Str(s) => Value::String(s.clone()),
        Field::Bytes(b) => Value::String(String::from_utf8_lossy(b.data()).into_owned()),
        Field::Date(d) => NaiveDate::from_ymd_opt(1970, 1, 1)
            .and_then(|e| e.checked_add_signed(chrono::Duration::days(i64::from(*d))))
            .map_or(Value::from(*d), |d| {
                Value::String(d.format("%Y-%m-%d").to_string())
            }),
        Field::TimeMillis(ms) => time_json(i64::from(*ms) * 1_000_000),
        Field::TimeMicros(us) => time_json(us.saturating_mul(1000)),
        Field::TimestampMillis(ms) => timestamp_json(*ms, TimeUnit::MILLIS),
        Field::TimestampMicros(us) => timestamp_json(*us, TimeUnit::MICROS),
        Field::Group(row) => group_json_ref(row, ty),
        Field::ListInternal(list) => {
            let element = ty.and_then(list_element);
            Value::Array(
                list.elements()
                    .iter()
                    .map(|e| field_json(e, element))
                    .collect(),
            )
        }
        Field::MapInternal(map) => {
            let (kt, vt) = ty
                .and_then(map_types)
                .map_or((None, None), |(k, v)| (Some(k), v));
            let mut obj = Map::new();
            for (k, v) in map.entries() {
                let key = match field_json(k, kt) {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                obj.insert(key, field_json(v, vt));
            }
            Value::Object(obj)
        }
    }
}

fn float_json(f: f64) -> Value {
    serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
}

/// The unit of an INT64 column annotated as a timestamp.
fn timestamp_unit(t: &Type) -> Option<TimeUnit> {
    if !t.is_primitive() {
        return None;
    }
    let info = t.get_basic_info();
    match info.logical_type_ref() {
        Some(LogicalType::Timestamp(ts)) => Some(ts.unit),
        _ => match info.converted_type() {
            ConvertedType::TIMESTAMP_MILLIS => Some(TimeUnit::MILLIS),
            ConvertedType::TIMESTAMP_MICROS => Some(TimeUnit::MICROS),
            _ => None,
        },
    }
}

/// A timestamp as RFC 3339 in UTC (naive timestamps are taken as UTC); the number itself when
/// out of range.
fn timestamp_json(v: i64, unit: TimeUnit) -> Value {
    let t = match unit {
        TimeUnit::MILLIS => DateTime::<Utc>::from_timestamp_millis(v),
        TimeUnit::MICROS => DateTime::<Utc>::from_timestamp_micros(v),
        _ => Some(DateTime::<Utc>::from_timestamp_nanos(v)),
    };
    t.map_or(Value::from(v), |t| {
        Value::String(t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    })
}

fn time_json(nanos: i64) -> Value {
    let secs = nanos.div_euclid(1_000_000_000);
    let frac = nanos.rem_euclid(1_000_000_000);
    u32::try_from(secs)
        .ok()
        .and_then(|s| NaiveTime::from_num_seconds_from_midnight_opt(s, frac as u32))
        .map_or(Value::from(nanos), |t| {
            Value::String(t.format("%H:%M:%S%.f").to_string())
        })
}

/// A decimal as its exact digits (`-12.50`).
fn decimal_string(d: &Decimal) -> String {
    let bytes = d.data();
    if bytes.is_empty() || bytes.len() > 16 {
        return format!("0x{}", hex::encode(bytes));
    }
    let negative = bytes[0] & 0x80 != 0;
    let mut buf = if negative { [0xffu8; 16] } else { [0u8; 16] };
    buf[16 - bytes.len()..].copy_from_slice(bytes);
    let unscaled = i128::from_be_bytes(buf);
    let digits = unscaled.unsigned_abs().to_string();
    let scale = usize::try_from(d.scale()).unwrap_or(0);
    let sign = if unscaled < 0 { "-" } else { "" };
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (int, frac) = padded.split_at(padded.len() - scale);
    format!("{sign}{int}.{frac}")
}

thread_local! {
    /// Set while this thread runs parquet code under [`guarded`].
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    /// Where the panic hook leaves the message of a panic it kept quiet.
    static CAUGHT: RefCell<Option<String>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

/// Runs `f` (parquet decoding) so that a panic inside it, on a damaged file, becomes an error
/// message instead of ending the program or printing a panic report; other panics are reported
/// as before.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if GUARDED.with(Cell::get) {
                let place = info
                    .location()
                    .map(|l| format!(" ({}:{})", l.file(), l.line()))
                    .unwrap_or_default();
                let msg = format!("{}{place}", payload_text(info.payload()));
                CAUGHT.with(|c| *c.borrow_mut() = Some(msg));
            } else {
                previous(info);
            }
        }));
    });
    let outer = GUARDED.with(|g| g.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(outer));
    result.map_err(|payload| {
        let msg = CAUGHT
            .with(|c| c.borrow_mut().take())
            .unwrap_or_else(|| payload_text(&*payload));
        format!("the Parquet decoder failed on damaged data: {msg}")
    })
}

fn payload_text(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::common::RecordCtx;
    use parquet::basic::Compression;
    use parquet::data_type::{ByteArray, ByteArrayType, Int64Type};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::parser::parse_message_type;

    /// An LMSYS-like layout with pyarrow's nesting and a nanosecond timestamp.
    const SCHEMA: &str = "message schema {
        REQUIRED BYTE_ARRAY conversation_id (UTF8);
        OPTIONAL BYTE_ARRAY model (UTF8);
        OPTIONAL group conversation (LIST) {
            REPEATED group list {
                OPTIONAL group element {
                    OPTIONAL BYTE_ARRAY content (UTF8);
                    OPTIONAL BYTE_ARRAY role (UTF8);
                }
            }
        }
        OPTIONAL INT64 timestamp (TIMESTAMP(NANOS,false));
    }";

    struct TestRow {
        id: String,
        model: Option<&'static str>,
        /// `None`: a null list.
        messages: Option<Vec<(&'static str, String)>>,
        nanos: Option<i64>,
    }

    fn row(i: usize) -> TestRow {
        TestRow {
            id: format!("c{i:04}"),
            model: Some(if i.is_multiple_of(2) {
                "vicuna-13b"
            } else {
                "gpt-4"
            }),
            messages: Some(vec![
                ("user", format!("question number {i}")),
                ("assistant", format!("answer number {i}, with ünïcödé")),
            ]),
            nanos: Some(1_700_000_000_123_456_789 + i as i64 * 1_000_000_000),
        }
    }

    fn write_file(path: &Path, groups: &[Vec<TestRow>], compression: Compression) {
        let schema = Arc::new(parse_message_type(SCHEMA).unwrap());
        let props = Arc::new(
            WriterProperties::builder()
                .set_compression(compression)
                .build(),
        );
        let mut w = SerializedFileWriter::new(File::create(path).unwrap(), schema, props).unwrap();
        for rows in groups {
            let mut rg = w.next_row_group().unwrap();
            let mut leaf = 0;
            while let Some(mut col) = rg.next_column().unwrap() {
                match leaf {
                    0 => {
                        let v: Vec<ByteArray> = rows.iter().map(|r| r.id.as_str().into()).collect();
                        col.typed::<ByteArrayType>()
                            .write_batch(&v, None, None)
                            .unwrap();
                    }
                    1 => {
                        let v: Vec<ByteArray> = rows
                            .iter()
                            .filter_map(|r| r.model)
                            .map(Into::into)
                            .collect();
                        let d: Vec<i16> = rows.iter().map(|r| r.model.is_some() as i16).collect();
                        col.typed::<ByteArrayType>()
                            .write_batch(&v, Some(&d), None)
                            .unwrap();
                    }
                    2 | 3 => {
                        let (mut v, mut d, mut r) = (Vec::<ByteArray>::new(), vec![], vec![]);
                        for row in rows {
                            match &row.messages {
                                None => {
                                    d.push(0);
                                    r.push(0);
                                }
                                Some(m) if m.is_empty() => {
                                    d.push(1);
                                    r.push(0);
                                }
                                Some(m) => {
                                    for (j, (role, text)) in m.iter().enumerate() {
                                        v.push(if leaf == 2 {
                                            text.as_str().into()
                                        } else {
                                            (*role).into()
                                        });
                                        d.push(4);
                                        r.push(i16::from(j > 0));
                                    }
                                }
                            }
                        }
                        col.typed::<ByteArrayType>()
                            .write_batch(&v, Some(&d), Some(&r))
                            .unwrap();
                    }
                    _ => {
                        let v: Vec<i64> = rows.iter().filter_map(|r| r.nanos).collect();
                        let d: Vec<i16> = rows.iter().map(|r| r.nanos.is_some() as i16).collect();
                        col.typed::<Int64Type>()
                            .write_batch(&v, Some(&d), None)
                            .unwrap();
                    }
                }
                col.close().unwrap();
                leaf += 1;
            }
            rg.close().unwrap();
        }
        w.close().unwrap();
    }

    /// Three groups of 4, 5 and 3 rows.
    fn sample(dir: &Path, compression: Compression) -> PathBuf {
        let path = dir.join("t.parquet");
        let groups: Vec<Vec<TestRow>> = [(0, 4), (4, 9), (9, 12)]
            .iter()
            .map(|&(a, b)| (a..b).map(row).collect())
            .collect();
        write_file(&path, &groups, compression);
        path
    }

    fn all(r: &mut ParquetRows) -> Vec<RowItem> {
        std::iter::from_fn(|| r.next_item()).collect()
    }

    fn id_of(item: &RowItem) -> &str {
        match item {
            RowItem::Row { value, .. } => value["conversation_id"].as_str().unwrap(),
            other => panic!("not a row: {other:?}"),
        }
    }

    #[test]
    fn column_map_parses_and_explains_mistakes() {
        let m =
            ColumnMap::parse(" id=conv_id, messages=turns,model=llm,timestamp=ts,language=lang")
                .unwrap();
        assert_eq!(
            m,
            ColumnMap {
                id: Some("conv_id".into()),
                messages: "turns".into(),
                model: Some("llm".into()),
                timestamp: Some("ts".into()),
                language: Some("lang".into()),
            }
        );
        assert_eq!(
            m.to_string(),
            "messages=turns,id=conv_id,model=llm,timestamp=ts,language=lang"
        );
        assert_eq!(
            ColumnMap::parse("messages=conversations").unwrap(),
            ColumnMap {
                messages: "conversations".into(),
                ..Default::default()
            }
        );
        let err = |s: &str| ColumnMap::parse(s).unwrap_err().to_string();
        assert!(err("messages=m,title=t").contains("unknown key `title`"));
        assert!(err("messages=m,title=t").contains("id, messages, model"));
        assert!(err("id=x").contains("`messages=COLUMN` is required"));
        assert!(err("").contains("`messages=COLUMN` is required"));
        assert!(err("messages=").contains("`messages=` names no column"));
        assert!(err("messages=m,=x").contains("no key"));
        assert!(err("messages=m,model").contains("not key=column"));
        assert!(err("messages=m,messages=n").contains("given twice"));
    }

    #[test]
    fn reads_every_row_with_nanosecond_timestamps() {
        let dir = tempfile::tempdir().unwrap();
        let path = sample(dir.path(), Compression::SNAPPY);
        let mut r = ParquetRows::open(&path, None).unwrap();
        assert_eq!(r.layout_name(), "lmsys");
        assert_eq!((r.total_rows(), r.row_groups()), (12, 3));
        assert_eq!(r.group_rows(), &[4, 5, 3]);
        assert_eq!(r.bytes_done(), 0);
        let first = r.next_item().unwrap();
        let RowItem::Row {
            number,
            row_group,
            row,
            value,
        } = &first
        else {
            panic!("{first:?}")
        };
        assert_eq!((*number, *row_group, *row), (1, 0, 0));
        assert_eq!(value["timestamp"], "2023-11-14T22:13:20.123456789Z");
        assert_eq!(value["conversation"][1]["role"], "assistant");
        assert_eq!(Format::detect(value), Some(Format::Lmsys));
        let ctx = RecordCtx {
            file: "t.parquet",
            record: 1,
        };
        let conv = Format::Lmsys.parse(value.clone(), &ctx).unwrap().remove(0);
        assert_eq!(conv.id, "c0000");
        assert_eq!(conv.model.as_deref(), Some("vicuna-13b"));
        assert_eq!(conv.created.unwrap().timestamp(), 1_700_000_000);
        assert_eq!(conv.messages.len(), 2);
        assert_eq!(conv.messages[1].text, "answer number 0, with ünïcödé");

        let rest = all(&mut r);
        assert_eq!(rest.len(), 11);
        let ids: Vec<&str> = rest.iter().map(id_of).collect();
        assert_eq!(ids[3], "c0004");
        assert_eq!(ids[10], "c0011");
        let RowItem::Row {
            number,
            row_group,
            row,
            ..
        } = &rest[3]
        else {
            unreachable!()
        };
        assert_eq!((*number, *row_group, *row), (5, 1, 0));
        let file_len = std::fs::metadata(&path).unwrap().len();
        assert!(r.bytes_done() > 0 && r.bytes_done() < file_len);
        assert!(r.next_item().is_none());
    }

    #[test]
    fn null_and_empty_message_lists() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("n.parquet");
        let mut rows: Vec<TestRow> = (0..3).map(row).collect();
        rows[0].messages = None;
        rows[1].messages = Some(vec![]);
        rows[2].model = None;
        rows[2].nanos = None;
        write_file(&path, &[rows], Compression::UNCOMPRESSED);
        let mut r = ParquetRows::open(&path, None).unwrap();
        let items = all(&mut r);
        assert_eq!(
            items[0],
            RowItem::Bad {
                number: 1,
                row_group: 0,
                row: 0,
                reason: "`conversation` is null".into()
            }
        );
        let RowItem::Row { value, .. } = &items[1] else {
            panic!("{:?}", items[1])
        };
        assert_eq!(value["conversation"], serde_json::json!([]));
        let RowItem::Row { value, .. } = &items[2] else {
            panic!("{:?}", items[2])
        };
        assert!(value["model"].is_null() && value["timestamp"].is_null());
    }

    #[test]
    fn skips_whole_groups_and_parts_of_groups() {
        let dir = tempfile::tempdir().unwrap();
        let path = sample(dir.path(), Compression::UNCOMPRESSED);
        // Whole first group, then part of the second.
        let mut r = ParquetRows::open(&path, None).unwrap();
        r.skip_rows(4).unwrap();
        let first_group_bytes = r.bytes_done();
        assert!(first_group_bytes > 0);
        r.skip_rows(2).unwrap();
        let items = all(&mut r);
        assert_eq!(items.len(), 6);
        assert_eq!(id_of(&items[0]), "c0006");
        assert!(matches!(
            items[0],
            RowItem::Row {
                number: 7,
                row_group: 1,
                row: 2,
                ..
            }
        ));
        // Across a boundary in one call, after reading a row.
        let mut r = ParquetRows::open(&path, None).unwrap();
        assert_eq!(id_of(&r.next_item().unwrap()), "c0000");
        r.skip_rows(9).unwrap();
        assert_eq!(r.rows_done(), 10);
        let items = all(&mut r);
        assert_eq!(
            items.iter().map(id_of).collect::<Vec<_>>(),
            ["c0010", "c0011"]
        );
        // Everything, then nothing more; too many is an error.
        let mut r = ParquetRows::open(&path, None).unwrap();
        r.skip_rows(12).unwrap();
        assert!(r.next_item().is_none());
        assert_eq!(r.bytes_done(), r.group_bytes.iter().sum::<u64>());
        let mut r = ParquetRows::open(&path, None).unwrap();
        let e = r.skip_rows(13).unwrap_err().to_string();
        assert!(e.contains("cannot skip 13 rows: only 12"), "{e}");
    }

    #[test]
    fn mapped_layout_reads_as_openai_chat() {
        let dir = tempfile::tempdir().unwrap();
        let path = sample(dir.path(), Compression::UNCOMPRESSED);
        let map = ColumnMap::parse("messages=conversation,id=conversation_id,model=model").unwrap();
        let mut r = ParquetRows::open(&path, Some(&map)).unwrap();
        assert_eq!(r.layout_name(), "mapped");
        assert_eq!(r.format(), Format::OpenAiChat);
        let RowItem::Row { value, .. } = r.next_item().unwrap() else {
            panic!()
        };
        assert_eq!(Format::detect(&value), Some(Format::OpenAiChat));
        assert_eq!(value["id"], "c0000");
        assert!(value.get("conversation").is_none() && value.get("conversation_id").is_none());
        let ctx = RecordCtx {
            file: "t.parquet",
            record: 1,
        };
        let conv = Format::OpenAiChat.parse(value, &ctx).unwrap().remove(0);
        assert_eq!(conv.id, "c0000");
        assert_eq!(conv.created.unwrap().timestamp(), 1_700_000_000);
        assert_eq!(conv.messages.len(), 2);

        let bad = ColumnMap::parse("messages=model").unwrap();
        let e = format!("{}", ParquetRows::open(&path, Some(&bad)).unwrap_err());
        assert!(
            e.contains("column `model` is string, not a list of messages"),
            "{e}"
        );
        let missing = ColumnMap::parse("messages=conversation,model=llm").unwrap();
        let e = format!(
            "{:#}",
            ParquetRows::open(&path, Some(&missing)).unwrap_err()
        );
        assert!(e.contains("no column `llm`"), "{e}");
        assert!(
            e.contains("conversation: list<struct<content, role>>"),
            "{e}"
        );
    }

    #[test]
    fn sharegpt_style_messages_are_normalised() {
        let v = normalise_messages(
            serde_json::json!([{"from": "human", "value": "hi", "x": 1}, {"role": "assistant", "content": "yo"}]),
            "turns",
        )
        .unwrap();
        assert_eq!(
            v,
            serde_json::json!([{"role": "human", "content": "hi", "x": 1}, {"role": "assistant", "content": "yo"}])
        );
        assert!(normalise_messages(Value::Null, "turns").is_err());
        assert!(normalise_messages(Value::from("x"), "turns").is_err());
    }

    #[test]
    fn not_parquet_truncated_and_unknown_layouts_are_explained() {
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("x.jsonl");
        std::fs::write(&text, "{\"a\": 1}\n").unwrap();
        let e = format!("{}", ParquetRows::open(&text, None).unwrap_err());
        assert!(
            e.contains("x.jsonl") && e.contains("not a Parquet file"),
            "{e}"
        );

        let path = sample(dir.path(), Compression::SNAPPY);
        let bytes = std::fs::read(&path).unwrap();
        let cut = dir.path().join("cut.parquet");
        std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
        let e = format!("{}", ParquetRows::open(&cut, None).unwrap_err());
        assert!(e.contains("cut.parquet") && e.contains("truncated"), "{e}");
        // Footer length damaged: the markers are there but the footer is not.
        let mut bad = bytes.clone();
        let n = bad.len();
        bad[n - 8..n - 4].copy_from_slice(&u32::MAX.to_le_bytes());
        let damaged = dir.path().join("damaged.parquet");
        std::fs::write(&damaged, &bad).unwrap();
        let e = format!("{}", ParquetRows::open(&damaged, None).unwrap_err());
        assert!(e.contains("footer cannot be read"), "{e}");

        // A layout without an id column is not recognised.
        let other = dir.path().join("other.parquet");
        let schema = SCHEMA.replace("conversation_id", "key");
        let props = Arc::new(WriterProperties::builder().build());
        let w = SerializedFileWriter::new(
            File::create(&other).unwrap(),
            Arc::new(parse_message_type(&schema).unwrap()),
            props,
        )
        .unwrap();
        w.close().unwrap();
        let e = format!("{}", ParquetRows::open(&other, None).unwrap_err());
        assert!(e.contains("not a known conversation layout"), "{e}");
        assert!(e.contains("key: string"), "{e}");
        assert!(e.contains("timestamp: timestamp[ns]"), "{e}");
        assert!(e.contains("--columns messages="), "{e}");
        let r = ParquetRows::open(
            &other,
            Some(&ColumnMap::parse("messages=conversation").unwrap()),
        )
        .unwrap();
        assert_eq!((r.total_rows(), r.row_groups()), (0, 0));
    }

    /// Damaged bytes anywhere in the data: never a panic, and every row the footer declares is
    /// accounted for once (a row, a bad row or part of a lost group).
    #[test]
    fn damaged_bytes_never_panic_and_rows_add_up() {
        let dir = tempfile::tempdir().unwrap();
        for compression in [Compression::UNCOMPRESSED, Compression::SNAPPY] {
            let path = sample(dir.path(), compression);
            let bytes = std::fs::read(&path).unwrap();
            let footer =
                u32::from_le_bytes(bytes[bytes.len() - 8..bytes.len() - 4].try_into().unwrap())
                    as usize;
            let data_end = bytes.len() - 8 - footer;
            let damaged = dir.path().join("d.parquet");
            let mut seed = 0x9e37_79b9_7f4a_7c15u64;
            let (mut lost, mut opened) = (0, 0);
            for _ in 0..400 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let at = 4 + (seed as usize) % (data_end - 4);
                let mut b = bytes.clone();
                b[at] ^= 1 << (seed >> 61);
                b[(at + 1).min(data_end - 1)] ^= 0xff;
                std::fs::write(&damaged, &b).unwrap();
                let Ok(mut r) = ParquetRows::open(&damaged, None) else {
                    continue;
                };
                opened += 1;
                let items = all(&mut r);
                let rows: u64 = items.iter().map(RowItem::rows).sum();
                assert_eq!(rows, 12, "at byte {at}: {items:?}");
                for i in &items {
                    if let RowItem::GroupLost { reason, .. } | RowItem::Bad { reason, .. } = i {
                        assert!(reason.len() < 500, "{reason}");
                    }
                }
                lost += items
                    .iter()
                    .filter(|i| matches!(i, RowItem::GroupLost { .. }))
                    .count();
            }
            assert!(
                opened > 300 && lost > 20,
                "{opened} opened, {lost} groups lost"
            );
        }
    }

    #[test]
    fn panics_in_the_decoder_become_errors() {
        let r: Result<(), String> = guarded(|| panic!("bad page {}", 7));
        let e = r.unwrap_err();
        assert!(e.contains("bad page 7"), "{e}");
        assert_eq!(guarded(|| 5), Ok(5));
    }

    #[test]
    fn values_as_json() {
        assert_eq!(decimal_string(&Decimal::from_i32(-1250, 6, 2)), "-12.50");
        assert_eq!(decimal_string(&Decimal::from_i64(5, 6, 3)), "0.005");
        assert_eq!(decimal_string(&Decimal::from_i32(42, 6, 0)), "42");
        assert_eq!(
            timestamp_json(1_700_000_000_000, TimeUnit::MILLIS),
            "2023-11-14T22:13:20Z"
        );
        assert_eq!(field_json(&Field::Double(f64::NAN), None), Value::Null);
        assert_eq!(field_json(&Field::Date(19_000), None), "2022-01-08");
        assert_eq!(
            field_json(&Field::TimeMillis(3_723_004), None),
            "01:02:03.004"
        );
        assert_eq!(
            field_json(&Field::Bytes(ByteArray::from("héllo")), None),
            "héllo"
        );
    }
}
