#!/usr/bin/env bash
# Starts the action server and the Rasa server (REST channel) on the embedded defaults,
# waits until both answer, says how to talk to Waypoint, and stops both on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

RASA_PORT=5005
ACTIONS_PORT=5055
WEB_PORT="${WAYPOINT_WEB_PORT:-8000}"
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

# The action server does not need Rasa or TensorFlow: rasa_sdk alone starts faster and smaller.
# It writes and deletes counseling records, so it answers only calls with the token above and
# listens on WAYPOINT_ACTIONS_HOST, localhost by default (actions/server.py).
# One BLAS thread: the career catalogue's matrix products are tiny, and idle BLAS threads
# spinning on the second core slow the Rasa server down.
# Each server gets only the secrets it needs (a process's environment is readable by its own
# user, and a leak of one process then leaks no more): `env -u` drops the others.
ACTIONS_DROP=(-u WAYPOINT_RASA_TOKEN -u WAYPOINT_REST_TOKEN -u WAYPOINT_WEBCHAT_SECRET -u WAYPOINT_WEBCHAT_JWT_SECRET
  -u WAYPOINT_SLACK_BOT_TOKEN -u WAYPOINT_SLACK_SIGNING_SECRET -u WAYPOINT_SLACK_TOKEN -u WAYPOINT_SMTP_PASSWORD)
RASA_DROP=(-u WAYPOINT_SLACK_TOKEN -u WAYPOINT_SMTP_PASSWORD -u WAYPOINT_SMTP_USERNAME)
WEB_DROP=(-u WAYPOINT_ACTIONS_TOKEN -u WAYPOINT_REST_TOKEN -u WAYPOINT_SLACK_BOT_TOKEN -u WAYPOINT_SLACK_SIGNING_SECRET
  -u WAYPOINT_WEBCHAT_SECRET -u WAYPOINT_WEBCHAT_JWT_SECRET)
env "${ACTIONS_DROP[@]}" OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 .venv/bin/python -m actions.server --port "$ACTIONS_PORT" &
actions_pid=$!
# --enable-api: the console's two routes only, behind the token (the channel's guard).
# Requests to the Rasa server are chat messages and the console's calls: 256 KB is plenty
# (Sanic's default is 100 MB; the turn core itself reads at most 4,000 characters).
env "${RASA_DROP[@]}" SANIC_REQUEST_MAX_SIZE=262144 .venv/bin/rasa run --model models/waypoint.tar.gz --endpoints endpoints.yml --enable-api \
  --credentials credentials.yml --interface 127.0.0.1 --port "$RASA_PORT" &
rasa_pid=$!
# The project's web server: the counselor console, and the notifications of new cases.
env "${WEB_DROP[@]}" .venv/bin/python -m bot.web &
web_pid=$!

stop() {
  trap - INT TERM EXIT
  echo
  echo "Stopping Waypoint..."
  kill -TERM "$rasa_pid" "$actions_pid" "$web_pid" 2>/dev/null || true
  wait "$rasa_pid" "$actions_pid" "$web_pid" 2>/dev/null || true
  echo "Stopped."
}
trap stop INT TERM EXIT

for _ in $(seq 1 180); do
  if curl -fs "http://127.0.0.1:$RASA_PORT/" >/dev/null && curl -fs "http://127.0.0.1:$ACTIONS_PORT/health" >/dev/null \
     && curl -fs "http://127.0.0.1:$WEB_PORT/health" >/dev/null; then
    cat <<MSG

  Waypoint is running.
    REST channel:  POST http://localhost:$RASA_PORT/webhooks/rest/webhook
                   {"sender": "<employee id>", "message": "hello"}
    Web chat:      http://localhost:$WEB_PORT/
    Terminal chat: make shell   (in another terminal)
    Counselors:    http://localhost:$WEB_PORT/console/   (add one: make counselor)
    Stop:          Ctrl-C

MSG
    break
  fi
  if ! kill -0 "$rasa_pid" 2>/dev/null || ! kill -0 "$actions_pid" 2>/dev/null || ! kill -0 "$web_pid" 2>/dev/null; then
    echo "Waypoint failed to start: see the messages above." >&2
    exit 1
  fi
  sleep 1
done
wait -n "$rasa_pid" "$actions_pid" "$web_pid"
