#!/usr/bin/env bash
# Installs everything tasuke and its tests need on a fresh Debian machine:
# the Debian packages (Redis for the scaled-out queue, CJK fonts for charts,
# a compiler for the native modules, Chromium for the browser tests) and the
# npm packages from the lock file.
# Safe to run again: it skips what is already there.
#
# Whether `npm ci` is needed is decided by content, not file times: the
# SHA-256 of package.json and package-lock.json (and the Node major version,
# which native modules are built for) is recorded in node_modules after a
# successful install, and npm ci runs only when that record is missing or
# differs. A fresh checkout of unchanged files does not reinstall; a changed
# lock file does.
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

node_major=$(node -p 'process.versions.node.split(".")[0]')
wanted=$({ cat package.json package-lock.json; echo "node ${node_major}"; } | sha256sum | cut -d' ' -f1)
stamp=node_modules/.tasuke-install.sha256
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  echo "setup: installing npm packages (npm ci)"
  npm ci
  echo "$wanted" > "$stamp"
else
  echo "setup: npm packages match package-lock.json; nothing to install"
fi
