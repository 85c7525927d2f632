#!/usr/bin/env bash
# A matter in S shards against the same production in one index, on one machine: import time
# and peak memory (twice each, in turn), `shard split` of the whole matter, index size, and the
# in-process time of a query mix (the `millis` of `--json search`), medians of 9 runs
# alternating between the two matters.
#
#   benches/shards.sh WORKDIR [PRODUCTION] [S]
#
# PRODUCTION defaults to the import bench's 100,000 conversations
# (target/bench-data/openai-100000/conversations.jsonl: `cargo bench --bench import_search`
# writes it); S defaults to 4.
set -euo pipefail
W=${1:?usage: benches/shards.sh WORKDIR [PRODUCTION] [S]}
P=${2:-target/bench-data/openai-100000/conversations.jsonl}
S=${3:-4}
V=${VERBATIM:-target/release/verbatim}
cargo build --release -q
mkdir -p "$W"
for round in 1 2; do
  rm -rf "$W/one" "$W/sharded" "$W/split"
  /usr/bin/time -f "round $round, one index: %e s, peak %M KB" "$V" --matter "$W/one" -q import "$P"
  /usr/bin/time -f "round $round, $S shards: %e s, peak %M KB" "$V" --matter "$W/sharded" -q import --shards "$S" "$P"
done
du -sh "$W/one/index" "$W/sharded/shards"
cp -r "$W/one" "$W/split"
/usr/bin/time -f "shard split: %e s, peak %M KB" "$V" --matter "$W/split" shard split --shards "$S"
python3 - "$V" "$W/one" "$W/sharded" <<'PY'
import json, statistics, subprocess, sys
v, one, sharded = sys.argv[1:]
qs = ['said the', '"according to"', 'climat* OR weather', 'model:gpt-4 AND turns:>=3',
      'assistant:minister w/5 said', 'NOT said', '"in a statement"', 'the']
ms = {m: {q: [] for q in qs} for m in (one, sharded)}
counts = {}
for _ in range(9):
    for q in qs:
        for m in (one, sharded):
            out = subprocess.run([v, '--matter', m, '--json', 'search', q, '--limit', '20'],
                                 capture_output=True, check=True).stdout
            d = json.loads(out)
            ms[m][q].append(d['millis'])
            counts.setdefault(q, set()).add(d['total'])
print('| query | one index | shards | ratio |\n|---|---|---|---|')
ratios = []
for q in qs:
    a, b = statistics.median(ms[one][q]), statistics.median(ms[sharded][q])
    ratios.append(b / a)
    print(f'| `{q}` | {a:.2f} ms | {b:.2f} ms | {b / a:.2f} |')
    assert len(counts[q]) == 1, f'{q}: counts differ {counts[q]}'
print(f'median ratio {statistics.median(ratios):.2f}')
PY
