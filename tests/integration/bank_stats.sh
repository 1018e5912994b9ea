#!/usr/bin/env bash
# `quizd bank stats` (issue 11, item analysis) on a real database.
# quiz-bench plays two matches of the same draw (--seed) with the bundled
# bank, one with strong contestants (--accuracy 0.85) and one with weak
# ones (0.3); quizd is stopped. Then:
#   - for every item answered, bank stats' n and number right equal what
#     sqlite3 counts from answers joined with match_questions, and p is
#     right / n;
#   - the option counts (share x answers with a choice) equal what sqlite3
#     counts with the stored perm turned to bank order (json_each), and
#     for a single item the right option's share is p;
#   - flagged items come first; --flagged lists only flagged items; the
#     text table has each item's n;
#   - an item deleted from the bank is still reported (in_bank false), and
#     a broken perm costs the options only, not the run;
#   - a database without answers prints "no answers yet" and exits 0;
#     a missing database exits 2 and is not created; a file that is not a
#     database exits 1; usage errors exit 2.
set -euo pipefail
quizd=$1 bench=$2 bank=$3
for t in sqlite3 jq; do command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }; done
tmp=$(mktemp -d)
qpid=""
cleanup() {
  [ -n "$qpid" ] && kill -9 "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
db=$tmp/quiz.db

"$quizd" --listen 127.0.0.1:0 --db "$db" --bank "$bank" --port-file "$tmp/port" \
  --log-level info 2>>"$tmp/quizd.log" &
qpid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || fail "quizd did not start"
port=$(cat "$tmp/port")

for acc in 0.85 0.3; do
  "$bench" --connect "127.0.0.1:$port" --players 24 --questions 6 --seed 11 \
    --accuracy "$acc" --time-limit-ms 3000 --think-ms 100-500 --bank "$bank" \
    --hurry --timeout-s 90 >"$tmp/bench.json" 2>"$tmp/bench.err" \
    || { cat "$tmp/bench.err"; tail -n 20 "$tmp/quizd.log"; fail "quiz-bench (accuracy $acc) failed"; }
done
kill -TERM "$qpid"; wait "$qpid" || fail "quizd exited non-zero on SIGTERM"
qpid=""

answers=$(sqlite3 "$db" "select count(*) from answers")
[ "$answers" -gt 100 ] || fail "only $answers answers stored"

"$quizd" bank stats --db "$db" >"$tmp/table.txt" || { cat "$tmp/table.txt"; fail "bank stats exited non-zero"; }
cat "$tmp/table.txt"
"$quizd" bank stats --db "$db" --json >"$tmp/stats.json" || fail "bank stats --json exited non-zero"
jq -e . "$tmp/stats.json" >/dev/null || fail "--json does not parse"
[ "$(jq '.answers' "$tmp/stats.json")" = "$answers" ] || fail "JSON answers != $answers"
[ "$(jq '.matches' "$tmp/stats.json")" = 2 ] || fail "JSON matches != 2"

# ---- n and right per item, as sqlite3 counts them
sqlite3 "$db" "select mq.question_id || '|' || count(*) || '|' || sum(a.correct)
  from answers a join match_questions mq on mq.match_id = a.match_id and mq.idx = a.q
  group by mq.question_id order by mq.question_id" >"$tmp/want_np.txt"
jq -r '.items | sort_by(.id)[] | "\(.id)|\(.n)|\(.correct)"' "$tmp/stats.json" >"$tmp/got_np.txt"
[ -s "$tmp/want_np.txt" ] || fail "sqlite3 counts no item"
diff "$tmp/want_np.txt" "$tmp/got_np.txt" || fail "n / right differ from sqlite3"
jq -e '[.items[] | .p == .correct / .n] | all' "$tmp/stats.json" >/dev/null || fail "p is not right / n"
items=$(wc -l <"$tmp/want_np.txt")
# the same draw twice: each item was answered in both matches (48 seats)
jq -e '[.items[] | .n > 24] | any' "$tmp/stats.json" >/dev/null || fail "no item pooled over the two matches"
echo "n and p: $items items equal sqlite3's counts"

# ---- the option counts: display choice -> bank order through the stored perm
sqlite3 "$db" "select mq.question_id || '|' || char(65 + p.value) || '|' || count(*)
  from answers a join match_questions mq on mq.match_id = a.match_id and mq.idx = a.q
  join questions q on q.id = mq.question_id, json_each(mq.perm) p
  where q.kind <> 'fill' and p.key < json_array_length(q.options)
    and (a.choice_mask >> p.key) & 1
  group by mq.question_id, p.value order by 1" >"$tmp/want_opt.txt"
jq -r '.items[] | . as $i | .options[] | select(.share > 0)
  | "\($i.id)|\(.letter)|\(.share * $i.n_choice | round)"' "$tmp/stats.json" | LC_ALL=C sort >"$tmp/got_opt.txt"
LC_ALL=C sort -o "$tmp/want_opt.txt" "$tmp/want_opt.txt"
[ -s "$tmp/want_opt.txt" ] || fail "sqlite3 counts no option"
diff "$tmp/want_opt.txt" "$tmp/got_opt.txt" || fail "option counts differ from sqlite3 (perm)"
singles=$(jq '[.items[] | select(.kind == "single" and .n_choice == .n)] | length' "$tmp/stats.json")
[ "$singles" -ge 1 ] || fail "no single item to check the right option's share"
jq -e '[.items[] | select(.kind == "single" and .n_choice == .n)
  | ((.options[] | select(.right) | .share) - .p) | fabs < 1e-9] | all' "$tmp/stats.json" >/dev/null \
  || fail "a single item's right option share differs from p"
echo "options: $(wc -l <"$tmp/want_opt.txt") option counts equal sqlite3's; $singles single items: share of the right option = p"

# ---- order, --flagged, the table
jq -e '[.items[] | (.flags | length) > 0] as $f
  | [range(1; $f | length) | select($f[.] and ($f[. - 1] | not))] | length == 0' \
  "$tmp/stats.json" >/dev/null || fail "a flagged item after an unflagged one"
flagged=$(jq '[.items[] | select(.flags | length > 0)] | length' "$tmp/stats.json")
"$quizd" bank stats --db "$db" --flagged --json >"$tmp/flagged.json"
[ "$(jq '.items | length' "$tmp/flagged.json")" = "$flagged" ] || fail "--flagged: not the $flagged flagged items"
"$quizd" bank stats --db "$db" --flagged >"$tmp/flagged.txt"
[ "$(awk 'NR > 2 && $6 == "-"' "$tmp/flagged.txt" | wc -l)" = 0 ] || fail "--flagged table lists an unflagged item"
while IFS='|' read -r id n _; do
  got=$(awk -v id="$id" '$1 == id { print $3 }' "$tmp/table.txt")
  [ "$got" = "$n" ] || fail "table: $id has n '$got', want $n"
done <"$tmp/want_np.txt"
grep -q "^$items items answered, $answers answers, 48 respondents in 2 matches" "$tmp/table.txt" \
  || fail "no summary line"
# --min-n 1: D is judged for every item (each has n >= 24 here): flagged
# exactly when D < 0.2; --min-n 1000: never
"$quizd" bank stats --db "$db" --min-n 1 --json >"$tmp/min1.json"
jq -e '[.items[] | ((.d != null and .d < 0.2) == (.flags | index("low_discrimination") != null))]
  | all' "$tmp/min1.json" >/dev/null || fail "--min-n 1: low_discrimination is not exactly D < 0.2"
"$quizd" bank stats --db "$db" --min-n 1000 --json >"$tmp/min1000.json"
jq -e '[.items[] | .flags | index("low_discrimination") == null] | all' "$tmp/min1000.json" >/dev/null \
  || fail "--min-n 1000: low_discrimination given"
echo "flags: $flagged of $items items flagged, sorted first"

# ---- hostile rows: an item deleted from the bank, a broken perm
cp "$db" "$tmp/h.db"
gone=$(head -n 1 "$tmp/want_np.txt" | cut -d'|' -f1)
broken=$(sqlite3 "$tmp/h.db" "select mq.question_id from match_questions mq join questions q on q.id = mq.question_id
  where q.kind = 'single' and mq.question_id <> '$gone' and exists (select 1 from answers a
  where a.match_id = mq.match_id and a.q = mq.idx) order by 1 limit 1")
sqlite3 "$tmp/h.db" "delete from questions where id = '$gone';
  update match_questions set perm = '[9,9' where question_id = '$broken'"
"$quizd" bank stats --db "$tmp/h.db" --json >"$tmp/h.json" || fail "hostile rows: exit non-zero"
jq -e --arg g "$gone" '.items[] | select(.id == $g) | .in_bank == false and .kind == null and .n > 0' \
  "$tmp/h.json" >/dev/null || fail "deleted item $gone not reported as gone"
jq -e --arg b "$broken" '.items[] | select(.id == $b) | .n > 0 and .n_choice == 0 and (.options | length) == 0' \
  "$tmp/h.json" >/dev/null || fail "item $broken with a broken perm: options not dropped"
"$quizd" bank stats --db "$tmp/h.db" >"$tmp/h.txt" || fail "hostile rows: table exit non-zero"
grep -q "without a usable choice" "$tmp/h.txt" || fail "no note of answers without a usable choice"
echo "hostile: $gone deleted from the bank still reported, $broken with a broken perm counted without options"

# ---- empty, missing, not a database, usage
"$quizd" bank import "$bank" --db "$tmp/empty.db" >/dev/null
out=$("$quizd" bank stats --db "$tmp/empty.db") || fail "empty database: exit non-zero"
[ "$out" = "no answers yet" ] || fail "empty database: printed '$out'"
jq -e '.items == [] and .answers == 0' <("$quizd" bank stats --db "$tmp/empty.db" --json) >/dev/null \
  || fail "empty database: --json is not an empty list"
rc=0; "$quizd" bank stats --db "$tmp/missing.db" >/dev/null 2>"$tmp/missing.err" || rc=$?
[ "$rc" -eq 2 ] || fail "missing database: exit $rc, want 2"
[ ! -e "$tmp/missing.db" ] || fail "missing database was created"
grep -q "missing.db" "$tmp/missing.err" || fail "missing database: no message naming it"
echo "not a database" >"$tmp/junk.db"
rc=0; "$quizd" bank stats --db "$tmp/junk.db" >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "not a database: exit $rc, want 1"
for bad in "--min-n 0" "--min-n x" "--bogus" "--db" "operand"; do
  rc=0; "$quizd" bank stats --db "$db" $bad >/dev/null 2>&1 || rc=$?
  [ "$rc" -eq 2 ] || fail "'$bad': exit $rc, want 2"
done
"$quizd" bank stats --help | grep -q "usage: quizd bank stats" || fail "--help"
echo "bank stats: empty, missing, junk and usage errors as documented"
