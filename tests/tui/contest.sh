#!/usr/bin/env bash
# TUI end to end of a contest (issue 8): a real quizd on an ephemeral port
# and, in a tmux server of our own, every window at 80x24: a host running
# tests/tui/contest.ini (必答, speed, 风险 on known items of the bundled
# bank), contestants 张三 and 李四 of 一支部 and Bob of 二支部, and a
# projector screen in zh_CN. Keys are sent by tmux and every step asserts
# what the screens show: the round banners, whose turn it is (highlighted
# for the team on turn, answer keys off for the other), the wager picker
# (a stake picked by one member is shown to the other), signed deltas
# (+30 / −10), the team board at the reveal, the round breaks and the
# final team standings with the best members. Before that, the host is
# refused a contest file that the server rejects (the line shown, exit 1)
# and one over 32768 bytes (exit 2, no server needed).
#
# Bob goes through a TCP relay (proxy.py) that is killed in the wager
# phase: he must come back on his seat with his team's stake.
#
# tmux missing is a SKIP (exit 77), never a pass; python3 missing (the
# relay) runs the rest and then exits 77 naming the part not run.
#
# Usage: contest.sh QUIZD QUIZ BANK_DIR
set -euo pipefail
quizd=$1 quiz=$2 bank=$3
command -v tmux >/dev/null || { echo "SKIP: tmux not installed"; exit 77; }
here=$(cd "$(dirname "$0")" && pwd)
contest="$here/contest.ini"
tmp=$(mktemp -d)
sock="quiz-contest-$$-$RANDOM"
qpid=""
ppid=""
cleanup() {
  T kill-server 2>/dev/null || true
  [ -n "$ppid" ] && kill "$ppid" 2>/dev/null && wait "$ppid" 2>/dev/null || true
  [ -n "$qpid" ] && kill "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

names=(host 张三 李四 Bob screen bad)
. "$here/lib.sh"
# a letter that is not the one given (a wrong answer)
other_letter() { [ "$1" = A ] && echo B || echo A; }
# highlighted WINDOW TEXT: the line showing TEXT is drawn on a background
# colour or in reverse video
highlighted() {
  T capture-pane -e -p -t "m:$1" | grep -F -- "$2" |
    grep -qE $'\e\\[([0-9;]*;)?(7|4[0-7])[;m]' || fail "window $1: '$2' is not highlighted"
}
# next_until TEXT...: the host presses n, then waits for the first TEXT on
# the host screen; the others, when given, are screens the host may pass
# through first (a leaderboard before the round break): n again for those
next_until() {
  local want=$1 i
  shift
  T send-keys -t m:1 n
  for ((i = 0; i < 100; i++)); do
    cap 1 | grep -qF -- "$want" && return 0
    for p in "$@"; do
      if cap 1 | grep -qF -- "$p"; then
        sleep 0.3
        T send-keys -t m:1 n
        sleep 0.5
        break
      fi
    done
    sleep 0.1
  done
  fail "host: '$want' not reached with n"
}
# snap NAME WINDOW: with CONTEST_SNAP_DIR set, keeps the screen (for docs)
snap() { [ -z "${CONTEST_SNAP_DIR:-}" ] || cap "$2" >"$CONTEST_SNAP_DIR/$1.txt"; }
start=$SECONDS

# --- a file over 32768 bytes: refused before connecting
head -c 33000 /dev/zero | tr '\0' ';' >"$tmp/big.ini"
set +e
out=$("$quiz" host 127.0.0.1:9 --contest "$tmp/big.ini" 2>&1)
rc=$?
set -e
[ "$rc" -eq 2 ] || fail "oversized contest file: exit $rc, want 2"
grep -qF "at most 32768 bytes" <<<"$out" || fail "oversized contest file: '$out'"

"$quizd" --listen 127.0.0.1:0 --db "$tmp/quiz.db" --bank "$bank" \
  --port-file "$tmp/port" --log-level info 2>"$tmp/quizd.log" &
qpid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || fail "quizd did not start"
addr="127.0.0.1:$(cat "$tmp/port")"
# relay LISTEN_PORT: (re)start the TCP relay in front of quizd (Bob's
# connection goes through it and is dropped in the wager phase)
relay() {
  rm -f "$tmp/pport"
  python3 "$here/proxy.py" "$1" "$(cat "$tmp/port")" "$tmp/pport" &
  ppid=$!
  for _ in $(seq 50); do [ -s "$tmp/pport" ] && return 0; sleep 0.1; done
  fail "relay did not start"
}
relayed=""
skipped=()
if command -v python3 >/dev/null; then
  relay 0
  relayed="127.0.0.1:$(cat "$tmp/pport")"
else
  skipped+=("python3 not installed: Bob's reconnect in the wager phase was not run")
fi

T new-session -d -s m -x 80 -y 24 'sleep 600'
T set -g status off
T set -g default-terminal screen-256color
run() { # WINDOW LANGUAGE COMMAND...: start a client in a new 80x24 window
  local w=$1 lang=$2
  shift 2
  T new-window -d -t "m:$w" "env LANG=C.UTF-8 LC_ALL= LANGUAGE=$lang NO_COLOR= QUIZ_LOCALEDIR=$(dirname "$quiz")/locale $(printf '%q ' "$@"); echo \"quiz exited \$?\"; sleep 600"
  T resize-window -t "m:$w" -x 80 -y 24 2>/dev/null || true
}

# --- a contest the server rejects: the line, and exit 1
printf '[contest]\ntitle = bad\n\n[round.1]\nformat = quiz\n' >"$tmp/bad.ini"
run 6 "" "$quiz" host "$addr" --contest "$tmp/bad.ini"
wait_for 6 "quiz exited 1" 10
wait_for 6 "the server refused the contest:"
wait_re 6 "line 5|:5:"

# --- the host runs the contest
run 1 "" "$quiz" host "$addr" --contest "$contest"
wait_for 1 "quiz join $addr" 10
code=$(cap 1 | grep -oE "quiz join $addr [0-9A-Z]{4}-[0-9A-Z]{4}" | awk '{print $4}')
[ -n "$code" ] || fail "no room code on the host screen"
echo "room $code on $addr"
wait_for 1 "3 rounds: 必答题 (in turn) · 抢答题 (speed) · 风险题 (wager)"
wait_for 1 "Team score = 100 + mean of the members' points"
wait_for 1 "支部联赛 TUI"
snap host-lobby 1

run 2 "" "$quiz" join "$addr" "$code" --name 张三 --team 一支部
wait_for 2 "You are 张三 of 一支部"
run 3 "" "$quiz" join "$addr" "$code" --name 李四 --team 一支部
run 4 "" "$quiz" join "${relayed:-$addr}" "$code" --name Bob --team 二支部
run 5 zh_CN "$quiz" screen "$addr" "$code"
wait_for 3 "You are 李四 of 一支部"
wait_for 4 "You are Bob of 二支部"
wait_for 1 "Players in the room: 3"
for w in 1 2 3 4 5; do
  [ "$(T display -p -t "m:$w" '#{window_width}x#{window_height}')" = 80x24 ] \
    || fail "window $w is not 80x24"
done

# --- round 1, 必答: 一支部's turn, then 二支部's
T send-keys -t m:1 s
wait_for 2 "Round 1 of 3 · 必答题 · in turn" 8
wait_for 2 "Your team's turn (一支部) · turn 1 of 2" 3
snap join-countdown 2
wait_for 5 "第 1/3 轮 · 必答题 · 必答" 5
stem1="中国共产党的根本宗旨是____。"
wait_for 2 "$stem1" 10
wait_for 4 "$stem1" 3
wait_for 2 "Round 1/3 · 必答题 · Question 1 of 2"
wait_for 2 "Your team's turn (一支部) · turn 1 of 2"
highlighted 2 "Your team's turn (一支部)"
snap join-myturn 2
wait_for 3 "Your team's turn (一支部) · turn 1 of 2"
wait_for 4 "Turn 1 of 2: 一支部 answers · you cannot answer this one"
wait_for 4 "Not your turn: answer keys are off"
snap join-otherturn 4
wait_for 1 "Turn 1 of 2: 一支部 answers"
right=$(letter_of 2 "全心全意为人民服务")
[ -n "$right" ] || fail "option 全心全意为人民服务 not found"
T send-keys -t m:4 "$right" # not Bob's turn: nothing happens
sleep 0.3
not_shown 4 "Locked in"
not_shown 4 "Answer received"
T send-keys -t m:2 "$right"
wait_for 2 "Answer received in" 3
wait_for 2 "Correct! +10 points" 16
# 李四 did not answer: Result.answered false, team_answered true
wait_for 3 "Your team answered: correct, +10 points" 3
wait_for 4 "Not your turn: no points" 3
wait_re 2 "Team 一支部: 110 \(\+10\) · rank 1 of 2"
wait_re 1 "^ +1\. +一支部 +2 +110 +\+10"
wait_re 1 "^ +2\. +二支部 +1 +100 +0"
snap host-reveal 1
snap join-reveal 2

next_until "Leaderboard after question 1 of 2"
wait_re 4 "^ +1\. +一支部 +2 +110 +\+10"
next_until "Turn 2 of 2: 二支部 answers"
stem2="党的组织原则是____。"
wait_for 4 "$stem2" 10
wait_for 4 "Your team's turn (二支部) · turn 2 of 2"
highlighted 4 "Your team's turn (二支部)"
wait_for 2 "Turn 2 of 2: 二支部 answers · you cannot answer this one"
right=$(letter_of 4 "民主集中制")
[ -n "$right" ] || fail "option 民主集中制 not found"
T send-keys -t m:4 "$(other_letter "$right")"
wait_for 4 "Wrong: −5 points" 16
wait_re 1 "二支部 +1 +95 +−5"
next_until "End of round 1 of 3 · 必答题" "Leaderboard after question 2 of 2"
for w in 2 3 4; do wait_for "$w" "End of round 1 of 3 · 必答题" 5; done
wait_for 2 "Next: round 2 of 3 · 抢答题 · speed"
wait_for 2 "Waiting for the host to begin round 2…"
wait_for 1 "Press n to begin round 2"
wait_re 2 "^ +1\. +一支部 +2 +110"
wait_re 2 "^ +2\. +二支部 +1 +95"
wait_for 5 "第 1/3 轮结束 · 必答题"
snap join-break 2
snap host-break 1
snap screen-break-zh 5

# --- round 2, speed: everyone answers
next_until "Round 2 of 3 · 抢答题 · speed"
wait_for 2 "Round 2 of 3 · 抢答题 · speed" 5
stem3="党的基本路线要求以____为中心。"
wait_for 2 "$stem3" 10
wait_for 3 "$stem3" 3
wait_for 4 "$stem3" 3
right=$(letter_of 2 "经济建设")
[ -n "$right" ] || fail "option 经济建设 not found"
T send-keys -t m:2 "$right"
T send-keys -t m:3 "$right"
T send-keys -t m:4 "$(other_letter "$right")"
wait_re 2 "Correct! \+[0-9]+ points" 12
wait_re 3 "Correct! \+[0-9]+ points" 3
wait_for 4 "Wrong: 0 points" 3
next_until "End of round 2 of 3 · 抢答题" "Leaderboard after question 1 of 1"
wait_for 2 "Next: round 3 of 3 · 风险题 · wager"

# --- round 3, 风险: 张三 stakes 30 for 一支部 (李四 sees it), Bob 10
next_until "The teams are picking their stakes"
wait_for 2 "Round 3 of 3 · 风险题 · wager" 5
wait_for 2 "Pick your team's stake"
wait_for 2 "[1] 10    [2] 20    [3] 30"
wait_for 2 "1-3 pick a stake"
snap join-wager 2
wait_for 5 "风险" 3
T send-keys -t m:2 3
wait_for 2 "Stake 30 confirmed" 5
wait_for 3 "Stake 30 confirmed (picked by 张三)" 5
snap join-wager-member 3
snap host-wager 1
T send-keys -t m:3 1 # the team's stake is taken: nothing changes
sleep 0.3
wait_for 3 "Stake 30 confirmed (picked by 张三)" 1
T send-keys -t m:4 1
wait_for 4 "Stake 10 confirmed" 5
# Bob's connection drops in the wager phase: back on his seat, the phase
# re-sent, his team's stake still confirmed
if [ -n "$relayed" ]; then
  kill "$ppid"; wait "$ppid" 2>/dev/null || true; ppid=""
  wait_for 4 "Reconnecting…" 5
  relay "${relayed##*:}"
  wait_for 4 "Bob · R 3/3 · Q 1/1 · online" 10
  wait_for 4 "Stake 10 confirmed" 3
  wait_for 4 "Pick your team's stake" 1
  echo "Bob reconnected in the wager phase"
fi
# both teams have staked: end the wager time (unless it ended by itself:
# n in the question would close it)
cap 1 | grep -qF "The teams are picking their stakes" && T send-keys -t m:1 n
stem4="党的全国代表大会每____举行一次。"
wait_for 2 "$stem4" 12
wait_for 4 "$stem4" 3
wait_for 2 "Round 3/3 · 风险题 · Question 1 of 1 · "
wait_for 2 "stake 30"
wait_for 4 "stake 10"
right=$(letter_of 2 "五年")
[ -n "$right" ] || fail "option 五年 not found"
T send-keys -t m:2 "$right"
T send-keys -t m:4 "$(other_letter "$right")"
wait_for 2 "Correct! +30 points (stake 30)" 16
wait_for 3 "Your team answered: correct, +30 points (stake 30)" 3
wait_for 4 "Wrong: −10 points (stake 10)" 3
snap join-wager-lost 4

# --- the end: final team standings with the best members, everywhere
next_until "Final team standings" "Leaderboard after question 1 of 1" "End of round 3 of 3"
for w in 2 3 4; do wait_for "$w" "Final team standings" 5; done
wait_for 5 "队伍最终排名" 5
wait_re 2 "^ +1\. +一支部 +2 +1[0-9][0-9] +.*张三"
wait_re 2 "^ +2\. +二支部 +1 +[0-9]+ +Bob"
wait_for 2 "Best members"
wait_re 2 "You: rank [12] of 3"
wait_re 4 "You: rank 3 of 3"
snap join-final 2
snap screen-final-zh 5
snap host-final 1

# --- quit everywhere: each client gives the terminal back and exits 0
quit_all 1 2 3 4 5
for w in 1 2 3 4 5; do wait_for "$w" "quiz exited 0" 5; done
echo "tui contest: 3 rounds, 5 screens at 80x24, in $((SECONDS - start)) s"
if [ "${#skipped[@]}" -gt 0 ]; then
  for s in "${skipped[@]}"; do echo "SKIP: $s"; done
  exit 77
fi
echo "1 passed, 0 failed"
