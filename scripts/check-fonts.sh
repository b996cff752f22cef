#!/usr/bin/env bash
# Set-up step for PDF plans (run by the Makefile before tests and the bot): the fonts that
# bot/plan/fonts.py looks for must be there, or Chinese answers print as empty boxes.
# Present: exits 0 silently. Missing: installs the Debian package when it can (root with
# apt-get), else says in one line per font what to install and exits 1.
#
# Usage: scripts/check-fonts.sh [FONT_DIR]   (default /usr/share/fonts/truetype)
# Another FONT_DIR is only checked, never installed into: apt-get installs to the default.
set -uo pipefail

SYSTEM_DIR=/usr/share/fonts/truetype
FONT_DIR="${1:-$SYSTEM_DIR}"

can_install() {
  [ "$FONT_DIR" = "$SYSTEM_DIR" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1
}

install_quietly() {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$1" >/dev/null 2>&1
}

# ensure FILE PACKAGE WHAT: WHAT says what the font is for, in the one line printed when it is missing.
ensure() {
  [ -f "$1" ] && return 0
  if can_install; then
    # The package lists may be missing or stale on a fresh machine: update only when needed.
    install_quietly "$2" || { apt-get update -qq >/dev/null 2>&1 && install_quietly "$2"; }
    [ -f "$1" ] && return 0
  fi
  echo "Waypoint needs $3 for PDF plans: install Debian's $2 (apt-get install $2)" >&2
  return 1
}

status=0
ensure "$FONT_DIR/dejavu/DejaVuSans.ttf" fonts-dejavu-core "DejaVu Sans" || status=1
ensure "$FONT_DIR/droid/DroidSansFallbackFull.ttf" fonts-droid-fallback "a font covering Chinese" || status=1
exit "$status"
