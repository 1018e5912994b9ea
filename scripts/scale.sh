#!/usr/bin/env bash
# quizd against its floor (issue 13): the same contestants, questions and
# quiz-bench arguments, first against quiz-floor (a plain libuv server
# broadcasting Questions and Reveals of quizd's size, bench/floor.c) with
# quiz-bench --floor, then against a fresh quizd (as scripts/bench.sh runs
# it), one after the other; SCALE_REPEAT=K alternates the pair K times.
# Prints one JSON line per run, then the medians of each side and the
# ratios quizd / floor of the question and reveal fan-out p50 and p99.
# Usage: scripts/scale.sh [BUILD_DIR] [PLAYERS] [QUESTIONS] [extra quiz-bench args...]
#   e.g. scripts/scale.sh build 10000 3 --timeout-s 300
# The extra arguments go to both quiz-bench runs (those --floor refuses,
# such as --contest or --hurry, fail the floor run).
# SCALE_REPEAT: pairs of runs (default 1); QUIZD_ARGS: more quizd options;
# FLOOR_ARGS: more quiz-floor options (e.g. "--interval-ms 2000").
# Exit status: 0 when every run exited 0, else 1.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}; players=${2:-1000}; questions=${3:-10}; shift $(( $# < 3 ? $# : 3 ))
repeat=${SCALE_REPEAT:-1}
case $repeat in ''|*[!0-9]*|0) echo "scale.sh: SCALE_REPEAT wants a count >= 1" >&2; exit 2 ;; esac
tmp=$(mktemp -d)
spid=""
trap '[ -n "$spid" ] && kill "$spid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
status=0

# Waits for a server's port file; prints the port or fails the run.
wait_port() {
	local f=$1 i
	for i in $(seq 100); do [ -s "$f" ] && break; sleep 0.1; done
	[ -s "$f" ] || { echo "scale.sh: no port in $f" >&2; return 1; }
	cat "$f"
}

# One floor run: quiz-floor, then quiz-bench --floor against it.
run_floor() {
	local i=$1 dir="$tmp/floor$1" rc=0 frc=0 port
	shift
	mkdir -p "$dir"
	# shellcheck disable=SC2086 # FLOOR_ARGS: options, split on purpose
	"$build/quiz-floor" --listen 127.0.0.1:0 --port-file "$dir/port" \
		--players "$players" --questions "$questions" ${FLOOR_ARGS:-} \
		>"$dir/floor.json" 2>"$dir/floor.log" &
	spid=$!
	port=$(wait_port "$dir/port") || { kill "$spid"; wait "$spid" 2>/dev/null; spid=""; status=1; return; }
	"$build/quiz-bench" --floor --connect "127.0.0.1:$port" --players "$players" \
		--bank data/bank "$@" >"$dir/bench.json" || rc=$?
	# a failed bench may leave quiz-floor waiting for joins: stop it
	[ "$rc" = 0 ] || kill "$spid" 2>/dev/null || true
	wait "$spid" || frc=$?
	spid=""
	[ -s "$dir/floor.json" ] || echo '{}' >"$dir/floor.json"
	[ -s "$dir/bench.json" ] || echo '{}' >"$dir/bench.json"
	[ "$rc" = 0 ] && [ "$frc" = 0 ] || status=1
	jq -c --argjson run "$i" --argjson rc "$rc" --argjson frc "$frc" \
		--slurpfile srv "$dir/floor.json" \
		'{side: "floor", run: $run, exit: $rc, floor_exit: $frc, players, joined,
		  finished, questions, answers: .answers.sent, mismatches: .mismatches.total,
		  fanout_question_us: .fanout_us.question, fanout_reveal_us: .fanout_us.reveal,
		  duration_s,
		  quiz_floor: ($srv[0] | {frame_bytes, question_broadcast_mean_us,
		                          question_broadcast_max_us, writes, dropped_slow})}' \
		"$dir/bench.json" | tee "$dir/line.json"
}

# One quizd run, as scripts/bench.sh: a fresh quizd, quiz-bench hosting.
run_quizd() {
	local i=$1 dir="$tmp/quizd$1" rc=0 port idle_kb peak_kb
	shift
	mkdir -p "$dir"
	# shellcheck disable=SC2086 # QUIZD_ARGS: options, split on purpose
	"$build/quizd" --listen 127.0.0.1:0 --db "$dir/bench.db" --port-file "$dir/port" \
		--joins-per-addr 10000000 --max-conns-per-addr 1000000 --conn-rate-per-addr 0 \
		--log-level warn ${QUIZD_ARGS:-} 2>"$dir/quizd.log" &
	spid=$!
	port=$(wait_port "$dir/port") || { kill "$spid"; wait "$spid" 2>/dev/null; spid=""; status=1; return; }
	sleep 0.5
	idle_kb=$(awk '/VmRSS/ {print $2}' "/proc/$spid/status")
	"$build/quiz-bench" --connect "127.0.0.1:$port" --players "$players" \
		--questions "$questions" --bank data/bank "$@" >"$dir/bench.json" || rc=$?
	peak_kb=$(awk '/VmHWM/ {print $2}' "/proc/$spid/status")
	kill "$spid" 2>/dev/null || true
	wait "$spid" 2>/dev/null || true
	spid=""
	[ -s "$dir/bench.json" ] || echo '{}' >"$dir/bench.json"
	[ "$rc" = 0 ] || status=1
	jq -c --argjson run "$i" --argjson rc "$rc" --argjson idle "$idle_kb" \
		--argjson peak "$peak_kb" \
		'{side: "quizd", run: $run, exit: $rc, players, joined, finished, questions,
		  answers: .answers.sent, mismatches: .mismatches.total,
		  fanout_question_us: .fanout_us.question, fanout_reveal_us: .fanout_us.reveal,
		  reveal_skew_us, duration_s,
		  quizd: {rss_idle_kb: $idle, rss_peak_kb: $peak}}' \
		"$dir/bench.json" | tee "$dir/line.json"
}

for i in $(seq "$repeat"); do
	run_floor "$i" "$@"
	run_quizd "$i" "$@"
done

# medians over the runs of each side, then quizd / floor
jq -cs --argjson players "$players" --argjson questions "$questions" '
  def median: map(select(. != null)) | sort |
    if length == 0 then null
    elif length % 2 == 1 then .[length / 2 | floor]
    else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  def side($s): map(select(.side == $s)) |
    {runs: length,
     question_p50_us: (map(.fanout_question_us.p50) | median),
     question_p99_us: (map(.fanout_question_us.p99) | median),
     reveal_p50_us: (map(.fanout_reveal_us.p50) | median),
     reveal_p99_us: (map(.fanout_reveal_us.p99) | median)};
  def ratio($a; $b): if $a == null or $b == null or $b == 0 then null
    else ($a / $b * 100 | round) / 100 end;
  side("floor") as $f | side("quizd") as $q |
  {summary: "quizd/floor", players: $players, questions: $questions,
   floor: $f, quizd: $q,
   ratio: {question_p50: ratio($q.question_p50_us; $f.question_p50_us),
           question_p99: ratio($q.question_p99_us; $f.question_p99_us),
           reveal_p50: ratio($q.reveal_p50_us; $f.reveal_p50_us),
           reveal_p99: ratio($q.reveal_p99_us; $f.reveal_p99_us)}}' \
  "$tmp"/floor*/line.json "$tmp"/quizd*/line.json
exit "$status"
