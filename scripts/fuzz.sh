#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (build-fuzz, -DQUIZ_FUZZ=ON) and
# runs each for a given time, one after the other, from its committed seed
# corpus (tests/fuzz/corpus/TARGET, never written) plus a working corpus
# (build-fuzz/corpus/TARGET, which keeps what earlier runs found), after
# replaying tests/fuzz/known/TARGET and tests/fuzz/crashes/TARGET once.
# Prints runs and runs/s per target; exits 1 if any target crashed (the
# reproducer is in build-fuzz/artifacts/TARGET/), 77 if clang is missing.
# See docs/FUZZING.md.
#
#   scripts/fuzz.sh [-t SECONDS] [TARGET...]     default: 60 s, every target
#   scripts/fuzz.sh --merge [TARGET...]          fold the working corpus into
#                                                tests/fuzz/corpus (minimised)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=60
merge=0
targets=()
while [ $# -gt 0 ]; do
  case $1 in
    -t|--time) secs=$2; shift 2 ;;
    --merge) merge=1; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] ||
  targets=(fuzz_frame fuzz_text fuzz_bank fuzz_contest fuzz_model fuzz_dispatch fuzz_cluster fuzz_repl)

if ! command -v clang >/dev/null 2>&1; then
  echo "SKIPPED: fuzzing needs clang (apt-get install clang)"
  exit 77
fi

dir=build-fuzz
CC=clang cmake -S . -B "$dir" -DQUIZ_FUZZ=ON -DQUIZ_TESTS=OFF \
  -DQUIZ_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$dir" -j"$(nproc)" --target "${targets[@]}" >/dev/null

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=0
total_runs=0
for t in "${targets[@]}"; do
  bin=$dir/tests/fuzz/$t
  seeds=tests/fuzz/corpus/$t
  work=$dir/corpus/$t
  art=$dir/artifacts/$t
  log=$dir/logs/$t.log
  mkdir -p "$work" "$art" "$(dirname "$log")"
  if [ "$merge" = 1 ]; then
    "$bin" -merge=1 "$seeds" "$work" >"$log" 2>&1
    echo "$t: merged into $seeds ($(ls "$seeds" | wc -l) files)"
    continue
  fi
  # known findings and fixed crashes first: each input runs once
  replay=()
  for f in tests/fuzz/known/$t/* tests/fuzz/crashes/$t/*; do
    [ -f "$f" ] && replay+=("$f")
  done
  if [ ${#replay[@]} -gt 0 ] && ! "$bin" "${replay[@]}" >"$log" 2>&1; then
    failed=1
    echo "$t: FAILED replaying tests/fuzz/known or tests/fuzz/crashes; log $log"
    grep -E "ERROR: |runtime error|FUZZ PROPERTY|SUMMARY" "$log" | head -5 || true
    continue
  fi
  set +e
  "$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=10 \
    -artifact_prefix="$art/" "$work" "$seeds" >"$log" 2>&1
  rc=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  total_runs=$((total_runs + ${runs:-0}))
  if [ $rc -ne 0 ]; then
    failed=1
    echo "$t: CRASH after ${runs:-?} runs (exit $rc); log $log"
    grep -E "ERROR: |runtime error|FUZZ PROPERTY|SUMMARY" "$log" | head -5 || true
    ls "$art" | sed "s|^|  reproducer: $art/|" | tail -3
  else
    echo "$t: ${runs:-?} runs in ${secs} s, ${rate:-?} runs/s, 0 crashes" \
      "(corpus $(ls "$work" | wc -l) new + $(ls "$seeds" | wc -l) seeds)"
  fi
done
[ "$merge" = 1 ] && exit 0
echo "fuzz: $total_runs runs in all"
exit $failed
