#!/usr/bin/env bash
# Set-up step for `make replicas`: Debian's HAProxy at /usr/sbin/haproxy, the load balancer in
# front of the replicas (bot/stack/replicas.py). Present: exits 0 silently. Missing: installs
# Debian's haproxy package when it can (root with apt-get), else says in one line what to
# install and exits 1.
#
# Usage: scripts/check-haproxy.sh
set -uo pipefail

HAPROXY=/usr/sbin/haproxy

[ -x "$HAPROXY" ] && exit 0

install_quietly() {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends haproxy >/dev/null 2>&1
}

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  # The package lists may be missing or stale on a fresh machine: update only when needed.
  install_quietly || { apt-get update -qq >/dev/null 2>&1 && install_quietly; }
  [ -x "$HAPROXY" ] && exit 0
fi
echo "make replicas needs HAProxy at $HAPROXY: install Debian's haproxy (apt-get install haproxy)" >&2
exit 1
