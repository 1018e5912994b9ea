#!/usr/bin/env bash
# Where quizd's memory goes during a bench run (docs/BENCHMARKS.md,
# "Memory per contestant"): starts quizd and quiz-bench as scripts/bench.sh
# does, samples quizd's VmRSS every 100 ms, keeps /proc/PID/smaps at the
# highest sample, and prints the mappings that grew (resident KiB, idle ->
# peak: [heap] is the main arena; an unnamed mapping of about 64 MiB
# reserved is a thread's arena, the SQLite writer's; other unnamed ones are
# blocks of 128 KiB and more, mmap'd) and the growth per contestant.
# Usage: scripts/memprof.sh [BUILD_DIR] [PLAYERS] [QUESTIONS] [extra quiz-bench args...]
# The samples and both smaps stay in $MEMPROF_OUT (default: a temporary
# directory, removed).
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0;; esac
build=${1:-build}; players=${2:-1000}; questions=${3:-10}; shift $(( $# < 3 ? $# : 3 ))
tmp=$(mktemp -d)
out=${MEMPROF_OUT:-$tmp/out}; mkdir -p "$out"
qpid=""
trap '[ -n "$qpid" ] && kill "$qpid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

"$build/quizd" --listen 127.0.0.1:0 --db "$tmp/bench.db" --port-file "$tmp/port" \
  --joins-per-addr 10000000 --max-conns-per-addr 1000000 --conn-rate-per-addr 0 --log-level warn ${QUIZD_ARGS:-} 2>"$tmp/quizd.log" &
qpid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
port=$(cat "$tmp/port")
sleep 0.5
cp "/proc/$qpid/smaps" "$out/smaps.idle"
idle=$(awk '/VmRSS/ {print $2}' "/proc/$qpid/status")

"$build/quiz-bench" --connect "127.0.0.1:$port" --players "$players" \
  --questions "$questions" --bank data/bank "$@" >"$out/bench.json" 2>"$out/bench.err" &
bpid=$!
max=0
: >"$out/rss"
while kill -0 "$bpid" 2>/dev/null; do
  r=$(awk '/VmRSS/ {print $2}' "/proc/$qpid/status")
  echo "$r" >>"$out/rss"
  if [ "$r" -gt "$max" ]; then max=$r; cp "/proc/$qpid/smaps" "$out/smaps.peak"; fi
  sleep 0.1
done
rc=0; wait "$bpid" || rc=$?
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$qpid/status")

# resident KiB per mapping (name, or "anon@start" for unnamed ones)
rss_of() {
  awk '/^[0-9a-f]+-[0-9a-f]+ / { split($1, a, "-"); name = (NF >= 6) ? $6 : "anon@" a[1] }
       /^Rss:/ { rss[name] += $2 }
       END { for (n in rss) print n, rss[n] }' "$1" | sort
}
echo "quizd VmRSS idle $idle KiB, sampled max $max KiB, VmHWM $hwm KiB;" \
     "(VmHWM - idle) / players = $(( (hwm - idle) * 1024 / players )) bytes per contestant"
echo "mappings that grew, KiB resident (idle -> highest sample):"
join -a 2 -e 0 -o 0,1.2,2.2 <(rss_of "$out/smaps.idle") <(rss_of "$out/smaps.peak") |
  awk '$3 - $2 >= 16 { printf "  %8d -> %8d  %s\n", $2, $3, $1 }' | sort -k3 -n -r
jq -c '{joined, mismatches}' "$out/bench.json"
exit "$rc"
