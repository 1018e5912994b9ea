#!/usr/bin/env bash
# Integration (issue 14): quizd on several nodes over NATS. One
# nats-server (the Debian package, on a free port), owner quizd owner1
# (--nats, its own database) and two edges (quizd --edge, default owner
# owner1):
#  1. quiz-bench plays 300 contestants x 2 questions through both edges
#     (150 each): exit 0, 0 mismatches, every acked answer stored in
#     owner1's database and told back;
#  2. 40 contestants with injected delays (20-60 ms each way) through the
#     edges: compensated by the edges' estimates (|error| p99 < 2 ms, 0
#     inversions); then hostile messages to every node's subjects
#     (random bytes, forged headers with garbage records): no node falls
#     over, owner and edges log the malformed records and serve on;
#  3. a second owner, owner2: a room created on its own port, 99
#     contestants a third each through owner2, e2 and e1; the edges find
#     the room's owner by WHO and route there; e2 is killed (SIGKILL)
#     after the first stored answer, its 33 resume through e1 by their
#     tokens (found on owner2 by WHO) with their seats: exit 0, acked =
#     stored on owner2, 99 seats, owner1 got nothing of it.
# Also: quizd --edge without --owner, --owner without --edge, --node
# without --nats, a bad --nats and --node are refused (exit 2).
#  4. a room code no owner has, through an edge: ROOM_NOT_FOUND after
#     the WHO wait; hostile contestants at an edge (quiz-hostile, as integration_hostile_net
#     runs them against quizd, on an edge e3 with short timeouts): each
#     gets the Error quizd would give (TIMEOUT, BAD_FRAME, BAD_MESSAGE,
#     UNSUPPORTED_VERSION, RATE_LIMITED) and is closed; one that never
#     reads is dropped.
# Usage: cluster.sh QUIZD QUIZ-BENCH BANK_DIR QUIZ-HOSTILE
set -euo pipefail
quizd=$1 bench=$2 bank=$3 hostile=$4
for t in jq sqlite3 nats-server; do command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }; done
. "$(dirname "$0")/cluster_lib.sh"
. "$(dirname "$0")/bench_lib.sh"

# usage errors
refused() {
  local rc=0
  "$quizd" "$@" >/dev/null 2>"$tmp/usage.err" || rc=$?
  [ "$rc" -eq 2 ] || fail "quizd $* exited $rc, want 2"
}
refused --edge --nats nats://127.0.0.1:1
refused --owner o1 --nats nats://127.0.0.1:1
refused --node n1
refused --nats http://127.0.0.1:1
refused --nats nats://127.0.0.1:1 --node 'bad name'
echo "usage: --edge without --owner, --owner without --edge, --node without --nats, bad --nats and --node refused (exit 2)"

start_nats
echo "nats-server on $url"
start_owner
start_edge e1
start_edge e2
p1=$e1_port p2=$e2_port
echo "owner1, edges e1 on $p1 and e2 on $p2"
wait_edges

# the match: 300 contestants, half through each edge
players=300 questions=2
"$bench" --connect "127.0.0.1:$p1,127.0.0.1:$p2" --players $players --questions $questions \
  --bank "$bank" --think-ms 0-200 --time-limit-ms 3000 --seed 14 --timeout-s 60 \
  --results --acks "$tmp/acks" >"$tmp/bench.json" 2>"$tmp/bench.err" || fail "quiz-bench exited $?"
jq -c '{players, joined, finished, answers, mismatches, per_addr, fanout_us: .fanout_us.question,
        reveal_skew_us, ack_us}' "$tmp/bench.json"
n=$((players * questions))
jq -e --argjson p $players --argjson n $n '
  .joined == $p and .finished == $p and .complete and .mismatches.total == 0
  and .errors == 0 and .dropped == 0 and .results_missing == 0
  and .fanout_us.question.n == $n and .reveal_skew_us.n == $n
  and .answers.acked == .answers.sent and .answers.acked > 0
  and ([.per_addr[].contestants] == [150, 150])' "$tmp/bench.json" >/dev/null ||
  fail "the match through two edges went wrong"
match=$(sql "select max(id) from matches")
[ "$(sql "select state from matches where id=$match")" = finished ] || fail "match not finished"
check_told "$match" "$tmp/bench.json" "$tmp/acks"
acked=$(jq .answers.acked "$tmp/bench.json")
echo "two edges: $players joined (150 + 150), $acked answers acked = stored = told, 0 mismatches"

# injected delays (20-60 ms each way, per contestant): the edges measure
# them and the owner compensates with their figures; without the edge's
# estimate every answer would be off by its delay
"$bench" --connect "127.0.0.1:$p1,127.0.0.1:$p2" --players 40 --questions 2 \
  --delay-ms 20-60 --bank "$bank" --think-ms 0-300 --time-limit-ms 3000 --seed 16 \
  --timeout-s 60 >"$tmp/delay.json" 2>"$tmp/bench.err" || fail "quiz-bench with delays exited $?"
jq -c '{finished, mismatches, error_us: .fairness.speed.error_us, inversions: .fairness.speed.inversions_5ms}' "$tmp/delay.json"
jq -e '.finished == 40 and .mismatches.total == 0 and .fairness.speed.error_us.n > 0
  and .fairness.speed.error_us.abs_p99 < 2000 and .fairness.speed.inversions_5ms == 0' \
  "$tmp/delay.json" >/dev/null || fail "delays through the edges not compensated"
echo "delays 20-60 ms through the edges: compensated, |error| p99 $(jq .fairness.speed.error_us.abs_p99 "$tmp/delay.json") us, 0 inversions"

# hostile messages (random bytes, forged headers with garbage records) to
# every node's subjects, between matches (not during the timed one: the
# publisher's processes would load the cores it measures): no node falls
# over, and they all serve the next match
hostile_nats 20
for p in "$owner_pid" "$e1_pid" "$e2_pid"; do kill -0 "$p" || fail "a node died of hostile NATS messages"; done
grep -q "malformed record" "$tmp/owner.log" || fail "the owner did not see the forged records"
grep -q "malformed record" "$tmp/e1.log" || fail "edge e1 did not see the forged records"
echo "hostile NATS messages to every subject: logged as malformed, no node fell over"

# a room on a second owner, owner2 (its own database): the host creates
# it on owner2's own port; contestants come through owner2 and through
# both edges, whose default owner is owner1: each edge asks which owner
# has the code (WHO) and routes them to owner2. Then an edge dies
# mid-match: its contestants resume through the other edge by their
# tokens, which that edge finds on owner2 the same way.
start_owner owner2
for _ in $(seq 50); do grep -q 'serving edges' "$tmp/owner2.log" && break; sleep 0.1; done
db=$tmp/owner2.db
rm -f "$tmp/acks"
"$bench" --connect "127.0.0.1:$owner2_port,127.0.0.1:$p2,127.0.0.1:$p1" --players 99 --questions 3 \
  --bank "$bank" --think-ms 0-200 --time-limit-ms 3000 --seed 15 --timeout-s 60 \
  --acks "$tmp/acks" >"$tmp/kill.json" 2>"$tmp/bench.err" &
bpid=$!
pids+=($bpid)
# after the first answer is stored
for _ in $(seq 150); do
  [ "$(sql "select count(*) from answers" 2>/dev/null || echo 0)" -gt 0 ] && break
  sleep 0.1
done
sleep 1
kill -9 "$e2_pid" 2>/dev/null
wait "$e2_pid" 2>/dev/null || true
echo "edge e2 killed (SIGKILL)"
rc=0
wait "$bpid" || rc=$?
jq -c '{players, joined, finished, answers, mismatches, per_addr,
        restarts: (.restarts | del(.episodes))}' "$tmp/kill.json"
[ "$rc" -eq 0 ] || fail "quiz-bench with an edge killed exited $rc"
jq -e '.finished == 99 and .complete and .mismatches.total == 0 and .answers.acked > 0
  and ([.per_addr[].contestants] == [33, 0, 66]) and .per_addr[2].reconnects == 33' \
  "$tmp/kill.json" >/dev/null || fail "the contestants of the killed edge did not all move to e1"
match2=$(sql "select max(id) from matches")
[ "$(sql "select state from matches where id=$match2")" = finished ] || fail "the match on owner2 did not finish"
stored=$(sql "select count(*) from answers where match_id=$match2")
acked=$(jq .answers.acked "$tmp/kill.json")
[ "$stored" -eq "$acked" ] || fail "after the kill: answers acked $acked, stored $stored on owner2"
[ "$(sql "select count(*) from players where match_id=$match2")" -eq 99 ] || fail "seats were lost or doubled"
[ "$(sqlite3 "$tmp/quiz.db" "select count(*) from matches")" -eq 2 ] || fail "owner1 got a match of owner2's"
grep -q "edge e2 silent" "$tmp/owner2.log" || fail "owner2 did not notice e2's death"
echo "room on owner2 through edges routed by WHO; e2 killed: its 33 resumed through e1 with their seats, $acked answers acked = stored on owner2"

# hostile contestants at an edge
"$quizd" --edge --nats "$url" --node e3 --owner owner1 --listen 127.0.0.1:0 \
  --port-file "$tmp/e3.port" --hello-timeout-ms 500 --frame-timeout-ms 500 \
  --ping-timeout-ms 300 2>"$tmp/e3.log" &
pids+=($!)
wait_file "$tmp/e3.port" || fail "edge e3 did not start"
for _ in $(seq 50); do grep -q 'owner owner1 is there' "$tmp/e3.log" && break; sleep 0.1; done
# a code no owner has: WHO goes unanswered, the edge sends the join to its
# default owner after its wait, which refuses it ROOM_NOT_FOUND
"$bench" --connect "127.0.0.1:$(cat "$tmp/e3.port")" --players 3 --questions 1 --code ZZZZ-ZZZZ \
  --timeout-s 10 >"$tmp/nocode.json" 2>"$tmp/bench.err" || true
jq -e '.joined == 0 and .error_codes.ROOM_NOT_FOUND == 3' "$tmp/nocode.json" >/dev/null ||
  fail "a code no owner has, through an edge: $(jq -c '{joined, error_codes}' "$tmp/nocode.json")"
echo "a code no owner has: WHO unanswered, ROOM_NOT_FOUND from the default owner"
for m in idle partial nopong bigprehello pingflood garbage oversize zero nohello badversion noread; do
  out=$("$hostile" "$(cat "$tmp/e3.port")" "$m") || { tail -n 5 "$tmp/e3.log"; fail "edge e3, hostile $m: $out"; }
done
echo "hostile contestants at an edge: each got quizd's Error (TIMEOUT, BAD_FRAME, BAD_MESSAGE, UNSUPPORTED_VERSION, RATE_LIMITED) and was closed"
finish
echo "all nodes stopped cleanly, no sanitizer finding in their logs"
