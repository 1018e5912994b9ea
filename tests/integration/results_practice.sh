#!/usr/bin/env bash
# `quizd results practice` (issue 11) on a database filled by hand: the
# bundled bank imported by `quizd bank import`, then persons and their item
# states inserted as rows in the format docs/STORAGE.md documents (v6), with
# figures worked out by hand from docs/PRACTICE.md's rules:
#   - ann (红队): s001-1 in box 4 (5 answers, 4 right), s001-2 in the 错题本
#     (2 wrong); totals 10 minutes, best streak 3, best run of days 2, a
#     last answer long ago (so today's run of days is 0);
#   - bob (红队): s002-1 once right; cat (no team): nothing yet;
#   - dan (蓝队): s001-1 in box 5 (3 right), an item no longer in the bank,
#     an item state and a person state the core refuses (skipped, counted);
#   - an item row of no person (foreign keys off in sqlite3) is ignored.
# Checked: the text table, every figure of the persons and teams CSV
# (BOM, CRLF), the categories CSV for 党章党规, --team, the XLSX sheets
# (openpyxl, when installed), and the errors: a missing database (exit 1,
# not created), a v5 database (exit 1), usage errors (exit 2).
set -euo pipefail
quizd=$1 bank=$2
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 not installed"; exit 77; }
py=""
for p in python3 /usr/bin/python3; do
  command -v "$p" >/dev/null && { py=$p; break; }
done
[ -n "$py" ] || { echo "SKIP: python3 not installed"; exit 77; }
pyx=""
for p in python3 /usr/bin/python3; do
  command -v "$p" >/dev/null && "$p" -c 'import openpyxl' 2>/dev/null && { pyx=$p; break; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
db=$tmp/quiz.db
export TZ=UTC

"$quizd" bank import "$bank" --db "$db" >/dev/null || fail "bank import failed"
[ "$(sqlite3 "$db" 'pragma user_version')" -ge 6 ] || fail "not a v6 (or later) database"
items=$(sqlite3 "$db" "select count(*) from questions")
cat_items=$(sqlite3 "$db" "select count(*) from questions where category = '党章党规'")
for id in s001-1 s001-2 s001-3 s002-1; do
  [ "$(sqlite3 "$db" "select category from questions where id = '$id'")" = 党章党规 ] \
    || fail "the bundled bank changed: $id is not in 党章党规"
done
h() { printf 'a%.0s' $(seq 63); printf '%s' "$1"; }
sqlite3 "$db" <<EOF
INSERT INTO persons VALUES (1, 'ann', '红队', '$(h 1)',
  'P1 4 3 600000000 0 3 2 2 20423 1764547200000000', 1764500000000000);
INSERT INTO persons VALUES (2, 'bob', '红队', '$(h 2)',
  'P1 1 0 120000000 1 1 1 1 20423 1764550800000000', 1764500000000000);
INSERT INTO persons VALUES (3, 'cat', '', '$(h 3)', 'P1 0 0 0 0 0 0 0 0 0',
  1764500000000000);
INSERT INTO persons VALUES (4, 'dan', '蓝队', '$(h 4)', 'garbage',
  1764500000000000);
INSERT INTO practice_items VALUES
  (1, 's001-1', 'S1 4 0 5 4 1 3 1765000000000000 1764547200000000'),
  (1, 's001-2', 'S1 1 1 2 0 2 0 1764547260000000 1764547200000000'),
  (2, 's002-1', 'S1 2 0 1 1 0 1 1764633600000000 1764547200000000'),
  (4, 'nope', 'S1 1 0 1 1 0 1 5 5'),
  (4, 's001-3', 'S9 bad'),
  (4, 's001-1', 'S1 5 0 3 3 0 3 1766000000000000 1764547200000000'),
  (99, 's001-1', 'S1 5 0 3 3 0 3 1766000000000000 1764547200000000');
EOF

# per mille as the core rounds it, printed as a percentage with 1 decimal
pct() { "$py" -c "import sys; p, w = int(sys.argv[1]), int(sys.argv[2]); print('%.1f' % (int(p * 1000 / w + 0.5) / 10))" "$1" "$2"; }

# ---- text
"$quizd" results practice --db "$db" >"$tmp/text.out" 2>"$tmp/text.err" \
  || fail "text exited non-zero"
cat "$tmp/text.out"
grep -q "^practice: 4 persons, bank of $items items" "$tmp/text.out" || fail "text heading"
grep -q "skipped 1 item rows not in the bank, 1 unreadable item states and 1 unreadable person states" \
  "$tmp/text.err" || fail "the skipped rows are not reported: $(cat "$tmp/text.err")"
grep -Eq '^红队 +ann +7 +4 +57\.1 +10\.0 +2 +1 ' "$tmp/text.out" || fail "text: ann's row"

# ---- CSV: persons
"$quizd" results practice --db "$db" --format csv -o "$tmp/persons.csv" 2>/dev/null \
  || fail "csv exited non-zero"
head -c 3 "$tmp/persons.csv" | od -An -tx1 | grep -q 'ef bb bf' || fail "CSV without BOM"
grep -q $'\r$' "$tmp/persons.csv" || fail "CSV without CRLF"
rows() { # file -> one line per row, fields joined by |
  "$py" -c 'import csv, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    for r in csv.reader(f):
        print("|".join(r))' "$1"
}
rows "$tmp/persons.csv" >"$tmp/persons.txt"
m_ann=$(pct 1 "$items")
m_dan=$(pct 1 "$items")
cat >"$tmp/want_persons.txt" <<EOF
队伍|昵称|作答|答对|正确率(%)|练习时长(分钟)|已练题数|已掌握|题库题数|掌握率(%)|错题本|当前连对|最长连对|连续天数|最长连续天数|最近练习
|cat|0|0||0.0|0|0|$items|0.0|0|0|0|0|0|
红队|ann|7|4|57.1|10.0|2|1|$items|$m_ann|1|0|3|0|2|2025-12-01 00:00:00
红队|bob|1|1|100.0|2.0|1|0|$items|0.0|0|1|1|0|1|2025-12-01 01:00:00
蓝队|dan|3|3|100.0|0.0|1|1|$items|$m_dan|0|0|0|0|0|
EOF
diff "$tmp/want_persons.txt" "$tmp/persons.txt" || fail "persons CSV differs"

# ---- CSV: teams
"$quizd" results practice --db "$db" --format csv --sheet teams 2>/dev/null >"$tmp/teams.csv" \
  || fail "csv teams exited non-zero"
rows "$tmp/teams.csv" >"$tmp/teams.txt"
cat >"$tmp/want_teams.txt" <<EOF
队伍|人数|作答|答对|正确率(%)|练习时长(分钟)|已练题数|已掌握|题库题数|掌握率(%)|错题本|最长连对|最长连续天数|最近练习
|1|0|0||0.0|0|0|$items|0.0|0|0|0|
红队|2|8|5|62.5|12.0|3|1|$items|$(pct 1 $((items * 2)))|1|3|2|2025-12-01 01:00:00
蓝队|1|3|3|100.0|0.0|1|1|$items|$(pct 1 "$items")|0|0|0|
EOF
diff "$tmp/want_teams.txt" "$tmp/teams.txt" || fail "teams CSV differs"

# ---- CSV: categories (everyone's 党章党规: 4 persons; seen 2+1+1, mastered
# 1+1, 错题本 1, answers 7+1+3 of which 4+1+3 right)
"$quizd" results practice --db "$db" --format csv --sheet categories 2>/dev/null >"$tmp/cats.csv" \
  || fail "csv categories exited non-zero"
rows "$tmp/cats.csv" >"$tmp/cats.txt"
want="全部||党章党规|$cat_items|4|4|2|$(pct 2 $((cat_items * 4)))|1|11|$(pct 8 11)"
grep -qxF "$want" "$tmp/cats.txt" || fail "categories: want $want, got $(grep 全部 "$tmp/cats.txt" | head -1)"
want="队伍|红队|党章党规|$cat_items|2|3|1|$(pct 1 $((cat_items * 2)))|1|8|$(pct 5 8)"
grep -qxF "$want" "$tmp/cats.txt" || fail "categories: want $want"
ncat=$(sqlite3 "$db" "select count(distinct coalesce(category, '')) from questions")
# every category for everyone and for each of the 3 teams, and the header
[ "$(wc -l <"$tmp/cats.txt")" -eq $((1 + 4 * ncat)) ] || fail "categories: $(wc -l <"$tmp/cats.txt") lines"

# ---- --team
"$quizd" results practice --db "$db" --team 红队 --format csv 2>/dev/null >"$tmp/red.csv" \
  || fail "--team exited non-zero"
rows "$tmp/red.csv" >"$tmp/red.txt"
[ "$(wc -l <"$tmp/red.txt")" -eq 3 ] && grep -q '^红队|ann|' "$tmp/red.txt" \
  && grep -q '^红队|bob|' "$tmp/red.txt" || fail "--team 红队: $(cat "$tmp/red.txt")"
"$quizd" results practice --db "$db" --team 无此队 >"$tmp/none.out" || fail "--team of nobody exited non-zero"
grep -q "^practice: 0 persons" "$tmp/none.out" || fail "--team of nobody"

# ---- XLSX
"$quizd" results practice --db "$db" --format xlsx -o "$tmp/p.xlsx" 2>/dev/null || fail "xlsx exited non-zero"
if [ -n "$pyx" ]; then
  "$pyx" - "$tmp/p.xlsx" "$items" <<'EOF' || fail "XLSX content"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
items = int(sys.argv[2])
assert wb.sheetnames == ["个人练习", "团体练习", "分类进度"], wb.sheetnames
ws = wb["个人练习"]
rows = list(ws.iter_rows(values_only=True))
assert rows[0][0:4] == ("队伍", "昵称", "作答", "答对"), rows[0]
ann = [r for r in rows if r[1] == "ann"][0]
assert ann[2] == 7 and ann[3] == 4 and abs(ann[4] - 57.1) < 1e-9, ann
assert ann[8] == items and ann[15] == "2025-12-01 00:00:00", ann
assert len(rows) == 5, len(rows)
teams = list(wb["团体练习"].iter_rows(values_only=True))
red = [r for r in teams if r[0] == "红队"][0]
assert red[1] == 2 and red[2] == 8 and abs(red[4] - 62.5) < 1e-9, red
cats = list(wb["分类进度"].iter_rows(values_only=True))
assert cats[0][0:3] == ("范围", "队伍", "分类"), cats[0]
assert any(r[0] == "全部" and r[2] == "党章党规" and r[9] == 11 for r in cats)
print("xlsx ok")
EOF
else
  echo "note: python3-openpyxl not installed: the XLSX sheets are not read back"
  head -c 2 "$tmp/p.xlsx" | grep -q PK || fail "the XLSX is not a zip"
fi

# ---- hostile text: a team with an escape sequence, a nickname that a
# spreadsheet would run as a formula, a category with a control byte
cp "$db" "$tmp/h.db"
sqlite3 "$tmp/h.db" "INSERT INTO persons VALUES (5, '=1+1', 'x' || char(27) || '[31m',
  '$(h 5)', 'P1 0 0 0 0 0 0 0 0 0', 0);
  UPDATE questions SET category = 'c' || char(7) || 'd' WHERE id = 's001-1';"
"$quizd" results practice --db "$tmp/h.db" >"$tmp/h.out" 2>/dev/null || fail "hostile: text exited non-zero"
"$quizd" results practice --db "$tmp/h.db" --format csv >"$tmp/h.csv" 2>/dev/null || fail "hostile: csv"
"$quizd" results practice --db "$tmp/h.db" --format csv --sheet categories >"$tmp/hc.csv" 2>/dev/null \
  || fail "hostile: categories csv"
if LC_ALL=C grep -q $'[\x01-\x08\x1b]' "$tmp/h.out" "$tmp/h.csv" "$tmp/hc.csv"; then
  fail "a control byte reached the output"
fi
grep -q "^x\[31m,'=1+1," "$tmp/h.csv" || fail "hostile: the formula was not neutralised: $(grep 1+1 "$tmp/h.csv")"
grep -q "^队伍,x\[31m," "$tmp/hc.csv" || fail "hostile: the team's category rows"
grep -q "^全部,,cd," "$tmp/hc.csv" || fail "hostile: the category with a control byte"

# ---- errors
set +e
"$quizd" results practice --db "$tmp/missing.db" >/dev/null 2>"$tmp/err"; rc=$?
set -e
[ $rc -eq 1 ] && [ ! -e "$tmp/missing.db" ] || fail "missing database: exit $rc or created"
cp "$db" "$tmp/v5.db"
sqlite3 "$tmp/v5.db" "drop table practice_answers; drop table practice_sittings;
  drop table practice_items; drop table persons; pragma user_version = 5;"
set +e
"$quizd" results practice --db "$tmp/v5.db" >/dev/null 2>"$tmp/err"; rc=$?
set -e
[ $rc -eq 1 ] && grep -q "schema version 5 has no practice tables" "$tmp/err" \
  || fail "v5 database: exit $rc: $(cat "$tmp/err")"
for args in "--format pdf" "--format xlsx --sheet teams" "--format csv --sheet nope" \
  "--bogus" "--team" "extra"; do
  set +e
  # shellcheck disable=SC2086
  "$quizd" results practice --db "$db" $args -o "$tmp/x" >/dev/null 2>&1; rc=$?
  set -e
  [ $rc -eq 2 ] || fail "usage error '$args': exit $rc"
done
"$quizd" results practice --help | grep -q "usage: quizd results practice" || fail "--help"
# a write that fails: exit 1 with the reason, and no partial export left
# (never -o /dev/full for csv/xlsx: as root the export's rename would
# replace the device with a regular file)
if [ -c /dev/full ]; then
  set +e
  "$quizd" results practice --db "$db" -o /dev/full >/dev/null 2>"$tmp/err"; rc=$?
  set -e
  [ $rc -eq 1 ] && grep -q "/dev/full: No space left" "$tmp/err" \
    || fail "text to a full disk: exit $rc: $(cat "$tmp/err")"
  set +e
  "$quizd" results practice --db "$db" >/dev/full 2>"$tmp/err"; rc=$?
  set -e
  [ $rc -eq 1 ] && grep -q "writing stdout: No space left" "$tmp/err" \
    || fail "text to a full stdout: exit $rc: $(cat "$tmp/err")"
fi
set +e
"$quizd" results practice --db "$db" --format csv -o "$tmp/nodir/p.csv" 2>"$tmp/err"; rc=$?
set -e
[ $rc -eq 1 ] && [ ! -e "$tmp/nodir" ] || fail "csv into a missing directory: exit $rc: $(cat "$tmp/err")"
# XLSX is binary: refused on a terminal, as results export refuses it
# (script(1) gives the command a pty)
if command -v script >/dev/null; then
  rc=0
  script -qec "'$quizd' results practice --db '$db' --format xlsx" /dev/null >"$tmp/tty.out" 2>&1 </dev/null || rc=$?
  [ "$rc" -eq 2 ] && grep -q "terminal" "$tmp/tty.out" || { cat "$tmp/tty.out"; fail "xlsx to a terminal: exit $rc, want 2"; }
else
  echo "note: script(1) missing, the terminal refusal is not checked"
fi
echo "results practice: OK"
