#!/usr/bin/env bash
# The buzzer's record (issue 9): a real quizd, quiz-conform plays its checks
# (among them a buzz contest of three questions: a foul, wins, a late
# press, a rebound with an ignored press, an oral ruling) to the end; then the database must hold the presses as
# decided and the judge token as a hash only, and quizd audit verify must
# decide every press again from the event log exactly as the presses table
# says.
set -euo pipefail
quizd=$1 conform=$2 bank=$3
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 not installed"; exit 77; }
tmp=$(mktemp -d)
qpid=""
cleanup() {
  [ -n "$qpid" ] && kill "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- quizd log"; tail -n 40 "$tmp/quizd.log" || true; exit 1; }

# a compensation cap of its own: the rooms it creates must run with it
"$quizd" --listen 127.0.0.1:0 --db "$tmp/quiz.db" --bank "$bank" \
  --port-file "$tmp/port" --log-level info --comp-cap-ms 120 2>"$tmp/quizd.log" &
qpid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || fail "quizd did not start"
"$conform" "$(cat "$tmp/port")" >"$tmp/conform.out" || { cat "$tmp/conform.out"; fail "quiz-conform failed"; }
kill -TERM "$qpid"
rc=0
wait "$qpid" || rc=$?
qpid=""
[ "$rc" -eq 0 ] || fail "quizd exited $rc after SIGTERM"

db=$tmp/quiz.db
match=$(sqlite3 "$db" "select match_id from presses limit 1")
[ -n "$match" ] || fail "no presses stored"
[ "$(sqlite3 "$db" "select state from matches where id = $match")" = finished ] \
  || fail "the buzz match did not finish"
outcomes=$(sqlite3 "$db" "select group_concat(outcome, ',') from (select outcome from presses where match_id = $match order by seq)")
echo "presses of match $match: $outcomes"
[ "$outcomes" = "foul,won,won,late,ignored,won,won" ] || fail "presses stored: $outcomes"
# every press has its event, with when its arming reached the presser
# (arg: the Question's write, or the rebound's BuzzState's) and the bound
# it was decided with (arg2)
[ "$(sqlite3 "$db" "select count(*) from presses p join events e on e.match_id = p.match_id and e.seq = p.seq and e.kind = 'buzz' and e.player_id = p.player_id and e.at_us = p.recv_us and e.arg > 0 and e.arg < p.recv_us and e.arg2 >= 0 where p.match_id = $match")" = 7 ] \
  || fail "a press without its buzz event, its sent_us or its bound"
# the rebound's presses are dated from the rebound's arming, not the question's
[ "$(sqlite3 "$db" "select (select min(e.arg) from presses p join events e using (match_id, seq) where p.match_id = $match and p.q = 1 and p.arm = 1) > (select max(e.arg) + 250000 from presses p join events e using (match_id, seq) where p.match_id = $match and p.q = 1 and p.arm = 0)")" = 1 ] \
  || fail "the rebound's presses are not dated from its own arming"
[ "$(sqlite3 "$db" "select count(*) from events where match_id = $match and kind = 'verdict'")" = 1 ] \
  || fail "the verdict is not in the event log"
[ "$(sqlite3 "$db" "select count(*) from matches where definition like '%comp_cap_us=120000%'")" = \
  "$(sqlite3 "$db" "select count(*) from matches")" ] || fail "a room without the --comp-cap-ms cap"
[ "$(sqlite3 "$db" "select max(comp_us) <= 120000 from presses")" = 1 ] || fail "a compensation over the cap"
hash=$(sqlite3 "$db" "select judge_hash from matches where id = $match")
[ ${#hash} -eq 64 ] || fail "no judge token hash"
# a judge's ruling (JUDGE_FILL): the answer keeps its automatic mark, the
# booking has the ruling
[ "$(sqlite3 "$db" "select a.correct || '|' || b.correct from answers a join bookings b using (match_id, q, player_id) where a.text = '一个近义词'")" = "0|1" ] \
  || fail "answers.correct must stay automatic, bookings.correct the ruling"
# the answer after a pause is timed from the question's re-send (its
# event's sent_us is after the resume), not from its first send
[ "$(sqlite3 "$db" "select e.arg >= r.at_us from events e join events r on r.match_id = e.match_id and r.kind = 'resume' where e.kind = 'answer' and e.text = '一个近义词'")" = 1 ] \
  || fail "an answer after a resume is not dated from the re-send"
# the buzz answers carry their question's send too
[ "$(sqlite3 "$db" "select count(*) from events where match_id = $match and kind = 'answer' and arg > 0 and arg < at_us")" -ge 3 ] \
  || fail "buzz answers without sent_us"
"$quizd" audit verify --db "$db" --all || fail "quizd audit verify: the presses or the scores do not replay"
if grep -q "Sanitizer\|runtime error" "$tmp/quizd.log"; then fail "sanitizer report in the quizd log"; fi
echo "buzz_replay: presses stored and replayed"
