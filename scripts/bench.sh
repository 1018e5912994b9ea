#!/usr/bin/env bash
# Benchmark: a fresh quizd (temporary database, ephemeral port) and
# quiz-bench with N contestants and Q questions. Prints quiz-bench's JSON
# summary plus quizd's memory: idle RSS, peak RSS, and peak RSS growth per
# contestant (and the "contest" object of a --contest or --teams run).
# Usage: scripts/bench.sh [BUILD_DIR] [PLAYERS] [QUESTIONS] [extra quiz-bench args...]
# A contest: scripts/bench.sh build 60 1 --contest data/contests/branch-contest.ini --teams 4 --hurry
# (QUESTIONS is then ignored: the contest's rounds decide)
# QUIZD_ARGS: more quizd options, e.g. QUIZD_ARGS="--durability full"
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}; players=${2:-1000}; questions=${3:-10}; shift $(( $# < 3 ? $# : 3 ))
tmp=$(mktemp -d)
qpid=""
trap '[ -n "$qpid" ] && kill "$qpid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# every contestant comes from 127.0.0.1: lift the per-address join and
# connection bounds
"$build/quizd" --listen 127.0.0.1:0 --db "$tmp/bench.db" --port-file "$tmp/port" \
  --joins-per-addr 10000000 --max-conns-per-addr 1000000 --conn-rate-per-addr 0 --log-level warn ${QUIZD_ARGS:-} 2>"$tmp/quizd.log" &
qpid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
port=$(cat "$tmp/port")
sleep 0.5
idle_kb=$(awk '/VmRSS/ {print $2}' /proc/$qpid/status)

rc=0
"$build/quiz-bench" --connect "127.0.0.1:$port" --players "$players" \
  --questions "$questions" --bank data/bank "$@" >"$tmp/bench.json" || rc=$?
peak_kb=$(awk '/VmHWM/ {print $2}' /proc/$qpid/status)
cpu=$(awk '{print $14+$15}' /proc/$qpid/stat)
hz=$(getconf CLK_TCK)

jq -c --argjson idle "$idle_kb" --argjson peak "$peak_kb" --argjson n "$players" \
   --argjson cpu "$cpu" --argjson hz "$hz" --argjson rc "$rc" \
  '{exit: $rc, players, joined, questions, answers, errors, mismatches,
    fanout_question_us: .fanout_us.question, fanout_reveal_us: .fanout_us.reveal,
    reveal_skew_us, ack_us, join, reveal_after_deadline_us, answers_per_second, duration_s, procs, bench_cpu_s,
    quizd: {rss_idle_kb: $idle, rss_peak_kb: $peak,
            rss_per_contestant_kb: ((($peak - $idle) / $n * 100 | round) / 100),
            cpu_s: ($cpu / $hz)}}
   + (if .contest then {contest} else {} end)
   + (if .fairness then {fairness} else {} end)
   + (if .buzz then {buzz} else {} end)
   + (if .practice then {practice} else {} end)' "$tmp/bench.json"
exit "$rc"
