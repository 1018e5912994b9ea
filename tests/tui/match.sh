#!/usr/bin/env bash
# TUI end to end: a real quizd on an ephemeral port with a temporary
# database, and in a tmux server of our own a host window, two contestant
# windows (张三 at 100x30, Bob at 80x24) and a projector screen. They play a
# 3-question match (seed 7 of the bundled bank) with keys sent by tmux, and
# every step asserts what the screens show: the question stems, the
# countdown, the points after the reveal, the leaderboard order and the
# final podium, a resize in the middle of a question, and the terminal
# given back on quit. Bob goes through a TCP relay (proxy.py) that is killed
# and restarted after the first question: his screen must show
# "Reconnecting…" and come back on the same seat with the same score.
# Waits are bounded polls of capture-pane.
#
# A missing tool is a SKIP (exit 77), never a pass: tmux skips it all;
# python3 (the relay) or gettext (the zh_CN part) missing runs the rest and
# then exits 77 naming the part not run.
#
# Usage: match.sh QUIZD QUIZ BANK_DIR
set -euo pipefail
quizd=$1 quiz=$2 bank=$3
command -v tmux >/dev/null || { echo "SKIP: tmux not installed"; exit 77; }
skipped=() # parts not run for a missing tool: the test ends with exit 77

tmp=$(mktemp -d)
sock="quiz-tui-$$-$RANDOM"
qpid=""
ppid=""
here=$(cd "$(dirname "$0")" && pwd)
cleanup() {
  T kill-server 2>/dev/null || true
  [ -n "$ppid" ] && kill "$ppid" 2>/dev/null && wait "$ppid" 2>/dev/null || true
  [ -n "$qpid" ] && kill "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

names=(host 张三 Bob screen zh Carol)
. "$here/lib.sh"
# row number of the first line of a window that shows TEXT
row_of() { cap "$1" | grep -nF -- "$2" | head -n 1 | cut -d: -f1; }
# above WINDOW A B: A is shown on a row above B (retried for 3 s)
above() {
  local i r1 r2
  for ((i = 0; i < 30; i++)); do
    r1=$(row_of "$1" "$2")
    r2=$(row_of "$1" "$3")
    [ -n "$r1" ] && [ -n "$r2" ] && [ "$r1" -lt "$r2" ] && return 0
    sleep 0.1
  done
  return 1
}
start=$SECONDS

"$quizd" --listen 127.0.0.1:0 --db "$tmp/quiz.db" --bank "$bank" \
  --port-file "$tmp/port" --log-level info 2>"$tmp/quizd.log" &
qpid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || fail "quizd did not start"
addr="127.0.0.1:$(cat "$tmp/port")"
# relay LISTEN_PORT: (re)start the TCP relay in front of quizd
relay() {
  rm -f "$tmp/pport"
  python3 "$here/proxy.py" "$1" "$(cat "$tmp/port")" "$tmp/pport" &
  ppid=$!
  for _ in $(seq 50); do [ -s "$tmp/pport" ] && return 0; sleep 0.1; done
  fail "relay did not start"
}
relayed=""
if command -v python3 >/dev/null; then
  relay 0
  relayed="127.0.0.1:$(cat "$tmp/pport")"
else
  skipped+=("python3 not installed: the reconnect through the relay was not run")
fi

# window 0 idles; each client runs in a window of its own and says how it
# exited, on the normal screen, once the UI has given the terminal back
T new-session -d -s m -x 100 -y 30 'sleep 600'
T set -g status off
T set -g default-terminal screen-256color
run() { # WINDOW COMMAND...: start a client in a new window
  local w=$1
  shift
  T new-window -d -t "m:$w" "env LANG=C.UTF-8 LC_ALL= LANGUAGE= NO_COLOR= $(printf '%q ' "$@"); echo \"quiz exited \$?\"; sleep 600"
}

run 1 "$quiz" host "$addr" --questions 3 --time 5 --seed 7 --title "支部知识赛 Branch contest"
wait_for 1 "quiz join $addr" 10
code=$(cap 1 | grep -oE "quiz join $addr [0-9A-Z]{4}-[0-9A-Z]{4}" | awk '{print $4}')
[ -n "$code" ] || fail "no room code on the host screen"
echo "room $code on $addr"
# the code is drawn large too: 5 rows of block characters
[ "$(cap 1 | grep -c '██')" -ge 5 ] || fail "room code not drawn in big letters"
wait_for 1 "s start  n next  p pause/resume  k skip  x kick  e end  q quit"

run 2 "$quiz" join "$addr" "$code" --name 张三 --team 一支部
# Bob types the code as people do: lower case, no hyphen
run 3 "$quiz" join "${relayed:-$addr}" "$(tr -d - <<<"$code" | tr A-Z a-z)" --name Bob
T resize-window -t m:3 -x 80 -y 24
run 4 "$quiz" screen "$addr" "$code"
wait_for 2 "You are 张三"
wait_for 3 "You are Bob"
wait_for 1 "Players in the room: 2"
# the host's status line says what is going on and what comes next
wait_for 1 "Lobby: 2 in the room. s starts the match." 3
wait_for 2 "一支部"
wait_for 4 "Room code"
# --- the roster: names and teams on the host console and the projector;
# a third contestant is kicked from it with the arrows and Enter (y/n)
wait_for 1 "张三 · 一支部" 3
wait_for 4 "张三 · 一支部" 3
wait_re 1 "(^| )Bob( |$)" 3
run 6 "$quiz" join "$addr" "$code" --name Carol
wait_for 6 "You are Carol"
wait_for 1 "Players in the room: 3" 5
wait_re 1 "(^| )Carol( |$)" 3
T send-keys -t m:1 x
wait_for 1 "Kick whom? (3 in the room)" 3
# the newest is picked first; up moves to Bob, down back to Carol
T send-keys -t m:1 Up
wait_re 1 "> +Bob" 3
T send-keys -t m:1 Down
wait_re 1 "> +Carol" 3
T send-keys -t m:1 Enter
wait_for 1 "Kick Carol out of the match? y yes, n no" 3
T send-keys -t m:1 y
wait_for 6 "You were removed from the room." 5
wait_for 1 "Players in the room: 2" 5
not_shown 4 "Carol"
echo "roster: names and teams shown; Carol kicked from the picker"
[ "$(T display -p -t m:3 '#{window_width}x#{window_height}')" = 80x24 ] \
  || fail "Bob's window is not 80x24"

# --- question 1 (true/false): 张三 right, Bob wrong; 张三's window is
# resized while the question is open
T send-keys -t m:1 s
wait_for 2 "Question 1 of 3 starts in" 5
stem1="党员干部必须增强自我净化、自我完善、自我革新、自我提高能力。"
for w in 2 3 4 1; do wait_for "$w" "$stem1" 8; done
wait_for 2 "s left"
wait_for 1 "Answered 0 / 2"
T resize-window -t m:2 -x 90 -y 26
sleep 0.3
wait_for 2 "$stem1" 3
wait_for 2 "B 错误" 3
[ "$(T display -p -t m:2 '#{window_width}x#{window_height}')" = 90x26 ] \
  || fail "张三's window was not resized"
cap 2 | sed -n 26p | grep -qF "q quit" || fail "key line not on the last row (26) after the resize"
head1=$(cap 2 | head -n 1)
case "$head1" in *"Q 1/3 · online"*) ;; *) fail "header after resize: '$head1'" ;; esac
# the header's right edge follows the new width (display columns, CJK 2)
hw=$(printf '%s\n' "$head1" | LC_ALL=C.UTF-8 wc -L)
[ "$hw" -eq 89 ] || fail "header is $hw columns wide after the resize, want 89"
right=$(letter_of 2 "正确")
wrong=$(letter_of 2 "错误")
[ -n "$right" ] && [ -n "$wrong" ] || fail "true/false options not found"
# the host has the answer before the reveal (AnswerKey); no contestant does
wait_for 1 "Answer key: $right 正确" 3
not_shown 2 "Answer key"
not_shown 4 "Answer key"
T send-keys -t m:2 "$right"
T send-keys -t m:3 "$wrong"
wait_for 2 "Answer received in" 3
wait_for 3 "Answer received in" 3
wait_for 1 "Answered 2 / 2" 3
wait_re 1 "Question 1 of 3 (open: 2 answered|: the answer is shown)" 3
wait_re 2 "Correct! \+[0-9]+ points" 10
wait_for 3 "Wrong: 0 points" 3
pts1=$(cap 2 | grep -oE 'Correct! \+[0-9]+' | grep -oE '[0-9]+')
[ "$pts1" -gt 500 ] && [ "$pts1" -le 1000 ] || fail "张三's points $pts1 not in (500, 1000]"
wait_for 2 "rank 1 of 2 · total $pts1"
wait_for 3 "rank 2 of 2 · total 0"
wait_for 2 "Explanation:"
wait_for 1 "✓ $right"
wait_for 4 "✓ $right"

# --- leaderboard: 张三 above Bob
T send-keys -t m:1 n
wait_for 2 "Leaderboard after question 1 of 3" 5
wait_for 3 "Leaderboard after question 1 of 3" 5
above 3 "1. 张三 [一支部]" "2. Bob" || fail "leaderboard order on Bob's screen"
wait_for 3 "You: rank 2 of 2, 0 points"
wait_re 3 "1\. 张三 .* $pts1\$" 3

# --- Bob's connection drops: "Reconnecting…", then the same seat and score
if [ -n "$relayed" ]; then
  kill "$ppid"; wait "$ppid" 2>/dev/null || true; ppid=""
  wait_for 3 "Reconnecting…" 5
  wait_for 3 "reconnecting" 1
  sleep 1 # a retry or two fails while the relay is down
  relay "${relayed##*:}"
  wait_for 3 "Bob · Q 1/3 · online" 12
  echo "Bob reconnected through the relay"
fi

# --- question 2 (fill-in, typed CJK): 张三 right, Bob wrong
T send-keys -t m:1 n
stem2="民主集中制既是党的根本组织原则，也是____在党的生活中的运用。"
wait_for 2 "$stem2" 8
wait_for 3 "$stem2" 3
wait_for 2 "Your answer: _"
T send-keys -t m:2 -l "群众路线"
T send-keys -t m:3 -l "xyzw"
T send-keys -t m:3 BSpace
wait_for 2 "Your answer: 群众路线_" 3
wait_for 3 "Your answer: xyz_" 3
T send-keys -t m:2 Enter
T send-keys -t m:3 Enter
wait_for 2 "Answer received in" 3
wait_for 2 "Correct answer: 群众路线" 10
wait_re 2 "Correct! \+[0-9]+ points"
wait_for 3 "Wrong: 0 points"
wait_for 1 "Right: 1  Wrong: 1"
pts2=$(cap 2 | grep -oE 'Correct! \+[0-9]+' | grep -oE '[0-9]+')
tot2=$((pts1 + pts2))
wait_for 2 "total $tot2"

# --- question 3 (single choice, on the 80x24 screen too): both right
T send-keys -t m:1 n
wait_for 2 "Leaderboard after question 2 of 3" 5
T send-keys -t m:1 n
stem3="习近平总书记强调党员干部要做到“四有”"
wait_for 3 "$stem3" 8
wait_for 2 "$stem3" 3
ans3=$(letter_of 3 "心中有戒")
[ -n "$ans3" ] || fail "option 心中有戒 not on Bob's screen"
T send-keys -t m:2 "$ans3"
T send-keys -t m:3 "$ans3"
wait_re 3 "Correct! \+[0-9]+ points" 10
wait_re 2 "Correct! \+[0-9]+ points" 3
pts3b=$(cap 3 | grep -oE 'Correct! \+[0-9]+' | grep -oE '[0-9]+')

# --- the end: podium on every screen, ranks for the contestants
T send-keys -t m:1 n
for w in 1 2 3 4; do wait_for "$w" "Final results" 5; done
wait_for 2 "You: rank 1 of 2"
wait_for 3 "You: rank 2 of 2, $pts3b points"
above 4 "张三" "Bob" || fail "podium: the winner is not above the second"

# --- translations: the zh_CN catalogue is used when the language asks for
# it (LANGUAGE works over C.UTF-8, so no zh_CN locale needs installing)
mo="$(dirname "$quiz")/locale/zh_CN/LC_MESSAGES/quiz.mo"
if [ -f "$mo" ] && command -v gettext >/dev/null; then
  want=$(TEXTDOMAINDIR="$(dirname "$quiz")/locale" LANGUAGE=zh_CN LC_ALL=C.UTF-8 gettext quiz "q quit")
  if [ "$want" != "q quit" ]; then
    T new-window -d -t m:5 "env LANG=C.UTF-8 LC_ALL= LANGUAGE=zh_CN $(printf '%q ' "$quiz" screen "$addr" "$code"); sleep 600"
    wait_for 5 "$want" 5
    echo "zh_CN: '$want' shown"
  else
    skipped+=("zh_CN: the catalogue has no translation of 'q quit'")
  fi
elif ! command -v gettext >/dev/null; then
  skipped+=("gettext not installed: the zh_CN part was not run")
else
  skipped+=("zh_CN: no catalogue built ($mo): the zh_CN part was not run")
fi

# --- quit everywhere: each client gives the terminal back and exits 0
quit_all 1 2 3 4
for w in 1 2 3 4; do wait_for "$w" "quiz exited 0" 5; done
cap 1 | grep -q "quiz: room $code" || fail "host did not print the room after quitting"
cap 2 | grep -q "Final results" && fail "张三's terminal still shows the UI after quitting"

echo "tui match: 3 questions, scores $tot2+$pts3b / $pts3b, in $((SECONDS - start)) s"
if [ "${#skipped[@]}" -gt 0 ]; then
  for s in "${skipped[@]}"; do echo "SKIP: $s"; done
  exit 77
fi
echo "1 passed, 0 failed"
