#!/usr/bin/env bash
# The SSH door end to end (docs/INSTALL.md, "SSH door"): a private sshd on
# an ephemeral 127.0.0.1 port, configured with the shipped
# packaging/quiz-door.sshd.conf (its Match block for the user running the
# test, key login), its ForceCommand the shipped quiz-door beside the
# built quiz. In tmux at 80x24:
#   1. `ssh -tt USER@127.0.0.1` asks, in Chinese (Windows' ssh sends no
#      LANG), for the room code (a bad one asked again), a name and a team,
#      then plays: the lobby, the question, the answer counted by the host
#      (quiz host --time 60 --close-when-all: revealed at once);
#   2. the window closed (ssh killed) and opened again with the same name:
#      the same seat (no "nickname taken"), found by the PC's address;
#   3. what the door refuses: a command (`ssh USER@HOST id` runs no shell)
#      and a forwarding (`ssh -W`).
# Usage: door.sh QUIZD QUIZ BANK_DIR DOOR_SCRIPT SSHD_CONF
set -euo pipefail
quizd=$(realpath "$1") quiz=$(realpath "$2") bank=$3 door_src=$4 conf_src=$5
command -v tmux >/dev/null || { echo "SKIP: tmux not installed"; exit 77; }
sshd=/usr/sbin/sshd
[ -x "$sshd" ] && command -v ssh >/dev/null && command -v ssh-keygen >/dev/null ||
  { echo "SKIP: openssh-server/openssh-client not installed"; exit 77; }

tmp=$(mktemp -d)
sock="quiz-tui-door-$$-$RANDOM"
qpid="" spid=""
here=$(cd "$(dirname "$0")" && pwd)
cleanup() {
  T kill-server 2>/dev/null || true
  [ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null || true
  [ -n "$qpid" ] && kill "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
names=(host door)
. "$here/lib.sh"
start=$SECONDS

"$quizd" --listen 127.0.0.1:0 --db "$tmp/quiz.db" --bank "$bank" \
  --port-file "$tmp/port" 2>"$tmp/quizd.log" &
qpid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || fail "quizd did not start"
addr="127.0.0.1:$(cat "$tmp/port")"

# --- the door: quiz-door beside quiz, the shipped sshd snippet
mkdir -p "$tmp/bin" "$tmp/home"
cp "$door_src" "$tmp/bin/quiz-door"
ln -s "$quiz" "$tmp/bin/quiz"
# quiz-door finds quiz beside itself, through the symlink's directory
user=$(id -un)
ssh-keygen -q -t ed25519 -N '' -f "$tmp/hostkey"
ssh-keygen -q -t ed25519 -N '' -f "$tmp/key"
cp "$tmp/key.pub" "$tmp/authorized_keys"
{
  echo "ListenAddress 127.0.0.1"
  echo "HostKey $tmp/hostkey"
  echo "PidFile $tmp/sshd.pid"
  echo "AuthorizedKeysFile $tmp/authorized_keys"
  echo "StrictModes no"
  echo "UsePAM no"
  echo "PermitRootLogin prohibit-password"
  echo "AllowUsers $user"
  echo "SetEnv HOME=$tmp/home"
  # the shipped Match block, for this user, forcing the door at our quizd
  sed -e "s/^Match User quiz/Match User $user/" \
      -e "s|^\([[:space:]]*ForceCommand\).*|\1 $tmp/bin/quiz-door $addr|" \
      -e "s/^\([[:space:]]*PasswordAuthentication\).*/\1 no/" \
      -e "s/^\([[:space:]]*KbdInteractiveAuthentication\).*/\1 no/" "$conf_src"
} >"$tmp/sshd_config"
grep -q "ForceCommand $tmp/bin/quiz-door $addr" "$tmp/sshd_config" || fail "the shipped snippet has no ForceCommand line"
[ "$(id -u)" -ne 0 ] || mkdir -p /run/sshd  # root: privilege separation
sport=""
for _ in 1 2 3 4 5; do
  p=$((20000 + RANDOM % 40000))
  "$sshd" -D -e -p "$p" -f "$tmp/sshd_config" 2>>"$tmp/sshd.log" &
  spid=$!
  for _ in $(seq 30); do
    grep -q "Server listening on 127.0.0.1 port $p" "$tmp/sshd.log" 2>/dev/null && { sport=$p; break 2; }
    kill -0 "$spid" 2>/dev/null || break
    sleep 0.1
  done
  kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null || true; spid=""
done
[ -n "$sport" ] || { cat "$tmp/sshd.log"; fail "sshd did not start"; }
sshc=(ssh -p "$sport" -i "$tmp/key" -o StrictHostKeyChecking=no
      -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes
      -o SendEnv=-* "$user@127.0.0.1")

T new-session -d -s m -x 80 -y 24 'sleep 600'
T set -g status off
T new-window -d -t m:1 "env LANG=C.UTF-8 LC_ALL= LANGUAGE= NO_COLOR= $(printf '%q ' "$quiz" host "$addr" --questions 1 --time 60 --close-when-all --seed 3); sleep 600"
wait_for 1 "quiz join $addr" 10
code=$(cap 1 | grep -oE "quiz join $addr [0-9A-Z]{4}-[0-9A-Z]{4}" | awk '{print $4}')
[ -n "$code" ] || fail "no room code on the host screen"

door() { # a contestant's PC: ssh -tt in window 2, without LANG
  T kill-window -t m:2 2>/dev/null || true
  T new-window -d -t m:2 "env -u LANG -u LC_ALL -u LANGUAGE $(printf '%q ' "${sshc[@]}" -tt); echo \"ssh exited \$?\"; sleep 600"
}
# --- 1. asked in Chinese, a bad code asked again, then the lobby
door
wait_for 2 "房间码（如 ABCD-EFGH）" 10
T send-keys -t m:2 "NOPE" Enter
wait_for 2 "这不是房间码" 5
T send-keys -t m:2 "$(echo "$code" | tr 'A-Z' 'a-z' | tr -d -)" Enter
wait_for 2 "你的昵称" 5
T send-keys -t m:2 "张三" Enter
wait_for 2 "你的队伍" 5
T send-keys -t m:2 "一支部" Enter
wait_for 2 "等待主持人开始" 10
wait_for 2 "张三" 2
wait_for 1 "Players in the room: 1" 5
echo "door: asked in Chinese, a bad code refused, 张三 (一支部) seated"

# --- 2. the window closed and opened again: the same seat
T kill-window -t m:2
sleep 0.5
door
wait_for 2 "房间码" 10
T send-keys -t m:2 "$code" Enter
wait_for 2 "你的昵称" 5
T send-keys -t m:2 "张三" Enter
wait_for 2 "你的队伍" 5
T send-keys -t m:2 "一支部" Enter
wait_for 2 "等待主持人开始" 10
not_shown 2 "昵称已被占用"
wait_for 1 "Players in the room: 1" 5
echo "door: the reopened window took the same seat"

# --- the match: the door's answer reaches the host
T send-keys -t m:1 s
wait_re 2 "^ +A [^ ]" 15
T send-keys -t m:2 a
wait_for 1 "Answered 1 / 1" 10
# --close-when-all: the only contestant answered, so the reveal comes at
# once, not after the 60 s limit
wait_for 1 "Question 1 of 1: the answer is shown" 5
echo "door: the question shown over ssh, the answer counted, closed at once (everyone answered)"

# --- 3. what the door refuses
out=$("${sshc[@]}" id 2>&1 </dev/null || true)
echo "$out" | grep -q "uid=" && fail "the door ran a command: $out"
echo "$out" | grep -q "房间码" || fail "the door did not answer a command with its own question: $out"
if wout=$("${sshc[@]}" -W "127.0.0.1:$(cat "$tmp/port")" </dev/null 2>&1); then
  fail "the door allowed a forwarding (ssh -W): $wout"
fi
echo "$wout" | grep -qi "prohibited\|denied\|fail" || fail "ssh -W failed, but not as refused: $wout"
echo "door: no command ($(echo "$out" | grep -c .) lines of the door's own questions), no forwarding ($(echo "$wout" | head -1))"

echo "tui door: in $((SECONDS - start)) s"
echo "1 passed, 0 failed"
