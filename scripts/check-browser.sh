#!/usr/bin/env bash
# Set-up step for the browser test of the chat widget (tests/e2e/test_widget.py): Debian's
# Chromium at /usr/bin/chromium, which Playwright drives; no test tool ever downloads a browser.
# Present: exits 0 silently. Missing: installs Debian's chromium package when it can (root
# with apt-get), else says in one line what to install and exits 1 (the browser test then
# skips, naming the reason; the Makefile goes on).
#
# Usage: scripts/check-browser.sh
set -uo pipefail

BROWSER=/usr/bin/chromium

[ -x "$BROWSER" ] && exit 0

install_quietly() {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1
}

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  # The package lists may be missing or stale on a fresh machine: update only when needed.
  install_quietly || { apt-get update -qq >/dev/null 2>&1 && install_quietly; }
  [ -x "$BROWSER" ] && exit 0
fi
echo "The widget's browser test needs Chromium at $BROWSER: install Debian's chromium (apt-get install chromium)" >&2
exit 1
