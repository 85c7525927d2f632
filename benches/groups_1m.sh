#!/bin/bash
# Near-duplicate groups at 1M conversations (BENCHMARKS.md, "Near-duplicate groups").
# Usage: benches/groups_1m.sh [WORKDIR]   (needs `cargo build --release` first; ~15 minutes)
# Prints, for each step: wall seconds, peak RSS, and peak anonymous and file-backed RSS in
# MiB (sampled from /proc/PID/status every 0.1 s).
set -euo pipefail
V=$(cd "$(dirname "$0")/.." && pwd)/target/release/verbatim
W=${1:-/tmp/verbatim-groups-1m}
D=$W/data M=$W/matter
rm -rf "$W"; mkdir -p "$W"
export VERBATIM_REVIEWER=bench

# Runs a command, sampling its memory; prints one line named $1.
step() {
  local name=$1; shift
  local start end pid a f r ma=0 mf=0 mr=0
  start=$(date +%s.%N)
  "$@" > "$W/$name.out" 2>&1 &
  pid=$!
  while kill -0 $pid 2>/dev/null; do
    read -r a f r < <(awk '/RssAnon/{a=$2}/RssFile/{f=$2}/VmRSS/{r=$2}END{print a+0, f+0, r+0}' /proc/$pid/status 2>/dev/null || echo "0 0 0")
    (( a > ma )) && ma=$a; (( f > mf )) && mf=$f; (( r > mr )) && mr=$r
    sleep 0.1
  done
  wait $pid
  end=$(date +%s.%N)
  printf '%-28s %7.1f s  rss %5d MiB  anon %5d MiB  file %5d MiB  | %s\n' "$name" \
    "$(echo "$end - $start" | bc)" $((mr / 1024)) $((ma / 1024)) $((mf / 1024)) "$(tail -1 "$W/$name.out")"
}

"$V" -q synth --conversations 1000000 --articles 2000 --near-duplicates 0.3 --out "$D"
head -n 900000 "$D/conversations.jsonl" > "$D/part1.jsonl"
tail -n 100000 "$D/conversations.jsonl" > "$D/part2.jsonl"
step "import 900k (baseline)" "$V" -q --matter "$M" import "$D/part1.jsonl"
step "conversations 900k" "$V" --matter "$M" groups build
step "replies 900k" "$V" --matter "$M" groups build --scope reply
step "import 100k + update" "$V" --matter "$M" import "$D/part2.jsonl"
step "update, nothing new" "$V" --matter "$M" groups update
step "replies 1M" "$V" --matter "$M" groups build --scope reply
cp "$M/groups.json" "$W/groups_reply.json"
step "conversations 1M" "$V" --matter "$M" groups build
cp "$M/groups.json" "$W/groups_conversation.json"
echo "planted truth: $D/near_duplicates.jsonl; groups: $W/groups_reply.json, $W/groups_conversation.json"
