#!/usr/bin/env bash
# `quizd contest check` from the command line: the shipped contest checks
# against the bundled bank and against an imported database; exit statuses
# 0 / 1 / 2; line-numbered errors; ids missing from the bank; formats this
# server does not run; a short supply is a warning; --help.
set -euo pipefail
quizd=$1 data=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# runs quizd with the arguments given; sets rc, out and err
run() { rc=0; "$quizd" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?; out=$(cat "$tmp/out"); err=$(cat "$tmp/err"); }
want_rc() { [ "$rc" -eq "$1" ] || fail "$2: exit $rc, want $1 (stderr: $err)"; }

shipped=$data/contests/branch-contest.ini
run contest check "$shipped"
want_rc 0 "shipped contest"
grep -q '^valid: 0 errors, 0 warnings$' <<<"$out" || fail "shipped: no valid line: $out"
grep -q '^title: 党建知识竞赛' <<<"$out" || fail "shipped: no title"
grep -q '^round 1: 必答题 (turn)$' <<<"$out" || fail "shipped: round 1"
grep -q '^round 2: 抢答题 (buzz)$' <<<"$out" || fail "shipped: round 2"
grep -q 'right +10, wrong -10, foul -10, 1 rebound; judge auto' <<<"$out" || fail "shipped: buzz scoring"
grep -q '^round 3: 风险题 (wager)$' <<<"$out" || fail "shipped: round 3"
grep -q 'stakes 10/20/30' <<<"$out" || fail "shipped: stakes"
grep -q 'base 100 + mean' <<<"$out" || fail "shipped: team scoring"
grep -q 'items match' <<<"$out" || fail "shipped: no match counts"

run contest check --help
want_rc 0 "--help"
grep -q '^usage: quizd contest check' <<<"$out" || fail "--help text"
run contest --help
want_rc 0 "contest --help"
run --help
grep -q 'quizd contest check' <<<"$out" || fail "quizd --help does not list contest check"

run contest
want_rc 2 "no subcommand"
run contest check
want_rc 2 "no file"
run contest check --bogus "$shipped"
want_rc 2 "unknown option"
run contest check "$shipped" "$shipped"
want_rc 2 "two files"
run contest check "$shipped" --db
want_rc 2 "--db without a value"

run contest check "$tmp/none.ini"
want_rc 1 "missing file"
grep -q 'none.ini: cannot open' <<<"$err" || fail "missing file: $err"

cat >"$tmp/bad.ini" <<'INI'
; a contest with a typo
[contest]
title = 知识竞赛

[round.1]
format = turn

[round.2]
format = speed
# a comment
count = 5
pionts = 10
INI
run contest check "$tmp/bad.ini"
want_rc 1 "unknown key"
grep -qx "$tmp/bad.ini:12: unknown key 'pionts' in \[round.2\]" <<<"$err" || fail "unknown key message: $err"
grep -q '^INVALID: 1 error$' <<<"$out" || fail "unknown key summary: $out"

printf '[contest]\ntitle = T\n[round.1]\nformat = turn\npoints = 5000\n' >"$tmp/range.ini"
run contest check "$tmp/range.ini"
want_rc 1 "points out of range"
grep -q "range.ini:5: round 1: points must be 1..1000 in a turn round (got 5000)" <<<"$err" || fail "range: $err"

printf '[contest]\ntitle = T\n[round.1]\nformat = speed\nids = s001-1, no-such-item\n' >"$tmp/ids.ini"
run contest check "$tmp/ids.ini"
want_rc 1 "unknown id"
grep -q "ids.ini:5: round 1: ids: item 'no-such-item' is not in the bank" <<<"$err" || fail "ids: $err"
grep -q "s001-1" <<<"$err" && fail "ids: a bank id reported: $err"

printf '[contest]\ntitle = T\n[round.1]\nformat = speed\n[round.2]\nformat = 练习\n' >"$tmp/practice.ini"
run contest check "$tmp/practice.ini"
want_rc 1 "practice"
grep -q "practice.ini:5: round 2: the practice format is not yet supported by this server" <<<"$err" || fail "practice: $err"

printf '[contest]\ntitle = T\n[round.1]\nformat = speed\ncategory = 没有这个类别\n' >"$tmp/few.ini"
run contest check "$tmp/few.ini"
want_rc 0 "short supply"
grep -q "few.ini:3: warning: round 1: 0 bank items for 10 questions" <<<"$err" || fail "short supply: $err"
grep -q '^valid: 0 errors, 1 warning$' <<<"$out" || fail "short supply summary: $out"

{ printf '[contest]\ntitle = T\n'; head -c 33000 /dev/zero | tr '\0' ';'; } >"$tmp/big.ini"
run contest check "$tmp/big.ini"
want_rc 1 "file over 32 KiB"
grep -q "longer than 32768 bytes" <<<"$err" || fail "big: $err"

printf '[contest]\ntitle = T\0\n' >"$tmp/nul.ini"
run contest check "$tmp/nul.ini"
want_rc 1 "NUL byte"
grep -q "NUL byte" <<<"$err" || fail "nul: $err"

# the bank of a database instead of the CSV files
run bank import "$data/bank" --db "$tmp/q.db"
want_rc 0 "bank import"
run contest check --db "$tmp/q.db" "$shipped"
want_rc 0 "shipped contest against --db"
grep -q '^bank: 4[0-9][0-9] items$' <<<"$out" || fail "--db bank size: $out"
run contest check --db "$tmp/q.db" "$tmp/ids.ini"
want_rc 1 "unknown id against --db"
run contest check --db "$tmp/missing.db" "$shipped"
want_rc 1 "missing database"
grep -q "no such database" <<<"$err" || fail "missing db: $err"
[ ! -e "$tmp/missing.db" ] || fail "check created a database"

echo "contest cli: shipped contest valid, errors on their lines, exit statuses 0/1/2"
