"""verbatim on a Dask cluster: the driver (the Dask client the verbatim binary runs) and the
task that runs on a worker (each shard's long-lived `verbatim shard serve`).

The verbatim binary writes this file where it runs it; it is not edited by hand.

    python3 verbatim_dask.py driver --scheduler ADDR --shards N [--tls DIR]
        One JSON object per line on stdin, {"tasks": [{"shard": K, "request": {...}}, ...]};
        one per line on stdout, {"replies": [...]} in the tasks' order, or {"error": "..."}.
        The first line out is {"ready": true, ...} once every shard has a worker.
    python3 verbatim_dask.py wait --scheduler ADDR --shards N --workers W [--tls DIR]
        Waits until W workers are up and every shard has one; prints the workers.

A worker is `dask worker ADDR --preload verbatim_dask.py --resources shard3=1,...` with, in
its environment, VERBATIM_BIN (the verbatim binary), VERBATIM_WORKER_MATTER (the matter's
shared part as this machine sees it) and VERBATIM_WORKER_SHARDS (JSON: shard number to the
shard's directory on this machine). Each task names its shard as a resource, so it runs only
on a worker that holds it; a task lost with its worker is run again on another that does.
"""

import argparse
import json
import os
import subprocess
import sys
import threading
import time

# Shard servers of this worker process, started on first use and kept between tasks.
_servers = {}
_servers_lock = threading.Lock()


class _ShardServer:
    def __init__(self, shard, path):
        binary = os.environ["VERBATIM_BIN"]
        matter = os.environ["VERBATIM_WORKER_MATTER"]
        self.proc = subprocess.Popen(
            [binary, "-q", "--matter", matter, "shard", "serve", "--shard", path],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.lock = threading.Lock()

    def ask(self, line):
        with self.lock:
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
            reply = self.proc.stdout.readline()
        if not reply:
            raise RuntimeError("the shard server ended (exit %s)" % self.proc.poll())
        return reply


def shard_task(shard, line):
    """Runs on a worker: one request to the shard's server, its reply line. The servers live
    in the module the worker preloaded, under its own name."""
    import verbatim_dask

    return verbatim_dask._ask(shard, line)


def _ask(shard, line):
    with _servers_lock:
        server = _servers.get(shard)
        if server is None or server.proc.poll() is not None:
            held = json.loads(os.environ.get("VERBATIM_WORKER_SHARDS", "{}"))
            path = held.get(str(shard))
            if path is None:
                raise RuntimeError("this worker does not hold shard %03d" % shard)
            server = _servers[shard] = _ShardServer(shard, path)
    return server.ask(line)


def _security(tls):
    if not tls:
        return None
    from distributed.security import Security

    return Security(
        tls_ca_file=os.path.join(tls, "ca.pem"),
        tls_client_cert=os.path.join(tls, "node.pem"),
        tls_client_key=os.path.join(tls, "node-key.pem"),
        require_encryption=True,
    )


def _connect(args):
    from distributed import Client

    return Client(args.scheduler, security=_security(args.tls), timeout=args.timeout)


def _holders(client, shards):
    """Workers per shard (by the resources they offer)."""
    held = {k: [] for k in range(shards)}
    for addr, w in client.scheduler_info(n_workers=-1)["workers"].items():
        for name in (w.get("resources") or {}):
            if name.startswith("shard") and name[5:].isdigit():
                k = int(name[5:])
                if k in held:
                    held[k].append(w.get("name") or addr)
    return held


def _wait_for_shards(client, shards, workers, timeout):
    deadline = time.monotonic() + timeout
    while True:
        held = _holders(client, shards)
        n = len(client.scheduler_info(n_workers=-1)["workers"])
        missing = [k for k, ws in held.items() if not ws]
        if not missing and n >= workers:
            return held
        if time.monotonic() > deadline:
            if missing:
                raise RuntimeError(
                    "no worker holds shard(s) %s" % ", ".join("%03d" % k for k in missing)
                )
            raise RuntimeError("%d of %d workers came up" % (n, workers))
        time.sleep(0.1)


def _places(client):
    """Where the workers keep each shard: {shard: {(host, directory), ...}}."""

    def where():
        import json
        import os
        import socket

        held = json.loads(os.environ.get("VERBATIM_WORKER_SHARDS", "{}"))
        return socket.gethostname(), {k: os.path.realpath(v) for k, v in held.items()}

    places = {}
    for host, held in client.run(where).values():
        for k, path in held.items():
            places.setdefault(int(k), set()).add((host, path))
    return places


def _one_place_each(client):
    """An import writes the shard a task reaches: refused when a shard is kept in two
    places (copies on two machines would drift apart)."""
    for k, where in sorted(_places(client).items()):
        if len(where) > 1:
            raise RuntimeError(
                "shard %03d is kept in %d places (%s): an import on the cluster writes one "
                "copy; import where each shard has one place (workers sharing one directory, "
                "as cluster up does), then copy the shards"
                % (k, len(where), ", ".join("%s:%s" % p for p in sorted(where)))
            )


def _driver(args):
    import warnings

    # An import's rounds carry their conversations in the tasks, by design (over TLS, to the
    # worker holding the shard); Dask's advice against large graphs is not for the user.
    warnings.filterwarnings("ignore", message=".*[Ll]arge (graph|object).*")
    client = _connect(args)
    held = _wait_for_shards(client, args.shards, 1, args.timeout)
    print(json.dumps({"ready": True, "holders": {str(k): v for k, v in held.items()}}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            msg = json.loads(line)
            if any(t["request"].get("op") == "import_state" for t in msg["tasks"]):
                _one_place_each(client)
            futures = [
                client.submit(
                    shard_task,
                    t["shard"],
                    json.dumps(t["request"]),
                    resources={"shard%d" % t["shard"]: 1},
                    pure=False,
                    retries=args.retries,
                )
                for t in msg["tasks"]
            ]
            out = {"replies": [json.loads(r) for r in client.gather(futures)]}
        except Exception as e:  # the coordinator reports it
            out = {"error": "%s: %s" % (type(e).__name__, e)}
        print(json.dumps(out), flush=True)
    client.close()
    return 0


def _wait(args):
    client = _connect(args)
    held = _wait_for_shards(client, args.shards, args.workers, args.timeout)
    for k in sorted(held):
        print("shard %03d: %s" % (k, ", ".join(sorted(held[k]))))
    client.close()
    return 0


def main(argv=None):
    p = argparse.ArgumentParser(prog="verbatim_dask")
    p.add_argument("mode", choices=["driver", "wait"])
    p.add_argument("--scheduler", required=True)
    p.add_argument("--shards", type=int, required=True)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--tls", default=None)
    p.add_argument("--timeout", type=float, default=30.0)
    p.add_argument("--retries", type=int, default=2)
    args = p.parse_args(argv)
    try:
        return _driver(args) if args.mode == "driver" else _wait(args)
    except Exception as e:
        print(json.dumps({"error": "%s: %s" % (type(e).__name__, e)}), flush=True)
        return 1


if __name__ == "__main__":
    # Run as a script, the driver's functions are `__main__`'s, which Dask sends by value: the
    # scheduler needs nothing of verbatim to read a task.
    sys.exit(main())
