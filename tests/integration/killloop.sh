#!/usr/bin/env bash
# Integration (issue 10): kill -9 during a live match. quizd on a free port
# with a temporary database; quiz-bench hosts 100 contestants over 5
# questions; while the match runs (until its last question opens) quizd
# is killed with SIGKILL every 0.7-2 s (at least 10 times) and started
# again on the same database and port; quiz-bench reconnects (full-jitter
# backoff), takes every seat back by its resume token and the host's by
# WatchRoom + host token, and RESUMEs the rebuilt room. Then:
#   - the match finished (matches.state) and quiz-bench saw it end;
#   - every acknowledged answer (--acks) is in the answers table with its
#     response time: 0 missing;
#   - the final standings (--standings) equal the results table, and every
#     results row equals the sum of the player's bookings;
#   - `quizd audit verify --all` passes: the chain intact, the event log
#     replaying to the stored bookings and results.
# Usage: killloop.sh QUIZD QUIZ-BENCH BANK_DIR
# Env: KILLS_MIN (10), KILLS_MAX (none), PLAYERS (100), QUESTIONS (5),
# GAP_MS (700-2000: the time between kills), KILLLOOP_OUT (a directory:
# keep bench.json, restarts (wall ms of each restart) and counts there;
# scripts/killloop.sh runs this again and again).
set -euo pipefail
quizd=$1 bench=$2 bank=$3
kills_min=${KILLS_MIN:-10} kills_max=${KILLS_MAX:-0}
players=${PLAYERS:-100} questions=${QUESTIONS:-5} gap=${GAP_MS:-700-2000}
out=${KILLLOOP_OUT:-}
for t in jq sqlite3; do command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }; done
tmp=$(mktemp -d)
qpid="" bpid=""
cleanup() {
  [ -n "$qpid" ] && kill -9 "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null || true
  [ -n "$bpid" ] && kill "$bpid" 2>/dev/null && wait "$bpid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  echo "--- quizd log (last run)"; tail -n 30 "$tmp/quizd.log" 2>/dev/null || true
  echo "--- quiz-bench stderr"; tail -n 30 "$tmp/bench.err" 2>/dev/null || true
  exit 1
}
db=$tmp/quiz.db
sql() { sqlite3 -cmd ".timeout 5000" "$db" "$@"; }

# every contestant comes from 127.0.0.1: lift the per-address bounds
start_quizd() {
  rm -f "$tmp/port"
  "$quizd" --listen "127.0.0.1:$1" --db "$db" --bank "$bank" \
    --port-file "$tmp/port" --joins-per-addr 1000000 \
    --max-conns-per-addr 1000000 --conn-rate-per-addr 0 \
    --log-level info 2>>"$tmp/quizd.log" &
  qpid=$!
  for _ in $(seq 200); do [ -s "$tmp/port" ] && return 0; sleep 0.05; done
  fail "quizd did not start (listen 127.0.0.1:$1)"
}

start_quizd 0
port=$(cat "$tmp/port")
echo "quizd on port $port"

"$bench" --connect "127.0.0.1:$port" --players "$players" \
  --questions "$questions" --time-limit-ms 3000 --think-ms 100-2500 \
  --bank "$bank" --timeout-s $((90 + questions * 20)) --acks "$tmp/acks" \
  --standings "$tmp/standings" --json-out "$tmp/bench.json" \
  >/dev/null 2>"$tmp/bench.err" &
bpid=$!

# the match is under way once START is stored (the first question opens
# after the 1 s countdown)
for _ in $(seq 200); do
  [ "$(sql "select count(*) from events where kind='start'" 2>/dev/null || echo 0)" -gt 0 ] && break
  sleep 0.05
done
[ "$(sql "select count(*) from events where kind='start'")" -gt 0 ] || fail "the match did not start"

kills=0
: >"$tmp/restarts"
while kill -0 "$bpid" 2>/dev/null; do
  [ "$kills_max" -gt 0 ] && [ "$kills" -ge "$kills_max" ] && break
  sleep "$(awk -v r=$RANDOM -v g="$gap" 'BEGIN { split(g, a, "-");
    printf "%.3f", (a[1] + (a[2] - a[1]) * r / 32767) / 1000 }')"
  kill -0 "$bpid" 2>/dev/null || break
  # no kill once the last question is open: a kill after the finish is
  # committed would leave no room to come back to (finished matches are
  # not rebuilt), and the check and the kill are not atomic
  last=$(sql "select coalesce(last_closed_q, -1) || ' ' || state from matches order by id desc limit 1" 2>/dev/null || echo "-1 ?")
  [ "${last#* }" = running ] && [ "${last%% *}" -lt $((questions - 2)) ] || break
  kill -9 "$qpid"
  wait "$qpid" 2>/dev/null || true
  kills=$((kills + 1))
  date +%s%3N >>"$tmp/restarts"
  start_quizd "$port"
done
brc=0
wait "$bpid" || brc=$?
bpid=""
echo "kills: $kills"
if [ -n "$out" ]; then
  mkdir -p "$out"
  cp "$tmp/restarts" "$out/restarts"
  [ -s "$tmp/bench.json" ] && cp "$tmp/bench.json" "$out/bench.json"
  echo "$kills" >"$out/kills"
fi
[ -s "$tmp/bench.json" ] || fail "quiz-bench wrote no summary (exit $brc)"
jq -c '{complete, joined, finished, dropped, answers, results_missing, mismatches,
        restarts: (.restarts | del(.episodes))}' "$tmp/bench.json"
[ "$brc" -eq 0 ] || fail "quiz-bench exited $brc"
[ "$kills" -ge "$kills_min" ] || fail "only $kills kills before the match ended (want >= $kills_min)"
jq -e '.complete and .mismatches.total == 0 and .restarts.seats_lost == 0' \
  "$tmp/bench.json" >/dev/null || fail "bench: incomplete, mismatches or seats lost"

match=$(sql "select max(id) from matches")
state=$(sql "select state from matches where id=$match")
[ "$state" = finished ] || fail "match state is '$state', want finished"

# every acknowledged answer is stored, with the response time acked
[ -s "$tmp/acks" ] || fail "no answer was acknowledged"
sql "select player_id || ' ' || q || ' ' || rt_us from answers where match_id=$match" \
  | sort >"$tmp/stored"
awk '$3 != "already"' "$tmp/acks" | sort >"$tmp/acked"
missing=$(comm -23 "$tmp/acked" "$tmp/stored" | wc -l)
# a re-sent answer refused ALREADY_ANSWERED must be stored too (any time)
awk '$3 == "already" { print $1, $2 }' "$tmp/acks" | sort -u >"$tmp/already"
cut -d' ' -f1,2 "$tmp/stored" | sort -u >"$tmp/stored_keys"
missing_already=$(comm -23 "$tmp/already" "$tmp/stored_keys" | wc -l)
[ -n "$out" ] && echo "$(wc -l <"$tmp/acked") $(wc -l <"$tmp/already") $missing $missing_already" >"$out/acks"
echo "acks checked: $(wc -l <"$tmp/acked") acked + $(wc -l <"$tmp/already") already answered; missing: $missing + $missing_already"
[ "$missing" -eq 0 ] || { comm -23 "$tmp/acked" "$tmp/stored" | head; fail "$missing acknowledged answers missing"; }
[ "$missing_already" -eq 0 ] || fail "$missing_already ALREADY_ANSWERED answers not stored"

# final standings == results == the sum of each player's bookings
[ -s "$tmp/standings" ] || fail "no final standings"
grep -v '^#' "$tmp/standings" | sort >"$tmp/top"
sql "select r.player_id || ' ' || r.score || ' ' || r.rank from results r
     where r.match_id=$match and r.player_id in
     ($(grep -v '^#' "$tmp/standings" | cut -d' ' -f1 | paste -sd,))" | sort >"$tmp/top_db"
diff -u "$tmp/top" "$tmp/top_db" || fail "final leaderboard differs from the results table"
awk '$1 == "#" { print $3, $4 }' "$tmp/standings" | sort >"$tmp/told"
sql "select player_id || ' ' || score from results where match_id=$match" | sort >"$tmp/res"
told_bad=$(comm -23 "$tmp/told" "$tmp/res" | wc -l)
[ "$told_bad" -eq 0 ] || fail "$told_bad last Result totals differ from the results table"
sql "select p.player_id || ' ' || coalesce((select sum(delta) from bookings b
       where b.match_id=p.match_id and b.player_id=p.player_id), 0)
     from players p where p.match_id=$match" | sort >"$tmp/booked"
diff -u "$tmp/res" "$tmp/booked" >"$tmp/diff" || { head "$tmp/diff"; fail "results differ from the bookings sums"; }
[ "$(wc -l <"$tmp/res")" -eq "$players" ] || fail "expected $players result rows, got $(wc -l <"$tmp/res")"
echo "standings: $(wc -l <"$tmp/top") leaderboard lines, $(wc -l <"$tmp/told") last totals and $(wc -l <"$tmp/res") results = bookings"

# stop quizd for the offline checks
kill -9 "$qpid"; wait "$qpid" 2>/dev/null || true; qpid=""
if "$quizd" audit verify --db "$db" --all >"$tmp/audit.out" 2>&1; then
  echo "audit verify: ok ($(tail -n 1 "$tmp/audit.out"))"
else
  cat "$tmp/audit.out"; fail "quizd audit verify --all failed"
fi
echo "1 passed, 0 failed"
