#!/usr/bin/env bash
# Integration (issue 9): presses with known injected delays are decided
# correctly, and the event log replays to the same decisions. A real quizd
# (ephemeral port, temporary database); quiz-bench hosts a buzz round
# (tests/integration/buzz.ini: 3 questions, 1 rebound) for 12 contestants
# whose links have constant symmetric delays of 0-60 ms each way (an
# in-process relay: quizd's clock sync sees real-looking traffic). The
# contestants press at planned true instants, some pairs under 2 ms,
# 2-5 ms and 5-15 ms apart, a share press before the buzzer arms (fouls),
# and the winner answers right or wrong (so rebounds happen). The bench's
# JSON must show 0 wrong winners where the true gap is >= 5 ms, every
# planned foul decided as a foul and no other, every arming decided; the
# presses table must hold one row per press with the outcomes the
# contestants were told; quizd audit verify must decide every press again
# from the events.
set -euo pipefail
quizd=$1 bench=$2 bank=$3 contest=$4
for t in jq sqlite3; do command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }; done
tmp=$(mktemp -d)
qpid=""
cleanup() {
  [ -n "$qpid" ] && kill "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- quizd log"; tail -n 40 "$tmp/quizd.log" || true; exit 1; }
[ -r "$contest" ] || fail "no contest file $contest"

"$quizd" --listen 127.0.0.1:0 --db "$tmp/quiz.db" --bank "$bank" \
  --port-file "$tmp/port" --log-level info 2>"$tmp/quizd.log" &
qpid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || fail "quizd did not start"
port=$(cat "$tmp/port")
echo "quizd on port $port"

brc=0
timeout 55 "$bench" --connect "127.0.0.1:$port" --players 12 \
  --contest "$contest" --bank "$bank" --delay-ms 0-60 --foul 0.1 \
  --accuracy 0.5 --seed 9 --timeout-s 50 --results \
  >"$tmp/bench.json" 2>"$tmp/bench.err" || brc=$?
head -n 20 "$tmp/bench.err" >&2 || true
[ -s "$tmp/bench.json" ] || fail "quiz-bench wrote no summary (exit $brc)"
jq -c '{joined, finished, complete, mismatches, buzz}' "$tmp/bench.json"
[ "$brc" -eq 0 ] || fail "quiz-bench exited $brc"
jq -e '.joined == 12 and .finished == 12 and .complete
       and .mismatches.total == 0 and .contest.mismatches.total == 0' \
  "$tmp/bench.json" >/dev/null || fail "bench summary: incomplete or mismatches"
# every question was armed and decided, with a rebound; nothing unexpected
jq -e '.buzz.armings >= 3 and .buzz.rebounds >= 1 and .buzz.unexpected == 0
       and .buzz.outcomes.won >= .buzz.armings and .buzz.outcomes.pending == 0' \
  "$tmp/bench.json" >/dev/null || fail "not every arming decided (or no rebound)"
# the goal: the true first presser wins when it was >= 5 ms ahead
jq -e '.buzz.wrong_winners_ge5ms == 0
       and .buzz.by_true_gap.ge5ms.armings > 0
       and .buzz.by_true_gap.ge5ms.right_winner == .buzz.by_true_gap.ge5ms.armings' \
  "$tmp/bench.json" >/dev/null || fail "a wrong winner at a true gap >= 5 ms"
# fouls: each planned one decided a foul, none other
jq -e '.buzz.fouls.planned > 0 and .buzz.fouls.seen == .buzz.fouls.planned
       and .buzz.fouls.unplanned == 0 and .buzz.fouls.missed == 0
       and .buzz.outcomes.foul == .buzz.fouls.planned' \
  "$tmp/bench.json" >/dev/null || fail "fouls decided other than planned"

match=$(sqlite3 "$tmp/quiz.db" "select max(id) from matches")
state=$(sqlite3 "$tmp/quiz.db" "select state from matches where id=$match")
[ "$state" = "finished" ] || fail "match state is '$state', want finished"
# the presses table: one row per press told, outcome by outcome
for o in won slower late foul ignored; do
  want=$(jq ".buzz.outcomes.$o" "$tmp/bench.json")
  got=$(sqlite3 "$tmp/quiz.db" "select count(*) from presses where match_id=$match and outcome='$o'")
  [ "$want" = "$got" ] || fail "presses: $got rows '$o', the contestants were told $want"
done
echo "presses: $(sqlite3 "$tmp/quiz.db" "select count(*) from presses where match_id=$match") rows, as told"

# the event log replays to the same decisions (presses and scores)
"$quizd" audit verify --db "$tmp/quiz.db" --all || fail "quizd audit verify: the presses or the scores do not replay"
echo "buzz: 0 wrong winners at >= 5 ms; presses stored and replayed"
