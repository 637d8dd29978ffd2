# NET intake assistant. `make run` and `make test` are the two commands a new user needs;
# the other targets are the steps they are built from.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
MODEL := models/net-assistant.tar.gz

# Rasa 3.6 runs on Python 3.8-3.10 only. Look for a 3.10 interpreter: on PATH first, then in
# pyenv (where `python3.10` resolves only with PYENV_VERSION set). Override with `make PYTHON=...`.
PYTHON ?= $(shell \
	for c in python3.10 \
	         "env PYENV_VERSION=$$(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.|$$)' | tail -n 1) python3.10"; do \
	  if $$c -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; then echo "$$c"; break; fi; \
	done)

# The environment every process runs with (telemetry off, ...), from its one home.
include bot/process.env
export $(shell sed -n 's/^\([A-Z_][A-Z0-9_]*\)=.*/\1/p' bot/process.env)
export PYTHONDONTWRITEBYTECODE := 1

NLU_DATA := $(shell find data -name '*.yml' 2>/dev/null | sort)
MODEL_INPUTS := config.yml domain.yml $(NLU_DATA) $(wildcard bot/nlu/*.py)

.PHONY: help install browser haproxy validate train retrain run run-prod-local lint test bench hooks clean

help:
	@echo "make run    install, train if needed, start Rasa + action server + web service"
	@echo "make test   install if needed, then lint, types and every test"
	@echo "make lint   ruff (lint and format check) and mypy"
	@echo "make bench  accuracy, cross-validation and speed benchmarks -> docs/benchmarks.md"
	@echo "make train  validate the data and train a model into models/ (skipped if unchanged)"
	@echo "make retrain  check, train a candidate model, compare it with the live one (quality"
	@echo "            gate) and write the report to reports/ (docs/content.md)"
	@echo "make hooks  run lint, types and the large-file check before every git commit"

install: $(VENV)/.installed node_modules/.installed

# requirements-dev.lock is the runtime set (requirements.lock, all the production image has)
# plus the tools for tests, lint, types and benchmarks.
$(VENV)/.installed: requirements.lock requirements-dev.lock pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
	  echo "error: Python 3.10 not found (Rasa 3.6 needs 3.8-3.10)."; \
	  echo "       Install it (e.g. 'pyenv install 3.10.13') or pass 'make PYTHON=/path/to/python3.10'."; \
	  exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@$(MAKE) --no-print-directory browser
	touch $@

# Front-end tooling from npm, exactly as package-lock.json pins it (axe-core for the browser
# tests). The widget itself has no dependencies and no build step.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "note: no npm; the accessibility scan of the browser tests will be skipped"; fi

# The browser tests drive Debian's Chromium with Playwright (Playwright's own browser
# download is not reachable here). Installed when apt-get can; otherwise those tests skip
# and say why.
browser:
	@$(call debian_tool,chromium,the browser tests)

# $(call debian_tool,PACKAGE,WHAT FOR): install Debian's PACKAGE when its command is missing
# and apt-get can (as root); otherwise say what goes without it.
define debian_tool
command -v $(1) >/dev/null 2>&1 || { \
  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
    echo "installing Debian's $(1) for $(2)"; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(1) >/dev/null; \
  else echo "note: no $(1) (apt-get install $(1)); $(2) will not run"; fi; }
endef

# The content team's check (docs/content.md): their mistakes by file and line, and Rasa's
# `data validate --fail-on-warnings` without the warnings of a clean run.
validate: install
	$(BIN)/python -m bot content check

train: $(MODEL)

# Rasa's own fingerprinting would also skip an unchanged model, but only after a 15 s import;
# make's timestamps decide that for free. `validate` treats warnings as errors, so
# `rasa train` skips its own second validation pass.
$(MODEL): $(MODEL_INPUTS) | $(VENV)/.installed
	$(MAKE) --no-print-directory validate
	$(BIN)/rasa train --skip-validation --fixed-model-name net-assistant --out models
	touch $@

# The content team's retrain (docs/content.md): content check, a candidate model in
# models/candidates/ (the live model is never overwritten), its evaluation against the live
# one, the quality gate (bot/evaluation/gate.yml) and the report. Options: make retrain
# ARGS="--folds 0 --sets all" (python -m bot content retrain --help).
retrain: install
	$(BIN)/python -m bot content retrain $(ARGS)

run: install $(MODEL)
	$(BIN)/python -m bot run

# The production topology without Docker: two Rasa servers behind HAProxy, conversations in
# this machine's PostgreSQL, locks in its Redis (bot/production_local.py).
run-prod-local: install haproxy $(MODEL)
	$(BIN)/python -m bot run-prod-local

haproxy:
	@$(call debian_tool,haproxy,the production-local topology)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint haproxy $(MODEL)
	$(BIN)/python -m pytest

bench: install $(MODEL)
	$(BIN)/python -m benchmarks

hooks: install
	$(BIN)/pre-commit install

clean:
	rm -rf models results .pytest_cache
