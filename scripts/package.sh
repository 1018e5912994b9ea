#!/usr/bin/env bash
# Builds the two Debian packages (docs/INSTALL.md): quizd (server, bank,
# systemd unit) and quiz (the terminal client alone), into build-pkg/.
# Usage: bash scripts/package.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build-pkg -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_INSTALL_PREFIX=/usr -DQUIZ_TESTS=OFF >/dev/null
cmake --build build-pkg -j"$(nproc)" >/dev/null
(cd build-pkg && cpack -G DEB >/dev/null)
ls -1 build-pkg/*.deb
