#!/usr/bin/env bash
# Integration: quizd against clients that hold its resources (issue 7,
# "Slowloris" and "Partial frames pin memory"). Each check fails on a quizd
# without the guard it names.
#  1. small timeouts: a silent peer, a partial frame and a peer that never
#     answers Pings each get Error TIMEOUT and are closed in time; a 2 KiB
#     frame before Hello gets BAD_FRAME; a Ping flood is closed with
#     RATE_LIMITED; the per-address cap answers the excess with SERVER_FULL;
#     escape sequences in Hello.client never reach the log.
#  2. a hall of 600 from one address is welcome under the default caps;
#     memory: 500 peers each holding a 60 KiB frame one byte short leave
#     quizd's RSS growth under the input budget (--max-input-mib 8) plus
#     slack; the peers past the budget get SERVER_FULL.
#  3. the fd limit: under `ulimit -n 64`, max-conns is derived from it and
#     every peer past it gets SERVER_FULL, never a bare close; with an
#     explicit --max-conns above the limit, peers refused at the limit
#     itself (EMFILE) still get SERVER_FULL.
#  4. a client reconnecting in a loop: past its address's burst of new
#     connections the rest are refused RATE_LIMITED.
# Times have a wide margin (a loaded 2-core machine); the whole runs ~20 s.
set -euo pipefail
quizd=$1 hostile=$2 bank=$3
tmp=$(mktemp -d)
qpid=""
cleanup() {
  [ -n "$qpid" ] && kill "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- quizd log"; tail -n 30 "$tmp/quizd.log" || true; exit 1; }

# start_quizd FDLIMIT ARGS...: starts quizd (FDLIMIT "-" for none), sets port
start_quizd() {
  local lim=$1; shift
  rm -f "$tmp/port"
  if [ "$lim" = - ]; then
    "$quizd" --listen 127.0.0.1:0 --db "$tmp/quiz.db" --bank "$bank" \
      --port-file "$tmp/port" "$@" 2>"$tmp/quizd.log" &
  else
    (ulimit -n "$lim"; exec "$quizd" --listen 127.0.0.1:0 --db "$tmp/quiz.db" \
      --bank "$bank" --port-file "$tmp/port" "$@" 2>"$tmp/quizd.log") &
  fi
  qpid=$!
  for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
  [ -s "$tmp/port" ] || fail "quizd did not start"
  port=$(cat "$tmp/port")
}
stop_quizd() { # quizd must stop cleanly (and, under sanitizers, quietly)
  local rc=0
  kill "$qpid"; wait "$qpid" || rc=$?
  qpid=""
  [ "$rc" -eq 0 ] || fail "quizd exited $rc"
  if grep -q "runtime error\|AddressSanitizer\|LeakSanitizer" "$tmp/quizd.log"; then
    fail "sanitizer report"
  fi
}
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$qpid/status"; }

# --- 1. timeouts, frame size before Hello, flood, per-address cap, log
start_quizd - --hello-timeout-ms 500 --frame-timeout-ms 500 \
  --ping-timeout-ms 300 --max-conns-per-addr 20 --log-level debug
check_mode() { # MODE PATTERN MAX_MS
  local out ms
  out=$("$hostile" "$port" "$1") || fail "$1: $out"
  echo "$out"
  grep -q "$2" <<<"$out" || fail "$1: expected '$2'"
  ms=$(sed -n 's/.* after \([0-9]*\) ms.*/\1/p' <<<"$out")
  [ -n "$ms" ] && [ "$ms" -le "$3" ] || fail "$1: closed after ${ms:-?} ms, bound $3"
}
check_mode idle "error TIMEOUT (no Hello in time), closed" 2500
check_mode partial "error TIMEOUT (frame not completed in time), closed" 2500
check_mode nopong "error TIMEOUT (pings unanswered), closed" 4000
check_mode bigprehello "error BAD_FRAME" 2000
check_mode pingflood "closed (RATE_LIMITED)" 5000
out=$("$hostile" "$port" peruser 25) || fail "peruser: $out"
echo "$out"
grep -q "welcome=20 full=5 bare=0" <<<"$out" || fail "per-address cap 20: $out"
"$hostile" "$port" escclient || fail "escclient not welcomed"
grep -q "hello from 'evil\\\\x1b]0;pwned" "$tmp/quizd.log" || fail "Hello.client not logged escaped"
if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$tmp/quizd.log"; then
  fail "control characters from Hello.client reached the log"
fi
"$hostile" "$port" noread || fail "noread client not dropped"
stop_quizd

# --- 2. memory held by partial frames stays under the input budget
start_quizd - --max-input-mib 8 --conn-rate-per-addr 0
# (the default per-address cap lets a hall of 500, and more, share one NAT)
out=$("$hostile" "$port" peruser 600) || fail "hall of 600 behind one address: $out"
echo "$out"
grep -q "welcome=600 full=0" <<<"$out" || fail "a hall of 600 on one address refused: $out"
before=$(rss_kib)
"$hostile" "$port" memhold 500 61440 3 >"$tmp/memhold.out" &
hpid=$!
for _ in $(seq 300); do grep -q ready "$tmp/memhold.out" && break; sleep 0.1; done
grep -q ready "$tmp/memhold.out" || fail "memhold did not get ready"
after=$(rss_kib)
wait "$hpid" || fail "memhold failed"
cat "$tmp/memhold.out"
growth=$(( (after - before) / 1024 ))
echo "RSS $((before / 1024)) MiB -> $((after / 1024)) MiB (+$growth MiB) holding 500 x 60 KiB partial frames, budget 8 MiB"
[ "$growth" -lt 16 ] || fail "RSS grew by $growth MiB, bound 16 MiB (8 MiB budget + slack)"
grep -Eq "held=[1-9][0-9]* full=[1-9]" "$tmp/memhold.out" || fail "expected some peers held and the rest refused SERVER_FULL"
stop_quizd

# --- 3. at the fd limit: SERVER_FULL, never a bare close
start_quizd 64 --conn-rate-per-addr 0
grep -q "fd limit 64: max-conns 32" "$tmp/quizd.log" || fail "max-conns not derived from the fd limit"
out=$("$hostile" "$port" peruser 100) || fail "fd limit (derived max-conns): $out"
echo "$out"
grep -q "full=[1-9]" <<<"$out" || fail "no SERVER_FULL past max-conns: $out"
stop_quizd
start_quizd 64 --max-conns 1000 --conn-rate-per-addr 0
out=$("$hostile" "$port" peruser 100) || fail "fd limit (EMFILE): $out"
echo "$out"
grep -q "full=[1-9]" <<<"$out" || fail "no SERVER_FULL at the fd limit: $out"
grep -q "out of file descriptors" "$tmp/quizd.log" || fail "the fd limit was not reached"
stop_quizd

# --- 4. a client reconnecting in a loop spends its address's budget of new
# connections (5 a second after a burst of 100 here): the rest are refused
# RATE_LIMITED at once, before any session exists
start_quizd - --conn-rate-per-addr 5
out=$("$hostile" "$port" connrate 300) || fail "connrate: $out"
echo "$out"
welcome=$(sed -n 's/.*welcome=\([0-9]*\).*/\1/p' <<<"$out")
limited=$(sed -n 's/.*ratelimited=\([0-9]*\).*/\1/p' <<<"$out")
[ "$welcome" -ge 100 ] || fail "the burst of 100 was not allowed: $out"
[ "$welcome" -le 150 ] || fail "more than the burst and the refill got in: $out"
[ "$limited" -ge 150 ] || fail "a reconnecting client was not rate-limited: $out"
stop_quizd
echo "hostile_net: all passed"
