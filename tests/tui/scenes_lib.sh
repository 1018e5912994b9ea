# Shared by the scene drivers without a server (scenes.sh, pscenes.sh):
# sourced after the script has set `bin` (the scene program, quiz-scenes or
# quiz-pscenes) and `sock` (its own tmux server). Starts that server with
# an 80x24 session; the script draws scenes with scene_show and checks
# them with has, hasnt, line and fits. tmux missing is a SKIP (exit 77).

command -v tmux >/dev/null || { echo "SKIP: tmux not installed"; exit 77; }
T() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'T kill-server 2>/dev/null || true' EXIT
locale_dir="$(dirname "$(dirname "$bin")")/locale"
skipped=()
n=0
T new-session -d -s s -x 80 -y 24 'sleep 600'
T set -g status off

# scene_show LANGUAGE ENV ARG...: draws `$bin ARG...` in window 1 (a fresh
# one) with LANGUAGE ("" for English) and the extra environment ENV (after
# the defaults, so NO_COLOR=1 overrides NO_COLOR=)
cur=""
scene_show() {
  local lang=$1 env=$2
  shift 2
  T kill-window -t s:1 2>/dev/null || true
  T new-window -d -t s:1 "env LANG=C.UTF-8 LC_ALL= LANGUAGE=$lang NO_COLOR= $env QUIZ_LOCALEDIR=$locale_dir $bin $*; sleep 600"
  T resize-window -t s:1 -x 80 -y 24 2>/dev/null || true
  cur="$* ${lang:-en}"
  n=$((n + 1))
}
cap() { T capture-pane -p -t s:1 2>/dev/null || true; }
fail() { echo "FAIL ($cur): $*"; cap; exit 1; }
# has TEXT...: each fixed string is on the screen (waits up to 3 s)
has() {
  local s i
  for s in "$@"; do
    for ((i = 0; i < 30; i++)); do
      cap | grep -qF -- "$s" && break
      sleep 0.1
    done
    cap | grep -qF -- "$s" || fail "'$s' not shown"
  done
}
# hasnt TEXT: the fixed string is not on the screen
hasnt() { cap | grep -qF -- "$1" && fail "'$1' shown" || true; }
# line REGEX: a line of the screen matches (waits up to 3 s)
line() {
  local i
  for ((i = 0; i < 30; i++)); do
    cap | grep -qE -- "$1" && return 0
    sleep 0.1
  done
  fail "no line matches /$1/"
}
# scene_fits: no line wider than 80 columns, at most 24 rows
scene_fits() {
  local w
  w=$(cap | LC_ALL=C.UTF-8 wc -L)
  [ "$w" -le 80 ] || fail "a line is $w columns wide"
  [ "$(cap | wc -l)" -le 24 ] || fail "more than 24 rows"
}
