//! A progress bar on stderr, drawn only when stderr is a terminal.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use verbatim::progress::Progress;

pub struct Bar {
    bar: Option<ProgressBar>,
    enabled: bool,
    unit: &'static str,
}

impl Bar {
    /// `unit` names what the second counter counts ("records", "conversations").
    pub fn new(quiet: bool, unit: &'static str) -> Bar {
        Bar {
            bar: None,
            enabled: !quiet && std::io::stderr().is_terminal(),
            unit,
        }
    }
}

impl Progress for Bar {
    fn begin(&mut self, label: &str, total: Option<u64>) {
        if !self.enabled {
            return;
        }
        let bar = match total {
            Some(t) => ProgressBar::with_draw_target(Some(t), ProgressDrawTarget::stderr()),
            None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
        };
        let template = if total.is_some() {
            "{spinner} {prefix:.bold} [{wide_bar}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}"
        } else {
            "{spinner} {prefix} {bytes} {bytes_per_sec} {msg}"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        let name = std::path::Path::new(label)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| label.to_string());
        bar.set_prefix(shorten(&verbatim::textfmt::visible_line(&name), 28));
        bar.enable_steady_tick(Duration::from_millis(200));
        self.bar = Some(bar);
    }

    fn update(&mut self, done: u64, records: u64) {
        if let Some(b) = &self.bar {
            b.set_position(done);
            b.set_message(format!("{records} {}", self.unit));
        }
    }

    fn end(&mut self) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
    }

    fn note(&mut self, line: &str) {
        match &self.bar {
            Some(b) => b.println(line),
            None => eprintln!("{line}"),
        }
    }
}

/// A name cut to `max` characters from its start, keeping its end (an archive member's own
/// name and extension), so the bar stays on one line of an 80-column terminal.
fn shorten(name: &str, max: usize) -> String {
    let n = name.chars().count();
    if n <= max {
        return name.to_string();
    }
    let tail: String = name.chars().skip(n - (max - 1)).collect();
    format!("…{tail}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_names_keep_their_end() {
        assert_eq!(super::shorten("a.jsonl", 28), "a.jsonl");
        let s = super::shorten("delivery-vol001.zip!production/part-0001.jsonl.gz", 28);
        assert_eq!(s.chars().count(), 28);
        assert!(s.starts_with('…') && s.ends_with("part-0001.jsonl.gz"));
    }
}
