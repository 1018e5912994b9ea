#!/usr/bin/env bash
# Issue 11, "no cost to live rooms": the same live match alone and with
# practising quiz-bench clients alongside (quiz-bench --practice), run
# alternately (alone, with, alone, with, ...), each on a fresh quizd and
# database (scripts/bench.sh). Prints one line per run and a table of the
# medians, each mode's range and the ratio with / alone.
# Usage: scripts/practice_bench.sh [BUILD] [RUNS] [PLAYERS] [QUESTIONS] [PRACTICE] [quiz-bench args...]
#   defaults: build 3 1000 5 1000; env OUT=DIR keeps every run's summary
#   (default: a temporary directory, printed at the end)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}; runs=${2:-3}; players=${3:-1000}; questions=${4:-5}; practice=${5:-1000}
shift $(( $# < 5 ? $# : 5 ))
out=${OUT:-$(mktemp -d /tmp/practice-bench.XXXXXX)}
mkdir -p "$out"
for t in jq awk; do command -v $t >/dev/null || { echo "need $t" >&2; exit 2; }; done
echo "# $(date -u +%FT%TZ) $(git rev-parse --short HEAD 2>/dev/null || echo '?'), nproc $(nproc), load $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq "$runs"); do
  for mode in alone with; do
    extra=()
    [ "$mode" = with ] && extra=(--practice "$practice")
    rc=0
    bash scripts/bench.sh "$build" "$players" "$questions" "$@" "${extra[@]}" \
      >"$out/$mode-$i.json" 2>"$out/$mode-$i.err" || rc=$?
    jq -c --arg m "$mode" --arg i "$i" '{run: "\($m)-\($i)", exit, joined,
      mm: .mismatches.total,
      fq50: .fanout_question_us.p50, fq99: .fanout_question_us.p99,
      fr99: .fanout_reveal_us.p99, ack99: .ack_us.p99, skew99: .reveal_skew_us.p99,
      cpu: .quizd.cpu_s,
      pr50: .practice.result_us.p50, pr99: .practice.result_us.p99,
      prps: .practice.answers_per_second, prn: .practice.answers.results,
      prfail: .practice.failures, pcpu: .practice.cpu_s, bcpu: .practice.bench_cpu_s}' "$out/$mode-$i.json" || echo "{\"run\":\"$mode-$i\",\"exit\":$rc}"
  done
done
# medians and ranges per mode
for f in fq50 fq99 fr99 ack99 skew99 cpu; do
  for mode in alone with; do
    for j in "$out/$mode"-*.json; do
      jq -r --arg f "$f" '{fq50: .fanout_question_us.p50, fq99: .fanout_question_us.p99,
        fr99: .fanout_reveal_us.p99, ack99: .ack_us.p99, skew99: .reveal_skew_us.p99,
        cpu: .quizd.cpu_s}[$f] // empty' "$j"
    done | sort -g | awk -v m="$mode" -v f="$f" '{v[NR]=$1} END {
      if (NR == 0) exit; med = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2;
      printf "%s %s %s %s %s\n", f, m, med, v[1], v[NR] }'
  done
done | awk '{ med[$1,$2]=$3; lo[$1,$2]=$4; hi[$1,$2]=$5; if (!seen[$1]++) order[++n]=$1 }
  END { printf "%-6s %22s %22s %7s %s\n", "figure", "alone med (min-max)", "with med (min-max)", "ratio", "ranges overlap";
    for (k = 1; k <= n; k++) { f = order[k];
      printf "%-6s %10s (%s-%s) %10s (%s-%s) %7.2f %s\n", f, med[f,"alone"], lo[f,"alone"], hi[f,"alone"],
        med[f,"with"], lo[f,"with"], hi[f,"with"], med[f,"alone"] ? med[f,"with"] / med[f,"alone"] : 0,
        (lo[f,"with"] <= hi[f,"alone"] && lo[f,"alone"] <= hi[f,"with"]) ? "yes" : "no" } }'
# the practising clients' own figures (the "with" runs)
for f in pr50 pr99 next99 prps prn prfail; do
  for j in "$out"/with-*.json; do
    jq -r --arg f "$f" '{pr50: .practice.result_us.p50, pr99: .practice.result_us.p99,
      next99: .practice.next_us.p99, prps: .practice.answers_per_second,
      prn: .practice.answers.results, prfail: .practice.failures}[$f] // empty' "$j"
  done | sort -g | awk -v f="$f" '{v[NR]=$1} END { if (NR == 0) exit;
    med = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2;
    printf "practice %-6s median %s (%s-%s)\n", f, med, v[1], v[NR] }'
done
echo "# summaries in $out"
