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
#   3. run 1's database with its results deleted and the match 'running':
#      the replay reaches the end, the rebuild writes the results.
#   4. run 1's database cut before the commit of the last question's close:
#      the rebuild commits it again, the host resumes, the match finishes.
#   5. a lobby killed: a contestant is seated again by token, the seat of
#      one who does not come back is freed after the lobby grace.
#   6. a log the core refuses on replay: logged and counted, the match left
#      as it was, quizd serves anyway.
# Each time the stored results must equal the totals the contestants were
# told, and `quizd audit verify` must pass: the chain intact and the event
# log replaying to them.
set -euo pipefail
quizd=$1 restart=$2 bank=$3
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
  "$quizd" audit verify --db "$db" "$match" || fail "quizd audit verify: the event log does not replay to the stored results"
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

# ---- 3. the finish was logged, its results were not written: the rebuild
# writes them (the normal finish path) and the match is finished
cp "$tmp/state.final" "$tmp/kill.final"
db=$tmp/fin.db
cp "$tmp/kill.db" "$db"
sqlite3 "$db" "delete from results; delete from team_results; update matches set state = 'running', ended_at = null"
start_quizd "$db" 127.0.0.1:0
grep -q "rebuilt match 1 as $code: 3 players, [0-9]* events, state finished" "$tmp/quizd.log" \
  || fail "the finished match was not rebuilt as finished"
kill -TERM "$qpid"; wait "$qpid" || fail "quizd exited non-zero"; qpid=""
[ "$(sqlite3 "$db" "select state from matches")" = finished ] || fail "rebuilt finished match not marked finished"
sqlite3 "$db" "select player_id, score from results order by player_id" >"$tmp/stored"
diff -u "$tmp/told" "$tmp/stored" || fail "results written by the rebuild differ"
echo "finished but not recorded: results written at start, as told"

# ---- 4. the last question closed but its commit was lost: the rebuild
# commits it again, reveals it and pauses; the host resumes to the end
db=$tmp/close.db
cp "$tmp/kill.db" "$db"
seq=$(sqlite3 "$db" "select min(seq) from events where kind = 'commit' and q = 2")
[ -n "$seq" ] || fail "no commit event of q2"
sqlite3 "$db" "delete from events where seq >= $seq; delete from results; delete from team_results; update matches set state = 'running', ended_at = null"
start_quizd "$db" 127.0.0.1:0
grep -q "rebuilt match 1 as $code: 3 players, [0-9]* events, state closed" "$tmp/quizd.log" \
  || fail "the closed match was not rebuilt closed"
"$restart" host-resume "$port" "$tmp/state" || fail "host-resume after a lost commit failed"
kill -TERM "$qpid"; wait "$qpid" || fail "quizd exited non-zero"; qpid=""
[ "$(sqlite3 "$db" "select state from matches")" = finished ] || fail "match with a lost commit not finished"
sqlite3 "$db" "select player_id, score from results order by player_id" >"$tmp/stored"
diff -u "$tmp/told" "$tmp/stored" || fail "results after a lost commit differ"
"$quizd" audit verify --db "$db" 1 || fail "quizd audit verify: the event log (lost commit) does not replay to the stored results"
echo "closed, commit lost: committed again at start, revealed, finished as told"

# ---- 5. a lobby across kill -9: a contestant takes its seat back, the
# seat of one who does not come back is freed after the lobby grace
db=$tmp/lobby.db
start_quizd "$db" 127.0.0.1:0 --lobby-grace-s 2
rm -f "$tmp/lstate" "$tmp/lstate.ready"
"$restart" lobby "$port" "$tmp/lstate" >"$tmp/lobby.out" 2>&1 &
ppid_=$!
for _ in $(seq 100); do [ -e "$tmp/lstate.ready" ] && break; sleep 0.1; done
[ -e "$tmp/lstate.ready" ] || { cat "$tmp/lobby.out"; fail "lobby first half"; }
kill -9 "$qpid"; wait "$qpid" 2>/dev/null || true; qpid=""
wait "$ppid_" || { cat "$tmp/lobby.out"; fail "lobby first half failed"; }
ppid_=""
start_quizd "$db" "127.0.0.1:$port" --lobby-grace-s 2
grep -q "rebuilt match 1 as $(cut -d' ' -f1 "$tmp/lstate" | head -1): 2 players, 2 events, state lobby" "$tmp/quizd.log" \
  || fail "the lobby was not rebuilt"
"$restart" lobby-resume "$port" "$tmp/lstate" || fail "lobby second half failed"
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
grep -q "^notices 3$" "$tmp/play.out" || fail "not every connection was told \"server restarting\""
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
"$quizd" audit verify --db "$db" "$match" || fail "quizd audit verify: the event log does not replay to the stored results (void)"
kill -TERM "$qpid"; wait "$qpid" || fail "quizd exited non-zero"; qpid=""
echo "restart: kill -9 + continue and SIGTERM + void both finished as told"

# 6. a log the core refuses (an answer moved to a question that does not
# exist): quizd logs it, leaves the match as it is and serves anyway; the
# other unfinished match is rebuilt
cp "$db" "$tmp/bad.db"
sqlite3 "$tmp/bad.db" "update matches set state = 'interrupted' where id = $match;
  update events set q = 999 where match_id = $match and seq =
    (select min(seq) from events where match_id = $match and kind = 'answer');"
: >"$tmp/quizd.log"
start_quizd "$tmp/bad.db" 127.0.0.1:0
grep -q "match $match: event [0-9]* (answer) refused on replay" "$tmp/quizd.log" || fail "the refused replay was not logged"
grep -q "0 match(es) rebuilt, 1 failed" "$tmp/quizd.log" || fail "the rebuild did not count the failure"
[ "$(sqlite3 "$tmp/bad.db" "select state from matches where id = $match")" = interrupted ] || fail "a match that did not replay was changed"
"$quizd" audit verify --db "$tmp/bad.db" "$match" >/dev/null 2>&1 && fail "audit verify passed a tampered log"
kill -TERM "$qpid"; wait "$qpid" || fail "quizd exited non-zero after a refused rebuild"; qpid=""
echo "restart: a log the core refuses is left as it was; quizd serves anyway"
