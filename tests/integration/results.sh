#!/usr/bin/env bash
# `quizd results list|show|export` (issue 11) on a real database.
# quiz-bench plays a match (6 contestants in 2 teams, 4 questions), quizd
# is stopped, then every figure printed or exported is checked against
# what sqlite3 computes from the same file:
#   - list shows the match with its code, contestants and state;
#   - show's individual and team standings equal results / team_results,
#     and its per-question answers, right answers and accuracy equal the
#     answers table;
#   - the CSV starts with the UTF-8 BOM, has CRLF line ends, the header and
#     one row per results (answers, questions, teams) row;
#   - the XLSX read by openpyxl has the four sheets, their headers, one row
#     per database row, numbers as numbers, the first rank's score and an
#     answer's points;
#   - without results rows (an interrupted match) show is provisional and
#     ranks from the bookings; a question deleted from the bank and a match
#     with no answers give clear output, not a crash;
#   - an unknown match exits 1, a missing database exits 1 and is not
#     created, a bad --format exits 2.
set -euo pipefail
quizd=$1 bench=$2 bank=$3
for t in sqlite3 jq; do command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }; done
# the Debian python3-openpyxl is in the system python, which another python3
# first on PATH (pyenv) does not see
py=""
for p in python3 /usr/bin/python3; do
  command -v "$p" >/dev/null && "$p" -c 'import openpyxl' 2>/dev/null && { py=$p; break; }
done
[ -n "$py" ] || { echo "SKIP: python3-openpyxl not installed"; exit 77; }
tmp=$(mktemp -d)
qpid=""
cleanup() {
  [ -n "$qpid" ] && kill -9 "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
db=$tmp/quiz.db
q() { sqlite3 "$db" "$@"; }

# ---- a match played to the end
"$quizd" --listen 127.0.0.1:0 --db "$db" --bank "$bank" --port-file "$tmp/port" \
  --log-level info 2>>"$tmp/quizd.log" &
qpid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || fail "quizd did not start"
port=$(cat "$tmp/port")
"$bench" --connect "127.0.0.1:$port" --players 6 --teams 2 --questions 4 --seed 11 \
  --time-limit-ms 3000 --think-ms 100-600 --accuracy 0.6 --bank "$bank" --hurry \
  --timeout-s 60 >"$tmp/bench.json" 2>"$tmp/bench.err" || { cat "$tmp/bench.err"; fail "quiz-bench failed"; }
kill -TERM "$qpid"; wait "$qpid" || fail "quizd exited non-zero on SIGTERM"
qpid=""
[ "$(q "select state from matches where id = 1")" = finished ] || fail "match 1 not finished"
nres=$(q "select count(*) from results where match_id = 1")
nans=$(q "select count(*) from answers where match_id = 1")
nteam=$(q "select count(*) from team_results where match_id = 1")
nq=$(q "select count(*) from match_questions where match_id = 1")
[ "$nres" -eq 6 ] && [ "$nteam" -eq 2 ] && [ "$nq" -eq 4 ] && [ "$nans" -gt 0 ] \
  || fail "unexpected database: $nres results, $nteam teams, $nq questions, $nans answers"

# ---- list
"$quizd" results list --db "$db" >"$tmp/list.out" || fail "list exited non-zero"
cat "$tmp/list.out"
code=$(q "select code from matches where id = 1")
grep -Eq "^ *1  [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}  .*  $code +6  finished *$" "$tmp/list.out" \
  || fail "list: no line for match 1 with its code, 6 contestants and finished"
"$quizd" results list --db "$db" --json >"$tmp/list.json" || fail "list --json exited non-zero"
[ "$(jq -r '.[0] | "\(.id) \(.code) \(.contestants) \(.state)"' "$tmp/list.json")" = "1 $code 6 finished" ] \
  || { cat "$tmp/list.json"; fail "list --json: wrong first object"; }

# ---- show: every figure equal to sqlite3's
"$quizd" results show --db "$db" 1 >"$tmp/show.out" || fail "show exited non-zero"
cat "$tmp/show.out"
grep -q provisional "$tmp/show.out" && fail "show: a finished match called provisional"
# section NAME: the rows of one table of show (after its heading and header)
section() { awk -v h="$1" '$0 == h { on = 1; getline; next } on && $0 == "" { exit } on' "$tmp/show.out"; }
section "Individual standings" | awk '{ print $1, $2, $(NF-2), $(NF-1) }' >"$tmp/show.players"
q "select rank || ' ' || player_id || ' ' || score || ' ' || correct from results where match_id = 1 order by rank, player_id" >"$tmp/sql.players"
diff "$tmp/sql.players" "$tmp/show.players" || fail "show: individual standings differ from results"
section "Team standings" | awk '{ print $1, $2, $3, $(NF-1), $NF }' >"$tmp/show.teams"
q "select rank || ' ' || team || ' ' || members || ' ' || score || ' ' || points from team_results where match_id = 1 order by rank, team" >"$tmp/sql.teams"
diff "$tmp/sql.teams" "$tmp/show.teams" || fail "show: team standings differ from team_results"
for t in $(q "select team from team_results where match_id = 1"); do
  names=$(q "select group_concat(nick, '、') from (select nick from players where match_id = 1 and team = '$t' order by player_id)")
  section "Team standings" | grep -q " $t .* $names " || fail "show: team $t without its members $names"
done
# per question (from the end: answers right accuracy median voided wrong)
section "Questions" | awk '{ print $1, $(NF-5), $(NF-4), $(NF-3) }' >"$tmp/show.q"
q "select (mq.idx + 1) || ' ' || count(a.q) || ' ' || coalesce(sum(a.correct), 0) || ' ' ||
          case count(a.q) when 0 then '-' else printf('%.1f', 100.0 * sum(a.correct) / count(a.q)) end
   from match_questions mq left join answers a on a.match_id = mq.match_id and a.q = mq.idx
   where mq.match_id = 1 group by mq.idx order by mq.idx" >"$tmp/sql.q"
diff "$tmp/sql.q" "$tmp/show.q" || fail "show: per-question answers or accuracy differ from answers"
# the wrong options of each choice question: counts of answers choosing them
section "Questions" | awk '{ print $1, $NF }' >"$tmp/show.wrong"
grep -Eq '^[0-9]+ ([A-H]:[0-9]+)(,[A-H]:[0-9]+)*$' "$tmp/show.wrong" || fail "show: no wrong-option counts"
while read -r qn wrong; do
  [ "$wrong" = - ] && continue
  for kv in ${wrong//,/ }; do
    slot=$(( $(printf '%d' "'${kv%%:*}") - 65 ))
    want=$(q "select count(*) from answers where match_id = 1 and q = $qn - 1 and (choice_mask >> $slot) & 1")
    [ "${kv#*:}" = "$want" ] || fail "show: q$qn option ${kv%%:*} chosen ${kv#*:} times, sqlite3 says $want"
  done
done <"$tmp/show.wrong"

# ---- CSV
bom_crlf() { # FILE ROWS HEADER
  [ "$(head -c 3 "$1" | od -An -tx1 | tr -d ' ')" = efbbbf ] || fail "$1: no UTF-8 BOM"
  [ "$(sed -n '1s/^\xEF\xBB\xBF//p' "$1" | tr -d '\r')" = "$3" ] || { head -n 1 "$1"; fail "$1: header is not $3"; }
  [ "$(grep -c $'\r$' "$1")" -eq "$(wc -l <"$1")" ] || fail "$1: not every line ends in CRLF"
  [ "$(( $(wc -l <"$1") - 1 ))" -eq "$2" ] || fail "$1: $(( $(wc -l <"$1") - 1 )) rows, want $2"
}
"$quizd" results export --db "$db" 1 --format csv >"$tmp/players.csv" || fail "export csv to stdout failed"
bom_crlf "$tmp/players.csv" "$nres" "名次,选手编号,昵称,队伍,得分,答对,总用时(秒)"
"$quizd" results export --db "$db" 1 --format csv --sheet answers -o "$tmp/answers.csv" || fail "export --sheet answers failed"
bom_crlf "$tmp/answers.csv" "$nans" "题号,题目编号,选手编号,昵称,队伍,作答,接收时间(ms),单程补偿(ms),用时(ms),正确,得分,作废"
"$quizd" results export --db "$db" 1 --format csv --sheet teams -o "$tmp/teams.csv" || fail "export --sheet teams failed"
bom_crlf "$tmp/teams.csv" "$nteam" "名次,队伍,人数,队员,总分,得分"
"$quizd" results export --db "$db" 1 --format csv --sheet questions -o "$tmp/questions.csv" || fail "export --sheet questions failed"
[ "$(( $(wc -l <"$tmp/questions.csv") - 1 ))" -eq "$nq" ] || fail "questions.csv: not one row per question"
# the first rank's score, field 5 of row 2
[ "$(sed -n 2p "$tmp/players.csv" | cut -d, -f5)" = "$(q "select score from results where match_id = 1 order by rank, player_id limit 1")" ] \
  || fail "players.csv: first score differs from results"

# ---- XLSX read back by openpyxl
"$quizd" results export --db "$db" 1 --format xlsx -o "$tmp/r.xlsx" || fail "export xlsx failed"
"$quizd" results export --db "$db" 1 --format xlsx >"$tmp/r2.xlsx" || fail "export xlsx to a pipe failed"
first_score=$(q "select score from results where match_id = 1 order by rank, player_id limit 1")
read -r aq apl apts < <(sqlite3 -separator ' ' "$db" "select q + 1, player_id, points from answers where match_id = 1 order by q, recv_us, player_id limit 1")
for f in "$tmp/r.xlsx" "$tmp/r2.xlsx"; do
"$py" - "$f" "$nteam" "$nres" "$nq" "$nans" "$first_score" "$aq" "$apl" "$apts" "$db" <<'EOF'
import sqlite3, sys
import openpyxl
f, nteam, nres, nq, nans, first_score, aq, apl, apts, dbp = sys.argv[1:]
wb = openpyxl.load_workbook(f)
def fail(msg):
    print("FAIL: %s: %s" % (f, msg)); sys.exit(1)
want = ["团体排名", "个人排名", "每题统计", "答题明细"]
if wb.sheetnames != want:
    fail("sheets %r, want %r" % (wb.sheetnames, want))
heads = {
    "团体排名": ["名次", "队伍", "人数", "队员", "总分", "得分"],
    "个人排名": ["名次", "选手编号", "昵称", "队伍", "得分", "答对", "总用时(秒)"],
    "答题明细": ["题号", "题目编号", "选手编号", "昵称", "队伍", "作答", "接收时间(ms)",
                 "单程补偿(ms)", "用时(ms)", "正确", "得分", "作废"],
}
rows = {"团体排名": int(nteam), "个人排名": int(nres), "每题统计": int(nq), "答题明细": int(nans)}
for name in want:
    ws = wb[name]
    got = [c.value for c in ws[1]]
    if name in heads and got != heads[name]:
        fail("%s header %r" % (name, got))
    if not ws["A1"].font.b:
        fail("%s header not bold" % name)
    if ws.max_row - 1 != rows[name]:
        fail("%s has %d rows, want %d" % (name, ws.max_row - 1, rows[name]))
q = wb["每题统计"]
qh = [c.value for c in q[1]]
if qh[:11] != ["题号", "轮次", "题目编号", "题型", "题干", "正确答案", "作答", "答对",
               "正确率(%)", "中位用时(秒)", "作废"] or not qh[11:] or \
   any(not h.startswith("误选 ") for h in qh[11:]):
    fail("每题统计 header %r" % qh)
p = wb["个人排名"]
if not isinstance(p.cell(2, 5).value, (int, float)) or p.cell(2, 5).value != int(first_score):
    fail("first rank's score %r, want %s" % (p.cell(2, 5).value, first_score))
if p.column_dimensions["C"].width is None or p.column_dimensions["C"].width < 4:
    fail("column widths not set")
a = wb["答题明细"]
r2 = [c.value for c in a[2]]
if (r2[0], r2[2], r2[10]) != (int(aq), int(apl), int(apts)):
    fail("first answer (q, player, points) %r, want %s %s %s" % ((r2[0], r2[2], r2[10]), aq, apl, apts))
# every answer's points and response time against the database
db = sqlite3.connect(dbp)
sql = db.execute("select q + 1, player_id, points, rt_us, correct from answers where match_id = 1"
                 " order by q, recv_us, player_id").fetchall()
x = [(r[0], r[2], r[10], round(r[8] * 1000), r[9]) for r in a.iter_rows(min_row=2, values_only=True)]
if x != [(s[0], s[1], s[2], s[3], s[4]) for s in sql]:
    fail("答题明细 differs from the answers table")
# accuracy and counts per question
acc = {r[0]: (r[6], r[7], r[8]) for r in q.iter_rows(min_row=2, values_only=True)}
for idx, n, right in db.execute("select mq.idx + 1, count(a.q), coalesce(sum(a.correct), 0)"
        " from match_questions mq left join answers a on a.match_id = mq.match_id and a.q = mq.idx"
        " where mq.match_id = 1 group by mq.idx"):
    want_acc = None if n == 0 else round(100.0 * right / n, 6)
    got = acc[idx]
    if got[0] != n or got[1] != right or (got[2] is None) != (want_acc is None) or \
       (want_acc is not None and abs(got[2] - want_acc) > 1e-6):
        fail("每题统计 q%d: %r, want %d answers %d right" % (idx, got, n, right))
print("%s: sheets, headers, %d+%d+%d+%d rows and values as in the database" % (f, int(nteam), int(nres), int(nq), int(nans)))
EOF
done

# ---- no results rows (an interrupted match): provisional, from bookings
cp "$db" "$tmp/prov.db"
sqlite3 "$tmp/prov.db" "delete from results where match_id = 1; delete from team_results where match_id = 1; update matches set state = 'interrupted' where id = 1"
"$quizd" results show --db "$tmp/prov.db" 1 >"$tmp/prov.out" || fail "show of an interrupted match failed"
grep -q "^provisional: " "$tmp/prov.out" || fail "show: an interrupted match not called provisional"
awk '$0 == "Individual standings (provisional)" { on = 1; getline; next } on && $0 == "" { exit } on { print $2, $(NF-2) }' "$tmp/prov.out" | sort >"$tmp/prov.players"
q "select p.player_id || ' ' || coalesce(sum(b.delta), 0) from players p left join bookings b
   on b.match_id = p.match_id and b.player_id = p.player_id where p.match_id = 1 group by p.player_id" | sort >"$tmp/sql.prov"
diff "$tmp/sql.prov" "$tmp/prov.players" || fail "provisional scores differ from the sums of the bookings"
grep -q "^Team standings (provisional)" "$tmp/prov.out" || fail "provisional team standings missing"

# ---- hostile rows: a question deleted from the bank, a match with no answers
cp "$db" "$tmp/odd.db"
gone=$(sqlite3 "$tmp/odd.db" "select question_id from match_questions where match_id = 1 order by idx limit 1")
sqlite3 "$tmp/odd.db" "delete from questions where id = '$gone';
  create temp table m2 as select * from matches where id = 1;
  update m2 set id = 2, code = 'ZZZZ-ZZZZ', state = 'running';
  insert into matches select * from m2;
  insert into players (match_id, player_id, nick, team, joined_at) values (2, 1, '张三', NULL, 0)"
"$quizd" results show --db "$tmp/odd.db" 1 >"$tmp/odd1.out" || fail "show with a question gone from the bank failed"
grep -q "题库中已无此题" "$tmp/odd1.out" || fail "show: a deleted question not named"
"$quizd" results show --db "$tmp/odd.db" 2 >"$tmp/odd2.out" || fail "show of a match with no answers failed"
grep -q "provisional" "$tmp/odd2.out" && grep -q "张三" "$tmp/odd2.out" || { cat "$tmp/odd2.out"; fail "show of match 2"; }
"$quizd" results export --db "$tmp/odd.db" 2 --format xlsx -o "$tmp/odd2.xlsx" || fail "export of a match with no answers failed"
"$py" -c 'import openpyxl, sys; wb = openpyxl.load_workbook(sys.argv[1]); assert wb["答题明细"].max_row == 1 and wb["个人排名"].max_row == 2' "$tmp/odd2.xlsx" \
  || fail "xlsx of a match with no answers"
[ "$("$quizd" results list --db "$tmp/odd.db" | grep -Ec 'ZZZZ-ZZZZ +1  running')" -eq 1 ] || fail "list: the match without answers"

# ---- errors
expect_rc() { local want=$1 rc=0; shift; "$quizd" results "$@" >"$tmp/err.out" 2>&1 || rc=$?; [ "$rc" -eq "$want" ] || { cat "$tmp/err.out"; fail "quizd results $*: exit $rc, want $want"; }; }
expect_rc 1 show --db "$db" 99
grep -q "no match 99" "$tmp/err.out" || fail "unknown match: no clear message"
expect_rc 1 export --db "$db" 99 --format csv
expect_rc 1 list --db "$tmp/none.db"
expect_rc 1 show --db "$tmp/none.db" 1
[ ! -e "$tmp/none.db" ] || fail "a missing database was created"
expect_rc 2 export --db "$db" 1 --format pdf
grep -q "csv or xlsx" "$tmp/err.out" || fail "bad --format: no clear message"
expect_rc 2 export --db "$db" 1
expect_rc 2 export --db "$db" 1 --format xlsx --sheet teams
expect_rc 2 export --db "$db" 1 --format csv --sheet nope
expect_rc 2 show --db "$db" x
expect_rc 2 show --db "$db"
expect_rc 2 frobnicate
expect_rc 2
expect_rc 0 --help
expect_rc 0 show --help
# XLSX is binary: refused on a terminal (script(1) gives the command a pty)
if command -v script >/dev/null; then
  rc=0
  script -qec "'$quizd' results export --db '$db' 1 --format xlsx" /dev/null >"$tmp/tty.out" 2>&1 </dev/null || rc=$?
  [ "$rc" -eq 2 ] && grep -q "terminal" "$tmp/tty.out" || { cat "$tmp/tty.out"; fail "xlsx to a terminal: exit $rc, want 2"; }
else
  echo "note: script(1) missing, the terminal refusal is not checked"
fi
echo junk >"$tmp/junk.db"
expect_rc 1 list --db "$tmp/junk.db"
"$quizd" --help | grep -q "quizd results" || fail "quizd --help does not list results"
echo "results: list, show, csv and xlsx agree with the database"
