#!/usr/bin/env bash
# Integration (issue 13): quiz-bench --procs. A fresh quizd; quiz-bench
# spreads 300 contestants over 3 worker processes (3 questions) and
# merges one JSON: exit 0, all 300 joined and finished, "procs": 3, 0
# mismatches, a fan-out and a skew sample from every contestant for every
# question, nicknames bench-0..bench-299 each once in the database, every
# acked answer (--acks, the workers' files appended) stored with its
# response time and as many as the database holds, the Results told
# (--results) equal to the stored answers, the final standings equal to
# the results table; played through three --connect addresses (the same
# quizd), the contestants split 100/100/100 by their global index (a
# worker's local one would give 102/99/99). Then: a worker killed mid-match fails the run
# (exit 1, the worker named on stderr); the workers of a killed parent
# exit; --procs 0, 65, x and --procs > 1 with --contest, --teams, --hurry,
# a delay or --told, and a bad --connect address, are refused with exit
# 2; the default is the online
# cores (1 with --code, which takes --procs N too).
# Usage: bench_procs.sh QUIZD QUIZ-BENCH BANK_DIR CONTEST_FILE
set -euo pipefail
quizd=$1 bench=$2 bank=$3 contest=$4
for t in jq sqlite3; do command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }; done
tmp=$(mktemp -d)
qpid="" bpid=""
cleanup() {
  [ -n "$bpid" ] && kill "$bpid" 2>/dev/null && wait "$bpid" 2>/dev/null || true
  [ -n "$qpid" ] && kill "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  echo "--- quiz-bench stderr"; tail -n 20 "$tmp/bench.err" 2>/dev/null || true
  echo "--- quizd log"; tail -n 20 "$tmp/quizd.log" 2>/dev/null || true
  exit 1
}
db=$tmp/quiz.db
sql() { sqlite3 -cmd ".timeout 5000" "$db" "$@"; }
. "$(dirname "$0")/bench_lib.sh"

# every contestant comes from 127.0.0.1: lift the per-address bounds
"$quizd" --listen 127.0.0.1:0 --db "$db" --bank "$bank" --port-file "$tmp/port" \
  --joins-per-addr 10000000 --max-conns-per-addr 1000000 --conn-rate-per-addr 0 \
  --log-level warn 2>"$tmp/quizd.log" &
qpid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || fail "quizd did not start"
port=$(cat "$tmp/port")
echo "quizd on port $port"

# usage errors first (no server needed past the parse)
usage() {
  local want=$1; shift
  local rc=0
  "$bench" --connect "127.0.0.1:$port" --players 10 --questions 1 "$@" \
    >"$tmp/usage.out" 2>"$tmp/usage.err" || rc=$?
  [ "$rc" -eq 2 ] || fail "quiz-bench $* exited $rc, want 2"
  [ ! -s "$tmp/usage.out" ] || fail "quiz-bench $*: output on stdout"
  grep -q -- "$want" "$tmp/usage.err" || { cat "$tmp/usage.err"; fail "quiz-bench $*: no message naming $want"; }
}
usage "--procs wants a number in 1..64" --procs 0
usage "--procs wants a number in 1..64" --procs 65
usage "--procs wants a number in 1..64" --procs x
usage "--contest needs every contestant in one process" --procs 2 --contest "$contest"
usage "--teams needs every contestant in one process" --procs 2 --teams 2
usage "--hurry needs every contestant in one process" --procs 2 --hurry
usage "--jitter-ms needs every contestant in one process" --procs 3 --delay-ms 0-10
usage "--told needs every contestant in one process" --procs 2 --told "$tmp/told.json"
usage "bad --connect address '127.0.0.1:x'" --connect "127.0.0.1:$port,127.0.0.1:x"
usage "bad --connect address ''" --connect "127.0.0.1:$port,"
echo "usage: --procs 0, 65, x, --procs > 1 with one-process options and a bad --connect address refused (exit 2)"

# the match: 300 contestants in 3 workers, through three front doors
players=300 questions=3
doors="127.0.0.1:$port,localhost:$port,127.0.0.1:$port"
"$bench" --connect "$doors" --players $players --questions $questions \
  --procs 3 --bank "$bank" --think-ms 0-300 --time-limit-ms 3000 --seed 13 \
  --timeout-s 60 --results --acks "$tmp/acks" --standings "$tmp/standings" \
  --json-out "$tmp/bench.json" >"$tmp/stdout.json" 2>"$tmp/bench.err" || fail "quiz-bench exited $?"
cmp -s "$tmp/stdout.json" "$tmp/bench.json" || fail "stdout and --json-out differ"
jq -c '{players, joined, finished, complete, procs, answers, mismatches,
        fanout_us, reveal_skew_us, bench_cpu_s}' "$tmp/bench.json"
n=$((players * questions))
jq -e --argjson p $players --argjson n $n '
  .players == $p and .joined == $p and .finished == $p and .complete
  and .procs == 3 and .mismatches.total == 0 and .results_missing == 0
  and .errors == 0 and .connections_failed == 0 and .dropped == 0
  and .fanout_us.question.n == $n and .fanout_us.reveal.n == $n
  and .reveal_skew_us.n == $n and (.per_question | length) == 3
  and .answers.acked == .answers.sent and .answers.acked > 0
  and .ack_us.n == .answers.acked and .bench_cpu_s > 0
  and ([.per_question[].answered] | add) == .answers.acked' \
  "$tmp/bench.json" >/dev/null || fail "merged summary wrong"
jq -e --arg d "$doors" '(.connect | join(",")) == $d
  and ([.per_addr[].addr] | join(",")) == $d
  and [.per_addr[].contestants] == [100, 100, 100]
  and [.per_addr[].reconnects] == [0, 0, 0]' "$tmp/bench.json" >/dev/null \
  || fail "per_addr $(jq -c .per_addr "$tmp/bench.json"), want 100 contestants at each of $d"

match=$(sql "select max(id) from matches")
[ "$(sql "select state from matches where id=$match")" = finished ] || fail "match not finished"
# each contestant joined once under its global index
sql "select nick from players where match_id=$match" | sort >"$tmp/nicks"
seq 0 $((players - 1)) | sed 's/^/bench-/' | sort >"$tmp/want_nicks"
diff -q "$tmp/nicks" "$tmp/want_nicks" >/dev/null || fail "nicknames are not bench-0..bench-$((players - 1)) each once"
# acked answers == stored (player, question, response time) == told
ls "$tmp"/acks.* >/dev/null 2>&1 && fail "the workers' acks files were left behind"
check_told "$match" "$tmp/bench.json" "$tmp/acks"
acked=$(jq .answers.acked "$tmp/bench.json")
# final standings == results table; every last total told == results
grep -v '^#' "$tmp/standings" | awk '{print $1, $2}' | sort >"$tmp/top"
[ -s "$tmp/top" ] || fail "no final standings"
sql "select player_id || ' ' || score from results where match_id=$match" | sort >"$tmp/res"
[ -z "$(comm -23 "$tmp/top" "$tmp/res")" ] || fail "final leaderboard differs from the results table"
awk '$1 == "#" { print $3, $4 }' "$tmp/standings" | sort >"$tmp/last"
[ "$(wc -l <"$tmp/last")" -eq $players ] || fail "last totals of $(wc -l <"$tmp/last") contestants, want $players"
diff -q "$tmp/last" "$tmp/res" >/dev/null || fail "last totals told differ from the results table"
echo "procs 3: $players joined, $acked answers acked = stored = told, $n fan-out samples, standings = results, 100 per address"

# a worker killed mid-match fails the run, named on stderr
"$bench" --connect "127.0.0.1:$port" --players 40 --questions 2 --procs 2 \
  --bank "$bank" --think-ms 0-300 --time-limit-ms 3000 --timeout-s 30 \
  >"$tmp/kill.json" 2>"$tmp/bench.err" &
bpid=$!
kid=""
for _ in $(seq 100); do
  kid=$(pgrep -P "$bpid" | head -n 1 || true)
  [ -n "$kid" ] && break
  sleep 0.05
done
[ -n "$kid" ] || fail "no worker process under quiz-bench $bpid"
sleep 2
kill -9 "$kid"
rc=0
wait "$bpid" || rc=$?
bpid=""
[ "$rc" -eq 1 ] || fail "quiz-bench with a killed worker exited $rc, want 1"
grep -q "killed by signal 9" "$tmp/bench.err" || fail "the killed worker not named on stderr"
jq -e '.procs == 2 and (.complete | not)' "$tmp/kill.json" >/dev/null || fail "killed worker: summary not incomplete"
echo "a worker killed by SIGKILL: exit 1, $(grep -m1 'killed by signal' "$tmp/bench.err")"

# the parent killed mid-match: its workers see their sockets close and
# exit on their own
"$bench" --connect "127.0.0.1:$port" --players 40 --questions 2 --procs 2 \
  --bank "$bank" --think-ms 0-300 --time-limit-ms 3000 --timeout-s 30 \
  >/dev/null 2>"$tmp/bench.err" &
bpid=$!
kids=""
for _ in $(seq 100); do
  kids=$(pgrep -P "$bpid" | paste -sd' ' || true)
  [ "$(echo $kids | wc -w)" -eq 2 ] && break
  sleep 0.05
done
[ "$(echo $kids | wc -w)" -eq 2 ] || fail "not 2 workers under quiz-bench $bpid: '$kids'"
sleep 2
kill -9 "$bpid"
wait "$bpid" 2>/dev/null || true
bpid=""
for _ in $(seq 100); do
  alive=0
  for k in $kids; do kill -0 "$k" 2>/dev/null && alive=1; done
  [ "$alive" -eq 0 ] && break
  sleep 0.05
done
[ "$alive" -eq 0 ] || { kill -9 $kids 2>/dev/null || true; fail "workers $kids outlived their parent by 5 s"; }
echo "the parent killed: its 2 workers exited"

# the default: the online cores (at most 64 and the contestants), 1 with --code
cores=$(getconf _NPROCESSORS_ONLN)
want=$(( cores > 64 ? 64 : cores )); want=$(( want > 4 ? 4 : want ))
"$bench" --connect "127.0.0.1:$port" --players 4 --questions 1 --bank "$bank" \
  --think-ms 0-100 --time-limit-ms 3000 --timeout-s 30 >"$tmp/def.json" 2>"$tmp/bench.err" \
  || fail "quiz-bench (default --procs) exited $?"
jq -e --argjson w "$want" '.procs == $w and .joined == 4 and .complete' "$tmp/def.json" >/dev/null \
  || fail "default --procs: $(jq -c '{procs, joined, complete}' "$tmp/def.json"), want procs $want"
# --code joins a room of any kind: one process unless told (no such
# room here: the joins fail, exit 1)
rc=0
"$bench" --connect "127.0.0.1:$port" --players 4 --code NOSUCH --timeout-s 10 \
  >"$tmp/code.json" 2>"$tmp/bench.err" || rc=$?
[ "$rc" -eq 1 ] || fail "quiz-bench --code NOSUCH exited $rc, want 1"
jq -e '.procs == 1 and .joined == 0 and .connections_failed == 4' "$tmp/code.json" >/dev/null \
  || fail "--code: $(jq -c '{procs, joined, connections_failed}' "$tmp/code.json"), want procs 1"
rc=0
"$bench" --connect "127.0.0.1:$port" --players 4 --code NOSUCH --procs 2 --timeout-s 10 \
  >"$tmp/code.json" 2>"$tmp/bench.err" || rc=$?
[ "$rc" -eq 1 ] || fail "quiz-bench --code NOSUCH --procs 2 exited $rc, want 1"
jq -e '.procs == 2 and .joined == 0 and .connections_failed == 4' "$tmp/code.json" >/dev/null \
  || fail "--code --procs 2: $(jq -c '{procs, joined, connections_failed}' "$tmp/code.json")"
echo "default --procs: $want ($cores online cores, 4 contestants); --code: 1, or as given"
echo "1 passed, 0 failed"
