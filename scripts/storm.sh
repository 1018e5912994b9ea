#!/usr/bin/env bash
# Benchmark (issue 10): the reconnect storm. quiz-bench hosts PLAYERS
# contestants (default 10000) in one room; mid-question quizd is killed
# with SIGKILL and started again on the same database and port; every
# contestant reconnects with full-jitter backoff (50 ms base, 2 s cap) and
# takes its seat back by its resume token, the host by WatchRoom and
# RESUMEs once all are back. Prints the time from the restart (quizd
# started again) to every contestant seated, the bench's own episode time
# (first reconnect attempt to all seated), quizd's rebuild time from its
# log, and the checks: the match finished, 0 mismatches (every total after
# the restart continues the one before), every acked answer stored,
# results = bookings.
# Usage: scripts/storm.sh [PLAYERS] [BUILD_DIR] [extra quizd args...]
set -euo pipefail
cd "$(dirname "$0")/.."
players=${1:-10000} build=${2:-build}; shift $(( $# < 2 ? $# : 2 ))
tmp=$(mktemp -d)
qpid="" bpid=""
trap '[ -n "$qpid" ] && kill -9 "$qpid" 2>/dev/null; [ -n "$bpid" ] && kill "$bpid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
db=$tmp/storm.db
sql() { sqlite3 -cmd ".timeout 5000" "$db" "$@"; }
start_quizd() {
  local listen=$1; shift
  rm -f "$tmp/port"
  "$build/quizd" --listen "127.0.0.1:$listen" --db "$db" --bank data/bank \
    --port-file "$tmp/port" --joins-per-addr 10000000 \
    --max-conns-per-addr 1000000 --conn-rate-per-addr 0 --log-level info "$@" \
    2>>"$tmp/quizd.log" &
  qpid=$!
  for _ in $(seq 600); do [ -s "$tmp/port" ] && return 0; sleep 0.01; done
  echo "quizd did not start"; exit 1
}
start_quizd 0 "$@"
port=$(cat "$tmp/port")

# long questions, answers spread over them: the kill lands mid-question
"$build/quiz-bench" --connect "127.0.0.1:$port" --players "$players" \
  --questions 3 --time-limit-ms 30000 --think-ms 3000-25000 --bank data/bank \
  --ramp 256 --timeout-s 900 --resume-wait-ms 120000 --acks "$tmp/acks" \
  --standings "$tmp/standings" --json-out "$tmp/bench.json" >/dev/null 2>"$tmp/bench.err" &
bpid=$!
t_join=$(date +%s%3N)
for _ in $(seq 6000); do
  [ "$(sql "select count(*) from events where kind='start'" 2>/dev/null || echo 0)" -gt 0 ] && break
  kill -0 "$bpid" 2>/dev/null || break
  sleep 0.1
done
echo "joined and started in $(( $(date +%s%3N) - t_join )) ms"
sleep 8 # a third of the answers are in
before=$(sql "select count(*) from answers")
kill -9 "$qpid"; wait "$qpid" 2>/dev/null || true
restart=$(date +%s%3N)
start_quizd "$port" "$@"
up=$(date +%s%3N)
echo "killed with $before answers stored; quizd listening again $(( up - restart )) ms after the restart"
brc=0
wait "$bpid" || brc=$?
bpid=""
cat "$tmp/bench.err" | head -5
jq -c --argjson r "$restart" '{exit: '"$brc"', complete, joined, finished, mismatches, answers,
   restart_to_all_seated_ms: ((.restarts.episodes[0].seated_ms // 0) - $r),
   first_attempt_to_all_seated_ms: ((.restarts.episodes[0].us // 0) / 1000),
   restarts: (.restarts | del(.episodes))}' "$tmp/bench.json"
match=$(sql "select max(id) from matches")
echo "match state: $(sql "select state from matches where id=$match")"
awk '$3 != "already" { print $1, $2, $3 }' "$tmp/acks" | sort >"$tmp/acked"
sql "select player_id || ' ' || q || ' ' || rt_us from answers where match_id=$match" | sort >"$tmp/stored"
echo "acked answers: $(wc -l <"$tmp/acked"), missing from the database: $(comm -23 "$tmp/acked" "$tmp/stored" | wc -l)"
sql "select player_id || ' ' || score from results where match_id=$match" | sort >"$tmp/res"
sql "select p.player_id || ' ' || coalesce((select sum(delta) from bookings b where b.match_id=p.match_id and b.player_id=p.player_id), 0) from players p where p.match_id=$match" | sort >"$tmp/booked"
echo "results rows: $(wc -l <"$tmp/res"), differing from bookings: $(comm -3 "$tmp/res" "$tmp/booked" | wc -l)"
grep -iE "rebuil" "$tmp/quizd.log" | tail -3 || true
exit "$brc"
