# Shared by the tmux end-to-end tests (match.sh, contest.sh, buzz.sh):
# sourced after the script has set `sock` (its own tmux server), `tmp` (its
# temporary directory, with quizd.log) and `names` (a name per window, 1..N).

# quiz keeps its seats in $XDG_STATE_HOME/quiz/seats: the test's own, never
# the user's (exported before the tmux server starts, so every window has it)
export XDG_STATE_HOME="$tmp/state"

# tmux on the test's own server, without the user's configuration
T() { tmux -L "$sock" -f /dev/null "$@"; }
# the text a window shows now
cap() { T capture-pane -p -t "m:$1" 2>/dev/null || true; }
# fail MESSAGE: prints every window and the end of quizd's log, exits 1
fail() {
  echo "FAIL: $*"
  local w
  for ((w = 1; w <= ${#names[@]}; w++)); do
    T list-windows -t m -F '#{window_index}' 2>/dev/null | grep -qx "$w" || continue
    echo "--- window $w (${names[$((w - 1))]}) $(T display -p -t "m:$w" '#{window_width}x#{window_height}' 2>/dev/null)"
    cap "$w"
  done
  echo "--- quizd log"
  tail -n 40 "$tmp/quizd.log" 2>/dev/null || true
  exit 1
}
# wait_for WINDOW TEXT [SECONDS]: until the window shows TEXT (fixed string)
wait_for() {
  local w=$1 pat=$2 limit=${3:-10} i
  for ((i = 0; i < limit * 20; i++)); do
    cap "$w" | grep -qF -- "$pat" && return 0
    sleep 0.05
  done
  fail "window $w (${names[$((w - 1))]}): '$pat' not shown within ${limit}s"
}
# wait_re WINDOW REGEX [SECONDS]: until a line of the window matches REGEX
# (a screen is drawn in several writes: wait for the whole line, not a part)
wait_re() {
  local w=$1 re=$2 limit=${3:-10} i
  for ((i = 0; i < limit * 20; i++)); do
    cap "$w" | grep -qE -- "$re" && return 0
    sleep 0.05
  done
  fail "window $w (${names[$((w - 1))]}): /$re/ not shown within ${limit}s"
}
# not_shown WINDOW TEXT: the window does not show TEXT now
not_shown() { cap "$1" | grep -qF -- "$2" && fail "window $1 (${names[$(($1 - 1))]}): '$2' shown" || true; }
# option letter of the line showing TEXT in a window ("  > A 正确" -> A)
letter_of() {
  local i l
  for ((i = 0; i < 30; i++)); do
    l=$(cap "$1" | grep -F -- "$2" | head -n 1 | sed -nE 's/^[^A-H]*([A-H]) .*/\1/p')
    [ -n "$l" ] && { echo "$l"; return 0; }
    sleep 0.1
  done
}
# quit_all WINDOW...: q in each window, and y where quiz asks "Quit? y yes,
# n no" (the host always; a contestant while the match runs)
quit_all() {
  local w i
  for w in "$@"; do T send-keys -t "m:$w" q; done
  for w in "$@"; do
    for ((i = 0; i < 40; i++)); do
      cap "$w" | grep -qF "quiz exited" && break
      if cap "$w" | grep -qF "Quit? y yes, n no"; then
        T send-keys -t "m:$w" y
        break
      fi
      sleep 0.05
    done
  done
}
