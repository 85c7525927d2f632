//! Parquet files (LMSYS-Chat-1M, WildChat, or a layout mapped with `--columns`): row groups read
//! one at a time, each row a record; rejects name the row group and row.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use anyhow::Result;
use chrono::Utc;

use super::parquet_rows::{ColumnMap, ParquetRows, RowItem};
use super::records::RawRecord;
use super::{FileSummary, Format, Importer, Input};
use crate::matter::{SourceRecord, SourceStatus};
use crate::progress::Progress;

impl Importer<'_, '_> {
    pub(crate) fn import_parquet(
        &mut self,
        input: &Input,
        path: &Path,
        progress: &mut dyn Progress,
        cancel: &AtomicBool,
    ) -> Result<(Vec<FileSummary>, bool)> {
        let started = Instant::now();
        let display = input.display();
        let size = input.size()?;
        let mut summary = FileSummary::new(display.clone(), size);
        summary.container = Some("parquet".to_string());
        let fail = |mut summary: FileSummary, e: anyhow::Error| {
            summary.error = Some(format!("{}: cannot import: {e:#}", summary.path));
            summary.failed = true;
            Ok((vec![summary], false))
        };
        let map = match self
            .opts
            .columns
            .as_deref()
            .map(ColumnMap::parse)
            .transpose()
        {
            Ok(m) => m,
            Err(e) => return fail(summary, e),
        };

        let resume = self.resume_point(&display, size);
        if resume.is_none()
            && let Some((why, format)) =
                self.imported_before(Some("parquet"), size, || input.sha256())?
        {
            summary.skipped = Some(why);
            summary.format = Some(format);
            return Ok((vec![summary], false));
        }

        let mut rows = match ParquetRows::open(path, map.as_ref()) {
            Ok(r) => r,
            Err(e) => return fail(summary, e),
        };
        summary.layout = Some(format!("parquet, {} layout", rows.layout_name()));
        let skip = resume.as_ref().map(|p| p.records_done).unwrap_or(0);
        if let Some(p) = &resume {
            summary.counts = p.counts;
            summary.resumed_after = Some(p.records_done);
            summary.format = p.format.clone();
        }
        if skip > 0
            && let Err(e) = rows.skip_rows(skip)
        {
            return fail(summary, e);
        }
        // The layout decides the reader (LMSYS for LMSYS and WildChat, OpenAI for a mapped one).
        let mut format = self
            .opts
            .format
            .or_else(|| summary.format.as_deref().and_then(Format::parse_name))
            .or(Some(rows.format()));
        summary.format = format.map(|f| f.name().to_string());

        let started_at = Utc::now();
        let record = |summary: &FileSummary, status, sha256: String| SourceRecord {
            path: display.clone(),
            size,
            sha256,
            format: summary.format.clone().unwrap_or_default(),
            status,
            records_read: summary.counts.records,
            imported: summary.counts.imported,
            duplicates: summary.counts.duplicates,
            rejected: summary.counts.rejected,
            truncated_at: None,
            started: started_at,
            finished: (status == SourceStatus::Complete).then(Utc::now),
            container: Some("parquet".to_string()),
            members: None,
            archive: None,
            archive_sha256: None,
            failed_members: None,
        };
        self.set_source(record(&summary, SourceStatus::Partial, String::new()))?;

        progress.begin(&display, Some(size));
        let mut stopped = false;
        let mut records_done = skip;
        while let Some(item) = rows.next_item() {
            match item {
                RowItem::Row {
                    number,
                    row_group,
                    row,
                    value,
                } => {
                    summary.counts.records += 1;
                    records_done = number;
                    let raw = RawRecord {
                        number,
                        offset: 0,
                        line: 0,
                        column: 0,
                        bytes: Vec::new(),
                    };
                    self.place = Some((row_group, row));
                    let r = self.handle_value(value, &raw, &display, &mut format, &mut summary);
                    self.place = None;
                    r?;
                }
                RowItem::Bad {
                    number,
                    row_group,
                    row,
                    reason,
                } => {
                    summary.counts.records += 1;
                    records_done = number;
                    self.reject_row(&display, number, (row_group, row), reason, &mut summary)?;
                }
                RowItem::GroupLost {
                    first_number,
                    row_group,
                    row,
                    rows: lost,
                    reason,
                } => {
                    // Every row the damage took is counted as read and rejected; one entry in
                    // rejects.jsonl names the range.
                    summary.counts.records += lost;
                    records_done = first_number + lost.saturating_sub(1);
                    let reason = format!(
                        "rows {row}..{} of row group {row_group} ({lost} rows) cannot be read: {reason}",
                        row + lost.saturating_sub(1)
                    );
                    self.reject_row(
                        &display,
                        first_number,
                        (row_group, row),
                        reason,
                        &mut summary,
                    )?;
                    summary.counts.rejected += lost.saturating_sub(1);
                    summary.notes.push(format!(
                        "row group {row_group}: {lost} rows from row {row} are damaged; the other row groups were read"
                    ));
                }
            }
            let bytes = rows.bytes_done();
            if self.after_record(
                &display,
                size,
                records_done,
                &summary,
                progress,
                bytes,
                cancel,
            )? {
                stopped = true;
                break;
            }
        }
        progress.update(rows.bytes_done(), summary.counts.records);
        progress.end();
        self.mark(&display, size, records_done, !stopped, &summary);
        let c = summary.counts;
        summary.failed = c.imported + c.duplicates == 0 && c.rejected > 0;
        summary.seconds = started.elapsed().as_secs_f64();
        if !stopped {
            let sha = input.sha256()?;
            self.set_source(record(&summary, SourceStatus::Complete, sha))?;
        }
        Ok((vec![summary], stopped))
    }

    fn reject_row(
        &mut self,
        display: &str,
        number: u64,
        place: (usize, u64),
        reason: String,
        summary: &mut FileSummary,
    ) -> Result<()> {
        let raw = RawRecord {
            number,
            offset: 0,
            line: 0,
            column: 0,
            bytes: Vec::new(),
        };
        self.place = Some(place);
        let r = self.reject(display, &raw, reason, summary);
        self.place = None;
        r
    }
}
