//! Running a sharded matter on a Dask cluster. Dask schedules; verbatim stays the engine of
//! each shard. The coordinator (the verbatim process the user runs) sends one request per
//! shard through a Python driver (the Dask client, `verbatim_dask.py`); each task runs on a
//! worker that holds the shard, where a long-lived `verbatim shard serve` answers JSON lines;
//! the coordinator merges the answers into what the matter read as one index gives.
//!
//! - [`protocol`]: the requests and replies a shard server speaks;
//! - [`stats`]: the matter-wide BM25 statistics shards score with;
//! - [`serve`]: the shard server;
//! - [`merge`]: counts, pages, reports, findings and productions put together from the
//!   shards' replies;
//! - [`remote`]: an export's conversations from the shards;
//! - [`dask`]: the driver process and the scheduler's address and security;
//! - [`certs`]: the TLS certificates of a cluster;
//! - [`local`]: `cluster up` and `cluster down` on one machine.

pub mod certs;
pub mod dask;
pub mod ingest;
pub mod local;
pub mod merge;
pub mod protocol;
pub mod remote;
pub mod serve;
pub mod stats;

/// The Python driver and worker module, written where the processes that run it can read it.
pub const DRIVER_PY: &str = include_str!("verbatim_dask.py");

/// The Dask version the driver is written and tested against (`scripts/requirements.txt`).
pub const DASK_VERSION: &str = "2026.8.0";
