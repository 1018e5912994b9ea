#!/usr/bin/env bash
# Integration (issue 14): an owner taken over by a standby. nats-server
# with JetStream, owner1 with --replicate (every committed store batch
# goes to its stream), a standby for owner1 following that stream into
# its own database, and two edges; quiz-bench plays 60 contestants through
# both edges, 3 questions of 3 s. Once 30 answers are stored the owner is
# killed (SIGKILL, mid-question) and not restarted:
#  1. the standby hears its silence (the stream ending in the first slice
#     of a batch that never comes whole, as if the owner died while
#     publishing it: dropped), takes over as owner1 on its replica,
#     rebuilds the match and serves the edges; contestants resume through
#     them with their tokens and the host resumes. quiz-bench exits 0,
#     the match finishes in the standby's database, every acked answer is
#     stored there, 0 mismatches, results = bookings;
#  2. every answer the old owner's database holds for the match is in the
#     standby's (the replica is faithful);
#  3. the old owner started again on its old database with --replicate
#     refuses to: exit status 1, "taken over" on stderr;
#  4. a second standby follows the new owner1 (catching up on the whole
#     stream); the new owner1 is frozen (SIGSTOP) until the second takes
#     over, then continued: it exits 75 at once (fenced).
# Usage: cluster_takeover.sh QUIZD QUIZ-BENCH BANK_DIR
set -euo pipefail
quizd=$1 bench=$2 bank=$3
for t in jq sqlite3 nats-server; do command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }; done
. "$(dirname "$0")/cluster_lib.sh"

start_replicated_cluster
echo "nats-server (JetStream) on $url, owner1 replicating, a standby following it, edges e1 on $e1_port and e2 on $e2_port"

# the match, played in the background; the owner is killed once 30
# answers are stored in its database
# read before quiz-bench starts: its room may be made within milliseconds
before=$(sql "select coalesce(max(id), 0) from matches")
rm -f "$tmp/acks"
"$bench" --connect "127.0.0.1:$e1_port,127.0.0.1:$e2_port" --players 60 --questions 3 \
  --bank "$bank" --think-ms 300-2500 --time-limit-ms 3000 --seed 23 --timeout-s 90 \
  --resume-wait-ms 30000 --acks "$tmp/acks" --json-out "$tmp/bench.json" \
  >/dev/null 2>"$tmp/bench.err" &
bpid=$!
pids+=("$bpid")
for _ in $(seq 400); do
  [ "$(sql "select count(*) from answers where match_id > $before" 2>/dev/null || echo 0)" -ge 30 ] && break
  sleep 0.05
done
[ "$(sql "select count(*) from answers where match_id > $before")" -ge 30 ] ||
  fail "not 30 answers stored by the owner within 20 s"
kill -9 "$owner_pid"; wait "$owner_pid" 2>/dev/null || true
# as if it died while publishing a batch of several messages: the first
# slice of a batch that never comes whole (flags byte 1: first, not last)
printf '\001QRB1\000' >"$tmp/partial.bin"
nats_pub quizd.repl.owner1 "$tmp/partial.bin"
echo "owner killed mid-match (and the first slice of an unfinished batch put in its stream)"

# 1. the standby takes over; the match finishes on it
for _ in $(seq 150); do
  grep -q 'took over owner1' "$tmp/standby.log" && break
  kill -0 "$standby_pid" 2>/dev/null || fail "the standby exited"
  sleep 0.1
done
grep -q 'took over owner1' "$tmp/standby.log" || fail "the standby did not take over within 15 s"
wait_file "$tmp/standby.port" || fail "the standby took over but does not listen"
grep -q 'never came whole' "$tmp/standby.log" || fail "the standby did not drop the unfinished batch"
echo "the standby took over owner1, listening on $(cat "$tmp/standby.port")"

rc=0
wait "$bpid" || rc=$?
jq -c '{joined, finished, answers, mismatches, restarts: (.restarts | del(.episodes))}' "$tmp/bench.json"
[ "$rc" -eq 0 ] || fail "quiz-bench exited $rc"
jq -e '.finished == 60 and .complete and .mismatches.total == 0' "$tmp/bench.json" >/dev/null ||
  fail "the match went wrong"
db=$tmp/standby.db
match=$(sql "select max(id) from matches")
[ "$match" -gt "$before" ] || fail "no new match in the standby's database"
[ "$(sql "select state from matches where id=$match")" = finished ] || fail "match $match not finished on the standby"
awk '$3 != "already" { print $1, $2, $3 }' "$tmp/acks" | sort >"$tmp/acked"
sql "select player_id || ' ' || q || ' ' || rt_us from answers where match_id=$match" | sort >"$tmp/stored"
[ -s "$tmp/acked" ] || fail "no answer acked"
if [ -n "$(comm -23 "$tmp/acked" "$tmp/stored")" ]; then
  comm -23 "$tmp/acked" "$tmp/stored" | head -n 10
  fail "$(comm -23 "$tmp/acked" "$tmp/stored" | wc -l) acked answers missing from the standby's database"
fi
sql "select player_id || ' ' || score from results where match_id=$match" | sort >"$tmp/res"
sql "select p.player_id || ' ' || coalesce((select sum(delta) from bookings b where b.match_id=p.match_id and b.player_id=p.player_id), 0) from players p where p.match_id=$match" | sort >"$tmp/booked"
[ "$(wc -l <"$tmp/res")" -eq 60 ] || fail "$(wc -l <"$tmp/res") results, want 60"
cmp -s "$tmp/res" "$tmp/booked" || fail "results differ from the bookings"
echo "taken over: finished on the standby, $(wc -l <"$tmp/acked") acked answers all stored, 0 mismatches, results = bookings"

# 2. what the old owner committed for the match, the standby holds
db=$tmp/quiz.db
[ "$(sql "select count(*) from matches where id=$match")" -eq 1 ] ||
  fail "match $match of the standby is not in the old owner's database"
sql "select player_id || ' ' || q || ' ' || rt_us from answers where match_id=$match" | sort >"$tmp/old"
[ -s "$tmp/old" ] || fail "the old owner's database holds no answer of match $match"
if [ -n "$(comm -23 "$tmp/old" "$tmp/stored")" ]; then
  comm -23 "$tmp/old" "$tmp/stored" | head -n 10
  fail "$(comm -23 "$tmp/old" "$tmp/stored" | wc -l) answers of the old owner missing from the standby's database"
fi
echo "replica faithful: the old owner's $(wc -l <"$tmp/old") answers of the match are all in the standby's database"

# 3. the old owner may not come back on its old database
rc=0
timeout 15 "$quizd" --listen 127.0.0.1:0 --db "$tmp/quiz.db" --bank "$bank" \
  --port-file "$tmp/old.port" "${lift[@]}" --nats "$url" --node owner1 --replicate \
  2>"$tmp/old.log" || rc=$?
[ "$rc" -eq 1 ] || { tail -n 15 "$tmp/old.log"; fail "the old owner restarted on its database exited $rc, want 1"; }
grep -q 'taken over' "$tmp/old.log" || { tail -n 15 "$tmp/old.log"; fail "the old owner did not say it was taken over"; }
echo "old owner refused: exit 1, \"$(grep -m1 'taken over' "$tmp/old.log")\""

# 4. a frozen owner is fenced: a second standby follows the new owner1
# (the first standby) from the start of the stream; the new owner1 is
# stopped (SIGSTOP) until the second takes over, then continued: it must
# exit 75 ("taken over") before serving anything more
"$quizd" --listen 127.0.0.1:0 --port-file "$tmp/standby2.port" --db "$tmp/standby2.db" \
  --bank "$bank" --nats "$url" --node owner1 --standby "${lift[@]}" 2>"$tmp/standby2.log" &
s2_pid=$!
pids+=("$s2_pid")
for _ in $(seq 100); do grep -q 'following owner1' "$tmp/standby2.log" && break; sleep 0.1; done
grep -q 'following owner1' "$tmp/standby2.log" || fail "the second standby did not follow owner1"
# caught up: the finished match's 60 results are in its database
db=$tmp/standby2.db
for _ in $(seq 100); do
  [ "$(sql "select count(*) from results where match_id=$match" 2>/dev/null || echo 0)" -eq 60 ] && break
  sleep 0.1
done
[ "$(sql "select count(*) from results where match_id=$match")" -eq 60 ] ||
  fail "the second standby did not catch up with the stream"
kill -STOP "$standby_pid"
for _ in $(seq 150); do grep -q 'took over owner1' "$tmp/standby2.log" && break; sleep 0.1; done
grep -q 'took over owner1' "$tmp/standby2.log" || { kill -CONT "$standby_pid"; fail "the second standby did not take over a frozen owner1"; }
kill -CONT "$standby_pid"
rc=0
for _ in $(seq 50); do kill -0 "$standby_pid" 2>/dev/null || break; sleep 0.1; done
wait "$standby_pid" || rc=$?
[ "$rc" -eq 75 ] || fail "the frozen owner1 exited $rc after it was continued, want 75"
grep -q 'was taken over' "$tmp/standby.log" || fail "the frozen owner1 did not say it was taken over"
wait_file "$tmp/standby2.port" || fail "the second standby took over but does not listen"
echo "frozen owner fenced: the second standby took over, the first exited 75 once continued"

finish
echo "all nodes stopped cleanly, no sanitizer finding in their logs"
