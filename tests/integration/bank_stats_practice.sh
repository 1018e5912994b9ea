#!/usr/bin/env bash
# `quizd bank stats` with practice answers (issue 11, schema v6): the
# bundled bank imported, then practice_answers rows inserted as documented
# (docs/STORAGE.md), with figures worked out by hand (docs/BANK.md):
#   - persons 1..10 each answer X = s001-1 (single, A right), F = s001-2
#     (fill) and nine other items Z1..Z9; person k is right on Z1..Z(k-1),
#     on X when k > 5 (the wrong ones chose C: 1..3, B: 4..5) and on F when
#     k >= 3, so the persons rank by k;
#   - later answers do not count (person 1 answers X again, right), nor a
#     first answer that timed out (person 11 on X, right later);
#   - an item no longer in the bank is reported as gone.
# Expected: X n 10, right 5, p 0.5, Kelley groups of 3 (persons 8..10 all
# right, 1..3 all wrong): D 1; option shares A .5 B .2 C .3 D 0; F n 10,
# right 8, D 1 - 1/3; 11 practising persons, 112 first answers.
set -euo pipefail
quizd=$1 bank=$2
for t in sqlite3 jq; do command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }; done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
db=$tmp/quiz.db

"$quizd" bank import "$bank" --db "$db" >/dev/null || fail "bank import failed"
[ "$(sqlite3 "$db" "select kind || json_array_length(options) || correct_mask
  from questions where id = 's001-1'")" = single41 ] || fail "the bundled bank changed (s001-1)"
[ "$(sqlite3 "$db" "select kind from questions where id = 's001-2'")" = fill ] \
  || fail "the bundled bank changed (s001-2)"
mapfile -t z < <(sqlite3 "$db" "select id from questions where id not in
  ('s001-1', 's001-2') order by id limit 9")

t0=1764547200000000
{
  echo "BEGIN;"
  for k in $(seq 11); do
    echo "INSERT INTO persons VALUES ($k, 'p$k', '', '$(printf '%064d' "$k")', 'P1 0 0 0 0 0 0 0 0 0', $t0);"
    echo "INSERT INTO practice_sittings VALUES ($k, $k, $t0, 1, 0, '', 0, 0);"
  done
  ans() { # person item at mask correct timed_out
    echo "INSERT INTO practice_answers (person, sitting, item_id, at, choice_mask, text, correct, timed_out, rt_us) VALUES ($1, $1, '$2', $3, $4, NULL, $5, $6, 2000000);"
  }
  for k in $(seq 10); do
    if [ "$k" -gt 5 ]; then ans "$k" s001-1 $((t0 + 10)) 1 1 0
    elif [ "$k" -le 3 ]; then ans "$k" s001-1 $((t0 + 10)) 4 0 0
    else ans "$k" s001-1 $((t0 + 10)) 2 0 0; fi
    ans "$k" s001-2 $((t0 + 20)) 0 $((k >= 3 ? 1 : 0)) 0
    for i in $(seq 9); do
      ans "$k" "${z[$((i - 1))]}" $((t0 + 30 + i)) 0 $((i < k ? 1 : 0)) 0
    done
  done
  ans 1 s001-1 $((t0 + 86400000000)) 1 1 0 # later: not counted
  ans 11 s001-1 $((t0 + 10)) 0 0 1         # first answer timed out
  ans 11 s001-1 $((t0 + 90000000)) 1 1 0   # so this later one is not counted
  ans 11 "${z[0]}" $((t0 + 30)) 0 1 0
  ans 2 zz-gone $((t0 + 40)) 1 1 0
  echo "COMMIT;"
} >"$tmp/fill.sql"
sqlite3 "$db" <"$tmp/fill.sql" || fail "inserting the rows"
[ "$(sqlite3 "$db" "select count(*) from practice_answers")" = 115 ] || fail "rows not inserted"

"$quizd" bank stats --db "$db" --json >"$tmp/s.json" || fail "bank stats --json exited non-zero"
jq -e . "$tmp/s.json" >/dev/null || fail "--json does not parse"
j() { jq -r "$1" "$tmp/s.json"; }
[ "$(j .matches)" = 0 ] || fail "matches $(j .matches)"
[ "$(j .practice_persons)" = 11 ] || fail "practice_persons $(j .practice_persons)"
[ "$(j .practice_answers)" = 112 ] || fail "practice_answers $(j .practice_answers)"
[ "$(j .answers)" = 112 ] || fail "answers $(j .answers)"
[ "$(j .respondents)" = 11 ] || fail "respondents $(j .respondents)"
x='.items[] | select(.id == "s001-1")'
[ "$(j "$x | [.n, .correct, .p, .d, .p_upper, .p_lower, .group, .n_choice] | map(tostring) | join(\" \")")" \
  = "10 5 0.5 1 1 0 3 10" ] || fail "s001-1: $(j "$x")"
[ "$(j "$x | .options | map(.letter + \":\" + (.share | tostring) + (if .right then \"*\" else \"\" end)) | join(\" \")")" \
  = "A:0.5* B:0.2 C:0.3 D:0" ] || fail "s001-1 options: $(j "$x | .options")"
[ "$(j "$x | .flags | length")" = 0 ] || fail "s001-1 flags: $(j "$x | .flags")"
f='.items[] | select(.id == "s001-2")'
[ "$(j "$f | [.n, .correct, .n_choice] | map(tostring) | join(\" \")")" = "10 8 0" ] \
  || fail "s001-2: $(j "$f")"
jq -e "$f | (.d - (1 - 1/3) | fabs) < 1e-12 and .p_upper == 1" "$tmp/s.json" >/dev/null \
  || fail "s001-2 D: $(j "$f | .d")"
z1=".items[] | select(.id == \"${z[0]}\")"
[ "$(j "$z1 | [.n, .correct] | map(tostring) | join(\" \")")" = "11 10" ] \
  || fail "${z[0]}: $(j "$z1")"
[ "$(j '.items[] | select(.id == "zz-gone") | [.in_bank, .n] | map(tostring) | join(" ")')" \
  = "false 1" ] || fail "the gone item: $(j '.items[] | select(.id == "zz-gone")')"

"$quizd" bank stats --db "$db" >"$tmp/table.txt" || fail "bank stats exited non-zero"
cat "$tmp/table.txt"
grep -q "in 0 matches and practice (11 persons, 112 first answers)" "$tmp/table.txt" \
  || fail "the table's heading does not count practice"
grep -Eq '^s001-1 +single +10 +0\.50 +1\.00 ' "$tmp/table.txt" || fail "the table's s001-1 row"
echo "bank stats practice: OK"
