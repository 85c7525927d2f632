//! Cluster processes: a scheduler and workers on this machine for a trial (`cluster up`,
//! `cluster down`), and one worker serving the shards a machine holds (`cluster worker`).
//! They are Dask's own (`distributed.cli.dask_scheduler`, `dask_worker`) run with the
//! right resources, the driver module preloaded and the cluster's TLS files.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use super::dask::{python, write_driver};
use crate::matter::Matter;

/// Where `cluster up` keeps what it started, in the matter.
const STATE_FILE: &str = "cluster/processes.json";
const SCHEDULER_FILE: &str = "cluster/scheduler.json";

/// What `cluster up` started, for `cluster down`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Processes {
    pub scheduler: String,
    pub tls: Option<String>,
    /// (role, process group id) of each process started.
    pub groups: Vec<(String, u32)>,
    /// Shard numbers each worker holds.
    pub placement: Vec<Vec<u32>>,
}

pub struct UpOptions {
    pub workers: u32,
    /// Threads per worker (concurrent tasks); None: one per shard it holds.
    pub threads: Option<u32>,
    /// Workers holding each shard (a shard survives the loss of all but one of them).
    pub replicas: u32,
    /// TLS files (made in the matter's `cluster/certs` when absent); None: plain TCP on
    /// 127.0.0.1, asked for with `--insecure-loopback`.
    pub tls: Option<PathBuf>,
}

/// The shards of worker `i` of `workers` when each shard is held by `replicas` workers.
pub fn placement(shards: u32, workers: u32, replicas: u32) -> Vec<Vec<u32>> {
    let replicas = replicas.clamp(1, workers.max(1));
    let mut out = vec![Vec::new(); workers as usize];
    for k in 0..shards {
        for r in 0..replicas {
            out[((k + r) % workers) as usize].push(k);
        }
    }
    for v in &mut out {
        v.sort_unstable();
    }
    out
}

fn is_alive(pid: u32) -> bool {
    // 0 and 1 as process groups would be this one's, or every process's.
    if pid <= 1 {
        return false;
    }
    // A process of ours: Dask's, not a reused number.
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|c| String::from_utf8_lossy(&c).contains("distributed"))
        .unwrap_or(false)
}

fn read_state(matter_dir: &Path) -> Result<Option<Processes>> {
    let path = matter_dir.join(STATE_FILE);
    match std::fs::read(&path) {
        Ok(b) => {
            Ok(Some(serde_json::from_slice(&b).with_context(|| {
                format!("{} is damaged", path.display())
            })?))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

fn save_state(matter_dir: &Path, p: &Processes) -> Result<()> {
    crate::fsutil::write_atomic(&matter_dir.join(STATE_FILE), &serde_json::to_vec_pretty(p)?)
}

/// TLS arguments of a Dask scheduler or worker.
fn tls_args(cmd: &mut Command, tls: Option<&Path>) {
    if let Some(dir) = tls {
        cmd.arg("--tls-ca-file")
            .arg(dir.join("ca.pem"))
            .arg("--tls-cert")
            .arg(dir.join("node.pem"))
            .arg("--tls-key")
            .arg(dir.join("node-key.pem"));
    }
}

/// The command that runs a Dask scheduler on `host:port` (0: any free port), with TLS when
/// `tls` names the cluster's files.
pub fn scheduler_command(host: &str, port: u16, tls: Option<&Path>) -> Command {
    let mut cmd = Command::new(python());
    cmd.args(["-m", "distributed.cli.dask_scheduler"]).args([
        "--host",
        host,
        "--port",
        &port.to_string(),
        "--no-dashboard",
    ]);
    if tls.is_some() {
        cmd.args(["--protocol", "tls"]);
    }
    tls_args(&mut cmd, tls);
    cmd
}

/// The command that runs a Dask worker holding `shards` (number and directory).
pub fn worker_command(
    scheduler: &str,
    matter_dir: &Path,
    shards: &[(u32, PathBuf)],
    name: &str,
    threads: u32,
    tls: Option<&Path>,
    scratch: &Path,
) -> Result<Command> {
    let script = write_driver(&matter_dir.join("cluster"))?;
    let resources = shards
        .iter()
        .map(|(k, _)| format!("shard{k}=1"))
        .collect::<Vec<_>>()
        .join(",");
    let held: serde_json::Map<String, serde_json::Value> = shards
        .iter()
        .map(|(k, d)| (k.to_string(), d.display().to_string().into()))
        .collect();
    let exe = std::env::current_exe().context("cannot find the verbatim binary")?;
    let mut cmd = Command::new(python());
    cmd.args(["-m", "distributed.cli.dask_worker"])
        .arg(scheduler)
        .args([
            "--name",
            name,
            "--nthreads",
            &threads.to_string(),
            "--nworkers",
            "1",
        ])
        .args(["--no-dashboard", "--resources", &resources])
        .arg("--preload")
        .arg(&script)
        .arg("--local-directory")
        .arg(scratch)
        .env("VERBATIM_BIN", exe)
        .env("VERBATIM_WORKER_MATTER", matter_dir)
        .env(
            "VERBATIM_WORKER_SHARDS",
            serde_json::Value::Object(held).to_string(),
        );
    tls_args(&mut cmd, tls);
    Ok(cmd)
}

/// Starts `cmd` detached in a process group of its own, its output to `log`.
fn spawn_detached(mut cmd: Command, log: &Path) -> Result<u32> {
    use std::os::unix::process::CommandExt;
    let out = crate::fsutil::create_private(log)?;
    let err = out.try_clone()?;
    let child = cmd
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .with_context(super::dask::cannot_run_python)?;
    Ok(child.id())
}

/// Starts a scheduler and `workers` workers on 127.0.0.1 for the sharded `matter`; returns
/// once every shard has a worker.
pub fn up(matter: &Matter, opts: &UpOptions) -> Result<Processes> {
    // Absolute paths: the processes outlive this one and its working directory.
    let dir = &std::fs::canonicalize(&matter.dir)
        .with_context(|| format!("cannot read {}", matter.dir.display()))?;
    let shards = matter
        .meta
        .shards
        .context("the matter is not sharded (verbatim shard split --shards N)")?;
    if opts.workers == 0 {
        bail!("a cluster needs at least one worker");
    }
    if let Some(p) = read_state(dir)? {
        if p.groups.iter().any(|(_, g)| is_alive(*g)) {
            bail!(
                "a cluster of this matter is up at {} (verbatim cluster down first)",
                p.scheduler
            );
        }
        std::fs::remove_file(dir.join(STATE_FILE)).ok();
    }
    crate::fsutil::create_private_dir(&dir.join("cluster"))?;
    let tls = match &opts.tls {
        Some(t) => {
            Some(std::fs::canonicalize(t).with_context(|| format!("cannot read {}", t.display()))?)
        }
        None => None,
    };
    let tls = tls.as_deref();
    let scheduler_file = dir.join(SCHEDULER_FILE);
    std::fs::remove_file(&scheduler_file).ok();
    let mut cmd = scheduler_command("127.0.0.1", 0, tls);
    cmd.arg("--scheduler-file").arg(&scheduler_file);
    let mut state = Processes {
        scheduler: String::new(),
        tls: tls.map(|t| t.display().to_string()),
        groups: Vec::new(),
        placement: placement(shards, opts.workers, opts.replicas),
    };
    let pid = spawn_detached(cmd, &dir.join("cluster/scheduler.log"))?;
    state.groups.push(("scheduler".into(), pid));
    save_state(dir, &state)?;
    let deadline = Instant::now() + Duration::from_secs(60);
    state.scheduler = loop {
        if let Ok(b) = std::fs::read(&scheduler_file)
            && let Ok(v) = serde_json::from_slice::<serde_json::Value>(&b)
            && let Some(a) = v.get("address").and_then(|a| a.as_str())
        {
            break a.to_string();
        }
        if !is_alive(pid) || Instant::now() > deadline {
            let log =
                std::fs::read_to_string(dir.join("cluster/scheduler.log")).unwrap_or_default();
            bail!(
                "the scheduler did not start: {}",
                log.lines().rev().take(5).collect::<Vec<_>>().join(" | ")
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    save_state(dir, &state)?;
    for (i, held) in state.placement.clone().iter().enumerate() {
        let shards: Vec<(u32, PathBuf)> = held
            .iter()
            .map(|k| {
                (
                    *k,
                    dir.join(crate::matter::SHARDS_DIR).join(format!("{k:03}")),
                )
            })
            .collect();
        let scratch = dir.join(format!("cluster/worker-{i}"));
        crate::fsutil::create_private_dir(&scratch)?;
        let cmd = worker_command(
            &state.scheduler,
            dir,
            &shards,
            &format!("verbatim-{i}"),
            opts.threads.unwrap_or(held.len() as u32).max(1),
            tls,
            &scratch,
        )?;
        let pid = spawn_detached(cmd, &dir.join(format!("cluster/worker-{i}.log")))?;
        state.groups.push((format!("worker {i}"), pid));
        save_state(dir, &state)?;
    }
    wait_for(&state.scheduler, tls, dir, shards, opts.workers)?;
    Ok(state)
}

/// Waits until `workers` workers are up and each shard has one.
pub fn wait_for(
    scheduler: &str,
    tls: Option<&Path>,
    matter_dir: &Path,
    shards: u32,
    workers: u32,
) -> Result<String> {
    let script = write_driver(&matter_dir.join("cluster"))?;
    let mut cmd = Command::new(python());
    cmd.arg(&script)
        .args(["wait", "--scheduler", scheduler])
        .args([
            "--shards",
            &shards.to_string(),
            "--workers",
            &workers.to_string(),
        ])
        .args(["--timeout", "60"]);
    if let Some(t) = tls {
        cmd.arg("--tls").arg(t);
    }
    let out = cmd.output().context("cannot run the Dask driver")?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    if !out.status.success() {
        bail!("the cluster did not come up: {}", text.trim());
    }
    Ok(text)
}

/// Stops what `cluster up` started; returns how many process groups were stopped.
pub fn down(matter_dir: &Path) -> Result<usize> {
    let Some(state) = read_state(matter_dir)? else {
        return Ok(0);
    };
    let alive: Vec<u32> = state
        .groups
        .iter()
        .map(|(_, g)| *g)
        .filter(|g| is_alive(*g))
        .collect();
    // Workers first, then the scheduler: each is told to stop, then made to.
    for sig in [libc::SIGTERM, libc::SIGKILL] {
        for g in alive.iter().rev() {
            // SAFETY: kill(2) on a process group this matter's `cluster up` started.
            unsafe {
                libc::kill(-(*g as i32), sig);
            }
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while alive.iter().any(|g| is_alive(*g)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        if !alive.iter().any(|g| is_alive(*g)) {
            break;
        }
    }
    std::fs::remove_file(matter_dir.join(STATE_FILE)).ok();
    std::fs::remove_file(matter_dir.join(SCHEDULER_FILE)).ok();
    Ok(alive.len())
}

/// The shard number of a shard directory (`shards/003` is 3).
pub fn shard_number(dir: &Path) -> Result<u32> {
    dir.file_name()
        .and_then(|n| n.to_str())
        .filter(|n| n.len() == 3 && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|n| n.parse().ok())
        .with_context(|| format!("{} is not a shard directory (shards/NNN)", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shard_is_held_by_as_many_workers_as_asked() {
        assert_eq!(placement(4, 2, 1), vec![vec![0, 2], vec![1, 3]]);
        assert_eq!(placement(4, 2, 2), vec![vec![0, 1, 2, 3], vec![0, 1, 2, 3]]);
        let p = placement(7, 3, 2);
        for k in 0..7 {
            assert_eq!(p.iter().filter(|w| w.contains(&k)).count(), 2, "shard {k}");
        }
        assert_eq!(placement(3, 1, 2), vec![vec![0, 1, 2]]);
    }

    #[test]
    fn shard_numbers_come_from_the_directory_name() {
        assert_eq!(shard_number(Path::new("/m/shards/003")).unwrap(), 3);
        assert!(shard_number(Path::new("/m/shards/3")).is_err());
        assert!(shard_number(Path::new("/m/shards/abc")).is_err());
    }
}
