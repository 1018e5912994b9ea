#!/usr/bin/env bash
# The contest screens of quiz at 80x24, without a server: quiz-scenes feeds
# the client's model the messages of each scene (tests/tui/scenes.c) and
# draws it in a tmux window; this script checks the text of every screen:
# round banners, whose turn (highlighted when it is mine), the wager
# picker and its keys, signed deltas, tied ranks, team boards at the
# reveal, the leaderboard, the round break and the end, for contestant,
# host and projector; then the same screens in zh_CN (必答, 风险, 并列),
# with every line at most 80 columns wide (CJK counted as two).
#
# tmux missing is a SKIP (exit 77), never a pass; so is a missing zh_CN
# catalogue for the zh_CN part (the rest runs first).
#
# Usage: scenes.sh QUIZ_SCENES
set -euo pipefail
bin=$1
sock="quiz-scenes-$$-$RANDOM"
. "$(dirname "$0")/scenes_lib.sh"

# show MODE SCENE [LANGUAGE [ENV]]: draws a scene in window 1 (a fresh one)
show() { scene_show "${3:-}" "${4:-}" "$1" "$2"; }
# fits: no line wider than 80 columns, at most 24 rows
fits() { scene_fits; }

# --- contestant -----------------------------------------------------------
show join lobby
has "You are 小明 of 一支部" "3 rounds: 必答题 (in turn) · 抢答题 (speed) · 风险题 (wager)" \
  "Team score = 100 + mean of the members' points"
fits

show join countdown
has "Round 1 of 3 · 必答题 · in turn" "Question 1 of 4 starts in" \
  "Your team's turn (一支部) · turn 1 of 4" "R 1/3 · online"
fits

show join myturn
has "Round 1/3 · 必答题 · Question 2 of 4 · 党史 · 10 points" \
  "Your team's turn (一支部) · turn 2 of 4" "A-H or 1-8 answer"
# highlighted: on a background colour, or in reverse video without colour
T capture-pane -e -p -t s:1 | grep -F "Your team's turn" | grep -qE $'\e\\[([0-9;]*;)?(7|4[0-7])[;m]' \
  || fail "my turn is not highlighted"
T send-keys -t s:1 b
has "Locked in. Sending…"

show join otherturn
has "Turn 2 of 4: 二支部 answers · you cannot answer this one" \
  "Not your turn: answer keys are off"
T send-keys -t s:1 b
sleep 0.3
hasnt "Locked in"
fits

show join reveal
has "Your team answered: correct, +10 points" "Team 一支部: 130 (+30) · rank =1 of 3"

show join wager
has "Round 3 of 3 · 风险题 · wager" "Next: question 1 of 2 · category 党史" \
  "Pick your team's stake" "[1] 10    [2] 20    [3] 30" "10.0 s left" \
  "No stake by the deadline: the smallest (10) counts" "1-3 pick a stake"
fits
T send-keys -t s:1 2
has "Stake 20 confirmed"
hasnt "1-3 pick a stake"
T send-keys -t s:1 3
sleep 0.3
hasnt "Stake 30"

show join wager_member
has "Stake 20 confirmed (picked by 张三)"
hasnt "1-3 pick a stake"

show join wager_question
has "Round 3/3 · 风险题 · Question 1 of 2 · 党史 · stake 30"

show join wager_lost
has "Wrong: −20 points (stake 20)"

show join leaderboard
has "Leaderboard after question 2 of 4" "Team     Members   Score    Last     Stake"
line '^ +=1  一支部 +3 +130 +\+30 +30$'
line '^ +=1  二支部 +2 +130 +−20 +20$'
line '^ +3\. 三支部 +1 +90 +−10 +10$'
line '^  =1  张三 \[一支部\]'
line '^   4\. 李小龙 \[二支部\] .* -20$'
fits
# signed deltas in colour: +30 green (SGR 32), −20 red (SGR 31)
T capture-pane -e -p -t s:1 | grep -qE $'\e\\[[0-9;]*32[;m][^\e]*\\+30' \
  || fail "+30 is not green"
T capture-pane -e -p -t s:1 | grep -qE $'\e\\[[0-9;]*31[;m][^\e]*−20' \
  || fail "−20 is not red"
# monochrome (NO_COLOR): no colour, the signs say it
show join leaderboard "" NO_COLOR=1
has "+30" "−20"
T capture-pane -e -p -t s:1 | grep -qE $'\e\\[[0-9;]*3[1-7][;m]' \
  && fail "colour drawn with NO_COLOR set"

show join break
has "End of round 1 of 3 · 必答题" "Next: round 2 of 3 · 抢答题 · speed" \
  "Waiting for the host to begin round 2…"
fits

show join final
has "Final results" "Final team standings" "Best members" "张三, 小明, 王五" \
  "You: rank 1 of 6, 60 points"
line '^ +=1  二支部 +2 +130 +Bob, 李小龙$'
fits

# --- host and projector ---------------------------------------------------
show host lobby
has "3 rounds: 必答题 (in turn)" "Press s to start the match"
show host countdown
has "Round 1 of 3 · 必答题 · in turn" "Turn 1 of 4: 一支部 answers"
show host myturn
has "Turn 2 of 4: 一支部 answers" "Answered 0 / 0"
show host reveal
has "Team score = 100 + mean of the members' points"
line '^ +=1  二支部 +2 +130 +−20 +20$'
fits
show host wager
has "The teams are picking their stakes" "Press n to end the wager time now"
hasnt "[1] 10"
show host break
has "End of round 1 of 3 · 必答题" "Press n to begin round 2"
fits
show screen final
has "Final team standings" "Bob, 李小龙"
hasnt "You: rank"
fits
show screen myturn
has "Turn 2 of 4: 一支部 answers"
hasnt "Not your turn"

# --- 抢答 and judges ---------------------------------------------------------
show join buzz_countdown
has "Round 2 of 3 · 抢答题 · buzz-in" \
  "5 s to read · +10 / −10 · foul −10 · rebounds 1 · 20 s to answer · oral, judged"
fits
show join buzz_reading
has "Buzzer opens in 2.0 s" "Get ready: buzzer locked" "Space buzz"
hasnt "BUZZ!"
show join buzz_armed
has "BUZZ!" "18.0 s to buzz" "Space buzz"
hasnt "Pressed"
T send-keys -t s:1 Space # the local feedback at once, before any server
has "Pressed"
show join buzz_slower
has "Slower by 23 ms" "Answering: 二支部 · Bob" "Out of this question: 三支部" \
  "17.0 s to answer"
line '^ +1\. 二支部 · Bob +\+0 ms +won$'
line '^ +2\. 一支部 · 小明 +\+23 ms +slower$'
line '^ +3\. 三支部 · 王五 +−1200 ms +foul$'
fits
show join buzz_won
has "You got it!" "Your answer: on screen now" "A-H or 1-8 answer"
hasnt "Space buzz"
show join buzz_rebound
has "REBOUND: BUZZ!" "Out of this question: 二支部" "Space buzz"
show host lobby
has "Judge: quiz judge 127.0.0.1:7878 ABCD-EFGH --token 7K3M9Q2W8X4Y6Z1A"
fits
show host buzz_judge
has "Answer key: B 1921年" "Judge ruling · 3.0 s" "Ruling awaited · 7.0 s" \
  "> 二支部 · Bob: (oral answer)" "auto: wrong" "to rule" \
  "The judge is ruling on 二支部 · Bob's answer" "y right  w wrong"
line '^ +2\. 一支部 · 小明 +\+23 ms +slower$'
fits
T send-keys -t s:1 y # the host rules: sent, the keys wait
has "sending…"
show screen buzz_slower
has "Answering: 二支部 · Bob" "Presses (compensated):"
hasnt "Answer key"
fits
show judge judging
has "The judges are ruling… 7.0 s" "Answer key: 全心全意为人民服务" \
  "> 12× 全心全意为人民服务" "3× 为人民服务" "y right  n wrong" "judge · R 2/3"
line '为人民服务 +auto: wrong +right$'
fits
T send-keys -t s:1 Down Down n # the third group, wrong
has "sending…"
show join judging
has "The judges are ruling… 7.0 s"
hasnt "Answer key"

# --- contestant papercuts (issue 12) ----------------------------------------
# a multi-select reveal marks the options I picked ([x]), right or wrong
show join multi_reveal
line '^ +✗\[x\] A 1919年$'
line '^ +✓\[x\] B 1921年$'
line '^ +✓\[ \] C 1927年$'
line '^ +\[ \] D 1949年$'
fits
# a long explanation scrolls (its keys on the key line), never cut with …
show join explanation
has "Explanation (lines 1-" "of 20, ↑↓ scroll):" "scroll the explanation"
line '^ +1\. 第1条解析$'
hasnt "…"
hasnt "20. 第20条解析"
T send-keys -t s:1 NPage NPage NPage NPage
has "20. 第20条解析（最后一条）"
hasnt "    1. 第1条解析"
hasnt "…"
T send-keys -t s:1 Up
line '^ +19\. 第19条解析$'
fits
# a long nickname gives way in the header: the connection state stays whole
show join longnick
line ' · Alexandra-Kon[^ ]*… · R 2/3 · Q 2/4 · online$'
fits
# a team name of 13 Chinese characters shows whole wherever teams are shown
show join longteam
line '^ +=1 +机关党委第一党支部第二党小组 +3 +130 '
line '^ +=1 +张三 \[机关党委第一党支部第二党小组\] +█'
fits
show join longteam_final
line '^ +=1 +机关党委第一党支部第二党小组 +3 +130 +张三, 小明, 王五$'
fits
show screen longteam
line '^ +=1 +小明 \[机关党委第一党支部第二党小组\] +█'
fits

# --- zh_CN ------------------------------------------------------------------
mo="$locale_dir/zh_CN/LC_MESSAGES/quiz.mo"
if [ -f "$mo" ]; then
  show join countdown zh_CN
  has "第 1/3 轮 · 必答题 · 必答"
  fits
  show join wager zh_CN
  has "风险" "[1] 10"
  fits
  show join leaderboard zh_CN
  line '^ +1 \(并列\) +一支部'
  fits
  show join final zh_CN
  has "队伍最终排名" "优秀队员" "你：第 1 名（共 6 人），60 分"
  fits
  show host break zh_CN
  has "第 1/3 轮结束 · 必答题" "下一轮：第 2/3 轮 · 抢答题 · 速答" "按 n 开始第 2 轮"
  fits
  show join buzz_countdown zh_CN
  has "第 2/3 轮 · 抢答题 · 抢答" "读题 5 秒 · 对 +10 / 错 −10 · 犯规 −10"
  fits
  show join buzz_reading zh_CN
  has "准备 · 抢答器锁定" "空格 抢答"
  show join buzz_armed zh_CN
  has "抢答！"
  T send-keys -t s:1 Space
  has "已按下"
  show join buzz_slower zh_CN
  has "慢了 23 ms" "本题出局：三支部"
  line '二支部 · Bob +\+0 ms +抢到$'
  line '三支部 · 王五 +−1200 ms +犯规$'
  fits
  show join buzz_won zh_CN
  has "抢到！"
  show host buzz_judge zh_CN
  has "标准答案： B 1921年" "等待评判 · 7.0 秒" "自动：错误" "待评判"
  fits
  show join judging zh_CN
  has "裁判评判中… 7.0 秒"
  fits
else
  skipped+=("zh_CN: no catalogue built ($mo)")
fi

echo "tui scenes: $n screens checked at 80x24"
if [ "${#skipped[@]}" -gt 0 ]; then
  for s in "${skipped[@]}"; do echo "SKIP: $s"; done
  exit 77
fi
echo "1 passed, 0 failed"
