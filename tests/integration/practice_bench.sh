#!/usr/bin/env bash
# Integration (issue 11): quiz-bench --practice. A real quizd on an
# ephemeral port with a temporary database; quiz-bench hosts a short match
# (20 contestants, 3 questions) with 20 practising clients alongside. The
# run must exit 0; every practising client must have registered a new
# person and received PracticeResults, none may have had an error, a
# drop, a lost reply or a wrong mark; the match must finish with 0
# mismatches. The database must hold the 20 persons, one sitting for each
# PracticeReady and one practice answer for each PracticeResult received
# (as many right as told). Bad --practice values
# are refused with exit 2.
set -euo pipefail
quizd=$1 bench=$2 bank=$3
for t in jq sqlite3; do command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }; done
tmp=$(mktemp -d)
qpid=""
cleanup() {
  [ -n "$qpid" ] && kill "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- quiz-bench stderr"; head -n 30 "$tmp/bench.err" || true
         echo "--- quizd log"; tail -n 40 "$tmp/quizd.log" || true; exit 1; }

# usage errors: exit 2, before any connection
: >"$tmp/bench.err"
for args in "--practice 0" "--practice x" "--practice 100001" "--practice -1" \
            "--practice 5 --practice-think 9-1" "--practice 5 --practice-think x" \
            "--practice 5 --practice-think 300001" "--practice-think 100"; do
  rc=0
  # shellcheck disable=SC2086
  "$bench" --connect 127.0.0.1:9 --players 1 --questions 1 $args \
    >/dev/null 2>>"$tmp/bench.err" || rc=$?
  [ "$rc" -eq 2 ] || fail "quiz-bench $args: exit $rc, want 2"
done
grep -q -- '--practice-think needs --practice' "$tmp/bench.err" \
  || fail "no message for --practice-think without --practice"

"$quizd" --listen 127.0.0.1:0 --db "$tmp/quiz.db" --bank "$bank" \
  --port-file "$tmp/port" --log-level info 2>"$tmp/quizd.log" &
qpid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || fail "quizd did not start"
port=$(cat "$tmp/port")
echo "quizd on port $port"

brc=0
"$bench" --connect "127.0.0.1:$port" --players 20 --questions 3 \
  --think-ms 300-1500 --bank "$bank" --seed 11 --timeout-s 120 \
  --practice 20 --practice-think 50-300 \
  >"$tmp/bench.json" 2>"$tmp/bench.err" || brc=$?
[ -s "$tmp/bench.json" ] || fail "quiz-bench wrote no summary (exit $brc)"
jq -c '{joined, finished, complete, mismatches, practice}' "$tmp/bench.json"
[ "$brc" -eq 0 ] || fail "quiz-bench exited $brc"
jq -e '.joined == 20 and .finished == 20 and .complete and .mismatches.total == 0' \
  "$tmp/bench.json" >/dev/null || fail "the match did not finish cleanly"
jq -e '.practice.clients == 20 and .practice.ready == 20 and .practice.created == 20
       and .practice.connections_failed == 0 and .practice.dropped == 0
       and .practice.errors == 0 and .practice.bench_errors == 0
       and .practice.unexpected == 0 and .practice.answers.lost_at_stop == 0
       and .practice.mismatches.correct == 0 and .practice.mismatches.index == 0
       and .practice.mismatches.ready == 0 and .practice.failures == 0' \
  "$tmp/bench.json" >/dev/null || fail "practising clients had errors or failures"
# each of the 20 got results, and the bench knew the right answer of some
# (so the marking check checked something)
jq -e '.practice.answers.results >= 60 and .practice.result_us.n == .practice.answers.results
       and .practice.answers.correct > 0 and .practice.answers.correct < .practice.answers.results
       and .practice.why.new > 0 and .practice.answers_per_second > 0' \
  "$tmp/bench.json" >/dev/null || fail "too few practice results"

results=$(jq '.practice.answers.results' "$tmp/bench.json")
correct=$(jq '.practice.answers.correct' "$tmp/bench.json")
run=$(jq -r '.practice.run' "$tmp/bench.json")
kill "$qpid"; wait "$qpid" 2>/dev/null || true; qpid=""
persons=$(sqlite3 "$tmp/quiz.db" "select count(*) from persons where nickname like 'p$run-%'")
[ "$persons" -eq 20 ] || fail "persons in the database: $persons, want 20"
stored=$(sqlite3 "$tmp/quiz.db" "select count(*) from practice_answers")
[ "$stored" -eq "$results" ] || fail "practice answers stored: $stored, PracticeResults received: $results"
sittings=$(jq '.practice.sittings' "$tmp/bench.json")
stored=$(sqlite3 "$tmp/quiz.db" "select count(*) from practice_sittings")
[ "$stored" -eq "$sittings" ] || fail "sittings stored: $stored, PracticeReady received: $sittings"
right=$(sqlite3 "$tmp/quiz.db" "select count(*) from practice_answers where correct")
[ "$right" -eq "$correct" ] || fail "right practice answers stored: $right, told: $correct"
echo "OK: 20 practising clients, $results results ($correct right) = the database, 0 errors"
