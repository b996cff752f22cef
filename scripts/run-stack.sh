#!/usr/bin/env bash
# Starts Waypoint: prepares the secrets and the data key, then hands over to bot/stack, which
# starts the servers, says how to talk to Waypoint once they answer, restarts one that
# crashes, and stops them all on Ctrl-C.
#
#   scripts/run-stack.sh            one server of each kind, SQLite (make run)
#   scripts/run-stack.sh replicas   two of each behind HAProxy, PostgreSQL and Redis (make replicas)
set -euo pipefail
cd "$(dirname "$0")/.."

# No usage telemetry leaves the machine, however the script is started.
export RASA_TELEMETRY_ENABLED=false
# Everything the servers write – databases, journals, secrets – is readable by this user only.
umask 077
mkdir -p var
chmod 700 var
chmod 600 var/*.db* var/*-secret var/data-key 2>/dev/null || true

# The data key that encrypts answers and transcripts at rest (bot/storage/crypto.py): the
# Makefile makes var/data-key; started on its own, this script uses that file too.
if [ -z "${WAYPOINT_DATA_KEY:-}" ] && [ -z "${WAYPOINT_DATA_KEY_FILE:-}" ]; then
  if [ ! -s var/data-key ]; then
    .venv/bin/python -m bot.storage.datakey new-ring > var/data-key
    echo "Made a new data key in var/data-key (readable by you only): back it up (docs/privacy.md)."
  fi
  WAYPOINT_DATA_KEY_FILE="$PWD/var/data-key"
  export WAYPOINT_DATA_KEY_FILE
fi

# The counselor console replies through Rasa's HTTP API, which only answers with this
# token (waypoint_rasa/channels.py): made fresh for each run unless one is configured.
# It travels in the environment, never on a command line (process lists show those).
if [ -z "${WAYPOINT_RASA_TOKEN:-}" ]; then
  WAYPOINT_RASA_TOKEN="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')"
  export WAYPOINT_RASA_TOKEN
fi
# Rasa calls the action server with this token (endpoints.yml), and the action server answers
# nothing else: made fresh for each run unless one is configured, and kept off command lines.
if [ -z "${WAYPOINT_ACTIONS_TOKEN:-}" ]; then
  WAYPOINT_ACTIONS_TOKEN="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')"
  export WAYPOINT_ACTIONS_TOKEN
fi
# The web chat widget signs the anonymous identities it hands to browsers with this key:
# kept in var/ so that conversations survive restarts.
if [ -z "${WAYPOINT_WEBCHAT_SECRET:-}" ]; then
  [ -s var/webchat-secret ] || (umask 077 && .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))' > var/webchat-secret)
  WAYPOINT_WEBCHAT_SECRET="$(cat var/webchat-secret)"
  export WAYPOINT_WEBCHAT_SECRET
fi

# The servers – action servers, Rasa (REST channel, web chat, Slack) and web servers (console,
# chat page, notifications) – each with only the secrets it needs, kept running by bot/stack:
# one that crashes is restarted with backoff; Ctrl-C stops them all.
case "${1:-run}" in
  run|replicas) exec .venv/bin/python -m bot.stack "${1:-run}" ;;
  *) echo "usage: scripts/run-stack.sh [run|replicas]" >&2; exit 2 ;;
esac
