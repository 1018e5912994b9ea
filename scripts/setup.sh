#!/usr/bin/env bash
# Installs the Debian 12 packages quizd needs, only those missing.
set -euo pipefail

pkgs=(cmake gcc make pkg-config clang-format
      libuv1-dev libprotobuf-c-dev protobuf-c-compiler
      libsqlite3-dev libcsv-dev libncursesw5-dev libcriterion-dev
      libunistring-dev libinih-dev nettle-dev libxlsxwriter-dev
      gettext tmux sqlite3 jq clang libclang-rt-14-dev
      python3-openpyxl dpkg-dev file
      openssh-server openssh-client
      libnats-dev nats-server)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# python3 only drives the reconnect step of the TUI test; any python3 will do
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
