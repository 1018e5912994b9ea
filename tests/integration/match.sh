#!/usr/bin/env bash
# Integration: a real quizd on an ephemeral port with a temporary database.
# quiz-bench plays a 50-contestant, 5-question match; meanwhile hostile
# clients send garbage, an oversized frame, a zero-length frame, a request
# before Hello and a wrong version: each must get its Error and be closed;
# one floods requests and never reads: it must be dropped at the output cap,
# and the match must finish undisturbed with zero mismatches. Then the
# database must hold exactly what the contestants were told, and its event
# log replayed through the core (quizd audit verify) must give the same
# results, with its hash chain intact.
set -euo pipefail
quizd=$1 bench=$2 hostile=$3 bank=$4
for t in jq sqlite3; do command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }; done
tmp=$(mktemp -d)
qpid=""
cleanup() {
  [ -n "$qpid" ] && kill "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- quizd log"; tail -n 40 "$tmp/quizd.log" || true; exit 1; }

"$quizd" --listen 127.0.0.1:0 --db "$tmp/quiz.db" --bank "$bank" \
  --port-file "$tmp/port" --room-linger-s 2 --log-level info 2>"$tmp/quizd.log" &
qpid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || fail "quizd did not start"
port=$(cat "$tmp/port")
echo "quizd on port $port"

"$bench" --connect "127.0.0.1:$port" --players 50 --questions 5 \
  --time-limit-ms 4000 --think-ms 100-1500 --bank "$bank" --results \
  --timeout-s 120 >"$tmp/bench.json" 2>"$tmp/bench.err" &
bpid=$!

sleep 1.5 # the match is under way
for mode in garbage oversize zero nohello badversion noread; do
  "$hostile" "$port" "$mode" || fail "hostile client '$mode' not refused and closed"
done

brc=0
wait "$bpid" || brc=$?
cat "$tmp/bench.err" >&2 || true
[ "$brc" -eq 0 ] || { cat "$tmp/bench.json"; fail "quiz-bench exited $brc"; }
grep -Eq "dropping slow peer|kept sending past the rate limit" "$tmp/quizd.log" || fail "the non-reading client was not dropped (output cap or flooding)"
jq -e '.joined == 50 and .mismatches.total == 0' "$tmp/bench.json" >/dev/null \
  || { cat "$tmp/bench.json"; fail "bench summary: not all joined or mismatches"; }
jq -c '{joined, answers, mismatches, reveal_skew_us, fanout_us}' "$tmp/bench.json"

# quizd is still serving: the hostile clients disturbed nothing
kill -0 "$qpid" || fail "quizd died"

# what the contestants were told == what the database holds
jq -r '.results[] | select(.answered) | "\(.player_id)|\(.q)|\(.points)|\(.response_time_us)|\(if .correct then 1 else 0 end)"' \
  "$tmp/bench.json" | sort >"$tmp/told.txt"
match=$(sqlite3 "$tmp/quiz.db" "select max(id) from matches")
sqlite3 "$tmp/quiz.db" "select player_id, q, points, rt_us, correct from answers where match_id=$match" \
  | sort >"$tmp/stored.txt"
[ -s "$tmp/told.txt" ] || fail "bench reported no results"
diff -u "$tmp/told.txt" "$tmp/stored.txt" >"$tmp/diff.txt" || { head -20 "$tmp/diff.txt"; fail "answers in the database differ from the results sent"; }
echo "answers: $(wc -l <"$tmp/stored.txt") rows identical to what the contestants were told"

# final totals: results table == sum of stored answer points == final totals sent
sqlite3 "$tmp/quiz.db" "select r.player_id, r.score from results r where r.match_id=$match" | sort >"$tmp/res.txt"
sqlite3 "$tmp/quiz.db" "select p.player_id, coalesce(sum(a.points),0) from players p left join answers a on a.match_id=p.match_id and a.player_id=p.player_id where p.match_id=$match group by p.player_id" | sort >"$tmp/sum.txt"
diff -u "$tmp/res.txt" "$tmp/sum.txt" || fail "results table differs from the sum of answer points"
[ "$(wc -l <"$tmp/res.txt")" -eq 50 ] || fail "expected 50 result rows"
state=$(sqlite3 "$tmp/quiz.db" "select state from matches where id=$match")
[ "$state" = "finished" ] || fail "match state is '$state', want finished"

# room titles with escape sequences or invisible characters are refused
# (after the checks above, which read the latest match)
"$hostile" "$port" badtitle || fail "a room title with escape sequences was accepted"

# a room created and left by its host is forgotten once nobody has been
# connected for the linger time
code=$("$hostile" "$port" abandon) || fail "could not create a room to abandon"
for _ in $(seq 80); do grep -q "r$code.*removed (abandoned" "$tmp/quizd.log" && break; sleep 0.1; done
grep -q "r$code.*removed (abandoned" "$tmp/quizd.log" || fail "abandoned room $code not removed"
[ "$(sqlite3 "$tmp/quiz.db" "select state from matches where code='$code'")" = ended ] \
  || fail "abandoned match not marked ended"

# the finished room is forgotten after its linger time; quizd keeps serving
for _ in $(seq 50); do grep -q "removed (finished" "$tmp/quizd.log" && break; sleep 0.1; done
grep -q "removed (finished" "$tmp/quizd.log" || fail "finished room not removed after --room-linger-s"
"$hostile" "$port" badversion >/dev/null || fail "quizd not serving after the room was removed"

# clean shutdown on SIGTERM
kill -TERM "$qpid"
wait "$qpid" || fail "quizd exited non-zero on SIGTERM"
qpid=""
grep -q "stopped cleanly" "$tmp/quizd.log" || fail "no clean stop in the log"

# the event log: its hash chain intact, and the match made again from its
# stored definition, its events replayed through the core, gives the
# stored bookings, answers and results
"$quizd" audit verify --db "$tmp/quiz.db" --all || fail "quizd audit verify: the stored events do not replay to the stored results"
echo "1 passed, 0 failed"
