#!/usr/bin/env bash
# `quizd audit verify` and `quizd audit show` (issue 10) on a real
# database. quiz-bench plays a match (6 contestants in 2 teams, 3
# questions); a second match is cut by kill -9 and rebuilt by the next
# quizd (a recover event), then stopped (interrupted). Then:
#   - verify --all passes both and prints each chain head, equal to the
#     last events.hash;
#   - one event changed (choice_mask): exit 1, naming its seq;
#   - the same change with every later hash recomputed (anyone with write
#     access can): the chain passes, the replay names the answer;
#   - rows without a hash (stored before v5) then a chain: ok, "no chain
#     before seq N"; a hash erased inside the chain: exit 1;
#   - one booking's delta changed: exit 1, naming q and player;
#   - an event deleted: exit 1, naming the missing seq;
#   - show prints every event, the nicknames, "answered" with response
#     times and compensation, and the restart;
#   - usage errors and a missing database or match exit 2.
set -euo pipefail
quizd=$1 bench=$2 bank=$3
for t in sqlite3 python3; do command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }; done
tmp=$(mktemp -d)
qpid="" bpid=""
cleanup() {
  [ -n "$bpid" ] && kill "$bpid" 2>/dev/null || true
  [ -n "$qpid" ] && kill -9 "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- quizd log"; tail -n 30 "$tmp/quizd.log" || true; exit 1; }
db=$tmp/quiz.db

start_quizd() {
  rm -f "$tmp/port"
  "$quizd" --listen 127.0.0.1:0 --db "$db" --bank "$bank" --port-file "$tmp/port" \
    --log-level info 2>>"$tmp/quizd.log" &
  qpid=$!
  for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
  [ -s "$tmp/port" ] || fail "quizd did not start"
  port=$(cat "$tmp/port")
}

# ---- match 1: played to the end
start_quizd
"$bench" --connect "127.0.0.1:$port" --players 6 --teams 2 --questions 3 \
  --time-limit-ms 3000 --think-ms 100-600 --bank "$bank" --hurry \
  --timeout-s 60 >"$tmp/bench.json" 2>"$tmp/bench.err" || { cat "$tmp/bench.err"; fail "quiz-bench failed"; }

# ---- match 2: quizd killed mid-match, rebuilt by the next start
"$bench" --connect "127.0.0.1:$port" --players 3 --questions 3 \
  --time-limit-ms 3000 --think-ms 100-600 --bank "$bank" \
  --timeout-s 60 >/dev/null 2>&1 &
bpid=$!
# cut after q0 was booked and an answer to q1 was logged
for _ in $(seq 200); do
  [ "$(sqlite3 "$db" "select count(*) from events where match_id = 2 and kind = 'answer' and q = 1" 2>/dev/null)" -ge 1 ] 2>/dev/null && break
  sleep 0.1
done
[ "$(sqlite3 "$db" "select count(*) from bookings where match_id = 2 and q = 0")" -gt 0 ] || fail "match 2: q0 not booked before the kill"
kill -9 "$qpid"; wait "$qpid" 2>/dev/null || true
kill "$bpid" 2>/dev/null || true; wait "$bpid" 2>/dev/null || true
bpid=""
start_quizd
grep -q "1 match(es) rebuilt" "$tmp/quizd.log" || fail "match 2 was not rebuilt"
kill -TERM "$qpid"; wait "$qpid" || fail "quizd exited non-zero on SIGTERM"
qpid=""
[ "$(sqlite3 "$db" "select count(*) from events where match_id = 2 and kind = 'recover'")" = 1 ] \
  || fail "no recover event in match 2"
[ "$(sqlite3 "$db" "select count(*) from bookings where match_id = 1")" -gt 0 ] || fail "match 1 has no bookings"

# ---- verify: both pass, the head is the last link
"$quizd" audit verify --db "$db" --all >"$tmp/verify.out" || { cat "$tmp/verify.out"; fail "verify --all failed on an untouched database"; }
cat "$tmp/verify.out"
for m in 1 2; do
  head=$(sqlite3 "$db" "select hash from events where match_id = $m order by seq desc limit 1")
  [ ${#head} -eq 64 ] || fail "match $m: no hash on its last event"
  events=$(sqlite3 "$db" "select count(*) from events where match_id = $m")
  bookings=$(sqlite3 "$db" "select count(*) from bookings where match_id = $m")
  grep -qx "match $m: ok: $events events, chain head $head, $bookings bookings, 0 presses, .*" "$tmp/verify.out" \
    || fail "match $m: no ok line with $events events, head $head and $bookings bookings"
done
grep -q "^match 2: ok: .*, interrupted$" "$tmp/verify.out" || fail "match 2 not verified as interrupted"
"$quizd" audit verify --db "$db" 1 >/dev/null || fail "verify of match 1 alone failed"

# verify_fails DB PATTERN WHAT: exit status 1 and an output line matching
verify_fails() {
  local rc=0
  "$quizd" audit verify --db "$1" 1 >"$tmp/bad.out" 2>&1 || rc=$?
  [ "$rc" -eq 1 ] || { cat "$tmp/bad.out"; fail "$3: verify exited $rc, want 1"; }
  grep -Eq "$2" "$tmp/bad.out" || { cat "$tmp/bad.out"; fail "$3: no line matching '$2'"; }
  echo "$3: $(grep -E "$2" "$tmp/bad.out" | head -n 1)"
}

# ---- one event changed (another valid choice): the chain breaks at its seq
k=$(sqlite3 "$db" "select seq from events where match_id = 1 and kind = 'answer' and choice_mask > 0 order by seq limit 1 offset 1")
cp "$db" "$tmp/t1.db"
sqlite3 "$tmp/t1.db" "update events set choice_mask = case choice_mask when 1 then 2 else 1 end where match_id = 1 and seq = $k"
verify_fails "$tmp/t1.db" "^match 1: chain broken at seq $k \(answer\)" "event $k changed"

# ---- the same change, every later link recomputed (canonical encoding of
# docs/STORAGE.md): the chain holds, the replay disagrees with the rows
# rehash DB N: links of match 1 recomputed; rows up to seq N without a hash
# (as stored before schema v5: the chain starts from genesis after them)
rehash() {
python3 - "$1" "$2" <<'EOF2'
import hashlib, sqlite3, struct, sys
db = sqlite3.connect(sys.argv[1])
upto = int(sys.argv[2])
rows = db.execute("select seq, kind, at_us, player_id, q, choice_mask, one_way_us,"
                  " arg, arg2, nick, team, text from events where match_id = 1"
                  " order by seq").fetchall()
def opt(s):
    if s is None:
        return b"\0"
    b = s.encode()
    return b"\1" + struct.pack(">I", len(b)) + b
prev = bytes(32)
for seq, kind, at, pl, q, cm, ow, arg, arg2, nick, team, text in rows:
    if seq <= upto:
        db.execute("update events set hash = null where match_id = 1 and seq = ?", (seq,))
        continue
    k = kind.encode()
    enc = (b"quizd-event-v1\0" + struct.pack(">QQ", 1, seq) + struct.pack(">I", len(k)) + k
           + struct.pack(">qIIIqqq", at, pl, q, cm, ow, arg, arg2) + opt(nick) + opt(team) + opt(text))
    prev = hashlib.sha256(prev + enc).digest()
    db.execute("update events set hash = ? where match_id = 1 and seq = ?", (prev.hex(), seq))
db.commit()
EOF2
}
rehash "$tmp/t1.db" 0
verify_fails "$tmp/t1.db" "^match 1: answer q[0-9]+ player [0-9]+ \(bench-[0-9]+\): choice stored [0-9]+, replayed [12]$" "event $k changed, chain recomputed"
grep -q "chain broken" "$tmp/bad.out" && fail "the recomputed chain does not hold: the test's encoding differs from evhash"

# ---- one booking's delta changed
read -r bq bp < <(sqlite3 -separator ' ' "$db" "select q, player_id from bookings where match_id = 1 order by q desc, player_id limit 1")
cp "$db" "$tmp/t2.db"
sqlite3 "$tmp/t2.db" "update bookings set delta = delta + 7 where match_id = 1 and q = $bq and player_id = $bp"
verify_fails "$tmp/t2.db" "^match 1: booking q$bq player $bp \(bench-[0-9]+\): delta stored -?[0-9]+, replayed -?[0-9]+$" "booking q$bq player $bp changed"
grep -q "chain" "$tmp/bad.out" && fail "a booking change reported as a chain break"

# ---- rows stored before v5 (no hash), then a chain from genesis: ok, and
# the ok line says where the chain begins; a hash missing inside it fails
cp "$db" "$tmp/t4.db"
rehash "$tmp/t4.db" 5
"$quizd" audit verify --db "$tmp/t4.db" 1 >"$tmp/mixed.out" || { cat "$tmp/mixed.out"; fail "a chain begun after v4 rows does not verify"; }
grep -q "^match 1: ok: .* (no chain before seq 6), finished$" "$tmp/mixed.out" || { cat "$tmp/mixed.out"; fail "no 'no chain before seq 6'"; }
sqlite3 "$tmp/t4.db" "update events set hash = null where match_id = 1 and seq = 8"
verify_fails "$tmp/t4.db" "^match 1: chain: seq 8 has no hash \(the chain began at seq 6\)$" "hash of seq 8 erased"

# ---- an event deleted: a gap in seq
cp "$db" "$tmp/t3.db"
sqlite3 "$tmp/t3.db" "delete from events where match_id = 1 and seq = $k"
verify_fails "$tmp/t3.db" "^match 1: chain: seq $k missing" "event $k deleted"

# ---- show
"$quizd" audit show --db "$db" 1 >"$tmp/show.out" || fail "show exited non-zero"
events=$(sqlite3 "$db" "select count(*) from events where match_id = 1")
[ "$(grep -cE '^ +[0-9]+ +[0-9]+\.[0-9]{3}  ' "$tmp/show.out")" -eq "$events" ] \
  || { cat "$tmp/show.out"; fail "show: not one line per event ($events)"; }
for nick in $(sqlite3 "$db" "select nick from players where match_id = 1"); do
  grep -q "$nick: joined as player" "$tmp/show.out" || fail "show: no join of $nick"
done
grep -Eq "bench-[0-9]+: q[0-9]+: answered [A-H]+ in [0-9]+\.[0-9]{3} s \(comp [0-9]+\.[0-9]{3} ms\): (right|wrong)" "$tmp/show.out" \
  || { cat "$tmp/show.out"; fail "show: no answer with its response time and compensation"; }
grep -q "host: start" "$tmp/show.out" || fail "show: no host start"
grep -q "final board; finished" "$tmp/show.out" || fail "show: the finish is not shown"
sed -n '1,12p' "$tmp/show.out"
"$quizd" audit show --db "$db" 2 >"$tmp/show2.out" || fail "show of match 2 exited non-zero"
grep -Eq "recover +quizd: restarted and rebuilt -> paused \([0-9.]+ s left, recovered" "$tmp/show2.out" \
  || { cat "$tmp/show2.out"; fail "show: no recover line with the time left"; }
grep -A2 " recover " "$tmp/show2.out"

# ---- usage and I/O: exit 2
expect_rc() { local want=$1 rc=0; shift; "$quizd" audit "$@" >/dev/null 2>&1 || rc=$?; [ "$rc" -eq "$want" ] || fail "quizd audit $*: exit $rc, want $want"; }
expect_rc 0 --help
expect_rc 0 verify --help
expect_rc 2
expect_rc 2 verify --db "$db"
expect_rc 2 verify --db "$db" --all 1
expect_rc 2 verify 1
expect_rc 2 verify --db "$tmp/none.db" 1
[ ! -e "$tmp/none.db" ] || fail "verify created a missing database"
expect_rc 2 verify --db "$db" 99
expect_rc 2 verify --db "$db" x
expect_rc 2 show --db "$db"
expect_rc 2 show --db "$db" 99
expect_rc 2 frobnicate
"$quizd" --help | grep -q "quizd audit verify" || fail "quizd --help does not list audit"
echo "audit: verify and show pass, every tampering named"
