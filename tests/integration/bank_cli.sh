#!/usr/bin/env bash
# `quizd bank check` and `quizd bank import` from the command line: exit
# statuses, line-numbered errors, idempotent import, nothing imported from
# a broken file.
set -euo pipefail
quizd=$1 bank=$2 fixtures=$3
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 (the CLI) not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$quizd" bank check "$bank" >"$tmp/check.out" || fail "bundled bank does not check"
grep -q "125 of 125" "$tmp/check.out" || fail "coverage line missing"
# the README says what the bundled bank holds, as bank check counts it
# (issue 12: it said "125 questions", the seed's statements)
readme="$(dirname "$(dirname "$bank")")/README.md"
items=$(sed -n 's/^items: //p' "$tmp/check.out")
kinds=$(sed -n 's/^by kind: single \([0-9]*\), multi \([0-9]*\), truefalse \([0-9]*\), fill \([0-9]*\)$/\1 single choice, \2 multi-select, \3 true\/false, \4 fill-in/p' "$tmp/check.out")
[ -n "$items" ] && [ -n "$kinds" ] || fail "bank check: no items or kinds line"
tr '\n' ' ' <"$readme" | grep -qF "a bank of $items questions ($kinds;" \
  || fail "README does not say the bank has $items questions ($kinds)"
tr '\n' ' ' <"$readme" | grep -qF "built from the 125 question/answer statements" \
  || fail "README does not say the bank is built from the seed's 125 statements"

rc=0; "$quizd" bank check "$fixtures/bad_kind.csv" 2>"$tmp/bad.err" >/dev/null || rc=$?
[ "$rc" -eq 1 ] || fail "bad file: exit $rc, want 1"
grep -q 'bad_kind.csv:[0-9][0-9]*: ' "$tmp/bad.err" || fail "no FILE:LINE: error"

rc=0; "$quizd" bank check >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "no operand: exit $rc, want 2"

"$quizd" bank import "$bank" --db "$tmp/a.db" >/dev/null
n1=$(sqlite3 "$tmp/a.db" "select count(*) from questions")
"$quizd" bank import "$bank" --db "$tmp/a.db" >/dev/null
n2=$(sqlite3 "$tmp/a.db" "select count(*) from questions")
[ "$n1" -ge 300 ] && [ "$n1" = "$n2" ] || fail "import not idempotent: $n1 then $n2"

rc=0; "$quizd" bank import "$fixtures/bad_kind.csv" --db "$tmp/b.db" >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "import of a broken file: exit $rc, want 1"
[ ! -e "$tmp/b.db" ] || [ "$(sqlite3 "$tmp/b.db" "select count(*) from questions")" = 0 ] \
  || fail "a broken file was partly imported"
echo "bank cli: check, import x2 = $n2 questions, broken file refused"
