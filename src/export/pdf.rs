//! Printing pages to PDF with headless Chromium: found on `$VERBATIM_CHROMIUM` or the PATH,
//! run with a throwaway profile and every network path closed (the pages are local files and
//! the data is under a protective order).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

const NAMES: [&str; 4] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// The Chromium binary to print with, if one is installed.
pub fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("VERBATIM_CHROMIUM").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| NAMES.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// The Chromium binary, or an error that says how to get one.
pub fn require_chromium() -> Result<PathBuf> {
    find_chromium().context(
        "--pdf prints the exhibits with headless Chromium, which is not installed: install it \
         (Debian/Ubuntu: sudo apt install chromium; macOS: install Google Chrome) or point \
         VERBATIM_CHROMIUM at the binary; or leave out --pdf and print the HTML pages yourself",
    )
}

/// The flags every headless run gets: no profile of the user's, no network, no extensions.
pub fn headless_args(profile: &Path) -> Vec<String> {
    let mut v: Vec<String> = [
        "--headless",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-sync",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--dns-prefetch-disable",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=127.0.0.1:9",
        "--allow-file-access-from-files",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push(format!("--user-data-dir={}", profile.display()));
    // Chromium's sandbox refuses to start as root (containers, CI).
    #[cfg(unix)]
    // SAFETY: geteuid has no preconditions and touches no memory.
    if unsafe { libc::geteuid() } == 0 {
        v.push("--no-sandbox".to_string());
    }
    v
}

/// Prints `html` (a local file) to `pdf`, A4 or Letter as the page's CSS says. `stop` ends
/// the printing at once (Chromium is killed): an export stopped while printing.
pub fn print(
    chromium: &Path,
    html: &Path,
    pdf: &Path,
    timeout: Duration,
    stop: Option<&std::sync::atomic::AtomicBool>,
) -> Result<()> {
    let profile = tempfile::tempdir().context("cannot create a browser profile directory")?;
    let url = format!("file://{}", html.canonicalize()?.display());
    // Chromium's log goes to a file: a pipe nobody reads until the end could fill and stall it.
    let log_path = profile.path().join("chromium.log");
    let log = std::fs::File::create(&log_path).context("cannot create the browser's log")?;
    let mut cmd = Command::new(chromium);
    cmd.args(headless_args(profile.path()))
        .arg("--no-pdf-header-footer")
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(&url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(log);
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot start {}", chromium.display()))?;
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().context("cannot wait for Chromium")? {
            if !status.success() || !pdf.is_file() {
                let err = std::fs::read_to_string(&log_path).unwrap_or_default();
                let tail: String = err.lines().rev().take(5).collect::<Vec<_>>().join(" | ");
                bail!(
                    "Chromium could not print {} to PDF ({status}): {tail}",
                    html.display()
                );
            }
            return Ok(());
        }
        if stop.is_some_and(|s| s.load(std::sync::atomic::Ordering::Relaxed)) {
            let _ = child.kill();
            let _ = child.wait();
            bail!("printing {} stopped", html.display());
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "Chromium did not finish printing {} within {} s",
                html.display(),
                timeout.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
