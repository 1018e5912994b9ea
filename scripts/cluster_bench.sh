#!/usr/bin/env bash
# Benchmark (issue 14): a room through a cluster on this machine. Starts
# nats-server on a free port, an owner quizd (--nats, temporary database)
# and E edges (quizd --edge), then quiz-bench with PLAYERS contestants
# spread over the edges, Q questions. Prints quiz-bench's JSON summary
# plus each node's CPU seconds and peak RSS (and nats-server's).
# REPLICATE=1: nats-server with JetStream, the owner with --replicate and
# a standby following it (its CPU and RSS reported too); TAKEOVER_S=N
# with it: the owner is killed (SIGKILL) N s after quiz-bench starts, and
# the standby takes over (quiz-bench's restarts show the resumes).
# Usage: scripts/cluster_bench.sh [BUILD_DIR] [PLAYERS] [QUESTIONS] [EDGES] [extra quiz-bench args...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}; players=${2:-1000}; questions=${3:-3}; edges=${4:-2}
shift $(( $# < 4 ? $# : 4 ))
tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; [ -n "${KEEP:-}" ] && cp "$tmp"/*.log "$KEEP"/ ; rm -rf "$tmp"' EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
wait_file() { for _ in $(seq 100); do [ -s "$1" ] && return 0; sleep 0.1; done; echo "no $1" >&2; exit 1; }
# cpu seconds and peak RSS (KiB) of a pid
usage_of() { [ -e /proc/$1/stat ] || { echo null; return; }; echo "{\"cpu_s\": $(awk -v hz="$(getconf CLK_TCK)" '{print ($14+$15)/hz}' /proc/$1/stat), \"rss_peak_kb\": $(awk '/VmHWM/ {print $2}' /proc/$1/status)}"; }

mkdir -p "$tmp/ports"
js=() oargs=()
[ -n "${REPLICATE:-}" ] && js=(-js -sd "$tmp/js") && oargs=(--replicate)
nats-server -a 127.0.0.1 -p -1 --ports_file_dir "$tmp/ports" "${js[@]}" 2>"$tmp/nats.log" &
npid=$!; pids+=($npid)
for _ in $(seq 100); do ls "$tmp"/ports/*.ports >/dev/null 2>&1 && break; sleep 0.1; done
url=nats://127.0.0.1:$(jq -r '.nats[0]' "$tmp"/ports/*.ports | sed 's/.*://')
lift=(--joins-per-addr 10000000 --max-conns-per-addr 1000000 --conn-rate-per-addr 0 --log-level "${QUIZD_LOG:-warn}")
"$build/quizd" --listen 127.0.0.1:0 --db "$tmp/bench.db" --port-file "$tmp/owner.port" \
  "${lift[@]}" --nats "$url" --node owner1 "${oargs[@]}" 2>"$tmp/owner.log" &
opid=$!; pids+=($opid)
wait_file "$tmp/owner.port"
spid=""
if [ -n "${REPLICATE:-}" ]; then
  "$build/quizd" --listen 127.0.0.1:0 --db "$tmp/standby.db" --port-file "$tmp/standby.port" \
    "${lift[@]}" --nats "$url" --node owner1 --standby 2>"$tmp/standby.log" &
  spid=$!; pids+=($spid)
  for _ in $(seq 100); do grep -q following "$tmp/standby.log" && break; sleep 0.1; done
fi
addrs="" epids=()
for i in $(seq "$edges"); do
  "$build/quizd" --edge --nats "$url" --node "e$i" --owner owner1 --listen 127.0.0.1:0 \
    --port-file "$tmp/e$i.port" "${lift[@]}" 2>"$tmp/e$i.log" &
  epids+=($!); pids+=($!)
  wait_file "$tmp/e$i.port"
  addrs="$addrs${addrs:+,}127.0.0.1:$(cat "$tmp/e$i.port")"
done
sleep 1
if [ -n "${REPLICATE:-}" ] && [ -n "${TAKEOVER_S:-}" ]; then
  (sleep "$TAKEOVER_S"; kill -9 "$opid") &
fi
rc=0
"$build/quiz-bench" --connect "$addrs" --players "$players" --questions "$questions" \
  --bank data/bank "$@" >"$tmp/bench.json" || rc=$?
nodes="{\"owner\": $(usage_of $opid), \"nats\": $(usage_of $npid)"
[ -n "$spid" ] && nodes="$nodes, \"standby\": $(usage_of "$spid")"
for i in $(seq "$edges"); do nodes="$nodes, \"e$i\": $(usage_of "${epids[$((i - 1))]}")"; done
nodes="$nodes}"
jq -c --argjson rc "$rc" --argjson nodes "$nodes" \
  '{exit: $rc, players, joined, questions, mismatches, fanout_question_us: .fanout_us.question,
    fanout_reveal_us: .fanout_us.reveal, reveal_skew_us, ack_us, join, per_addr, procs, bench_cpu_s,
    restarts: (.restarts | del(.episodes)),
    nodes: $nodes}' "$tmp/bench.json"
exit "$rc"
