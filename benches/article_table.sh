#!/usr/bin/env bash
# The article table on disk at scale: synth speed, `articles import` (the import and the table
# build) and `detect` against N articles, with the peak anonymous memory (RssAnon, sampled
# every 0.1 s from /proc/PID/status) and the resident total (which counts mapped page cache).
# The baseline, in the same run: the same 50,000 conversations against the 20,000 grammar
# articles alone. With VERBATIM_OLD=path/to/an/older/verbatim the older binary runs the same
# detections (it builds its table in memory).
#
#   benches/article_table.sh WORKDIR [ARTICLES]      # ARTICLES defaults to 1,000,000
#
# Needs about 5 GB of disk per million articles (input, store, table).
set -euo pipefail
W=${1:?usage: benches/article_table.sh WORKDIR [ARTICLES]}
N=${2:-1000000}
V=${VERBATIM:-$(dirname "$0")/../target/release/verbatim}
mkdir -p "$W"

. "$(dirname "$0")/steps.sh"

df -h "$W" | tail -1
if [ ! -s "$W/big/articles.jsonl" ]; then
  step "synth $N articles" "$V" -q synth --conversations 10 --articles "$N" --out "$W/big"
  bytes=$(stat -c %s "$W/big/articles.jsonl")
  echo "  articles.jsonl: $bytes bytes"
fi
if [ ! -s "$W/convs/conversations.jsonl" ]; then
  "$V" -q synth --conversations 50000 --articles 20000 --out "$W/convs"
fi
for m in small big; do
  if [ ! -d "$W/m-$m/index" ]; then
    "$V" -q --matter "$W/m-$m" import "$W/convs/conversations.jsonl" > /dev/null
  fi
done
if [ ! -d "$W/m-small/articles/table" ]; then
  "$V" -q --matter "$W/m-small" articles import "$W/convs/articles.jsonl" > /dev/null
fi

rm -rf "$W/m-big/articles"
step "articles import $N (+ table)" "$V" --matter "$W/m-big" articles import "$W/big/articles.jsonl"
grep -h "article table" "$W/step.out" || true
cat "$W/m-big/articles/table/manifest.json"
du -sh "$W/m-big/articles/articles.jsonl" "$W/m-big/articles/table"

for m in small big; do
  rates=""
  for k in 1 2 3; do
    step "detect, $m corpus, warm ($k)" "$V" --matter "$W/m-$m" detect
    rates="$rates $(scan_rate)"
  done
  echo "  $m corpus: median scan $(echo $rates | tr ' ' '\n' | median) MB/s on $(nproc) cores (runs:$rates)"
done
cold
step "detect, big corpus, cold" "$V" --matter "$W/m-big" detect
echo "  cold scan $(scan_rate) MB/s"

if [ -n "${VERBATIM_OLD:-}" ]; then
  for m in small big; do
    step "older binary: detect, $m corpus" "$VERBATIM_OLD" --matter "$W/m-$m" detect
  done
fi
