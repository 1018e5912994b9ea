#!/usr/bin/env bash
# Install end to end (docs/INSTALL.md): `cmake --install` into a temporary
# prefix, then everything is run from another directory:
#   1. the installed quizd finds its bank under PREFIX/share/quizd (no
#      --bank: the bundled bank's questions imported) and serves on an ephemeral port;
#   2. the installed client, with LANG=zh_CN.UTF-8 on a machine where that
#      locale is not generated (the usual fresh Debian), shows Chinese in
#      its --help and on its screens (tmux, 80x24): the host's join hint
#      and a contestant's lobby, not '?';
#   3. the installed tree copied to another place keeps its bank and its
#      translations (found relative to the program);
#   4. the systemd unit names the installed quizd;
#   5. `cpack -G DEB` (when dpkg-shlibdeps is there) makes the packages
#      quizd and quiz; quiz holds only the client and its translations,
#      does not depend on quizd, and, unpacked alone into an empty root,
#      runs and speaks Chinese.
# Usage: install.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
command -v tmux >/dev/null || { echo "SKIP: tmux not installed"; exit 77; }
skipped=()

tmp=$(mktemp -d)
sock="quiz-tui-install-$$-$RANDOM"
qpid=""
here=$(cd "$(dirname "$0")" && pwd)
cleanup() {
  T kill-server 2>/dev/null || true
  [ -n "$qpid" ] && kill "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
names=(host 张三)
. "$here/lib.sh"
start=$SECONDS

prefix="$tmp/prefix"
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" || { cat "$tmp/install.log"; fail "cmake --install failed"; }
for f in bin/quizd bin/quiz bin/quiz-bench share/quizd/bank/part1.csv \
         share/quizd/contests/branch-contest.ini \
         share/locale/zh_CN/LC_MESSAGES/quiz.mo lib/systemd/system/quizd.service; do
  [ -e "$prefix/$f" ] || fail "not installed: $f"
done
mkdir -p "$tmp/elsewhere"
cd "$tmp/elsewhere"

# --- 1. the installed server with the installed bank
"$prefix/bin/quizd" --help | grep -qF "$prefix/share/quizd/bank" ||
  fail "quizd --help does not name the installed bank: $("$prefix/bin/quizd" --help | grep -A1 'bank DIR')"
"$prefix/bin/quizd" --listen 127.0.0.1:0 --db "$tmp/quiz.db" \
  --port-file "$tmp/port" 2>"$tmp/quizd.log" &
qpid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || fail "the installed quizd did not start"
n=$(sed -n "s|.*imported \([0-9]*\) questions from $prefix/share/quizd/bank\$|\1|p" "$tmp/quizd.log")
[ "${n:-0}" -ge 125 ] || fail "the installed bank was not imported: $(head -3 "$tmp/quizd.log")"
addr="127.0.0.1:$(cat "$tmp/port")"

# the host can list the bank's categories: the counts add up to the bank
cats=$("$prefix/bin/quiz" host "$addr" --list-categories) || fail "quiz host --list-categories failed"
echo "$cats" | grep -q "^Categories of the bank on $addr ($n questions):" || fail "categories header: $cats"
sum=$(echo "$cats" | awk 'NR > 1 && $NF ~ /^[0-9]+$/ {s += $NF} END {print s + 0}')
[ "$sum" -eq "$n" ] || fail "categories add up to $sum, the bank has $n: $cats"
echo "$cats" | grep -q "党员管理" || fail "no 党员管理 among the categories: $cats"
if "$prefix/bin/quiz" host 127.0.0.1:1 --list-categories 2>"$tmp/lc.err"; then
  fail "--list-categories succeeded without a server"
fi
grep -q "cannot reach 127.0.0.1:1" "$tmp/lc.err" || fail "no 'cannot reach': $(cat "$tmp/lc.err")"

# --- 2. Chinese without a zh_CN locale on the machine
if locale -a 2>/dev/null | grep -qi '^zh_CN'; then
  skipped+=("zh_CN.UTF-8 is installed here: the fallback to C.UTF-8 was not exercised (the Chinese checks still ran)")
fi
zh() { env LANG=zh_CN.UTF-8 LC_ALL= LC_MESSAGES= LANGUAGE= "$@"; }
zh "$prefix/bin/quiz" join --help | grep -qF "以选手身份加入房间" ||
  fail "quiz join --help is not in Chinese under LANG=zh_CN.UTF-8: $(zh "$prefix/bin/quiz" join --help | head -2)"

T new-session -d -s m -x 80 -y 24 'sleep 600'
T set -g status off
run() { # WINDOW COMMAND...
  local w=$1
  shift
  T kill-window -t "m:$w" 2>/dev/null || true
  T new-window -d -t "m:$w" -c "$tmp/elsewhere" "env LANG=zh_CN.UTF-8 LC_ALL= LC_MESSAGES= LANGUAGE= NO_COLOR= $(printf '%q ' "$@"); echo \"quiz exited \$?\"; sleep 600"
}
run 1 "$prefix/bin/quiz" host "$addr" --questions 1 --title "安装测试"
wait_for 1 "加入方式：quiz join $addr" 10
# quizd listens on loopback: the host is told other machines cannot join
wait_for 1 "只有本机可以加入" 5
code=$(cap 1 | grep -oE "quiz join $addr [0-9A-Z]{4}-[0-9A-Z]{4}" | awk '{print $4}')
[ -n "$code" ] || fail "no room code on the host screen"
run 2 "$prefix/bin/quiz" join "$addr" "$code" --name 张三
wait_for 2 "等待主持人开始" 10
wait_for 2 "张三" 5
cap 2 | grep -q '??' && fail "the contestant's screen shows '??' where Chinese should be"
echo "installed client: Chinese on the host and contestant screens"

# --- 3. the tree copied elsewhere keeps its data
cp -a "$prefix" "$tmp/moved"
zh "$tmp/moved/bin/quiz" join --help | grep -qF "以选手身份加入房间" ||
  fail "a copied client lost its Chinese"
"$tmp/moved/bin/quizd" --help | grep -qF "$tmp/moved/share/quizd/bank" ||
  fail "a copied quizd does not find its bank beside it"

# --- 4. the unit runs the installed quizd
unit="$prefix/lib/systemd/system/quizd.service"
exe=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit")
[ "$(basename "$exe")" = quizd ] && grep -q '^DynamicUser=yes' "$unit" &&
  grep -q '^StateDirectory=quizd' "$unit" || fail "quizd.service: $(grep -E 'Exec|User|State' "$unit")"

# --- 5. the packages
if command -v dpkg-shlibdeps >/dev/null && command -v cpack >/dev/null; then
  (cd "$build" && rm -f ./*.deb && cpack -G DEB >"$tmp/cpack.log" 2>&1) || { cat "$tmp/cpack.log"; fail "cpack failed"; }
  client=$(ls "$build"/quiz_*.deb) server=$(ls "$build"/quizd_*.deb)
  files=$(dpkg-deb -c "$client" | awk '{print $6}' | grep -v '/$')
  echo "$files" | grep -q '/bin/quiz$' || fail "the quiz package has no client: $files"
  echo "$files" | grep -qE 'quizd|quiz-bench|share/quizd' && fail "the quiz package carries server files: $files"
  dpkg-deb -f "$client" Depends | grep -q quizd && fail "the quiz package depends on quizd"
  sfiles=$(dpkg-deb -c "$server" | awk '{print $6}')
  echo "$sfiles" | grep -q '/bin/quizd$' || fail "the quizd package has no quizd"
  mkdir "$tmp/pc"
  dpkg-deb -x "$client" "$tmp/pc"
  pcquiz=$(find "$tmp/pc" -path '*/bin/quiz' -type f)
  zh "$pcquiz" join --help | grep -qF "以选手身份加入房间" ||
    fail "the unpacked client package does not speak Chinese"
  echo "packages: quiz ($(echo "$files" | wc -l) files, Depends: $(dpkg-deb -f "$client" Depends)); quizd ($(echo "$sfiles" | grep -vc '/$') files)"
  rm -f "$build"/quiz_*.deb "$build"/quizd_*.deb
else
  skipped+=("dpkg-shlibdeps (dpkg-dev) or cpack missing: the packages were not built")
fi

quit_all 1 2
echo "tui install: installed, run from elsewhere, copied, packaged in $((SECONDS - start)) s"
if [ "${#skipped[@]}" -gt 0 ]; then
  for s in "${skipped[@]}"; do echo "SKIP: $s"; done
  exit 77
fi
echo "1 passed, 0 failed"
