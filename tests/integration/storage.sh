#!/usr/bin/env bash
# Integration: storage faults and shutdown (issue 7). A real quizd on an
# ephemeral port, quiz-bench contestants, quiz-storage-watch as a screen.
#  A. another process (sqlite3 CLI) holds BEGIN IMMEDIATE for 5 s mid-match,
#     longer than quizd's busy timeout (200 ms) and stall bound (1 s);
#  B. the disk "fills" mid-match (--db-max-pages at the size of a database
#     prefilled with a junk table: the answers outgrow their one free page
#     during the match), then space returns (the junk table is dropped from
#     the sqlite3 CLI, its pages go to the freelist).
#  In both: the room pauses with reason STORAGE and resumes by itself, the
#  match finishes, 0 acknowledged answers are missing from the database,
#  results == the sum of the answers' points, quizd exits 0 on SIGTERM.
#  C. SIGTERM mid-match: every connection gets Error SHUTTING_DOWN, the
#     match is recorded 'interrupted', quizd exits 0.
#  D. SIGTERM while a lock outlives quizd's final retries: writes are lost,
#     quizd says so on stderr and exits non-zero.
#  E. RoomCreated waits for the match row's commit: created while another
#     process holds the write lock (shorter than the stall bound), it
#     arrives only after the lock is released, and the row is there.
set -euo pipefail
quizd=$1 bench=$2 watch=$3 bank=$4
command -v sqlite3 >/dev/null || { echo "SKIP: no sqlite3 CLI"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: no jq"; exit 77; }
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
log=""
fail() { echo "FAIL: $*"; [ -n "$log" ] && { echo "--- $log"; tail -n 30 "$log"; }; exit 1; }
ms() { date +%s%3N; }

# start_quizd NAME ARGS...: sets qpid, port, log
start_quizd() {
  local name=$1; shift
  log=$tmp/$name.log
  rm -f "$tmp/$name.port"
  "$quizd" --listen 127.0.0.1:0 --db "$tmp/$name.db" --bank "$bank" \
    --port-file "$tmp/$name.port" --room-linger-s 30 --log-level info \
    --db-busy-ms 200 --storage-stall-ms 1000 "$@" 2>"$log" &
  qpid=$!
  pids+=("$qpid")
  for _ in $(seq 100); do [ -s "$tmp/$name.port" ] && break; sleep 0.1; done
  [ -s "$tmp/$name.port" ] || fail "quizd $name did not start"
  port=$(cat "$tmp/$name.port")
}

# start_bench NAME PLAYERS QUESTIONS: sets bpid, then code and wpid (a
# screen watching the bench's room)
start_bench() {
  local name=$1 n=$2 q=$3
  "$bench" --connect "127.0.0.1:$port" --players "$n" --questions "$q" \
    --time-limit-ms 3000 --think-ms 100-1500 --bank "$bank" --results \
    --timeout-s 80 --no-reconnect --json-out "$tmp/$name.json" >/dev/null 2>"$tmp/$name.bench.err" &
  bpid=$!
  pids+=("$bpid")
  code=""
  for _ in $(seq 100); do
    code=$(sed -n 's/.*\[r\([^]]*\)\] created by.*/\1/p' "$log" | head -1)
    [ -n "$code" ] && break
    sleep 0.1
  done
  [ -n "$code" ] || fail "$name: no room created"
  wstart=$(ms)
  "$watch" "$port" "$code" 100 >"$tmp/$name.watch" &
  wpid=$!
  pids+=("$wpid")
}

# wait_log PATTERN SECONDS
wait_log() {
  for _ in $(seq $(($2 * 10))); do grep -q "$1" "$log" && return 0; sleep 0.1; done
  return 1
}

# check_match NAME: what the contestants were told == what the database
# holds; results == sum of answers; the match finished.
check_match() {
  local name=$1 db=$tmp/$1.db brc=0 match missing
  wait "$bpid" || brc=$?
  [ "$brc" -eq 0 ] || { cat "$tmp/$name.bench.err"; fail "$name: quiz-bench exited $brc"; }
  jq -e '.mismatches.total == 0' "$tmp/$name.json" >/dev/null || fail "$name: mismatches"
  jq -r '.results[] | select(.answered) | "\(.player_id)|\(.q)|\(.points)|\(.response_time_us)|\(if .correct then 1 else 0 end)"' \
    "$tmp/$name.json" | sort >"$tmp/$name.told"
  match=$(sqlite3 "$db" "select id from matches where code='$code'")
  sqlite3 "$db" "select player_id, q, points, rt_us, correct from answers where match_id=$match" \
    | sort >"$tmp/$name.stored"
  [ -s "$tmp/$name.told" ] || fail "$name: bench reported no results"
  missing=$(comm -23 "$tmp/$name.told" "$tmp/$name.stored" | wc -l)
  echo "$name: acknowledged answers $(jq .answers.acked "$tmp/$name.json"), revealed $(wc -l <"$tmp/$name.told"), missing from the database: $missing"
  [ "$missing" -eq 0 ] || fail "$name: $missing acknowledged answers missing"
  diff -u "$tmp/$name.told" "$tmp/$name.stored" >/dev/null || fail "$name: database differs from what was told"
  sqlite3 "$db" "select player_id, score from results where match_id=$match" | sort >"$tmp/$name.res"
  sqlite3 "$db" "select p.player_id, coalesce(sum(a.points),0) from players p left join answers a on a.match_id=p.match_id and a.player_id=p.player_id where p.match_id=$match group by p.player_id" \
    | sort >"$tmp/$name.sum"
  [ -s "$tmp/$name.res" ] || fail "$name: no results rows"
  diff -u "$tmp/$name.res" "$tmp/$name.sum" || fail "$name: results differ from the sum of answer points"
  [ "$(sqlite3 "$db" "select state from matches where id=$match")" = finished ] || fail "$name: match not finished"
}

# check_pause NAME FAULT_START_MS FAULT_END_MS: the screen saw PAUSED with
# reason STORAGE (1), then a running state again; prints the latencies.
check_pause() {
  local name=$1 t0=$2 t1=$3 p r
  grep -q "storage unavailable: room paused" "$log" || fail "$name: no pause logged"
  grep -q "storage back: room resumed" "$log" || fail "$name: no resume logged"
  p=$(awk '$2=="state" && $3==5 && $5==1 {print $1; exit}' "$tmp/$name.watch")
  [ -n "$p" ] || { cat "$tmp/$name.watch"; fail "$name: the screen saw no PAUSED/STORAGE"; }
  r=$(awk -v p="$p" '$2=="state" && $1>p && $3!=5 {print $1; exit}' "$tmp/$name.watch")
  [ -n "$r" ] || { cat "$tmp/$name.watch"; fail "$name: the screen saw no resume"; }
  if [ -n "$t0" ]; then
    echo "$name: paused $((wstart + p - t0)) ms after the fault began (1 s stall bound + the wait for the next write); resumed $((wstart + r - t1)) ms after it ended"
  else
    echo "$name: resumed $((wstart + r - t1)) ms after space returned"
  fi
}

# stop_quizd: SIGTERM, sets rc to quizd's exit status
stop_quizd() {
  rc=0
  kill -TERM "$qpid"
  wait "$qpid" || rc=$?
}

# ---- A: a lock held by another process -----------------------------------
start_quizd lock
start_bench lock 30 4
sleep 2.5 # question 0 is open
t0=$(ms)
(printf 'BEGIN IMMEDIATE;\n.shell sleep 5\nCOMMIT;\n' | sqlite3 "$tmp/lock.db"; ms >"$tmp/lock.t1") &
lpid=$!
pids+=("$lpid")
# a screen that arrives during the pause is told why too
wait_log "storage unavailable: room paused" 10 || fail "lock: no pause"
"$watch" "$port" "$code" 1 >"$tmp/lock.late" || true
wait "$lpid"
t1=$(cat "$tmp/lock.t1")
grep -q "state 5 reason 1" "$tmp/lock.late" || { cat "$tmp/lock.late"; fail "lock: a screen joining during the pause was not told the reason"; }
check_match lock
check_pause lock "$t0" "$t1"
stop_quizd
[ "$rc" -eq 0 ] || fail "lock: quizd exited $rc with nothing lost"

# ---- B: the disk fills, then space returns -------------------------------
"$quizd" bank import "$bank" --db "$tmp/full.db" >/dev/null
sqlite3 "$tmp/full.db" "CREATE TABLE junk (x BLOB);
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
  INSERT INTO junk SELECT randomblob(3000) FROM n;"
pages=$(sqlite3 "$tmp/full.db" "PRAGMA page_count")
start_quizd full --db-max-pages "$pages" # no growth past the prefill
start_bench full 50 4 # 200 answers: more than the answers table's one page
wait_log "storage unavailable: room paused" 40 || fail "full: the disk never filled"
sleep 1
sqlite3 "$tmp/full.db" "DROP TABLE junk"
t1=$(ms)
check_match full
check_pause full "" "$t1"
grep -q "database or disk is full" "$log" || fail "full: no full-disk failure logged"
stop_quizd
[ "$rc" -eq 0 ] || fail "full: quizd exited $rc with nothing lost"
wal=$(stat -c %s "$tmp/full.db-wal" 2>/dev/null || echo 0)
echo "full: WAL after the run: $wal bytes"

# ---- C: SIGTERM mid-match ------------------------------------------------
start_quizd term
start_bench term 20 4
sleep 4
stop_quizd
[ "$rc" -eq 0 ] || fail "term: quizd exited $rc with nothing lost"
wait "$bpid" || true
wait "$wpid" || true
grep -q "error SHUTTING_DOWN ref_seq 0" "$tmp/term.watch" || { cat "$tmp/term.watch"; fail "term: the screen got no SHUTTING_DOWN"; }
n=$(jq '.error_codes.SHUTTING_DOWN // 0' "$tmp/term.json")
[ "$n" -eq 21 ] || { cat "$tmp/term.bench.err"; fail "term: $n of 21 bench connections (20 players + host) got SHUTTING_DOWN"; }
state=$(sqlite3 "$tmp/term.db" "select state from matches where code='$code'")
[ "$state" = interrupted ] || fail "term: match state '$state', want interrupted"
echo "term: SHUTTING_DOWN to the screen and $n bench connections; match $state; exit 0"

# ---- D: writes lost at shutdown: exit non-zero ---------------------------
start_quizd lost
start_bench lost 20 4
sleep 2.5
printf 'BEGIN IMMEDIATE;\n.shell sleep 12\nCOMMIT;\n' | sqlite3 "$tmp/lost.db" &
lpid=$!
pids+=("$lpid")
wait_log "not committed" 10 || fail "lost: writes never failed"
stop_quizd
[ "$rc" -ne 0 ] || fail "lost: quizd exited 0 although writes were lost"
grep -q "could not be committed" "$log" || fail "lost: no reason given on stderr"
echo "lost: quizd exited $rc: $(grep 'could not be committed' "$log")"
wait "$lpid" || true

# ---- E: RoomCreated only after the match is committed -------------------
start_quizd create --storage-stall-ms 5000
printf 'BEGIN IMMEDIATE;\n.shell sleep 1.5\nCOMMIT;\n' | sqlite3 "$tmp/create.db" &
lpid=$!
pids+=("$lpid")
sleep 0.3
c0=$(ms)
"$watch" "$port" create 10 >"$tmp/create.out" || fail "create: no reply"
c1=$(ms)
wait "$lpid" || true
read -r _ what ccode _ mid <"$tmp/create.out" || true
[ "$what" = created ] || { cat "$tmp/create.out"; fail "create: no RoomCreated"; }
[ $((c1 - c0)) -ge 1000 ] || fail "create: RoomCreated after $((c1 - c0)) ms, before the lock was released"
[ "$(sqlite3 "$tmp/create.db" "select count(*) from matches where id=$mid and code='$ccode'")" -eq 1 ] \
  || fail "create: match $mid not in the database"
echo "create: RoomCreated for match $mid after $((c1 - c0)) ms, once the lock (1.2 s left) was released"
stop_quizd
[ "$rc" -eq 0 ] || fail "create: quizd exited $rc"

echo "1 passed, 0 failed"
