#!/usr/bin/env bash
# Protocol conformance: a real quizd on an ephemeral port with a temporary
# database, and quiz-conform (a client written from quiz.proto and
# docs/PROTOCOL.md) checking the answers the doc gives.
set -euo pipefail
quizd=$1 conform=$2 bank=$3
tmp=$(mktemp -d)
qpid=""
cleanup() {
  [ -n "$qpid" ] && kill "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- quizd log"; tail -n 40 "$tmp/quizd.log" || true; exit 1; }

"$quizd" --listen 127.0.0.1:0 --db "$tmp/quiz.db" --bank "$bank" \
  --port-file "$tmp/port" --log-level info 2>"$tmp/quizd.log" &
qpid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || fail "quizd did not start"
"$conform" "$(cat "$tmp/port")" || fail "quiz-conform found differences from docs/PROTOCOL.md"
# quizd must stop cleanly, with nothing for a sanitizer build to report
kill -TERM "$qpid"
rc=0
wait "$qpid" || rc=$?
qpid=""
[ "$rc" -eq 0 ] || fail "quizd exited $rc after SIGTERM"
if grep -q "Sanitizer\|runtime error" "$tmp/quizd.log"; then fail "sanitizer report in the quizd log"; fi
echo "conform: quizd stopped cleanly"
