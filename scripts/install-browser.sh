#!/usr/bin/env bash
# Install the browser the Playwright tests drive: Debian chromium + CJK fonts.
# Does nothing when /usr/bin/chromium is already there. Never runs `playwright install`.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "chromium present: /usr/bin/chromium"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "error: /usr/bin/chromium is missing and this user cannot run apt-get" >&2
    echo "fix: as root run: apt-get update && apt-get install -y chromium fonts-noto-cjk" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium fonts-noto-cjk
echo "installed: $(/usr/bin/chromium --version)"
