#!/usr/bin/env bash
# Quick start: install what is missing, build, and start quizd on
# 127.0.0.1:7878 with the bundled bank and a SQLite file (quizd.db).
# Extra arguments go to quizd (see: build/quizd --help).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
cat <<'MSG'
quizd: starting on 127.0.0.1:7878 (Ctrl-C stops it). In other terminals:
  host a room:       build/quiz host 127.0.0.1:7878 --questions 10
  join it:           build/quiz join 127.0.0.1:7878 CODE --name NAME
  big screen:        build/quiz screen 127.0.0.1:7878 CODE
  20 simulated players: build/quiz-bench --connect 127.0.0.1:7878 --players 20 --questions 5 --bank data/bank
MSG
exec build/quizd --listen 127.0.0.1:7878 --db quizd.db "$@"
