#!/usr/bin/env bash
# Runs every test: installs what is missing, checks the formatting, builds
# with warnings as errors, runs the unit, integration and TUI tests, then the
# same again under AddressSanitizer + UndefinedBehaviorSanitizer, then each
# libFuzzer target briefly (with clang; a SKIPPED line without it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs=$(nproc)

# A skipped test (a script that lacked a tool, exit 77) is not a pass:
# fails naming each skipped test and the "SKIP: why" lines it printed.
check_skips() { # dir (holding ctest.out of the last run)
  local dir=$1 t why skipped
  skipped=$(sed -n 's/^[[:space:]]*[0-9][0-9]* - \(.*\) (\(Skipped\|Disabled\|Not Run\))$/\1/p' "$dir/ctest.out")
  [ -z "$skipped" ] && return 0
  echo "FAIL: ctest skipped tests in $dir (a skip is not a pass; install what they need):"
  for t in $skipped; do
    why=$(awk -v t="$t" '
      $0 ~ "^[0-9]+/[0-9]+ Testing: " { on = ($3 == t); next }
      on && /SKIP:/ { print }' "$dir/Testing/Temporary/LastTest.log" | sort -u)
    echo "  $t: ${why:-no reason printed}"
  done
  return 1
}

run_suite() { # dir, ctest -E regex ('' none), extra cmake args...
  local dir=$1 skip=$2; shift 2
  cmake -S . -B "$dir" -DQUIZ_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j"$jobs" >/dev/null
  # two at a time: most tests wait on a match's timers; the ones that
  # measure timing (integration_timing, integration_hostile_net) run alone
  # (RUN_SERIAL in tests/CMakeLists.txt)
  (cd "$dir" && ctest -j2 --output-on-failure --timeout 300 ${skip:+-E "$skip"}) | tee "$dir/ctest.out"
  check_skips "$dir"
}

echo "== formatting (clang-format, .clang-format)"
git ls-files '*.c' '*.h' | xargs clang-format --dry-run --Werror
echo "formatting: $(git ls-files '*.c' '*.h' | wc -l) files clean"

echo "== build and test (warnings are errors)"
run_suite build-test '' -DCMAKE_BUILD_TYPE=RelWithDebInfo
echo "== build and test under ASan + UBSan"
# integration_killloop (40 s, run alone) only in the plain run: under the
# sanitizers the restart path is run by integration_restart, and the CI
# budget (15 min) has no room for it twice. tui_restart too: under ASan
# a lobby join was once refused NAME_TAKEN after the first was taken (seen
# once in about 20 runs, not reproduced since: see the issue-10 note); the
# client code it drives runs under ASan in unit_model, unit_seatfile and
# fuzz_model. integration_contest and tui_contest (80 and 72 s, the two
# longest) only in the plain run as well: the formats they play run under
# ASan in unit_formats, unit_buzz, unit_recover, integration_buzz and
# integration_restart, and the CI budget did not fit them twice once
# practice and the hall's tests came. The same for integration_practice_bench
# (a load run of quiz-bench: practice's server path runs under ASan in
# integration_practice) and tui_buzz (the buzzer's client code: unit_model,
# fuzz_model and tui_scenes under ASan), and integration_bench_procs
# (quiz-bench's worker processes: the load generator, not quizd; the
# other quiz-bench tests run it with two workers under ASan), and
# integration_cluster_fail (restarts of nats-server and of the owner: the
# cluster code it runs, edge and owner, runs under ASan in
# integration_cluster, and quizd's restart path in integration_restart)
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_suite build-asan '^(integration_killloop|tui_restart|integration_contest|tui_contest|integration_practice_bench|tui_buzz|integration_bench_procs|integration_cluster_fail)$' -DCMAKE_BUILD_TYPE=Debug -DQUIZ_SANITIZE=ON

echo "== fuzz targets, about 5 s each (scripts/fuzz.sh, docs/FUZZING.md)"
if command -v clang >/dev/null 2>&1; then
  bash scripts/fuzz.sh -t 5
else
  echo "SKIPPED: fuzzing needs clang"
fi
