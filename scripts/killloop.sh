#!/usr/bin/env bash
# Benchmark (issue 10): the kill -9 loop of tests/integration/killloop.sh
# at length. Matches of 100 quiz-bench contestants are played one after
# the other (each on a fresh quizd and database), quizd being killed with
# SIGKILL every GAP_MS and restarted on the same database and port, until
# KILLS kills in all. Each match is checked as in CI (finished, every acked
# answer stored, standings = results = bookings, quizd audit verify
# --all). Prints: kills, matches, acked answers checked,
# lost (must be 0), and the time from each restart (quizd started again) to
# every contestant seated again: median, p99, max.
# Usage: scripts/killloop.sh [KILLS] [BUILD_DIR]
# Env: QUESTIONS (20 per match), GAP_MS (500-1500), PLAYERS (100).
set -euo pipefail
cd "$(dirname "$0")/.."
kills=${1:-1000} build=${2:-build}
export QUESTIONS=${QUESTIONS:-20} GAP_MS=${GAP_MS:-500-1500} PLAYERS=${PLAYERS:-100}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

done_kills=0 m=0 t0=$(date +%s)
while [ "$done_kills" -lt "$kills" ]; do
  m=$((m + 1))
  left=$((kills - done_kills))
  # the last match may end with fewer kills than asked: no minimum
  KILLS_MIN=$(( left < 10 ? 0 : 1 )) KILLS_MAX=$left KILLLOOP_OUT="$work/m$m" \
    tests/integration/killloop.sh "$build/quizd" "$build/quiz-bench" data/bank \
    >"$work/m$m.log" 2>&1 \
    || { cat "$work/m$m.log"; echo "killloop: match $m FAILED"; exit 1; }
  k=$(cat "$work/m$m/kills")
  done_kills=$((done_kills + k))
  echo "match $m: $k kills ($(sed 's/ .*//' "$work/m$m/acks") acked answers checked); $done_kills/$kills in $(( $(date +%s) - t0 )) s"
done
secs=$(( $(date +%s) - t0 ))
python3 - "$work" "$done_kills" "$m" "$secs" <<'PY'
import json, os, sys
work, kills, matches, secs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
acked = already = lost = 0
waits = []
unmatched = 0
for i in range(1, matches + 1):
    d = os.path.join(work, f"m{i}")
    a, al, miss, miss_al = map(int, open(os.path.join(d, "acks")).read().split())
    acked += a; already += al; lost += miss + miss_al
    restarts = [int(x) for x in open(os.path.join(d, "restarts")).read().split()]
    eps = json.load(open(os.path.join(d, "bench.json")))["restarts"]["episodes"]
    seated = sorted(e["seated_ms"] for e in eps)
    for r in restarts:
        s = next((x for x in seated if x >= r), None)
        if s is None:
            unmatched += 1
        else:
            waits.append(s - r)
waits.sort()
def pct(p):
    if not waits:
        return None
    k = max(0, min(len(waits) - 1, -(-p * len(waits) // 100) - 1))
    return waits[k]
print(json.dumps({
    "kills": kills, "matches": matches, "acked_checked": acked,
    "already_answered_checked": already, "lost": lost,
    "restart_to_all_seated_ms": {"n": len(waits), "median": pct(50),
                                 "p99": pct(99), "max": waits[-1] if waits else None},
    "restarts_without_episode": unmatched,
    "seconds": secs, "seconds_per_kill": round(secs / kills, 2) if kills else None}))
sys.exit(1 if lost else 0)
PY
