#!/usr/bin/env bash
# Installs everything tasuke and its tests need on a fresh Debian machine:
# the Debian packages (Redis for the scaled-out queue, CJK fonts for charts,
# a compiler for the native modules, Chromium for the browser tests) and the
# npm packages from the lock file.
# Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

# chromium (and an emoji font for its pages) drives the web face's end-to-end tests.
packages=(build-essential python3 redis-server fonts-noto-cjk fontconfig chromium fonts-noto-color-emoji)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages (npm ci)"
  npm ci
fi
