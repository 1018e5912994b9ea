#!/usr/bin/env bash
# Integration: timing under stalls and resumes. A real quizd on an ephemeral
# port; quiz-stall stops it (SIGSTOP) and continues it around answers:
#   deadline  stopped 2.5 s across a deadline: answers sent before it are
#             accepted with the response time their contestant measured
#   header    an answer's length header sent 40 ms before its body while
#             quizd is stopped: the answer is dated by its last byte
#   resume    a seat resumed behind 50 ms each way and answered at once:
#             the response time includes the full delay compensation
# Tolerances (5 ms on response times, 3 ms on receive times) hold on an
# idle 2-core machine; the errors they catch are 40 ms and more.
set -euo pipefail
quizd=$1 stall=$2 bank=$3
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
echo "timing: all ok"
