#!/usr/bin/env bash
# The practice screens of `quiz practice` at 80x24, without a server:
# quiz-pscenes feeds the practice model the messages of each scene
# (tests/tui/pscenes.c) and draws it in a tmux window; this script checks
# the text of every screen (the question with and without a timer, the
# keys, "I don't know", a right and a wrong result with the box, when the
# item comes back, the sources and the explanation, the 错题本 cleared,
# nothing due, the progress page and the team board), then the same in
# zh_CN, with every line at most 80 columns wide (CJK counted as two) and
# the header's right edge on column 80.
#
# tmux missing is a SKIP (exit 77), never a pass; so is a missing zh_CN
# catalogue for the zh_CN part (the rest runs first).
#
# Usage: pscenes.sh QUIZ_PSCENES
set -euo pipefail
bin=$1
sock="quiz-pscenes-$$-$RANDOM"
. "$(dirname "$0")/scenes_lib.sh"

# show SCENE [LANGUAGE]: draws a scene in window 1 (a fresh one); dates in
# UTC so that "00:10" is the same everywhere
show() { scene_show "${2:-}" TZ=UTC "$1"; }
# fits: no line wider than 80 columns, the header ends on column 80 (79
# and the trailing space), the key line on row 24
fits() {
  local w
  scene_fits
  w=$(cap | head -n 1 | LC_ALL=C.UTF-8 wc -L)
  [ "$w" -eq 79 ] || fail "the header is $w columns wide, want 79"
  [ "$(cap | sed -n 24p)" != "" ] || fail "no key line on row 24"
}
key() { T send-keys -t s:1 "$@"; }

# --- English ------------------------------------------------------------
show tf
has "quiz · practice" "张三 · 机关党委第一党支部 · Review book 1 · online" \
  "Practice · question 5 · 党章党规 · new" \
  "党员干部必须增强自我净化、自我完善、自我革新、自我提高能力。" \
  "A 正确" "B 错误" "A-H or 1-8 answer (or arrows and Enter)  ? don't know  q quit"
hasnt "s left"
fits
key a # the scene marks it right
has "Correct!  (3.4 s)" "Box 3 of 5 · back in 10 minutes" \
  "Source: statements 12, 13 · streak 4 · review book 1" "Explanation:" \
  "Enter next  r review book  p progress  q quit"
line "^ +✓ A 正确"
fits

show tf
key "?" # I don't know: an empty answer, marked wrong
has "Not known: counted as wrong  (3.4 s)" "In the review book · box 1 of 5 · back in 1 minute"
fits

show multi_timer
has "Practice · question 5 · 党章党规 · due again (box 2)" "16.0 s left" \
  "[ ] A 坚持党的全面领导" "Enter confirm  ? don't know  q quit"
fits

show fill
has "Your answer: _" "Type your answer, Enter to submit (empty: don't know)  Ctrl-C quit"
fits

show right
has "Correct!  (3.4 s)" "Box 3 of 5 · back in 3 days" "Source: statements 12, 13"
line "^ +✓\[x\] A 坚持党的全面领导"   # picked (the reveal marks picks: [x])
line "^ +✓\[x\] D 坚持新发展理念"
fits

show wrong
has "Wrong  (3.4 s)" "In the review book · box 1 of 5 · back in 1 minute" \
  "Review book 2 · online"
line "^ +✓ A 正确"
line "^ +✗ B 错误"
fits

show wrong_fill
has "Correct answer: 群众路线" "Your answer: 实事" "Wrong  (3.4 s)" \
  "Practice · question 5 · 党章党规 · from the review book"
fits

show cleared
has "quiz · practice: review book" "张三 · Review book 1 · online" \
  "Out of the review book! Box 3 of 5 · back in 10 minutes" \
  "Enter next  s schedule  p progress  q quit"
fits

show wait
has "Nothing due now." "Next item due at 00:10 (back in 10 minutes)" \
  "r  review the review book (1 item)" "n  ask again for a question" \
  "n try again  r review book  p progress  q quit"
fits

show filter_empty
has "Nothing to practise with this filter." \
  "Categories: 党章党规 · 党的理论 · 治国理政 · 组织建设 · 作风建设" \
  "    组织生活 · 党员管理 · 纪律廉政" "r  review the review book (1 item)"
fits

show review_empty
has "The review book is empty: nothing to review." "s  back to the schedule"
hasnt "r  review the review book"
fits

show stats
has "张三 (机关党委第一党支部) on 127.0.0.1:7878" \
  "Time practised 1 h 05 min · last 2025-11-30 23:00" \
  "Answers 39 (right 30, accuracy 76.9%)" \
  "Streak 4 (best 9) · days in a row 2 (best 5)" \
  "Category       Items  Seen  Mastered  Mastery  Accuracy  Review book" \
  "党章党规          40    12         3     7.5%     83.3%            0" \
  "党史学习教育      41     8         2     5.0%     76.9%            1" \
  "All              125    24         6     4.8%     76.9%            3" \
  "b team board  any other key: back"
fits

show board
has "Team 机关党委第一党支部 on 127.0.0.1:7878: 2 members" \
  "Member    Answers  Accuracy  Seen  Mastered  Review    Time  Days      Latest" \
  "张三           30     83.3%    20         5       2  50 min     2  2025-11-30" \
  "Mary Ann        9     55.6%     4         1       1  15 min     1  2025-11-30"
fits

# --- zh_CN --------------------------------------------------------------
if [ -f "$locale_dir/zh_CN/LC_MESSAGES/quiz.mo" ]; then
  show tf zh_CN
  has "quiz · 练习" "张三 · 机关党委第一党支部 · 错题本 1 · 在线" \
    "练习 · 第 5 题 · 党章党规 · 新题" "A-H 或 1-8 作答（或方向键加回车）  ? 不会  q 退出"
  fits
  key a
  has "回答正确！（3.4 秒）" "第 3/5 盒 · 10 分钟后再练" \
    "出处：第 12、13 条 · 连对 4 题 · 错题本 1 题" "解析："
  fits
  show wrong zh_CN
  has "回答错误（3.4 秒）" "已记入错题本 · 第 1/5 盒 · 1 分钟后再练"
  fits
  show cleared zh_CN
  has "quiz · 练习：错题本" "已移出错题本！第 3/5 盒 · 10 分钟后再练"
  fits
  show wait zh_CN
  has "现在没有到期的题目。" "下一题到期时间 00:10（10 分钟后再练）" "r  复习错题本（1 题）"
  fits
  show stats zh_CN
  has "张三（机关党委第一党支部）· 127.0.0.1:7878" \
    "类别          题数  已做  已掌握  掌握率  正确率  错题本" \
    "党章党规        40    12       3    7.5%   83.3%       0" \
    "党史学习教育    41     8       2    5.0%   76.9%       1" \
    "全部           125    24       6    4.8%   76.9%       3"
  fits
  show board zh_CN
  has "团队 机关党委第一党支部 · 127.0.0.1:7878：2 名成员" "成员" "最近练习"
  fits
else
  skipped+=("no zh_CN catalogue in $locale_dir: the zh_CN screens were not checked")
fi

echo "pscenes.sh: $n screens checked"
if [ ${#skipped[@]} -gt 0 ]; then
  printf 'SKIP: %s\n' "${skipped[@]}"
  exit 77
fi
