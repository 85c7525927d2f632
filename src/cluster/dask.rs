//! The scheduler's address and security, and the driver process: the Python Dask client that
//! the coordinator talks to in JSON lines (`verbatim_dask.py driver`), one per command (or
//! per interface session), kept for every request the command makes.

use std::io::{BufRead, BufReader, Write};
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use super::merge::Transport;
use super::protocol::Request;

/// Where the cluster's TLS files are kept in a matter when none is named.
pub const CERTS_DIR: &str = "cluster/certs";

/// How to reach the scheduler.
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    /// `tls://HOST:PORT`, or `tcp://127.x.x.x:PORT` with `insecure_loopback`.
    pub scheduler: String,
    /// The CA and node certificate (`verbatim cluster certs`), for `tls://`.
    pub tls: Option<PathBuf>,
    pub insecure_loopback: bool,
}

/// The TLS files a cluster member needs, in a certificates directory.
pub const TLS_FILES: [&str; 3] = ["ca.pem", "node.pem", "node-key.pem"];

/// The host of `scheme://host:port`.
fn host_of(addr: &str) -> Option<&str> {
    let rest = addr.split_once("://")?.1;
    let host = match rest.strip_prefix('[') {
        Some(v6) => v6.split_once(']')?.0,
        None => rest.rsplit_once(':').map(|(h, _)| h).unwrap_or(rest),
    };
    (!host.is_empty()).then_some(host)
}

/// Whether `host` is on 127.0.0.0/8 (or `localhost`).
pub fn is_loopback(host: &str) -> bool {
    host == "localhost" || host.parse::<Ipv4Addr>().is_ok_and(|a| a.octets()[0] == 127)
}

impl ClusterOptions {
    /// Refuses an address that would carry conversations in the clear: TLS, with its files,
    /// or plain TCP on 127.0.0.0/8 when `--insecure-loopback` says so.
    pub fn check(&self) -> Result<()> {
        let addr = &self.scheduler;
        let host = host_of(addr)
            .with_context(|| format!("{addr:?} is not a scheduler address (tls://HOST:PORT)"))?;
        if addr.starts_with("tls://") {
            let dir = self.tls.as_ref().with_context(|| {
                format!(
                    "{addr} needs the cluster's certificates: --tls DIR (made by `verbatim cluster certs DIR`)"
                )
            })?;
            for f in TLS_FILES {
                let p = dir.join(f);
                if !p.is_file() {
                    bail!(
                        "{} is missing (made by `verbatim cluster certs`)",
                        p.display()
                    );
                }
            }
            return Ok(());
        }
        if addr.starts_with("tcp://") {
            if !self.insecure_loopback {
                bail!(
                    "{addr} is not encrypted: conversations under a protective order cross it. Use tls:// with `verbatim cluster certs`, or --insecure-loopback for a trial on 127.0.0.1"
                );
            }
            if !is_loopback(host) {
                bail!("--insecure-loopback allows only addresses on 127.0.0.0/8, not {host}");
            }
            return Ok(());
        }
        bail!("{addr}: the scheduler is reached by tls:// (or tcp:// on loopback for a trial)")
    }
}

/// The Python that runs the driver and workers: `$VERBATIM_PYTHON`, else `python3`.
pub fn python() -> PathBuf {
    std::env::var_os("VERBATIM_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("python3"))
}

/// The error of a Python that does not start.
pub fn cannot_run_python() -> String {
    format!(
        "cannot run {} (Python with dask[distributed]=={}; set VERBATIM_PYTHON)",
        python().display(),
        super::DASK_VERSION
    )
}

/// Writes the driver module into `dir` (owner-only, as everything of a matter), unless it is
/// there already as this build has it; returns its path.
pub fn write_driver(dir: &Path) -> Result<PathBuf> {
    crate::fsutil::create_private_dir(dir)?;
    let path = dir.join("verbatim_dask.py");
    if std::fs::read(&path).ok().as_deref() != Some(super::DRIVER_PY.as_bytes()) {
        crate::fsutil::write_atomic(&path, super::DRIVER_PY.as_bytes())?;
    }
    Ok(path)
}

/// Where the review interface's driver writes its messages, in the matter.
pub const DRIVER_LOG: &str = "cluster/driver.log";

/// A driver process: requests go out on its input, replies come back on its output.
pub struct Driver {
    child: Child,
    input: Option<ChildStdin>,
    output: BufReader<ChildStdout>,
}

impl Driver {
    /// Starts the driver for a matter of `shards` shards and waits until every shard has a
    /// worker.
    pub fn start(opts: &ClusterOptions, matter_dir: &Path, shards: u32) -> Result<Driver> {
        Self::start_logged(opts, matter_dir, shards, None)
    }

    /// [`Driver::start`] with the driver's messages appended to `log` rather than the
    /// terminal's error stream (which the review interface draws on).
    pub fn start_logged(
        opts: &ClusterOptions,
        matter_dir: &Path,
        shards: u32,
        log: Option<&Path>,
    ) -> Result<Driver> {
        opts.check()?;
        let script = write_driver(&matter_dir.join("cluster"))?;
        let mut cmd = Command::new(python());
        // In a process group of its own, the terminal's Ctrl-C reaches the command (which
        // stops between rounds, and still needs the driver to commit) and not the driver; the
        // driver ends when its input does.
        {
            use std::os::unix::process::CommandExt;
            cmd.process_group(0);
        }
        // Conversations cross the driver as UTF-8 whatever the locale.
        cmd.env("PYTHONUTF8", "1")
            .arg(&script)
            .arg("driver")
            .arg("--scheduler")
            .arg(&opts.scheduler)
            .arg("--shards")
            .arg(shards.to_string());
        if let Ok(t) = std::env::var("VERBATIM_CLUSTER_TIMEOUT") {
            cmd.arg("--timeout").arg(t);
        }
        if opts.scheduler.starts_with("tls://")
            && let Some(t) = &opts.tls
        {
            cmd.arg("--tls").arg(t);
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(match log {
                None => Stdio::inherit(),
                Some(p) => Stdio::from(
                    crate::fsutil::open_append_private(p)
                        .with_context(|| format!("cannot open {}", p.display()))?,
                ),
            })
            .spawn()
            .with_context(cannot_run_python)?;
        let input = child.stdin.take();
        let output = BufReader::new(child.stdout.take().context("the driver has no output")?);
        let mut d = Driver {
            child,
            input,
            output,
        };
        let first = d.read_line().context("the Dask driver did not start")?;
        if first.get("ready") != Some(&Value::Bool(true)) {
            bail!("the Dask driver did not start: {}", describe(&first));
        }
        Ok(d)
    }

    fn read_line(&mut self) -> Result<Value> {
        let mut line = String::new();
        let n = self
            .output
            .read_line(&mut line)
            .context("cannot read from the Dask driver")?;
        if n == 0 {
            let status = self.child.try_wait().ok().flatten();
            bail!(
                "the Dask driver ended{} (is dask[distributed]=={} installed for {}?)",
                status.map(|s| format!(" ({s})")).unwrap_or_default(),
                super::DASK_VERSION,
                python().display()
            );
        }
        serde_json::from_str(&line).context("the Dask driver answered something not JSON")
    }
}

fn describe(v: &Value) -> String {
    v.get("error")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| v.to_string())
}

impl Transport for Driver {
    fn ask(&mut self, requests: Vec<(u32, Request)>) -> Result<Vec<Value>> {
        let n = requests.len();
        let tasks: Vec<Value> = requests
            .into_iter()
            .map(|(shard, request)| json!({"shard": shard, "request": request}))
            .collect();
        let input = self.input.as_mut().context("the Dask driver is closed")?;
        let mut line = serde_json::to_vec(&json!({ "tasks": tasks }))?;
        line.push(b'\n');
        input
            .write_all(&line)
            .and_then(|_| input.flush())
            .context("cannot write to the Dask driver")?;
        let reply = self.read_line()?;
        let Some(Value::Array(replies)) = reply.get("replies") else {
            bail!("the cluster failed: {}", describe(&reply));
        };
        if replies.len() != n {
            bail!("the cluster answered {} of {n} tasks", replies.len());
        }
        Ok(replies.clone())
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Its input closed, the driver closes its client and ends.
        drop(self.input.take());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while std::time::Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(addr: &str, tls: Option<&str>, loopback: bool) -> ClusterOptions {
        ClusterOptions {
            scheduler: addr.to_string(),
            tls: tls.map(PathBuf::from),
            insecure_loopback: loopback,
        }
    }

    #[test]
    fn plain_tcp_is_refused_unless_on_loopback_and_asked_for() {
        assert!(opts("tcp://127.0.0.1:8786", None, true).check().is_ok());
        assert!(opts("tcp://127.9.0.3:1", None, true).check().is_ok());
        assert!(opts("tcp://localhost:1", None, true).check().is_ok());
        let e = opts("tcp://127.0.0.1:8786", None, false)
            .check()
            .unwrap_err();
        assert!(e.to_string().contains("not encrypted"), "{e}");
        for far in [
            "tcp://10.0.0.5:8786",
            "tcp://128.0.0.1:1",
            "tcp://[::1]:1",
            "tcp://evil.example:1",
        ] {
            let e = opts(far, None, true).check().unwrap_err();
            assert!(e.to_string().contains("127.0.0.0/8"), "{far}: {e}");
        }
        assert!(opts("ws://127.0.0.1:1", None, true).check().is_err());
        assert!(opts("127.0.0.1:8786", None, true).check().is_err());
    }

    #[test]
    fn tls_needs_its_files() {
        let e = opts("tls://10.0.0.5:8786", None, false)
            .check()
            .unwrap_err();
        assert!(e.to_string().contains("--tls"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let e = opts("tls://10.0.0.5:8786", dir.path().to_str(), false)
            .check()
            .unwrap_err();
        assert!(e.to_string().contains("ca.pem"), "{e}");
        for f in TLS_FILES {
            std::fs::write(dir.path().join(f), "x").unwrap();
        }
        assert!(
            opts("tls://10.0.0.5:8786", dir.path().to_str(), false)
                .check()
                .is_ok()
        );
    }
}
