#!/usr/bin/env bash
# Quick start: install what is missing, build, and start quizd on
# 127.0.0.1:7878 with the bundled bank and a SQLite file (quizd.db).
# Extra arguments go to quizd (see: build/quizd --help).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
echo "quizd: starting; play with 'build/quiz-bench --connect 127.0.0.1:7878 --players 20 --questions 5', stop with Ctrl-C"
exec build/quizd --listen 127.0.0.1:7878 --db quizd.db "$@"
