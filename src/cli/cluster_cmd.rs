//! `verbatim cluster certs|up|down|worker`: a Dask cluster for a sharded matter.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use serde_json::json;
use verbatim::cluster::merge::Cluster;
use verbatim::cluster::{certs, dask, local};
use verbatim::index::analyzer::TextMode;
use verbatim::matter::Matter;

use super::Ctx;
use super::output::print_json;

#[derive(Args, Debug)]
#[command(after_help = "A trial on this machine:
  verbatim --matter M shard split --shards 4
  verbatim --matter M cluster up --workers 2          prints the scheduler's address last
  verbatim --matter M --scheduler tls://127.0.0.1:PORT search 'tidal w/5 barrier'
  verbatim --matter M cluster down
Three machines: `cluster certs DIR --host NAME...` once, DIR copied to each machine; there
`python3 -m distributed.cli.dask_scheduler --protocol tls --tls-ca-file DIR/ca.pem --tls-cert
DIR/node.pem --tls-key DIR/node-key.pem` (or `verbatim --tls DIR cluster scheduler`) on one,
and on each machine holding shards
`verbatim --matter M --tls DIR cluster worker --scheduler tls://HOST:8786 --shards M/shards/000 ...`.")]
pub struct ClusterArgs {
    #[command(subcommand)]
    action: ClusterAction,
}

#[derive(Subcommand, Debug)]
enum ClusterAction {
    /// Write a certificate authority and a certificate for the cluster's members into DIR
    /// (the scheduler, workers and coordinator all use them; copy DIR to each machine).
    Certs {
        dir: PathBuf,
        /// A host name or address the members are reached at (besides localhost and
        /// 127.0.0.1); repeat for each machine.
        #[arg(long = "host", value_name = "NAME")]
        hosts: Vec<String>,
    },
    /// Start a scheduler and workers on 127.0.0.1 with the matter's shards spread over them,
    /// with TLS (the matter's cluster/certs, made if absent) unless --insecure-loopback;
    /// prints the scheduler's address on its last line and returns.
    Up {
        #[arg(long, default_value_t = 2)]
        workers: u32,
        /// Concurrent tasks per worker (default: as many as the shards it holds).
        #[arg(long)]
        threads: Option<u32>,
        /// How many workers hold each shard (a shard survives the loss of the others).
        #[arg(long, default_value_t = 2)]
        replicas: u32,
    },
    /// Stop what `cluster up` started.
    Down,
    /// Run a Dask scheduler here with the cluster's TLS files (--tls DIR), until stopped.
    Scheduler {
        /// The address to listen on (all of this machine's by default).
        #[arg(long, default_value = "0.0.0.0")]
        host: String,
        #[arg(long, default_value_t = 8786)]
        port: u16,
    },
    /// Run a Dask worker serving the shards given (their directories on this machine) to the
    /// scheduler of --scheduler, until stopped.
    Worker {
        #[arg(long = "shards", value_name = "DIR", num_args = 1.., required = true)]
        shards: Vec<PathBuf>,
        /// The worker's name (default: this machine's host name and process).
        #[arg(long)]
        name: Option<String>,
        /// Concurrent tasks (default: one per shard given).
        #[arg(long)]
        threads: Option<u32>,
    },
}

/// The shards of the sharded `matter` on the cluster, what each holds, and the text mode
/// their index has (how the coordinator reads queries).
pub struct Connected {
    pub cluster: Cluster<dask::Driver>,
    pub mode: TextMode,
    pub info: Vec<verbatim::cluster::protocol::Info>,
}

pub fn connect(matter: &Matter, opts: &dask::ClusterOptions) -> Result<Connected> {
    connect_logged(matter, opts, None)
}

/// [`connect`], the driver's messages going to `log` (the review interface owns the terminal).
pub fn connect_logged(
    matter: &Matter,
    opts: &dask::ClusterOptions,
    log: Option<&std::path::Path>,
) -> Result<Connected> {
    let shards = matter.meta.shards.context(
        "--scheduler runs a sharded matter on a cluster; this one is not (verbatim shard split --shards N)",
    )?;
    let driver = dask::Driver::start_logged(opts, &matter.dir, shards, log)?;
    let mut cluster = Cluster {
        transport: driver,
        shards,
    };
    let info = cluster.info()?;
    if let Some(old) = info
        .iter()
        .find(|i| i.protocol != verbatim::cluster::protocol::PROTOCOL)
    {
        bail!(
            "{} is served by another build of verbatim ({}, protocol {}; this one: {}, protocol {}): restart the cluster's workers (cluster down, cluster up)",
            old.shard,
            if old.version.is_empty() {
                "older"
            } else {
                &old.version
            },
            old.protocol,
            env!("CARGO_PKG_VERSION"),
            verbatim::cluster::protocol::PROTOCOL
        );
    }
    let mode = info
        .first()
        .and_then(|i| TextMode::parse(&i.text_mode))
        .unwrap_or_default();
    if let Some(other) = info
        .iter()
        .find(|i| TextMode::parse(&i.text_mode) != Some(mode))
    {
        bail!(
            "the shards disagree on their text mode ({} has {})",
            other.shard,
            other.text_mode
        );
    }
    Ok(Connected {
        cluster,
        mode,
        info,
    })
}

pub fn run(ctx: &Ctx, args: ClusterArgs) -> Result<i32> {
    match args.action {
        ClusterAction::Certs { dir, hosts } => {
            let w = certs::write(&dir, &hosts)?;
            if ctx.json {
                print_json(&w)?;
            } else {
                println!(
                    "wrote {}: ca.pem, ca-key.pem (keep it), node.pem, node-key.pem for {}; valid until {}",
                    w.dir,
                    w.hosts.join(", "),
                    w.valid_until
                );
            }
            Ok(0)
        }
        ClusterAction::Up {
            workers,
            threads,
            replicas,
        } => {
            let matter = Matter::open(&ctx.matter_dir()?)?;
            if !matter.is_sharded() {
                bail!("the matter is not sharded (verbatim shard split --shards N)");
            }
            let tls = if ctx.insecure_loopback {
                None
            } else {
                let dir = ctx
                    .tls
                    .clone()
                    .unwrap_or_else(|| matter.dir.join(dask::CERTS_DIR));
                if !dir.join("ca.pem").exists() {
                    certs::write(&dir, &[])?;
                }
                Some(dir)
            };
            let started = local::up(
                &matter,
                &local::UpOptions {
                    workers,
                    threads,
                    replicas,
                    tls: tls.clone(),
                },
            )?;
            verbatim::audit::append(
                &matter.dir,
                &ctx.reviewer,
                "cluster-up",
                json!({"scheduler": started.scheduler, "workers": workers, "tls": tls.is_some(), "placement": started.placement}),
            )?;
            if ctx.json {
                print_json(&started)?;
            } else {
                for (i, held) in started.placement.iter().enumerate() {
                    let list: Vec<String> = held.iter().map(|k| format!("{k:03}")).collect();
                    eprintln!("worker {i}: shards {}", list.join(" "));
                }
                if tls.is_none() {
                    eprintln!("no TLS: use --insecure-loopback with this address");
                }
                println!("{}", started.scheduler);
            }
            Ok(0)
        }
        ClusterAction::Down => {
            let dir = ctx.matter_dir()?;
            let n = local::down(&dir)?;
            if n > 0 {
                verbatim::audit::append(
                    &dir,
                    &ctx.reviewer,
                    "cluster-down",
                    json!({"stopped": n}),
                )?;
            }
            if !ctx.quiet {
                eprintln!("stopped {n} process group(s)");
            }
            Ok(0)
        }
        ClusterAction::Scheduler { host, port } => {
            let tls = if ctx.insecure_loopback {
                if !dask::is_loopback(&host) {
                    bail!("--insecure-loopback allows only addresses on 127.0.0.0/8, not {host}");
                }
                None
            } else {
                let dir = ctx.tls.clone().context(
                    "the scheduler needs the cluster's certificates: --tls DIR (made by `verbatim cluster certs DIR`)",
                )?;
                for f in dask::TLS_FILES {
                    if !dir.join(f).is_file() {
                        bail!(
                            "{} is missing (made by `verbatim cluster certs`)",
                            dir.join(f).display()
                        );
                    }
                }
                Some(dir)
            };
            let mut cmd = local::scheduler_command(&host, port, tls.as_deref());
            let status = cmd.status().with_context(dask::cannot_run_python)?;
            Ok(status.code().unwrap_or(1))
        }
        ClusterAction::Worker {
            shards,
            name,
            threads,
        } => {
            let opts = ctx
                .cluster()?
                .context("a worker needs the scheduler's address: --scheduler tls://HOST:PORT")?;
            let matter_dir = ctx.matter_dir()?;
            let mut held = Vec::with_capacity(shards.len());
            for d in &shards {
                let d = std::fs::canonicalize(d)
                    .with_context(|| format!("cannot read {}", d.display()))?;
                let k = local::shard_number(&d)?;
                Matter::open(&d).with_context(|| format!("{} is not a shard", d.display()))?;
                if held.iter().any(|(j, _)| *j == k) {
                    bail!("shard {k:03} is given twice");
                }
                held.push((k, d));
            }
            let tls = opts
                .scheduler
                .starts_with("tls://")
                .then(|| opts.tls.clone())
                .flatten();
            let scratch =
                std::env::temp_dir().join(format!("verbatim-worker-{}", std::process::id()));
            verbatim::fsutil::create_private_dir(&scratch)?;
            let name = name.unwrap_or_else(|| format!("verbatim-{}", std::process::id()));
            let mut cmd = local::worker_command(
                &opts.scheduler,
                &matter_dir,
                &held,
                &name,
                threads.unwrap_or(held.len() as u32).max(1),
                tls.as_deref(),
                &scratch,
            )?;
            let status = cmd.status().context("cannot run the Dask worker")?;
            std::fs::remove_dir_all(&scratch).ok();
            Ok(status.code().unwrap_or(1))
        }
    }
}
