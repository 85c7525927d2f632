//! Synthetic productions for tests, demos, benchmarks and detector evaluation: chatbot
//! conversations in three export shapes, a news-article corpus, and a ground-truth file naming
//! exactly where article text was planted in the conversations.
//!
//! Everything is derived from the seed with a PRNG defined here, so the same options produce
//! byte-identical files on every platform. Output is streamed; only the article corpus is kept
//! in memory (conversations quote it).
//!
//! Ground truth (`truth.jsonl`, one line per conversation, in order): `message` counts the
//! messages an importer keeps (for the ChatGPT shape the hidden system message is not one),
//! `start`/`end` and `article_start`/`article_end` are byte offsets, and `words` is the number
//! of article words covered by the spans (0 for `none` and `paraphrase`).

mod articles;
mod cases;
mod chat;
mod conv;
mod derived;
mod formats;
mod grammar;
mod intl;
mod neardup;
mod news;
mod prose;
mod quotes;
mod rng;
mod text;
mod vocab;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use rayon::prelude::*;

pub use text::{SHINGLE, count_words, norm_words, word_spans};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SynthFormat {
    ShareGpt,
    OpenAi,
    ChatGpt,
}

impl SynthFormat {
    /// Name of the conversations file for this shape.
    pub fn file_name(self) -> &'static str {
        match self {
            SynthFormat::OpenAi => "conversations.jsonl",
            SynthFormat::ShareGpt | SynthFormat::ChatGpt => "conversations.json",
        }
    }
}

impl std::str::FromStr for SynthFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "sharegpt" => Ok(SynthFormat::ShareGpt),
            "openai" => Ok(SynthFormat::OpenAi),
            "chatgpt" => Ok(SynthFormat::ChatGpt),
            _ => Err(format!(
                "unknown format {s:?} (expected sharegpt, openai or chatgpt)"
            )),
        }
    }
}

#[derive(Debug, Clone)]
pub struct SynthOptions {
    pub conversations: u64,
    pub articles: u64,
    pub seed: u64,
    pub format: SynthFormat,
    /// Directory, created if missing (mode 0700 on unix); files are written with mode 0600.
    pub out: PathBuf,
    /// Share of conversations that get a planted case of some type (default 0.25).
    pub plant_rate: f64,
    /// Share of conversations planted as near-duplicates of their family's head (default 0:
    /// none; `near_duplicates.jsonl` names each copy and its head).
    pub near_duplicates: f64,
}

#[derive(Debug, Clone)]
pub struct SynthSummary {
    pub conversations: u64,
    pub articles: u64,
    /// Conversations per case name ("none", "verbatim", ...).
    pub cases: BTreeMap<String, u64>,
    pub bytes_written: u64,
    pub files: Vec<PathBuf>,
}

/// Size of the famous-quote pool.
const QUOTE_POOL: usize = 300;

/// How often `progress` is called (in conversations).
const PROGRESS_EVERY: u64 = 1000;

/// Writes `articles.jsonl`, the conversations file and `truth.jsonl` into `opts.out`.
/// `progress` receives the number of conversations written so far.
pub fn synth(opts: &SynthOptions, progress: &mut dyn FnMut(u64)) -> Result<SynthSummary> {
    if !(0.0..=1.0).contains(&opts.near_duplicates) {
        bail!(
            "near-duplicate share must be between 0 and 1, got {}",
            opts.near_duplicates
        );
    }
    if !(0.0..=1.0).contains(&opts.plant_rate) {
        bail!(
            "plant rate must be between 0 and 1, got {}",
            opts.plant_rate
        );
    }
    create_dir(&opts.out)?;

    let news = articles::NewsKit::new()?;
    let pool = quotes::build_pool(opts.seed, QUOTE_POOL);
    let grammar = opts.articles.min(derived::GRAMMAR_ARTICLES);
    let mut maker = articles::ArticleMaker::new(&news, &pool, opts.seed, grammar)?;
    // Conversations quote these; the rest of a larger corpus is derived from them.
    let corpus: Vec<articles::Article> = (0..grammar).map(|i| maker.make(i)).collect();

    let mut bytes = 0u64;
    let articles_path = opts.out.join("articles.jsonl");
    {
        let mut w = create_file(&articles_path)?;
        let err = || format!("cannot write {}", articles_path.display());
        for a in &corpus {
            formats::write_article(&mut w, a).with_context(err)?;
        }
        if opts.articles > grammar {
            let coined = derived::coined_words(&corpus);
            let mut at = grammar;
            while at < opts.articles {
                let to = (at + 8192).min(opts.articles);
                let chunk: Vec<Vec<u8>> = (at..to)
                    .into_par_iter()
                    .map(|i| {
                        let mut buf = Vec::with_capacity(4096);
                        let a = derived::derive(&corpus, i, &coined);
                        formats::write_article(&mut buf, &a).map(|_| buf)
                    })
                    .collect::<std::io::Result<_>>()
                    .with_context(err)?;
                for b in chunk {
                    w.write_all(&b).with_context(err)?;
                }
                at = to;
            }
        }
        bytes += finish(w, &articles_path)?;
    }

    let chat = prose::ChatKit::new()?;
    let planter = cases::Planter::new(&chat, &corpus, &pool)?;
    let convs = conv::ConvMaker::new(&chat, &planter, opts.seed, opts.format, opts.plant_rate);
    let conv_path = opts.out.join(opts.format.file_name());
    let truth_path = opts.out.join("truth.jsonl");
    let mut cw = create_file(&conv_path)?;
    let mut tw = create_file(&truth_path)?;
    let near_path = opts.out.join("near_duplicates.jsonl");
    let mut nw = if opts.near_duplicates > 0.0 {
        Some(create_file(&near_path)?)
    } else {
        None
    };
    let mut cases: BTreeMap<String, u64> = cases::Case::ALL
        .iter()
        .map(|c| (c.name().to_string(), 0))
        .collect();
    let array = opts.format != SynthFormat::OpenAi;
    let conv_err = || format!("cannot write {}", conv_path.display());
    if array {
        cw.write_all(b"[").with_context(conv_err)?;
    }
    for i in 0..opts.conversations {
        let c = match neardup::plan(opts.seed, i, opts.near_duplicates) {
            Some((head, rate)) => {
                let own = convs.make(i);
                let head_conv = convs.make(head);
                let head_id = head_conv.id.clone();
                let copy = neardup::copy(head_conv, own.id, opts.seed, i, rate);
                if let Some(w) = nw.as_mut() {
                    let t = neardup::Truth {
                        conversation: &copy.id,
                        copy_of: &head_id,
                        edit_rate: rate as f64 / 1000.0,
                    };
                    serde_json::to_writer(&mut *w, &t)
                        .map_err(std::io::Error::from)
                        .and_then(|_| w.write_all(b"\n"))
                        .with_context(|| format!("cannot write {}", near_path.display()))?;
                }
                copy
            }
            None => convs.make(i),
        };
        match opts.format {
            SynthFormat::OpenAi => formats::write_openai(&mut cw, &c),
            SynthFormat::ShareGpt | SynthFormat::ChatGpt => {
                // One record per line inside the array keeps the file greppable.
                let sep: &[u8] = if i == 0 { b"\n" } else { b",\n" };
                cw.write_all(sep).and_then(|_| {
                    if opts.format == SynthFormat::ShareGpt {
                        formats::write_sharegpt(&mut cw, &c)
                    } else {
                        formats::write_chatgpt(&mut cw, &c)
                    }
                })
            }
        }
        .with_context(conv_err)?;
        formats::write_truth(&mut tw, &c, &corpus)
            .with_context(|| format!("cannot write {}", truth_path.display()))?;
        *cases.entry(c.case.name().to_string()).or_insert(0) += 1;
        if (i + 1) % PROGRESS_EVERY == 0 {
            progress(i + 1);
        }
    }
    if array {
        cw.write_all(b"\n]\n").with_context(conv_err)?;
    }
    bytes += finish(cw, &conv_path)?;
    bytes += finish(tw, &truth_path)?;
    let mut files = vec![articles_path, conv_path, truth_path];
    if let Some(w) = nw {
        bytes += finish(w, &near_path)?;
        files.push(near_path);
    }
    progress(opts.conversations);

    Ok(SynthSummary {
        conversations: opts.conversations,
        articles: opts.articles,
        cases,
        bytes_written: bytes,
        files,
    })
}

type Out = formats::Counting<BufWriter<File>>;

fn create_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
        .with_context(|| format!("cannot create directory {}", dir.display()))
}

fn create_file(path: &Path) -> Result<Out> {
    let mut o = OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let f = o
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    // An existing file keeps its old mode through `open`; the output may hold personal-looking
    // data, so narrow it either way.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(fs::Permissions::from_mode(0o600))
            .with_context(|| format!("cannot set permissions on {}", path.display()))?;
    }
    Ok(formats::Counting {
        inner: BufWriter::with_capacity(1 << 20, f),
        bytes: 0,
    })
}

/// Flushes a writer and returns the bytes it wrote.
fn finish(mut w: Out, path: &Path) -> Result<u64> {
    w.flush()
        .with_context(|| format!("cannot write {}", path.display()))?;
    w.inner
        .into_inner()
        .map_err(|e| e.into_error())
        .and_then(|f| f.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(w.bytes)
}
