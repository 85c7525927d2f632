//! The writer of each format: what files a record becomes, and what is written once at the
//! start and end. Records arrive one at a time, so memory stays flat in the export's size.

use std::io::Write;
use std::sync::atomic::AtomicBool;

use anyhow::{Context, Result};

use super::outdir::{HashedFile, OutDir};
use super::record::{ArticleMap, Record};
use super::{Format, dat, exhibit, html, transcript};

pub trait Sink {
    fn write(&mut self, out: &mut OutDir, r: &Record, articles: &ArticleMap) -> Result<()>;
    fn finish(self: Box<Self>, out: &mut OutDir, cancel: &AtomicBool) -> Result<()>;
    /// Values the format could not hold as they were (DAT qualifier characters).
    fn altered_values(&self) -> u64 {
        0
    }
}

/// What every file of an export is headed with.
pub struct Heading<'a> {
    pub title: &'a str,
    /// The run's designation (pages of conversations coded otherwise carry their own).
    pub designation: Option<&'a str>,
    /// Exhibits: print them into `exhibits.pdf` with this Chromium.
    pub chromium: Option<&'a std::path::Path>,
}

pub fn for_format(format: Format, out: &mut OutDir, heading: &Heading) -> Result<Box<dyn Sink>> {
    Ok(match format {
        Format::Jsonl => Box::new(Jsonl {
            file: out.open("conversations.jsonl")?,
        }),
        Format::Csv => Box::new(Csv::new(out)?),
        Format::Txt => Box::new(Transcripts { markdown: false }),
        Format::Md => Box::new(Transcripts { markdown: true }),
        Format::Html => Box::new(Html {
            index: IndexPage::open(out, heading)?,
        }),
        Format::Exhibit => Box::new(Exhibits::new(out, heading)?),
        Format::Rsmf => Box::new(Rsmf),
        Format::Dat => {
            let mut file = out.open("loadfile.dat")?;
            file.write_all(dat::header().as_bytes())
                .context("cannot write loadfile.dat")?;
            Box::new(Dat { file, altered: 0 })
        }
    })
}

struct Jsonl {
    file: HashedFile,
}

impl Sink for Jsonl {
    fn write(&mut self, _: &mut OutDir, r: &Record, _: &ArticleMap) -> Result<()> {
        let mut line = r.to_json()?;
        line.push(b'\n');
        self.file
            .write_all(&line)
            .context("cannot write conversations.jsonl")
    }

    fn finish(self: Box<Self>, out: &mut OutDir, _: &AtomicBool) -> Result<()> {
        out.close(self.file)
    }
}

pub const CSV_COLUMNS: [&str; 24] = [
    "id",
    "bates",
    "designation",
    "created",
    "model",
    "turns",
    "tags",
    "reviewer",
    "reviewers",
    "note",
    "strongest_label",
    "strongest_article",
    "longest_run_words",
    "strong",
    "elicitation",
    "supplied_words",
    "beyond_supplied_words",
    "matched_articles",
    "group_id",
    "principal",
    "similarity",
    "family_id",
    "source_file",
    "source_record",
];

/// A finding's elicitation as a column value (empty without a finding or a recorded one).
fn elicitation_of(f: Option<&crate::detect::Finding>) -> String {
    f.and_then(|f| f.elicitation)
        .map(|e| e.as_str().to_string())
        .unwrap_or_default()
}

struct Csv {
    writer: csv::Writer<HashedFile>,
}

impl Csv {
    fn new(out: &mut OutDir) -> Result<Csv> {
        let mut file = out.open("conversations.csv")?;
        // A byte-order mark makes spreadsheets read the file as UTF-8.
        file.write_all("\u{FEFF}".as_bytes())
            .context("cannot write conversations.csv")?;
        let mut writer = csv::WriterBuilder::new()
            .quote_style(csv::QuoteStyle::Necessary)
            .terminator(csv::Terminator::CRLF)
            .from_writer(file);
        writer
            .write_record(CSV_COLUMNS)
            .context("cannot write conversations.csv")?;
        Ok(Csv { writer })
    }
}

/// A value a spreadsheet would run as a formula gets a leading apostrophe (OWASP's advice
/// against CSV injection); every other value is written as it is.
/// Spreadsheets skip leading white space (line feeds too) before reading a formula, so the
/// first character that counts is the first non-blank one.
pub fn cell(s: &str) -> String {
    let first = s.trim_start_matches([' ', '\n', '\r', '\t', '\u{a0}', '\u{3000}']);
    if s.starts_with(['\t', '\r', '\n']) || first.starts_with(['=', '+', '-', '@', '\u{ff1d}']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

impl Sink for Csv {
    fn write(&mut self, _: &mut OutDir, r: &Record, _: &ArticleMap) -> Result<()> {
        let c = &r.conversation;
        let strongest = r.strongest();
        // An internal export has no numbers of its own: the column says where earlier
        // productions carried the conversation (the register).
        let bates = match &r.bates {
            Some(b) => b.clone(),
            None => r.produced_as.join(";"),
        };
        let group = super::record::GroupPlace::fields(r.group.as_ref());
        let row = [
            c.id.clone(),
            bates,
            r.designation.clone().unwrap_or_default(),
            c.created.map(|d| d.to_rfc3339()).unwrap_or_default(),
            c.model.clone().unwrap_or_default(),
            r.turns.to_string(),
            r.tags.join(";"),
            r.last_reviewer.clone().unwrap_or_default(),
            r.reviewers.join(";"),
            r.note.clone().unwrap_or_default(),
            strongest
                .map(|f| f.label.as_str().to_string())
                .unwrap_or_default(),
            strongest.map(|f| f.article.clone()).unwrap_or_default(),
            strongest
                .map(|f| f.longest_run_words.to_string())
                .unwrap_or_default(),
            strongest.map(|f| f.strong.to_string()).unwrap_or_default(),
            elicitation_of(strongest),
            strongest
                .map(|f| f.supplied_words.to_string())
                .unwrap_or_default(),
            strongest
                .map(|f| f.beyond_supplied_words.to_string())
                .unwrap_or_default(),
            r.matched_articles().join(";"),
            group[0].clone(),
            group[1].clone(),
            group[2].clone(),
            c.family.clone().unwrap_or_default(),
            c.source.file.clone(),
            c.source.record.to_string(),
        ];
        self.writer
            .write_record(row.iter().map(|v| cell(v)))
            .context("cannot write conversations.csv")
    }

    fn finish(self: Box<Self>, out: &mut OutDir, _: &AtomicBool) -> Result<()> {
        let file = self
            .writer
            .into_inner()
            .map_err(|e| anyhow::anyhow!("cannot write conversations.csv: {}", e.error()))?;
        out.close(file)
    }
}

struct Transcripts {
    markdown: bool,
}

impl Sink for Transcripts {
    fn write(&mut self, out: &mut OutDir, r: &Record, articles: &ArticleMap) -> Result<()> {
        let (body, ext) = if self.markdown {
            (transcript::markdown(r, articles), "md")
        } else {
            (transcript::text(r, articles), "txt")
        };
        out.write(
            &format!("transcripts/{}.{ext}", r.file_stem()),
            body.as_bytes(),
        )
    }

    fn finish(self: Box<Self>, _: &mut OutDir, _: &AtomicBool) -> Result<()> {
        Ok(())
    }
}

/// `index.html` of the page formats: one row per conversation, linking to its page.
struct IndexPage {
    file: HashedFile,
    count: u64,
    designation: Option<String>,
}

impl IndexPage {
    fn open(out: &mut OutDir, heading: &Heading) -> Result<IndexPage> {
        let mut file = out.open("index.html")?;
        file.write_all(html::index_head(heading.title, heading.designation).as_bytes())
            .context("cannot write index.html")?;
        Ok(IndexPage {
            file,
            count: 0,
            designation: heading.designation.map(str::to_string),
        })
    }

    fn row(&mut self, r: &Record, href: &str, articles: &ArticleMap) -> Result<()> {
        self.count += 1;
        self.file
            .write_all(html::index_row(r, href, articles).as_bytes())
            .context("cannot write index.html")
    }

    fn close(mut self, out: &mut OutDir) -> Result<()> {
        self.file
            .write_all(html::index_foot(self.count, self.designation.as_deref()).as_bytes())
            .context("cannot write index.html")?;
        out.close(self.file)
    }
}

struct Html {
    index: IndexPage,
}

impl Sink for Html {
    fn write(&mut self, out: &mut OutDir, r: &Record, articles: &ArticleMap) -> Result<()> {
        let href = format!("conversations/{}.html", r.file_stem());
        out.write(&href, html::page(r, articles).as_bytes())?;
        self.index.row(r, &href, articles)
    }

    fn finish(self: Box<Self>, out: &mut OutDir, _: &AtomicBool) -> Result<()> {
        self.index.close(out)
    }
}

/// Exhibit pages, an index, and with a Chromium `exhibits.html` (all in one, each exhibit its
/// own printed pages) printed into `exhibits.pdf`.
struct Exhibits {
    index: IndexPage,
    all: Option<HashedFile>,
    chromium: Option<std::path::PathBuf>,
}

impl Exhibits {
    fn new(out: &mut OutDir, heading: &Heading) -> Result<Exhibits> {
        let index = IndexPage::open(out, heading)?;
        let all = match heading.chromium {
            Some(_) => {
                let mut f = out.open("exhibits.html")?;
                f.write_all(exhibit::head("Exhibits", heading.designation, "").as_bytes())
                    .context("cannot write exhibits.html")?;
                Some(f)
            }
            None => None,
        };
        Ok(Exhibits {
            index,
            all,
            chromium: heading.chromium.map(std::path::Path::to_path_buf),
        })
    }
}

impl Sink for Exhibits {
    fn write(&mut self, out: &mut OutDir, r: &Record, articles: &ArticleMap) -> Result<()> {
        let href = format!("exhibits/{}.html", r.file_stem());
        out.write(&href, exhibit::page(r, articles).as_bytes())?;
        self.index.row(r, &href, articles)?;
        if let Some(all) = &mut self.all {
            let page = format!("x{}", r.ordinal);
            all.write_all(exhibit::section(r, articles, Some(&page)).as_bytes())
                .context("cannot write exhibits.html")?;
        }
        Ok(())
    }

    fn finish(self: Box<Self>, out: &mut OutDir, cancel: &AtomicBool) -> Result<()> {
        let count = self.index.count;
        self.index.close(out)?;
        if let (Some(mut all), Some(chromium)) = (self.all, self.chromium) {
            all.write_all(exhibit::FOOT.as_bytes())
                .context("cannot write exhibits.html")?;
            out.close(all)?;
            let pages = std::time::Duration::from_secs(120 + count / 4);
            super::pdf::print(
                &chromium,
                &out.staging_path("exhibits.html"),
                &out.staging_path("exhibits.pdf"),
                pages,
                Some(cancel),
            )?;
            out.adopt("exhibits.pdf")?;
        }
        Ok(())
    }
}

/// One `.rsmf` file per conversation.
struct Rsmf;

impl Sink for Rsmf {
    fn write(&mut self, out: &mut OutDir, r: &Record, articles: &ArticleMap) -> Result<()> {
        let bytes = super::rsmf::file(r, articles)?;
        out.write(&format!("RSMF/{}.rsmf", r.file_stem()), &bytes)
    }

    fn finish(self: Box<Self>, _: &mut OutDir, _: &AtomicBool) -> Result<()> {
        Ok(())
    }
}

struct Dat {
    file: HashedFile,
    altered: u64,
}

impl Sink for Dat {
    fn write(&mut self, out: &mut OutDir, r: &Record, articles: &ArticleMap) -> Result<()> {
        let stem = r.file_stem();
        let native = serde_json::to_vec_pretty(&r.to_value()?).context("cannot encode a native")?;
        let native_rel = format!("NATIVES/{stem}.json");
        let text_rel = format!("TEXT/{stem}.txt");
        out.write(&native_rel, &native)?;
        out.write(&text_rel, transcript::text(r, articles).as_bytes())?;
        let c = &r.conversation;
        let bates = r.bates.clone().unwrap_or_default();
        let group = super::record::GroupPlace::fields(r.group.as_ref());
        let raw = [
            bates.clone(),
            bates,
            r.designation.clone().unwrap_or_default(),
            c.id.clone(),
            c.created.map(|d| d.to_rfc3339()).unwrap_or_default(),
            c.model.clone().unwrap_or_default(),
            r.turns.to_string(),
            r.tags.join(dat::MULTI),
            r.last_reviewer.clone().unwrap_or_default(),
            r.note.clone().unwrap_or_default(),
            r.matched_articles().join(dat::MULTI),
            r.strongest()
                .map(|f| f.longest_run_words.to_string())
                .unwrap_or_default(),
            elicitation_of(r.strongest()),
            r.strongest()
                .map(|f| f.supplied_words.to_string())
                .unwrap_or_default(),
            r.strongest()
                .map(|f| f.beyond_supplied_words.to_string())
                .unwrap_or_default(),
            group[0].clone(),
            group[1].clone(),
            group[2].clone(),
            c.family.clone().unwrap_or_default(),
            crate::hashing::sha256_hex(&native),
            native_rel.replace('/', "\\"),
            text_rel.replace('/', "\\"),
        ];
        let values: Vec<String> = raw
            .iter()
            .map(|v| {
                let (s, altered) = dat::value(v);
                self.altered += u64::from(altered);
                s
            })
            .collect();
        self.file
            .write_all(dat::row(&values).as_bytes())
            .context("cannot write loadfile.dat")
    }

    fn finish(self: Box<Self>, out: &mut OutDir, _: &AtomicBool) -> Result<()> {
        out.close(self.file)
    }

    fn altered_values(&self) -> u64 {
        self.altered
    }
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formulas_behind_blanks_are_guarded() {
        for evil in [
            "=1+1",
            "+1",
            "-1",
            "@SUM(A1)",
            "\n=HYPERLINK(\"x\")",
            "  =1",
            "\t=1",
            "\u{a0}=1",
        ] {
            assert!(cell(evil).starts_with('\''), "{evil:?}");
        }
        for fine in ["plain", "a=b", "1-2", ""] {
            assert_eq!(cell(fine), fine);
        }
    }
}
