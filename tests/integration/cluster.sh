#!/usr/bin/env bash
# Integration (issue 14): quizd on several nodes over NATS. One
# nats-server (the Debian package, on a free port), one owner quizd
# (--nats, its own database) and two edges (quizd --edge). quiz-bench
# plays a 300-contestant match (2 questions) through both edges at once
# (150 each):
# exit 0, 0 mismatches, every acked answer stored in the owner's database
# and told back. 40 contestants with injected delays (20-60 ms) through
# the edges: compensated by the edges' estimates (|error| p99 < 2 ms, 0
# inversions). Then a second match: one edge is killed (SIGKILL) after
# the first answer is stored; its 50 contestants reconnect to the other edge with
# their resume tokens and finish with their seats and scores: exit 0,
# every acked answer stored, all contestants end on the surviving edge.
# Also: quizd --edge without --owner, --owner without --edge, --node
# without --nats and a bad --nats are refused (exit 2).
# Usage: cluster.sh QUIZD QUIZ-BENCH BANK_DIR
set -euo pipefail
quizd=$1 bench=$2 bank=$3
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

# an edge dies mid-match: its contestants move to the other edge
rm -f "$tmp/acks"
"$bench" --connect "127.0.0.1:$p1,127.0.0.1:$p2" --players 100 --questions 3 \
  --bank "$bank" --think-ms 0-200 --time-limit-ms 3000 --seed 15 --timeout-s 60 \
  --acks "$tmp/acks" >"$tmp/kill.json" 2>"$tmp/bench.err" &
bpid=$!
pids+=($bpid)
# after the first reveal
for _ in $(seq 150); do
  [ "$(sql "select count(*) from answers a join matches m on m.id = a.match_id where m.id > $match" 2>/dev/null || echo 0)" -gt 0 ] && break
  sleep 0.1
done
sleep 1
kill -9 "$e2_pid" 2>/dev/null
wait "$e2_pid" 2>/dev/null || true
echo "edge e2 killed (SIGKILL)"
rc=0
wait "$bpid" || rc=$?
jq -c '{players, joined, finished, answers, mismatches, per_addr, restarts}' "$tmp/kill.json"
[ "$rc" -eq 0 ] || fail "quiz-bench with an edge killed exited $rc"
jq -e '.finished == 100 and .complete and .mismatches.total == 0
  and .answers.acked > 0 and .per_addr[0].contestants == 100
  and .per_addr[1].contestants == 0 and .per_addr[0].reconnects >= 1' \
  "$tmp/kill.json" >/dev/null || fail "the contestants of the killed edge did not all move"
match2=$(sql "select max(id) from matches")
[ "$(sql "select state from matches where id=$match2")" = finished ] || fail "second match not finished"
stored=$(sql "select count(*) from answers where match_id=$match2")
acked=$(jq .answers.acked "$tmp/kill.json")
[ "$stored" -eq "$acked" ] || fail "after the kill: answers acked $acked, stored $stored"
[ "$(sql "select count(*) from players where match_id=$match2")" -eq 100 ] || fail "seats were lost or doubled"
grep -q "edge e2 silent" "$tmp/owner.log" || fail "the owner did not notice e2's death"
echo "edge killed: its contestants moved to e1 with their seats, $acked answers acked = stored"
