#!/usr/bin/env bash
# The projector view scales with its terminal (issue 12, "The big screen"):
# quiz-scenes (tests/tui/scenes.c) draws the screen mode's scenes without a
# server in a tmux window at 200x50 and at 80x24, and a Python reader of
# the capture checks the layout:
#   200x50  question: the stem centred (equal margins) in the middle rows,
#           four framed tiles in a 2x2 grid over the lower part, each with
#           its letter and shape (A ▲, B ◆, C ● and D ■), filled with its
#           own background colour, none drawn with NO_COLOR (letters and
#           shapes still there); reveal: the bar in each tile is as long as
#           its answers out of all the players (1 of 4: a quarter);
#           leaderboard and podium: the team board and the podium reach
#           over most of the rows;
#   80x24   the same screens in the 80x24 layout: nothing wider than 80
#           columns, the stem on one line, the answer bars out of all the
#           players too.
# Then the leaderboard in zh_CN at 200x50 (人数, 押分).
# tmux or python3 missing is a SKIP (exit 77), never a pass; so is a
# missing zh_CN catalogue for the zh_CN part (the rest runs first).
#
# Usage: bigscreen.sh QUIZ_SCENES
set -euo pipefail
bin=$1
command -v tmux >/dev/null || { echo "SKIP: tmux not installed"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
sock="quiz-big-$$-$RANDOM"
tmp=$(mktemp -d)
T() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'T kill-server 2>/dev/null || true; rm -rf "$tmp"' EXIT
locale_dir="$(dirname "$(dirname "$bin")")/locale"
n=0
T new-session -d -s s -x 80 -y 24 'sleep 600'
T set -g status off
T set -g default-terminal screen-256color

cur=""
# show SCENE COLS ROWS [ENV]: draws the screen's scene in a session of
# that size (a window resized after the start could miss the SIGWINCH:
# quiz-scenes has no handler of its own)
show() {
  T kill-session -t w 2>/dev/null || true
  T new-session -d -s w -x "$2" -y "$3" "env LANG=C.UTF-8 LC_ALL= LANGUAGE= NO_COLOR= ${4:-} QUIZ_LOCALEDIR=$locale_dir $bin screen $1; sleep 600"
  cur="screen $1 at ${2}x$3 ${4:-}"
  n=$((n + 1))
  local i
  for ((i = 0; i < 30; i++)); do
    T capture-pane -p -t w | grep -qF "q quit" && break
    sleep 0.1
  done
  sleep 0.2
  [ "$(T display -p -t w '#{window_width}x#{window_height}')" = "${2}x$3" ] ||
    fail "the window is not ${2}x$3"
  T capture-pane -p -t w >"$tmp/screen.txt"
  T capture-pane -e -p -t w >"$tmp/screen.esc"
}
fail() { echo "FAIL ($cur): $*"; cat "$tmp/screen.txt"; exit 1; }
# check WHAT COLS ROWS: the reader's verdict on the capture
check() {
  python3 - "$1" "$2" "$3" "$tmp/screen.txt" "$tmp/screen.esc" <<'PY' || fail "$1"
import re, sys, unicodedata
what, cols, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
lines = open(sys.argv[4], encoding="utf-8").read().split("\n")
esc = open(sys.argv[5], encoding="utf-8").read()
lines += [""] * (rows - len(lines))

def w(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)

def col(line, i):  # display column of character index i
    return w(line[:i])

def bad(msg):
    print("  " + msg)
    sys.exit(1)

def row_of(text, squeeze=False):
    for r, l in enumerate(lines):
        if text in (l.replace(" ", "") if squeeze else l):
            return r
    bad("'%s' not on the screen" % text)

PART = {"▏": 1, "▎": 2, "▍": 3, "▌": 4, "▋": 5, "▊": 6, "▉": 7}

def bar(seg):  # (filled, full length) in columns of a bar's cells
    f = seg.count("█") + sum(v / 8 for k, v in PART.items() if k in seg)
    t = seg.count("█") + sum(seg.count(k) for k in PART) + seg.count("░")
    return f, t

for r, l in enumerate(lines[:rows]):
    if w(l) > cols:
        bad("row %d is %d columns wide" % (r + 1, w(l)))

stem = "中国共产党成立于哪一年？"
shapes = {"A": "▲", "B": "◆", "C": "●", "D": "■"}

if what == "question":
    r = row_of(stem, squeeze=True)
    if not (rows * 0.2 <= r <= rows * 0.6):
        bad("stem on row %d, not in the middle rows" % (r + 1))
    l = lines[r].rstrip()
    left = col(l, len(l) - len(l.lstrip()))
    right = cols - w(l)
    if abs(left - right) > 2 or left < cols // 8:
        bad("stem not centred: %d columns left, %d right" % (left, right))
    tops = [(r, l.index("┌")) for r, l in enumerate(lines) if "┌" in l]
    bots = [r for r, l in enumerate(lines) if "└" in l]
    if len(tops) != 2 or len(bots) != 2:
        bad("want 2 rows of tiles, got %d tops, %d bottoms" % (len(tops), len(bots)))
    for r in (tops[0][0], tops[1][0]):
        if lines[r].count("┌") != 2:
            bad("row %d does not start two tiles" % (r + 1))
    if tops[0][0] < rows * 0.5 or bots[1] < rows - 5:
        bad("tiles over rows %d-%d, not the lower part" % (tops[0][0] + 1, bots[1] + 1))
    if bots[1] - tops[0][0] + 1 < rows * 0.3:
        bad("tiles only %d rows high" % (bots[1] - tops[0][0] + 1))
    l = lines[tops[0][0]]
    tw = col(l, l.rindex("┐")) - col(l, l.index("┌")) + 1
    if tw * 2 < cols * 0.85:
        bad("two tiles span only %d of %d columns" % (tw * 2, cols))
    where = {}
    for k, s in shapes.items():
        r = row_of("%s %s" % (k, s))
        where[k] = (r, col(lines[r], lines[r].index("%s %s" % (k, s))))
    # the letter big (ui_big's block font) on the left of each tile
    for k, (r, c) in where.items():
        l = lines[r]
        i = l.index("%s %s" % (k, shapes[k]))
        left = l[:i].split("│")[-1]
        if "██" not in left:
            bad("tile %s has no big letter beside its label" % k)
    if not (where["A"][0] == where["B"][0] < where["C"][0] == where["D"][0]
            and where["A"][1] < where["B"][1] and where["C"][1] < where["D"][1]):
        bad("tiles not in a 2x2 grid A B / C D: %s" % where)

elif what == "tilecolours":
    for bg in ("41", "44", "43", "42"):
        if not re.search(r"\x1b\[([0-9;]*;)?%s[;m]" % bg, esc):
            bad("no tile on background colour %s" % bg)

elif what == "nocolour":
    if re.search(r"\x1b\[([0-9;]*;)?(3[0-7]|4[0-7])[;m]", esc):
        bad("colour drawn with NO_COLOR set")
    for k, s in shapes.items():
        row_of("%s %s" % (k, s))

elif what == "reveal":
    players = 4
    row_of("Answered 3 / 4")
    row_of("✓ B ◆")
    # each tile's bar: the row under its label holding ░ or █
    seen = 0
    for r, l in enumerate(lines):
        if "░" not in l and "█" not in l:
            continue
        # a bar ends with its count (the big letters have none)
        segs = [s for s in l.split("│")
                if re.search(r"[█▏▎▍▌▋▊▉░] +[0-9]+ *$", s)]
        for s in segs:
            m = re.search(r"([0-9]+)\s*$", s)
            f, t = bar(s)
            n = int(m.group(1))
            if t < cols * 0.3:
                bad("a bar of %d columns only" % t)
            if abs(f / t - n / players) > 0.03:
                bad("bar of %d answers is %.1f of %d columns, want %.0f%%"
                    % (n, f, t, 100 * n / players))
            seen += 1
    if seen != 4:
        bad("%d bars, want 4" % seen)

elif what == "reveal80":
    players = 4
    seen = 0
    for l in lines:
        m = re.match(r"^ +(✓ )?([A-D]) \S+ +([█▏▎▍▌▋▊▉░]+) ([0-9]+)$", l)
        if not m:
            continue
        f, t = bar(m.group(3))
        n = int(m.group(4))
        if abs(f / t - n / players) > 0.03:
            bad("%s: bar of %d answers is %.1f of %d columns" % (m.group(2), n, f, t))
        seen += 1
    if seen != 4:
        bad("%d answer bars, want 4" % seen)

elif what == "question80":
    row_of(stem)
    for k in "ABCD":
        row_of(" %s  19" % k)
    if any("┌" in l for l in lines):
        bad("tiles drawn at 80x24")

elif what in ("leaderboard", "final"):
    used = [r for r, l in enumerate(lines[:rows - 2]) if l.strip()]
    bars = [r for r, l in enumerate(lines) if "████" in l]
    if not bars:
        bad("no bars")
    if what == "leaderboard":
        first = row_of("一支部")
        if bars[-1] - bars[0] < rows * 0.6:
            bad("boards over rows %d-%d only" % (bars[0] + 1, bars[-1] + 1))
        # the team bands: thick bars (several rows a team)
        if sum(1 for r in bars if r < row_of("张三")) < 6:
            bad("team board bars are not thick")
    else:
        top = row_of("┌")
        base = next(r for r, l in enumerate(lines) if "────────────────────" in l and "┌" not in l and "└" not in l)
        if base - top < rows * 0.3:
            bad("podium blocks only %d rows high" % (base - top))
        row_of("Final team standings")
        row_of("张三, 小明, 王五")
        if used[-1] < rows * 0.8:
            bad("the final screen ends on row %d of %d" % (used[-1] + 1, rows))
        l = lines[top]
        if l.index("┐") - l.index("┌") + 1 < cols // 6:
            bad("the winner's block is narrow")
else:
    bad("unknown check " + what)
PY
}

# --- 200x50: the layout that scales ----------------------------------------
show myturn 200 50
check question 200 50
grep -q "Turn 2 of 4: 一支部 answers" "$tmp/screen.txt" || fail "turn line missing"
check tilecolours 200 50
show myturn 200 50 NO_COLOR=1
check question 200 50
check nocolour 200 50
show reveal_quarter 200 50
check reveal 200 50
show leaderboard 200 50
check leaderboard 200 50
show final 200 50
check final 200 50

# --- 80x24: the floor -----------------------------------------------------
show myturn 80 24
check question80 80 24
show reveal_quarter 80 24
check reveal80 80 24
show leaderboard 80 24
grep -qE '^ +=1  一支部 +3 +130 +\+30 +30$' "$tmp/screen.txt" || fail "team board row at 80x24"
show final 80 24
grep -qF "Final team standings" "$tmp/screen.txt" || fail "no final team standings at 80x24"
grep -qE '^ +=1  二支部 +2 +130 +Bob, 李小龙$' "$tmp/screen.txt" || fail "final team row at 80x24"

# --- zh_CN: the band's words translated, the board still over the rows ----
skipped=""
if [ -f "$locale_dir/zh_CN/LC_MESSAGES/quiz.mo" ]; then
  show leaderboard 200 50 LANGUAGE=zh_CN
  check leaderboard 200 50
  grep -qF "人数：3" "$tmp/screen.txt" || fail "no 人数：3 in the zh_CN team band"
  grep -qF "押分 30" "$tmp/screen.txt" || fail "no 押分 30 in the zh_CN team band"
else
  skipped="zh_CN: no catalogue built"
fi

echo "tui bigscreen: $n screens checked at 200x50 and 80x24"
if [ -n "$skipped" ]; then
  echo "SKIP: $skipped"
  exit 77
fi
echo "1 passed, 0 failed"
