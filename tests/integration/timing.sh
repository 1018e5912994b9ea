#!/usr/bin/env bash
# Integration: timing under stalls and resumes. A real quizd on an ephemeral
# port; quiz-stall stops it (SIGSTOP) and continues it around answers:
#   deadline  stopped 2.5 s across a deadline: answers sent before it are
#             accepted with the response time their contestant measured
#   header    an answer's length header sent 40 ms before its body while
#             quizd is stopped: the answer is dated by its last byte
#   resume    a seat resumed behind 50 ms each way and answered at once:
#             the response time includes the full delay compensation
# Then quiz-bench (real clients, which ping every 2 s) plays a question
# while quizd is stopped for 3 s in the middle of it: every response time
# must match what its contestant measured (a Ping or Pong queued behind an
# unread answer would date it late).
# Tolerances (5 ms on response times, 3 ms on receive times) hold on an
# idle 2-core machine; the errors they catch are 40 ms and more.
set -euo pipefail
quizd=$1 stall=$2 bench=$3 bank=$4
tmp=$(mktemp -d)
qpid=""
cleanup() {
  if [ -n "$qpid" ]; then
    kill -CONT "$qpid" 2>/dev/null || true
    kill "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- quizd log"; tail -n 30 "$tmp/quizd.log" || true; exit 1; }

"$quizd" --listen 127.0.0.1:0 --db "$tmp/quiz.db" --bank "$bank" \
  --port-file "$tmp/port" --log-level info 2>"$tmp/quizd.log" &
qpid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || fail "quizd did not start"
port=$(cat "$tmp/port")

rc=0
for mode in deadline header resume; do
  timeout 60 "$stall" "$port" "$qpid" "$mode" || { rc=1; echo "FAIL: $mode"; }
  kill -CONT "$qpid" 2>/dev/null || true
  kill -0 "$qpid" 2>/dev/null || fail "quizd died during '$mode'"
done
[ "$rc" -eq 0 ] || fail "timing under stalls and resumes"

"$bench" --connect "127.0.0.1:$port" --players 50 --questions 1 \
  --time-limit-ms 10000 --think-ms 500-9000 --timeout-s 60 \
  >"$tmp/bench.json" 2>"$tmp/bench.err" &
bpid=$!
# the question opens about 2 s after the start (joins, 3 s countdown from
# the last join); stop quizd for 3 s well inside its 10 s
sleep 6
kill -STOP "$qpid"
sleep 3
kill -CONT "$qpid"
brc=0
wait "$bpid" || brc=$?
jq -c '{joined, answers: .answers.acked, mismatches}' "$tmp/bench.json" || true
head -5 "$tmp/bench.err" >&2 || true
[ "$brc" -eq 0 ] && jq -e '.joined == 50 and .mismatches.total == 0' \
  "$tmp/bench.json" >/dev/null || fail "quiz-bench across a 3 s stop: mismatches"
echo "timing: all ok"
