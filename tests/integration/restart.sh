#!/usr/bin/env bash
# A match survives a restart of quizd (issue 10). Twice, on a real quizd
# with a temporary database: quiz-restart plays question 0 and two answers
# of question 1, then quizd is stopped mid-question and started again on
# the same database and port; quiz-restart takes the seats back by token,
# the host reclaims the room, and the match is played to the end.
#   1. kill -9, then --interrupted continue: the room is rebuilt under its
#      code, PAUSED (RECOVERED) until the host's RESUME; question 1 comes
#      back with the time it had left and the answers kept.
#   2. SIGTERM (every connection told "server restarting", the match
#      marked interrupted), then --interrupted void: question 1 scores
#      nothing.
# Each time the stored results must equal the totals the contestants were
# told, and the event log must replay to them (quiz-replay; and `quizd
# audit verify` when quizd has it).
set -euo pipefail
quizd=$1 restart=$2 replay=$3 bank=$4
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 not installed"; exit 77; }
tmp=$(mktemp -d)
qpid="" ppid_=""
cleanup() {
  [ -n "$ppid_" ] && kill "$ppid_" 2>/dev/null || true
  [ -n "$qpid" ] && kill -9 "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- quizd log"; tail -n 40 "$tmp/quizd.log" || true; exit 1; }

# start_quizd DB LISTEN [flags...]: starts quizd, sets qpid and port
start_quizd() {
  local db=$1 listen=$2
  shift 2
  rm -f "$tmp/port"
  "$quizd" --listen "$listen" --db "$db" --bank "$bank" --port-file "$tmp/port" \
    --log-level info "$@" 2>>"$tmp/quizd.log" &
  qpid=$!
  for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
  [ -s "$tmp/port" ] || fail "quizd did not start"
  port=$(cat "$tmp/port")
}

# the first half: play until two answers of q1 are acknowledged
play_half() {
  rm -f "$tmp/state" "$tmp/state.ready"
  "$restart" play "$port" "$tmp/state" >"$tmp/play.out" 2>&1 &
  ppid_=$!
  for _ in $(seq 200); do [ -e "$tmp/state.ready" ] && break; sleep 0.1; done
  [ -e "$tmp/state.ready" ] || { cat "$tmp/play.out"; fail "first half did not reach q1"; }
}

# checks common to both runs once the match finished; $1: the db
check_db() {
  local db=$1 match
  match=$(sqlite3 "$db" "select max(id) from matches")
  [ "$(sqlite3 "$db" "select state from matches where id = $match")" = finished ] \
    || fail "match $match is not finished: $(sqlite3 "$db" "select state from matches where id = $match")"
  [ "$(sqlite3 "$db" "select count(*) from matches")" = 1 ] || fail "a second match was recorded"
  [ "$(sqlite3 "$db" "select count(*) from events where match_id = $match and kind = 'recover'")" = 1 ] \
    || fail "no recover event logged"
  # one booking per question and player at most, and the results are what
  # the contestants were told
  [ "$(sqlite3 "$db" "select count(*) from (select 1 from bookings where match_id = $match group by q, player_id having count(*) > 1)")" = 0 ] \
    || fail "a question booked twice for a player"
  sqlite3 "$db" "select player_id, score from results where match_id = $match order by player_id" >"$tmp/stored"
  sort -n "$tmp/state.final" >"$tmp/told"
  diff -u "$tmp/told" "$tmp/stored" || fail "stored results differ from the totals the contestants were told"
  [ "$(sqlite3 "$db" "select count(*) from answers where match_id = $match and q = 1")" = 3 ] \
    || fail "answers of q1: want 3 rows (two before the stop, one after), got $(sqlite3 "$db" "select count(*) from answers where match_id = $match and q = 1")"
  "$replay" "$db" || fail "the event log does not replay to the stored results"
  if "$quizd" --help 2>&1 | grep -q "quizd audit"; then
    "$quizd" audit verify --db "$db" "$match" || fail "quizd audit verify failed"
  else
    echo "(quizd has no audit command: quiz-replay only)"
  fi
  echo "match $match: results = what was told, $(sqlite3 "$db" "select count(*) from events where match_id = $match") events replay to them"
}

# ---- 1. kill -9 mid-question, --interrupted continue
db=$tmp/kill.db
start_quizd "$db" 127.0.0.1:0
echo "quizd on port $port"
play_half
kill -9 "$qpid"; wait "$qpid" 2>/dev/null || true; qpid=""
wait "$ppid_" || { cat "$tmp/play.out"; fail "first half failed"; }
ppid_=""
cat "$tmp/play.out"
grep -q "^notices 0$" "$tmp/play.out" || fail "notices after kill -9"
[ "$(sqlite3 "$db" "select state from matches")" = running ] || fail "killed match not left running"
code=$(head -1 "$tmp/state" | cut -d' ' -f1)
start_quizd "$db" "127.0.0.1:$port" --interrupted continue
grep -q "rebuilt match 1 as $code: 3 players" "$tmp/quizd.log" || fail "no rebuild log line for $code"
[ "$(sqlite3 "$db" "select state from matches")" = running ] || fail "rebuilt match not running"
"$restart" resume "$port" "$tmp/state" continue || fail "second half (continue) failed"
check_db "$db"
kill -TERM "$qpid"; wait "$qpid" || fail "quizd exited non-zero"; qpid=""

# ---- 2. SIGTERM mid-question, --interrupted void
db=$tmp/term.db
start_quizd "$db" 127.0.0.1:0
play_half
kill -TERM "$qpid"
rc=0; wait "$qpid" || rc=$?; qpid=""
[ "$rc" -eq 0 ] || fail "quizd exited $rc after SIGTERM"
wait "$ppid_" || { cat "$tmp/play.out"; fail "first half failed"; }
ppid_=""
cat "$tmp/play.out"
grep -q "^notices 4$" "$tmp/play.out" || fail "not every connection was told \"server restarting\""
[ "$(sqlite3 "$db" "select state from matches")" = interrupted ] || fail "SIGTERM did not mark the match interrupted"
start_quizd "$db" "127.0.0.1:$port" --interrupted void
sleep 1 # the voided close commits and is revealed before anyone is back
"$restart" resume "$port" "$tmp/state" void || fail "second half (void) failed"
[ "$(sqlite3 "$db" "select count(*) from bookings where q = 1")" = 0 ] || fail "the voided q1 booked points"
[ "$(sqlite3 "$db" "select count(*) from answers where q = 1 and points != 0")" = 0 ] || fail "an answer of the voided q1 has points"
# void mode: only the two answers of before the stop
match=$(sqlite3 "$db" "select max(id) from matches")
[ "$(sqlite3 "$db" "select state from matches where id = $match")" = finished ] || fail "void match not finished"
sqlite3 "$db" "select player_id, score from results where match_id = $match order by player_id" >"$tmp/stored"
sort -n "$tmp/state.final" >"$tmp/told"
diff -u "$tmp/told" "$tmp/stored" || fail "stored results differ from the totals told (void)"
"$replay" "$db" || fail "the event log does not replay to the stored results (void)"
if "$quizd" --help 2>&1 | grep -q "quizd audit"; then
  "$quizd" audit verify --db "$db" "$match" || fail "quizd audit verify failed (void)"
fi
kill -TERM "$qpid"; wait "$qpid" || fail "quizd exited non-zero"; qpid=""
echo "restart: kill -9 + continue and SIGTERM + void both finished as told"
