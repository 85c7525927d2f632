#!/usr/bin/env bash
# A sharded matter on a loopback Dask cluster (`cluster up`: a scheduler and W workers on
# 127.0.0.1, TLS on) against the same production in one index searched by one process: the
# wall time of a whole `verbatim search` process (Python driver start and connection
# included), the coordinator's own time for the three rounds (what the interface waits for,
# its driver kept open), and the one-index search process, medians of 5 runs alternating, for
# the import bench's 20-query mix. Counts must agree (the script stops otherwise). Then
# `detect` against the production's articles, in one process and on the cluster (one run
# each), whose findings must be the same. Then `import` of a second production into copies
# of the sharded matter, on this machine and on the cluster (IMPORT_N conversations, default
# 100,000), whose shards must end the same. SEARCH=0, DETECT=0 or IMPORT=0 skips a part.
#
#   benches/cluster.sh WORKDIR [PRODUCTION] [SHARDS] [WORKERS]
#
# PRODUCTION defaults to target/bench-data/openai-100000/conversations.jsonl (written by
# `cargo bench --bench import_search`); SHARDS 4, WORKERS 2. Needs Python with
# dask[distributed] (VERBATIM_PYTHON, or python3 on PATH: scripts/test's target/test-venv).
set -euo pipefail
W=${1:?usage: benches/cluster.sh WORKDIR [PRODUCTION] [SHARDS] [WORKERS]}
P=${2:-target/bench-data/openai-100000/conversations.jsonl}
S=${3:-4}
N=${4:-2}
V=${VERBATIM:-$PWD/target/release/verbatim}
cargo build --release -q
mkdir -p "$W"
[ -d "$W/one/index" ] || /usr/bin/time -f "import, one index: %e s" "$V" --matter "$W/one" -q import "$P"
[ -d "$W/sharded/shards" ] || /usr/bin/time -f "import, $S shards: %e s" "$V" --matter "$W/sharded" -q import --shards "$S" "$P"
"$V" --matter "$W/sharded" cluster down >/dev/null 2>&1 || true
trap '"$V" --matter "$W/sharded" cluster down' EXIT
/usr/bin/time -f "cluster up, $N workers: %e s" "$V" --matter "$W/sharded" cluster up --workers "$N" > "$W/address"
ADDR=$(tail -1 "$W/address")
echo "scheduler: $ADDR"
if [ "${SEARCH:-1}" != 0 ]; then
python3 - "$V" "$W/one" "$W/sharded" "$ADDR" <<'PY'
import json, statistics, subprocess, sys, time
v, one, sharded, addr = sys.argv[1:]
qs = ["report", "climate change", '"according to"', "assistant:government",
      "user:recipe OR user:cooking", "minister AND budget", "python AND NOT java",
      "model:gpt-4", "created:2023-01-01..2023-06-30", "turns:>5",
      "(election OR vote) AND assistant:results", "the", "said the",
      "user:(help me) AND assistant:sure", "lang:spanish", "title:news OR assistant:headline",
      "percent AND (rise OR fall)", "NOT model:gpt-3.5-turbo", '"in a statement"',
      "company AND shares AND market"]
def search(matter, q, cluster):
    args = [v, "--matter", matter]
    if cluster:
        args += ["--scheduler", addr]
    args += ["--json", "search", q, "--limit", "20"]
    t = time.perf_counter()
    out = subprocess.run(args, capture_output=True, check=True).stdout
    wall = (time.perf_counter() - t) * 1000
    d = json.loads(out)
    return wall, d["millis"], d["total"], [h["id"] for h in d["hits"]], [h["score"] for h in d["hits"]]
rows = {q: {"one": [], "wall": [], "rounds": []} for q in qs}
for r in range(5):
    for q in qs:
        w1, _, t1, _, s1 = search(one, q, False)
        wc, mc, tc, _, sc = search(sharded, q, True)
        if t1 != tc:
            sys.exit(f"{q}: {t1} in one index, {tc} on the cluster")
        rows[q]["one"].append(w1); rows[q]["wall"].append(wc); rows[q]["rounds"].append(mc)
print(f"{'query':44} {'one index':>10} {'cluster':>10} {'rounds':>8}   (ms, medians of 5)")
med = {k: [] for k in ("one", "wall", "rounds")}
for q in qs:
    m = {k: statistics.median(rows[q][k]) for k in med}
    for k in med:
        med[k].append(m[k])
    print(f"{q:44} {m['one']:10.1f} {m['wall']:10.1f} {m['rounds']:8.1f}")
def pct(xs, p):
    xs = sorted(xs); return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]
for k, name in (("one", "one-index process"), ("wall", "cluster process"), ("rounds", "cluster rounds")):
    print(f"{name:20} p50 {pct(med[k], 50):8.1f} ms   p99 {pct(med[k], 99):8.1f} ms")
print(f"cluster process / one-index process, median of per-query ratios: "
      f"{statistics.median(w / o for w, o in zip(med['wall'], med['one'])):.1f}")
PY
fi
if [ "${DETECT:-1}" != 0 ]; then
  ART="$(dirname "$P")/articles.jsonl"
  for m in one sharded; do
    [ -d "$W/$m/articles/table" ] || "$V" --matter "$W/$m" -q articles import "$ART" > /dev/null
  done
  /usr/bin/time -f "detect, one process: %e s, peak %M KB" "$V" --matter "$W/one" detect
  /usr/bin/time -f "detect, cluster ($N workers): %e s, coordinator peak %M KB" "$V" --matter "$W/sharded" --scheduler "$ADDR" detect
  cmp <(sort "$W/one/findings.jsonl") <(sort "$W/sharded/findings.jsonl") && echo "findings: the same"
fi
if [ "${IMPORT:-1}" != 0 ]; then
  # A second production (IMPORT_N conversations, another seed) imported into copies of the
  # sharded matter: on this machine, then on a cluster of its own (the one above keeps serving
  # the matter unchanged). The two copies must end with the same conversations in each shard
  # (of equal dates, in another order: the cluster commits once a round).
  SECOND="$W/second/conversations.jsonl"
  [ -f "$SECOND" ] || "$V" synth --conversations "${IMPORT_N:-100000}" --articles 200 --seed 2 --out "$W/second" > /dev/null
  for m in here there; do
    rm -rf "$W/$m"; cp -a "$W/sharded" "$W/$m"; rm -rf "$W/$m/cluster/processes.json"
  done
  /usr/bin/time -f "import of the second production, $S shards on this machine: %e s, peak %M KB" \
    "$V" --matter "$W/here" -q import "$SECOND"
  "$V" --matter "$W/there" cluster up --workers "$N" > "$W/address2"
  ADDR2=$(tail -1 "$W/address2")
  /usr/bin/time -f "import of the second production on the cluster ($N workers): %e s, coordinator peak %M KB" \
    "$V" --matter "$W/there" -q --scheduler "$ADDR2" import "$SECOND" || true
  "$V" --matter "$W/there" cluster down > /dev/null
  for k in $(seq 0 $((S - 1))); do
    d=$(printf "shards/%03d" "$k")
    a=$("$V" --matter "$W/here/$d" --json search --sort date --limit 100000 '*' | python3 -c 'import hashlib,json,sys; print(hashlib.sha256(" ".join(sorted(h["id"] for h in json.load(sys.stdin)["hits"])).encode()).hexdigest())')
    b=$("$V" --matter "$W/there/$d" --json search --sort date --limit 100000 '*' | python3 -c 'import hashlib,json,sys; print(hashlib.sha256(" ".join(sorted(h["id"] for h in json.load(sys.stdin)["hits"])).encode()).hexdigest())')
    [ "$a" = "$b" ] || { echo "$d differs"; exit 1; }
  done
  echo "shards after the import: the same"
fi
