#!/usr/bin/env bash
# The contestant's papercuts of issue 12, end to end at 80x24: a real quizd
# on an ephemeral port with a temporary database, clients in a tmux server
# of our own, Bob through a TCP relay (proxy.py) that is killed to drop his
# connection. Each step fails on the client as it was before the fix:
#   names   an 11-character Chinese nickname is refused in characters
#           ("is 11 characters (33 bytes) ... 10 Chinese characters"), not
#           "1-32 bytes"; a team of 13 Chinese characters is taken;
#   no server   "Cannot reach 127.0.0.1:PORT" with the failed tries
#           counted, not "reconnecting"; q prints the same and exits 1;
#   wrong code  one line "quiz: no room ZZZZ-ZZZZ on ..." and exit 1, for
#           quiz join and quiz screen, instead of a screen that keeps going;
#   host back   the host quits while question 1 is open with 张三's answer
#           in, and comes back with --resume: "Answered 1 / 2" and "Waiting
#           for 1: Bob" at once, not 0 until the next answer;
#   resend  Bob answers while his connection is down (the answer is not
#           sent); back online it goes again and is received, and no stale
#           "Not connected: the answer was not sent" stays on his screen;
#   end early   ten headless contestants (quiz-bench) answer question 1
#           right and fast; the host ends the match during question 2 (no
#           reveal, no Result of it): 张三 and Bob, outside the final top
#           ten, read their rank on the final screen.
#
# tmux or python3 missing is a SKIP (exit 77), never a pass.
#
# Usage: contestant.sh QUIZD QUIZ BANK_DIR QUIZ_BENCH
set -euo pipefail
quizd=$1 quiz=$2 bank=$3 bench=$4
command -v tmux >/dev/null || { echo "SKIP: tmux not installed"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 not installed (the relay)"; exit 77; }

tmp=$(mktemp -d)
sock="quiz-tui-contestant-$$-$RANDOM"
qpid="" ppid="" bpid=""
here=$(cd "$(dirname "$0")" && pwd)
cleanup() {
  T kill-server 2>/dev/null || true
  [ -n "$ppid" ] && kill "$ppid" 2>/dev/null || true
  [ -n "$bpid" ] && kill "$bpid" 2>/dev/null || true
  [ -n "$qpid" ] && kill "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

names=(host 张三 Bob misc)
. "$here/lib.sh"
start=$SECONDS

# --- names: the limits said in characters, before any connection --------
out=$("$quiz" join 127.0.0.1:1 ABCD-EFGH --name 机关党委第一党支部张三 2>&1) && fail "an 11-character nickname was taken"
grep -qF "the nickname 机关党委第一党支部张三 is 11 characters (33 bytes)" <<<"$out" || fail "nickname error: $out"
grep -qF "10 Chinese characters" <<<"$out" || fail "nickname error: $out"
grep -qF "1-32 bytes" <<<"$out" && fail "nickname error in bytes: $out"
out=$("$quiz" join 127.0.0.1:1 ABCD-EFGH 2>&1) && fail "no --name was taken"
grep -qF "at most 10 Chinese characters or 32 letters" <<<"$out" || fail "missing --name: $out"
out=$("$quiz" join 127.0.0.1:1 ABCD-EFGH --name 张三 --team 机关党委第一党支部第二党小组机关党委第一党支部 2>&1) && fail "a 23-character team was taken"
grep -qF "is 23 characters (69 bytes)" <<<"$out" || fail "team error: $out"
grep -qF "21 Chinese characters" <<<"$out" || fail "team error: $out"
echo "names: the limits are said in characters"

T new-session -d -s m -x 80 -y 24 'sleep 600'
T set -g status off
T set -g default-terminal screen-256color
run() { # WINDOW COMMAND...: start a client in a (new) window
  local w=$1
  shift
  T kill-window -t "m:$w" 2>/dev/null || true
  T new-window -d -t "m:$w" "env LANG=C.UTF-8 LC_ALL= LANGUAGE= NO_COLOR= $(printf '%q ' "$@") 2>&1; echo \"quiz exited \$?\"; sleep 600"
}

# --- no server: a port nobody listens on ---------------------------------
free=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run 4 "$quiz" join "127.0.0.1:$free" ABCD-EFGH --name 张三 --team 机关党委第一党支部第二党小组
wait_for 4 "Cannot reach 127.0.0.1:$free" 5
wait_re 4 "[2-9] tries failed \(connection refused\)" 10
wait_re 4 "Cannot reach 127\.0\.0\.1:$free: try [0-9]+ failed" 3
not_shown 4 "reconnecting"
not_shown 4 "Reconnecting"
T send-keys -t m:4 q
wait_re 4 "^quiz: cannot reach 127\.0\.0\.1:$free \([0-9]+ tries failed: connection refused\)" 5
wait_for 4 "quiz exited 1" 3
echo "no server: 'Cannot reach', the tries counted, exit 1"

"$quizd" --listen 127.0.0.1:0 --db "$tmp/quiz.db" --bank "$bank" \
  --port-file "$tmp/port" --log-level info 2>"$tmp/quizd.log" &
qpid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || fail "quizd did not start"
addr="127.0.0.1:$(cat "$tmp/port")"
relay() { # LISTEN_PORT: (re)start the TCP relay in front of quizd
  rm -f "$tmp/pport"
  python3 "$here/proxy.py" "$1" "$(cat "$tmp/port")" "$tmp/pport" &
  ppid=$!
  for _ in $(seq 50); do [ -s "$tmp/pport" ] && return 0; sleep 0.1; done
  fail "relay did not start"
}
relay 0
relayed="127.0.0.1:$(cat "$tmp/pport")"

# --- a wrong room code: one line, exit 1 ---------------------------------
for mode in join screen; do
  if [ "$mode" = join ]; then
    run 4 "$quiz" join "$addr" ZZZZ-ZZZZ --name 张三
  else
    run 4 "$quiz" screen "$addr" ZZZZ-ZZZZ
  fi
  wait_for 4 "quiz exited 1" 5
  [ "$(cap 4 | grep -c '^quiz:')" = 1 ] || fail "quiz $mode with a wrong code: not one line"
  wait_for 4 "quiz: no room ZZZZ-ZZZZ on $addr: check the code the host shows" 1
done
echo "wrong code: one line, exit 1 (join and screen)"

# --- a match: the host's catch-up, a resend, an early end ----------------
run 1 "$quiz" host "$addr" --questions 2 --time-limit-ms 60000 --seed 7 --title 小毛病
wait_for 1 "quiz join $addr" 10
code=$(cap 1 | grep -oE "quiz join $addr [0-9A-Z]{4}-[0-9A-Z]{4}" | awk '{print $4}')
[ -n "$code" ] || fail "no room code on the host screen"
run 2 "$quiz" join "$addr" "$code" --name 张三 --team 机关党委第一党支部第二党小组
run 3 "$quiz" join "$relayed" "$code" --name Bob
wait_for 2 "You are 张三 of 机关党委第一党支部第二党小组"
wait_for 3 "You are Bob"
# ten quick and right headless contestants: 张三 and Bob end outside the
# top ten of the final standings
"$bench" --connect "$addr" --code "$code" --players 10 --bank "$bank" \
  --accuracy 1 --think-ms 100-200 --timeout-s 120 >"$tmp/bench.json" 2>"$tmp/bench.err" &
bpid=$!
wait_for 1 "Players in the room: 12" 10
T send-keys -t m:1 s
wait_for 2 "s left" 10
wait_for 3 "s left" 3
wait_for 1 "Answered 10 / 12" 10
T send-keys -t m:2 a
wait_for 2 "Answer received" 5
wait_for 1 "Answered 11 / 12" 5
wait_re 1 "Waiting for 1: +Bob" 3

# the host leaves and comes back: the count and the list at once
T send-keys -t m:1 q
wait_for 1 "Quit? y yes, n no" 3
T send-keys -t m:1 y
wait_for 1 "quiz exited 0" 5
run 1 "$quiz" host "$addr" --resume "$code"
wait_for 1 "s start  n next  p pause/resume" 5
wait_for 1 "Answered 11 / 12" 2
wait_re 1 "Waiting for 1: +Bob" 1
echo "host back: 'Answered 11 / 12' and 'Waiting for 1: Bob' at once"

# Bob answers while his connection is down; back online it is sent again
kill "$ppid"; wait "$ppid" 2>/dev/null || true; ppid=""
wait_for 3 "Reconnecting…" 5
T send-keys -t m:3 b
# locked, not sent ("Not connected: the answer was not sent" waits under
# "Reconnecting…" on the status line)
wait_for 3 "Locked in. Sending…" 3
relay "${relayed##*:}"
wait_for 3 "Answer received" 15
wait_for 3 "Bob · Q 1/2 · online" 3
not_shown 3 "the answer was not sent"
wait_for 1 "Answered 12 / 12" 5
echo "resend: the answer received, no stale 'not sent'"

# question 2, which the host ends while it is open: no reveal, no Result
# of it; 张三 and Bob, outside the final top ten, still read their rank
T send-keys -t m:1 n
wait_for 2 "Time " 10
T send-keys -t m:1 n
wait_for 2 "Leaderboard after question 1 of 2" 10
T send-keys -t m:1 n
wait_for 2 "Question 2 of 2" 10
wait_for 2 "s left" 10
T send-keys -t m:1 e
wait_for 1 "End the match for everyone? y yes, n no" 3
T send-keys -t m:1 y
wait_for 2 "Final results" 10
wait_for 3 "Final results" 5
not_shown 2 "张三 ["
wait_re 2 "You: rank 1[12] of 12, [0-9]+ points" 3
wait_re 3 "You: rank 1[12] of 12, [0-9]+ points" 3
echo "end early: each contestant reads their rank, outside the top ten too"
wait "$bpid" 2>/dev/null || true; bpid=""

quit_all 1 2 3
for w in 1 2 3; do wait_for "$w" "quiz exited 0" 5; done
echo "tui contestant: passed in $((SECONDS - start)) s"
