//! Archives as they are delivered: zip (ZIP64, AES-encrypted members) and tar (plain, gzip,
//! zstd), read member by member without unpacking anything to disk. Each member is imported
//! as a file would be, under the name `ARCHIVE!MEMBER`, and is resumed or skipped on its own.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use anyhow::{Context, Result};
use chrono::Utc;
use zip::ZipArchive;
use zip::result::ZipError;

use super::container::Container;
use super::source::{self, Compression, Opened};
use super::{FileSummary, Importer, Input, Unit, UnitSource};
use crate::matter::{SourceRecord, SourceStatus};
use crate::progress::Progress;

/// The archive a member came from: its name and the SHA-256 of its bytes.
#[derive(Debug, Clone)]
pub struct ArchiveRef {
    pub display: String,
    pub sha256: String,
}

/// A member of a zip archive, opened on demand (random access: hashing it first and then
/// reading it costs no unpacking).
pub struct ZipMember<'z> {
    zip: &'z mut ZipArchive<BufReader<File>>,
    index: usize,
    password: Option<&'z [u8]>,
}

impl<'z> ZipMember<'z> {
    pub fn sha256(&mut self) -> Result<String> {
        let file = open_member(self.zip, self.index, self.password)?;
        crate::hashing::sha256_reader(file).context("cannot read the member")
    }

    pub fn open(self) -> Result<Opened<'z>> {
        let file = open_member(self.zip, self.index, self.password)?;
        source::open_reader(Box::new(file))
    }
}

fn open_member<'z>(
    zip: &'z mut ZipArchive<BufReader<File>>,
    index: usize,
    password: Option<&[u8]>,
) -> Result<zip::read::ZipFile<'z, BufReader<File>>> {
    let encrypted = zip
        .by_index_data(index)
        .map(|e| e.encrypted())
        .unwrap_or(false);
    let opened = match (encrypted, password) {
        (true, None) => {
            anyhow::bail!("the member is encrypted: give its password with --password-file FILE")
        }
        (true, Some(pw)) => zip.by_index_decrypt(index, pw),
        (false, _) => zip.by_index(index),
    };
    opened.map_err(|e| match e {
        ZipError::InvalidPassword => {
            anyhow::anyhow!("the password given with --password-file does not open the member")
        }
        ZipError::UnsupportedArchive(why) => anyhow::anyhow!("not supported: {why}"),
        ZipError::CompressionMethodNotSupported(m) => anyhow::anyhow!(
            "compressed with a method import cannot read (zip method {m}); stored, deflate, \
             deflate64 and zstd members are read"
        ),
        other => anyhow::Error::new(other).context("cannot open the member"),
    })
}

/// Which members of an archive are read, and why the others are not.
#[derive(Debug, Default)]
struct Selection {
    /// Positions (in the names given) of the members read, in archive order.
    read: Vec<usize>,
    skipped: Vec<String>,
}

/// Gives each member a name of its own: an archive may hold two entries under one name (a tar
/// appended to, or a zip built to hide one), and each is imported and reported apart.
#[derive(Default)]
struct Names(std::collections::HashMap<String, u32>);

impl Names {
    fn display(&mut self, archive: &str, name: &str) -> String {
        // Counted by the name as shown: two raw names can show alike (`\x1b` and `\u{1b}`).
        let shown = visible(name);
        let n = self.0.entry(shown.clone()).or_insert(0);
        *n += 1;
        if *n == 1 {
            format!("{archive}!{shown}")
        } else {
            format!("{archive}!{shown} (entry {n} of that name)")
        }
    }
}

/// A ChatGPT data export holds its conversations in `conversations.json` beside pages, user
/// details and feedback: only the conversations are read.
fn is_chatgpt_export(names: &[String]) -> bool {
    let base = |n: &str| n.rsplit('/').next().unwrap_or(n).to_ascii_lowercase();
    names.iter().any(|n| is_chatgpt_conversations(&base(n)))
        && names.iter().any(|n| {
            matches!(
                base(n).as_str(),
                "chat.html" | "user.json" | "message_feedback.json" | "shared_conversations.json"
            )
        })
}

fn is_chatgpt_conversations(base: &str) -> bool {
    base == "conversations.json"
        || base
            .strip_prefix("conversations-")
            .and_then(|r| r.strip_suffix(".json"))
            .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

/// Decides for each (file) member whether it is read.
fn select(names: &[String]) -> Selection {
    let export = is_chatgpt_export(names);
    let mut sel = Selection::default();
    for (i, name) in names.iter().enumerate() {
        let base = name.rsplit('/').next().unwrap_or(name);
        let why = if export {
            if is_chatgpt_conversations(&base.to_ascii_lowercase()) {
                None
            } else {
                Some("not conversations (ChatGPT export)")
            }
        } else if source::is_conversation_name(base) {
            None
        } else if super::container::is_container_name(base) {
            Some("an archive or Parquet file inside the archive: unpack the outer one first")
        } else {
            Some("not a .json, .jsonl or .ndjson file")
        };
        match why {
            None => sel.read.push(i),
            Some(why) => sel.skipped.push(format!("{}: {why}", visible(name))),
        }
    }
    sel
}

/// A member name as shown: control characters (an attack through the terminal) escaped.
fn visible(name: &str) -> String {
    name.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

impl Importer<'_, '_> {
    /// Imports every conversation member of an archive. The archive's own summary comes
    /// first; an archive whose bytes were imported to the end before is skipped whole.
    pub(crate) fn import_archive(
        &mut self,
        input: &Input,
        path: &Path,
        container: Container,
        progress: &mut dyn Progress,
        cancel: &AtomicBool,
    ) -> Result<(Vec<FileSummary>, bool)> {
        let started = Instant::now();
        let display = input.display();
        let size = input.size()?;
        let mut summary = FileSummary::new(display.clone(), size);
        summary.container = Some(container.name().to_string());
        let sha256 = input.sha256()?;
        if let Some((why, _)) =
            self.imported_before(Some(container.name()), size, || Ok(sha256.clone()))?
        {
            summary.skipped = Some(why);
            return Ok((vec![summary], false));
        }
        let started_at = self
            .matter
            .source_by_path(&display)
            .filter(|s| s.status == SourceStatus::Partial && s.sha256 == sha256)
            .map(|s| s.started)
            .unwrap_or_else(Utc::now);
        let mut record = SourceRecord {
            path: display.clone(),
            size,
            sha256: sha256.clone(),
            format: format!("{} archive", container.name()),
            status: SourceStatus::Partial,
            records_read: 0,
            imported: 0,
            duplicates: 0,
            rejected: 0,
            truncated_at: None,
            started: started_at,
            finished: None,
            container: Some(container.name().to_string()),
            members: None,
            archive: None,
            archive_sha256: None,
            failed_members: None,
        };
        self.set_source(record.clone())?;
        let archive = ArchiveRef {
            display: display.clone(),
            sha256,
        };
        let mut members = Vec::new();
        let stopped = match container {
            Container::Zip => {
                self.zip_members(path, &archive, &mut summary, &mut members, progress, cancel)?
            }
            Container::Tar(c) => self.tar_members(
                path,
                c,
                &archive,
                &mut summary,
                &mut members,
                progress,
                cancel,
            )?,
            Container::Stream | Container::Parquet => unreachable!("not an archive"),
        };
        summary.seconds = started.elapsed().as_secs_f64();
        summary.failed |= summary.error.is_some();
        if members.is_empty() && summary.error.is_none() {
            summary.failed = true;
            summary.error = Some(format!(
                "{display}: the archive holds no conversation files (.json, .jsonl, .ndjson, \
                 optionally .gz or .zst)"
            ));
        }
        if !stopped {
            for m in &members {
                record.records_read += m.counts.records;
                record.imported += m.counts.imported;
                record.duplicates += m.counts.duplicates;
                record.rejected += m.counts.rejected;
            }
            // Members skipped as already imported keep their counts in their own records.
            for m in members.iter().filter(|m| m.skipped.is_some()) {
                if let Some(prev) = self.matter.source_by_path(&m.path) {
                    record.records_read += prev.records_read;
                    record.imported += prev.imported;
                    record.duplicates += prev.duplicates;
                    record.rejected += prev.rejected;
                }
            }
            record.members = Some(members.len() as u64);
            // A member that could not be read (no password, a wrong one, damage) keeps the
            // archive from being skipped whole next time: a rerun reads the members that failed
            // and skips those read to their end.
            record.failed_members =
                Some(members.iter().filter(|m| m.failed).count() as u64).filter(|n| *n > 0);
            record.status = SourceStatus::Complete;
            record.finished = Some(Utc::now());
            self.set_source(record)?;
        }
        let mut out = vec![summary];
        out.extend(members);
        Ok((out, stopped))
    }

    fn zip_members(
        &mut self,
        path: &Path,
        archive: &ArchiveRef,
        summary: &mut FileSummary,
        members: &mut Vec<FileSummary>,
        progress: &mut dyn Progress,
        cancel: &AtomicBool,
    ) -> Result<bool> {
        let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let mut zip = match ZipArchive::new(BufReader::new(file)) {
            Ok(z) => z,
            Err(e) => {
                // A cut archive has lost its central directory (it is at the end); the members
                // before the cut still carry their own local headers.
                summary.notes.push(format!(
                    "the archive's central directory cannot be read ({e}); members were read \
                     from their local headers, as far as the archive goes"
                ));
                summary.failed = true;
                return self.zip_stream_members(path, archive, summary, members, progress, cancel);
            }
        };
        let mut names = Vec::new();
        let mut indexes = Vec::new();
        for i in 0..zip.len() {
            let Ok(entry) = zip.by_index_data(i) else {
                summary
                    .skipped_members
                    .push(format!("member {i}: its header cannot be read"));
                continue;
            };
            let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
            if entry.is_dir() {
                continue;
            }
            if entry.is_symlink() {
                if source::is_conversation_name(&name) {
                    summary.skipped_members.push(format!(
                        "{}: a symbolic link, not file contents",
                        visible(&name)
                    ));
                }
                continue;
            }
            names.push(name);
            indexes.push(i);
        }
        let sel = select(&names);
        summary.skipped_members.extend(sel.skipped);
        let password = self.opts.password.clone();
        let mut shown = Names::default();
        for &k in &sel.read {
            if cancel.load(Ordering::Relaxed) {
                return Ok(true);
            }
            let i = indexes[k];
            let size = zip.by_index_data(i).map(|e| e.size()).unwrap_or(0);
            let unit = Unit {
                display: shown.display(&archive.display, &names[k]),
                size,
                archive: Some(archive.clone()),
                source: UnitSource::Zip(ZipMember {
                    zip: &mut zip,
                    index: i,
                    password: password.as_deref(),
                }),
            };
            let (s, stopped) = self.import_stream(unit, progress, cancel)?;
            members.push(s);
            if stopped {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Reads a zip front to back by its local headers (when its central directory is lost).
    fn zip_stream_members(
        &mut self,
        path: &Path,
        archive: &ArchiveRef,
        summary: &mut FileSummary,
        members: &mut Vec<FileSummary>,
        progress: &mut dyn Progress,
        cancel: &AtomicBool,
    ) -> Result<bool> {
        let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let mut reader = BufReader::new(file);
        let mut shown = Names::default();
        loop {
            if cancel.load(Ordering::Relaxed) {
                return Ok(true);
            }
            let entry = match zip::read::read_zipfile_from_stream(&mut reader) {
                Ok(Some(e)) => e,
                Ok(None) => return Ok(false),
                Err(e) => {
                    summary.error = Some(format!(
                        "{}: the archive cannot be read past its last complete member: {e}",
                        archive.display
                    ));
                    return Ok(false);
                }
            };
            let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
            if entry.is_dir() || entry.is_symlink() {
                continue;
            }
            if entry.encrypted() {
                summary.skipped_members.push(format!(
                    "{}: encrypted, and the archive's directory is lost (needed to decrypt)",
                    visible(&name)
                ));
                continue;
            }
            let size = entry.size();
            match self.member_in_order(
                &name,
                size,
                Box::new(entry),
                archive,
                &mut shown,
                summary,
                members,
                progress,
                cancel,
            )? {
                Flow::Next => {}
                Flow::Stopped => return Ok(true),
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn tar_members(
        &mut self,
        path: &Path,
        compression: Compression,
        archive: &ArchiveRef,
        summary: &mut FileSummary,
        members: &mut Vec<FileSummary>,
        progress: &mut dyn Progress,
        cancel: &AtomicBool,
    ) -> Result<bool> {
        let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let raw = BufReader::with_capacity(1 << 16, file);
        let decoded: Box<dyn Read> = match compression {
            Compression::None => Box::new(raw),
            Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(raw)),
            Compression::Zstd => Box::new(
                zstd::stream::read::Decoder::with_buffer(raw)
                    .context("cannot start zstd decompression")?,
            ),
        };
        let mut tar = tar::Archive::new(decoded);
        // Volumes concatenated (`cat a.tar.gz b.tar.gz`) each end with zero blocks: read on
        // past them, as `tar --ignore-zeros` does, so no volume after the first is lost.
        tar.set_ignore_zeros(true);
        let entries = tar
            .entries()
            .with_context(|| format!("cannot read {}", path.display()))?;
        // A ChatGPT export is told apart by its other members, which a tar names only as it
        // goes: tar members are chosen by their own names.
        let mut shown = Names::default();
        for (n, entry) in entries.enumerate() {
            if cancel.load(Ordering::Relaxed) {
                return Ok(true);
            }
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    summary.error = Some(format!(
                        "{}: the archive cannot be read past member {n}: {e}; every member \
                         before it was read",
                        archive.display
                    ));
                    return Ok(false);
                }
            };
            let name = entry
                .path()
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_else(|_| String::from_utf8_lossy(&entry.path_bytes()).into_owned());
            let kind = entry.header().entry_type();
            if kind.is_dir() || kind.is_pax_global_extensions() || kind.is_pax_local_extensions() {
                continue;
            }
            if !(kind.is_file() || kind.is_contiguous()) {
                if source::is_conversation_name(&name) {
                    summary.skipped_members.push(format!(
                        "{}: a link or special file, not file contents",
                        visible(&name)
                    ));
                }
                continue;
            }
            let size = entry.header().size().unwrap_or(0);
            match self.member_in_order(
                &name,
                size,
                Box::new(entry),
                archive,
                &mut shown,
                summary,
                members,
                progress,
                cancel,
            )? {
                Flow::Next => {}
                Flow::Stopped => return Ok(true),
            }
        }
        Ok(false)
    }
}

/// What reading an archive does after a member read in order. A member that could not be
/// read to its end is that member's failure (reported with it); reading goes on with the next
/// header, and a cut archive shows as the next header being unreadable.
enum Flow {
    Next,
    Stopped,
}

impl Importer<'_, '_> {
    /// Imports one member of an archive read in order (tar, or a zip by its local headers)
    /// when its name is one import reads.
    #[allow(clippy::too_many_arguments)]
    fn member_in_order<'r>(
        &mut self,
        name: &str,
        size: u64,
        reader: Box<dyn Read + 'r>,
        archive: &ArchiveRef,
        shown: &mut Names,
        summary: &mut FileSummary,
        members: &mut Vec<FileSummary>,
        progress: &mut dyn Progress,
        cancel: &AtomicBool,
    ) -> Result<Flow> {
        let sel = select(&[name.to_string()]);
        if sel.read.is_empty() {
            summary.skipped_members.extend(sel.skipped);
            return Ok(Flow::Next);
        }
        let unit = Unit {
            display: shown.display(&archive.display, name),
            size,
            archive: Some(archive.clone()),
            source: UnitSource::Reader(reader),
        };
        let (s, stopped) = self.import_stream(unit, progress, cancel)?;
        members.push(s);
        Ok(if stopped { Flow::Stopped } else { Flow::Next })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_chatgpt_export_reads_only_its_conversations() {
        let sel = select(&names(&[
            "chat.html",
            "conversations.json",
            "message_feedback.json",
            "user.json",
            "file-abc.png",
        ]));
        assert_eq!(sel.read, [1]);
        assert_eq!(sel.skipped.len(), 4);
        assert!(sel.skipped[0].starts_with("chat.html: not conversations"));
    }

    #[test]
    fn other_archives_read_their_json_members() {
        let sel = select(&names(&[
            "a/one.jsonl.gz",
            "b.json",
            "notes.txt",
            "inner.zip",
            "x.ndjson.zst",
        ]));
        assert_eq!(sel.read, [0, 1, 4]);
        assert!(
            sel.skipped
                .iter()
                .any(|s| s.starts_with("inner.zip: an archive"))
        );
        assert!(
            sel.skipped
                .iter()
                .any(|s| s.starts_with("notes.txt: not a .json"))
        );
    }

    #[test]
    fn member_names_are_shown_without_control_characters_and_apart() {
        assert_eq!(visible("a\x1b[31mred.jsonl"), "a\\u{1b}[31mred.jsonl");
        let mut n = Names::default();
        assert_eq!(n.display("z.zip", "a.jsonl"), "z.zip!a.jsonl");
        assert_eq!(
            n.display("z.zip", "a.jsonl"),
            "z.zip!a.jsonl (entry 2 of that name)"
        );
    }
}
