#!/usr/bin/env bash
# Integration (issue 14): a cluster's failures that are not an edge's
# (integration_cluster kills an edge). nats-server, an owner and two
# edges; quiz-bench plays 60 contestants through both edges, 3 questions
# of 3 s, twice:
#  1. the NATS server is killed (SIGKILL) mid-question and started again
#     on its port 1 s later: edges close their sockets, contestants
#     reconnect with their tokens once the link is back;
#  2. the owner is killed (SIGKILL) mid-question and started again on its
#     database: it rebuilds the match, the edges see its new epoch (or its
#     silence) and close their sockets, contestants and host come back
#     through the edges and the host resumes.
# Each time: quiz-bench exits 0, the match finishes, every acked answer
# is stored, 0 mismatches (every total after the failure continues the
# one before), results = bookings.
# The owner replicates (--replicate, nats-server with JetStream) to a
# standby all along: its acks wait for the stream, so while NATS is down
# its room pauses as for a stalled disk; the standby never takes over
# (its silence counts only while it hears NATS, and the owner comes back
# within 3 s), and at the end its database holds the same answers,
# results and events as the owner's.
# Usage: cluster_fail.sh QUIZD QUIZ-BENCH BANK_DIR
set -euo pipefail
quizd=$1 bench=$2 bank=$3
for t in jq sqlite3 nats-server; do command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }; done
. "$(dirname "$0")/cluster_lib.sh"

start_replicated_cluster
echo "nats-server (JetStream) on $url, owner1 replicating to a standby, edges e1 on $e1_port and e2 on $e2_port"

# plays a match in the background; the failure is made once the first
# answer of it is stored
play() {
  local before
  # read before quiz-bench starts: its room may be made within milliseconds
  before=$(sql "select coalesce(max(id), 0) from matches")
  rm -f "$tmp/acks"
  "$bench" --connect "127.0.0.1:$e1_port,127.0.0.1:$e2_port" --players 60 --questions 3 \
    --bank "$bank" --think-ms 300-2500 --time-limit-ms 3000 --seed "$1" --timeout-s 90 \
    --resume-wait-ms 30000 --acks "$tmp/acks" --json-out "$tmp/bench.json" \
    >/dev/null 2>"$tmp/bench.err" &
  bpid=$!
  pids+=($bpid)
  for _ in $(seq 200); do
    [ "$(sql "select count(*) from answers where match_id > $before" 2>/dev/null || echo 0)" -gt 0 ] && break
    sleep 0.05
  done
}

# the match played since: finished, acked = stored, results = bookings
check() {
  local rc=0 match
  wait "$bpid" || rc=$?
  jq -c '{joined, finished, answers, mismatches, restarts: (.restarts | del(.episodes))}' "$tmp/bench.json"
  [ "$rc" -eq 0 ] || fail "$1: quiz-bench exited $rc"
  jq -e '.finished == 60 and .complete and .mismatches.total == 0' "$tmp/bench.json" >/dev/null ||
    fail "$1: the match went wrong"
  match=$(sql "select max(id) from matches")
  [ "$(sql "select state from matches where id=$match")" = finished ] || fail "$1: match not finished"
  awk '$3 != "already" { print $1, $2, $3 }' "$tmp/acks" | sort >"$tmp/acked"
  sql "select player_id || ' ' || q || ' ' || rt_us from answers where match_id=$match" | sort >"$tmp/stored"
  [ -s "$tmp/acked" ] || fail "$1: no answer acked"
  [ -z "$(comm -23 "$tmp/acked" "$tmp/stored")" ] || fail "$1: acked answers missing from the database"
  sql "select player_id || ' ' || score from results where match_id=$match" | sort >"$tmp/res"
  sql "select p.player_id || ' ' || coalesce((select sum(delta) from bookings b where b.match_id=p.match_id and b.player_id=p.player_id), 0) from players p where p.match_id=$match" | sort >"$tmp/booked"
  [ "$(wc -l <"$tmp/res")" -eq 60 ] || fail "$1: $(wc -l <"$tmp/res") results, want 60"
  cmp -s "$tmp/res" "$tmp/booked" || fail "$1: results differ from the bookings"
  echo "$1: finished, $(wc -l <"$tmp/acked") acked answers all stored, 0 mismatches, results = bookings"
}

# 1. NATS dies and comes back on its port
play 21
kill -9 "$nats_pid"; wait "$nats_pid" 2>/dev/null || true
echo "nats-server killed"
sleep 1
start_nats "$nport"
echo "nats-server back on $url"
check "NATS restarted"

# 2. the owner dies and comes back on its database
play 22
kill -9 "$owner_pid"; wait "$owner_pid" 2>/dev/null || true
echo "owner killed"
start_owner
echo "owner back"
check "owner restarted"
grep -q "rebuilt" "$tmp/owner.log" || fail "the owner did not say it rebuilt the match"

# the standby followed through both failures and never took over
! grep -q 'took over' "$tmp/standby.log" || fail "the standby took over a live owner"
for _ in $(seq 50); do
  [ "$(sqlite3 -cmd ".timeout 5000" "$tmp/standby.db" "select count(*) from results" 2>/dev/null || echo 0)" -eq 120 ] && break
  sleep 0.1
done
for q in "select match_id, player_id, q, rt_us, points from answers order by 1, 2, 3" \
         "select match_id, player_id, score from results order by 1, 2" \
         "select match_id, seq, kind, hash from events order by 1, 2"; do
  [ "$(sql "$q" | md5sum)" = "$(sqlite3 -cmd ".timeout 5000" "$tmp/standby.db" "$q" | md5sum)" ] ||
    fail "the standby's database differs from the owner's: $q"
done
echo "standby: followed through both, never took over, same answers, results and events ($(sql "select count(*) from events") events)"
finish
echo "all nodes stopped cleanly, no sanitizer finding in their logs"
