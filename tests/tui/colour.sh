#!/usr/bin/env bash
# The client draws in colour on a colour terminal and in monochrome when
# NO_COLOR is set (https://no-color.org) or the terminal has no colours:
# tmux shows the attributes of what was drawn (capture-pane -e).
set -euo pipefail
quizd=$1 quiz=$2 bank=$3
command -v tmux >/dev/null || { echo "SKIP: tmux not installed"; exit 77; }
tmp=$(mktemp -d)
sock="quiz-colour-$$"
qpid=""
cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null || true
  [ -n "$qpid" ] && kill "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$quizd" --listen 127.0.0.1:0 --db "$tmp/q.db" --bank "$bank" --port-file "$tmp/port" 2>"$tmp/quizd.log" &
qpid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
port=$(cat "$tmp/port")

# draws the host lobby in a window with TERM/NO_COLOR set, captures it with
# its escape sequences
capture() { # name, env assignments...
  local name=$1; shift
  tmux -L "$sock" -f /dev/null new-session -d -s "$name" -x 100 -y 30 \
    "env LANG=C.UTF-8 $* $quiz host 127.0.0.1:$port --questions 1 --title colour"
  for _ in $(seq 50); do
    tmux -L "$sock" capture-pane -p -t "$name" | grep -q "Room code" && break
    sleep 0.1
  done
  tmux -L "$sock" capture-pane -p -t "$name" | grep -q "Room code" || fail "$name: lobby not drawn"
  tmux -L "$sock" capture-pane -e -p -t "$name" >"$tmp/$name.txt"
}
# an SGR sequence that sets a foreground or background colour
has_colour() { grep -qP '\e\[[0-9;]*(3[0-7]|4[0-7]|38;5;[0-9]+|48;5;[0-9]+|9[0-7])(;[0-9;]*)?m' "$1"; }

# (no start-server: an empty tmux server exits at once, and a client racing
# it says "server exited unexpectedly"; new-session starts one itself)
capture colour TERM=xterm-256color
capture nocolour TERM=xterm-256color NO_COLOR=1
capture mono TERM=vt100

has_colour "$tmp/colour.txt" || fail "no colour drawn on a colour terminal"
has_colour "$tmp/nocolour.txt" && fail "colour drawn although NO_COLOR is set"
has_colour "$tmp/mono.txt" && fail "colour drawn on a monochrome terminal"
grep -q "Room code" "$tmp/mono.txt" || fail "monochrome screen lacks its text"
echo "colour: drawn on xterm-256color; none with NO_COLOR=1 or on vt100"
echo "1 passed, 0 failed"
