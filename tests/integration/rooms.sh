#!/usr/bin/env bash
# Integration: the room guards against one hostile client on loopback.
#   - guessing room codes for 5 s on fresh connections: at most a few dozen
#     guesses reach a lookup (per-address backoff, global budget), 0 found;
#   - one address cannot make 50 rooms; with --host-key a create without the
#     key is refused WRONG_PIN, and with it accepted;
#   - 10,000 join-and-leave cycles (from 127.0.0.2, another loopback
#     address) do not lock a room: a real player (from 127.0.0.1) gets in
#     right after them, and the address is held to 2,000 joins; a dropped contestant's token resumes the
#     seat within the grace and names no seat after it;
#   - a screen sees the answered count while a question is open, never the
#     distribution or the waiting list (the host sees both);
#   - --max-rooms is clamped far below the code space.
# Figures are printed; the bounds hold on a loaded 2-core machine (the
# budgets are counted, not timed, so load only lowers the guess rate).
set -euo pipefail
quizd=$1 guard=$2 bank=$3
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; for l in "$tmp"/*.log; do echo "--- $l"; tail -n 20 "$l"; done; exit 1; }

# start NAME ARGS...: a quizd on an ephemeral port; sets $port
start() {
  local name=$1
  shift
  "$quizd" --listen 127.0.0.1:0 --db "$tmp/$name.db" --bank "$bank" \
    --port-file "$tmp/$name.port" --log-level info "$@" 2>"$tmp/$name.log" &
  pids+=($!)
  for _ in $(seq 100); do [ -s "$tmp/$name.port" ] && break; sleep 0.1; done
  [ -s "$tmp/$name.port" ] || fail "quizd $name did not start"
  port=$(cat "$tmp/$name.port")
}
# field TEXT WORD: the number before WORD in TEXT
field() { grep -oE "[0-9]+ $2" <<<"$1" | head -n 1 | awk '{print $1}'; }

# --- guessing codes (500 live rooms; the per-address room cap is raised so
# one client can set them up)
start guess --rooms-per-addr 600
out=$("$guard" "$port" guess 500 5) || fail "quiz-guard guess"
echo "$out"
reached=$(field "$out" "reached")
found=$(field "$out" "rooms found")
[ "$found" -eq 0 ] || fail "$found rooms found by guessing"
# burst 10 per address + global burst 20 + 10 a second for 5 s
[ "$reached" -le 80 ] || fail "$reached guesses reached a lookup (want <= 80)"
grep -q "guessing room codes" "$tmp/guess.log" || fail "guessing not logged"
lines=$(grep -c "guessing room codes" "$tmp/guess.log")
[ "$lines" -le 2 ] || fail "$lines brute-force log lines in 5 s (want <= 2)"

# --- guessing as a screen (WatchRoom needs no token) is budgeted the same
start wguess --rooms-per-addr 600
out=$("$guard" "$port" guess 200 3 watch) || fail "quiz-guard guess watch"
echo "$out"
reached=$(field "$out" "reached")
found=$(field "$out" "rooms found")
[ "$found" -eq 0 ] || fail "$found rooms found by watching guessed codes"
[ "$reached" -le 60 ] || fail "$reached watch guesses reached a lookup (want <= 60)"

# --- room slots: one address, 50 rooms
start slots
out=$("$guard" "$port" rooms 50) || fail "quiz-guard rooms"
echo "$out"
made=$(grep -oE "[0-9]+ of 50 created" <<<"$out" | awk '{print $1}')
[ "$made" -le 20 ] || fail "one address made $made rooms (want <= 20)"
[ "$made" -ge 1 ] || fail "no room could be created"

# --- host key
start keyed --host-key "s3cret-hall"
out=$("$guard" "$port" rooms 1) || fail "quiz-guard rooms (no key)"
echo "without key: $out"
grep -q "0 of 1 created, 1 WRONG_PIN" <<<"$out" || fail "create without the host key not refused WRONG_PIN"
out=$("$guard" "$port" rooms 1 wrong-key) || fail "quiz-guard rooms (wrong key)"
grep -q "0 of 1 created, 1 WRONG_PIN" <<<"$out" || fail "create with a wrong host key not refused"
out=$("$guard" "$port" rooms 1 s3cret-hall) || fail "quiz-guard rooms (key)"
echo "with key: $out"
grep -q "1 of 1 created" <<<"$out" || fail "create with the host key refused"

# --- ghost seats: a real player gets in at once (the default 30 s grace
# keeps a seat only while nobody else needs the place)
start ghost
out=$("$guard" "$port" ghost 10000 0 127.0.0.2) || { echo "$out"; fail "a real player could not join after 10000 join-and-leave cycles"; }
echo "$out"
joined=$(grep -oE "[0-9]+ joined" <<<"$out" | awk '{print $1}')
[ "$joined" -le 2000 ] || fail "$joined joins from one address (want <= 2000)"
[ "$joined" -ge 1000 ] || fail "only $joined joins: ghost seats still lock the room"

start grace --lobby-grace-s 1
out=$("$guard" "$port" grace 1) || { echo "$out"; fail "lobby seat not freed after the grace (or not resumable within it)"; }
echo "$out"

# --- screens see no live distribution
start screen
out=$("$guard" "$port" screen) || { echo "$out"; fail "screen view of Progress"; }
echo "$out"

# --- --max-rooms clamped
start clamp --max-rooms 5000000
grep -q "clamped to 10000" "$tmp/clamp.log" || fail "--max-rooms 5000000 not clamped"

# every quizd stops cleanly, and (under ASan/UBSan) reported nothing
for p in "${pids[@]}"; do kill -TERM "$p"; wait "$p" || fail "quizd $p exited non-zero"; done
pids=()
if grep -l "AddressSanitizer\|LeakSanitizer\|runtime error" "$tmp"/*.log; then
  fail "sanitizer report in a quizd log"
fi

echo "rooms: all passed"
