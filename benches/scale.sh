#!/usr/bin/env bash
# A matter of N synthetic conversations (default 10,000,000, about 20 GB of message text) end
# to end: import against a bare tantivy writer, index size, search and proximity latency,
# review filters over a coded journal, the review interface, detection against A derived
# articles (default 1,000,000), and an export of a 100,000-conversation random sample.
#
#   benches/scale.sh WORKDIR [N] [A]
#
# The production and the matter are kept in target/bench-data (openai-N, matter-N) for the
# benches run here; WORKDIR holds the article corpus and the exports. Needs about 60 GB of free
# disk at 10M (the production, the matter, and the bare writer's index while it is measured);
# the production compressed by hand (`zstd -T2 -3 --rm` of openai-N/conversations.jsonl) is
# imported as it is and takes 2.3 GB instead of 24.
# SCALE_STEPS picks steps (default: import query review detect tui export); SCALE_CODED is the
# percentage of the matter the review journal codes (default 90; the replayed review state
# costs about 185 bytes a coded conversation in bulk events: 1.6 GiB at 90 % of 10M).
set -euo pipefail
W=${1:?usage: benches/scale.sh WORKDIR [N] [A]}
N=${2:-10000000}
A=${3:-1000000}
STEPS=${SCALE_STEPS:-import query review detect tui export}
CODED=${SCALE_CODED:-90}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
V=${VERBATIM:-$ROOT/target/release/verbatim}
M=$ROOT/target/bench-data/matter-$N
mkdir -p "$W"
. "$ROOT/benches/steps.sh"
df -h "$W" | tail -1
export VERBATIM_BENCH_CONVERSATIONS=$N

# Import (a child process), the bare writer, index size, the 20-query search mix (the search
# alone when the matter was imported by an earlier run).
import() { cargo bench --bench import_search; }

# Proximity, wildcard and fuzzy latency.
query() { VERBATIM_BENCH_ROUNDS=5 cargo bench --bench query; }

# Filters over a journal that codes CODED % of the matter, in bulk events of 1,000.
review() {
  VERBATIM_BENCH_BULK=1000 VERBATIM_BENCH_EVENTS=$(( N * CODED / 100 / 1000 )) \
    cargo bench --bench review
}

# Detection of every conversation against A articles.
detect() {
  if [ ! -s "$W/arts/articles.jsonl" ]; then
    step "synth $A articles" "$V" -q synth --conversations 10 --articles "$A" --out "$W/arts"
  fi
  rm -rf "$M/articles"
  step "articles import $A (+ table)" "$V" --matter "$M" articles import "$W/arts/articles.jsonl"
  step "detect, $N conversations x $A articles" "$V" --matter "$M" detect
  echo "  scan $(scan_rate) MB/s on $(nproc) cores"
  grep -h 'conversations\|finding' "$W/step.out" | tail -3
}

# The interface, with the findings of the detection.
tui() { cargo bench --bench tui; }

# An export of a 100,000-conversation random sample (half the matter in a small trial).
export_sample() {
  local S=$(( N / 2 < 100000 ? N / 2 : 100000 ))
  "$V" -q --matter "$M" sample create scale100k --size "$S" --seed 7 > /dev/null ||
    echo "(the sample scale100k was drawn before)"
  for f in jsonl dat; do
    rm -rf "$W/export-$f"
    extra=()
    [ "$f" = dat ] && extra=(--bates-prefix SCALE- --reproduce)
    step "export $S as $f" "$V" --matter "$M" export --query 'sample:scale100k' --format "$f" \
      "${extra[@]}" --out "$W/export-$f"
    du -sh "$W/export-$f"
  done
}

for s in $STEPS; do
  case $s in
    export) export_sample ;;
    *) "$s" ;;
  esac
done
