# Shared by the shell benchmarks (source it): `step NAME CMD...` runs CMD with its output in
# $W/step.out and prints its wall time, the peak anonymous memory (RssAnon, sampled every 0.1 s
# from /proc/PID/status) and the peak resident total (which counts mapped page cache).

step() {
  local name=$1; shift
  local start end pid a r ma=0 mr=0 rc
  start=$(date +%s.%N)
  "$@" > "$W/step.out" 2>&1 &
  pid=$!
  while kill -0 $pid 2>/dev/null; do
    read -r a r < <(awk '/RssAnon/{a=$2}/VmRSS/{r=$2}END{print a+0, r+0}' /proc/$pid/status 2>/dev/null || echo "0 0")
    (( a > ma )) && ma=$a; (( r > mr )) && mr=$r
    sleep 0.1
  done
  set +e; wait $pid; rc=$?; set -e
  end=$(date +%s.%N)
  printf '%-40s %7.1f s  anon %5d MiB  rss %5d MiB  rc %d | %s\n' "$name" \
    "$(echo "$end - $start" | bc)" $((ma / 1024)) $((mr / 1024)) $rc "$(tail -1 "$W/step.out" | cut -c1-150)"
}

# The scan speed of the last detect (both cores), from its summary line.
scan_rate() { grep -o 'the scan alone [0-9.]* s, [0-9.]* MB/s' "$W/step.out" | awk '{print $6}'; }
median() { sort -n | awk '{a[NR]=$1}END{print a[int((NR+1)/2)]}'; }
cold() {
  sync
  if echo 3 > /proc/sys/vm/drop_caches 2>/dev/null; then echo "(page cache dropped)"; else echo "(cannot drop the page cache here)"; fi
}
