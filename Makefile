# The two set-up commands of the README are `make run` and `make test`; both build .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MANAGE := $(PY) manage.py
# `make run PORT=8100 HOST=0.0.0.0`: where the development server listens.
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-faults lint format migrate demo e2e fuzz bench-pages bench-reads eval-related bench-discovery bench-moderation bench-api bench-campaigns soak bench-ann clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

migrate: $(STAMP)
	$(MANAGE) migrate --noinput

# Demo content and the local demo accounts (README "Quick start"); does nothing when loaded.
demo: migrate
	$(MANAGE) loaddemo

# The development server and the scheduler (manage.py periodic) together; Ctrl-C stops both.
run: demo
	$(MANAGE) rundev --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -q

e2e: $(STAMP)
	$(PY) -m pytest -q e2e

# Fault scenarios (faults/, a few minutes): the site under a bounded load while a private Redis
# is killed or hangs and a private PostgreSQL refuses connections; last line
# `faults: N scenarios, N survived, 0 reads lost`. Never touches the machine's shared servers.
test-faults: $(STAMP)
	$(PY) -m pytest -q -s faults

# The full bad-input sweep (the normal suite runs a bounded random draw of it).
fuzz: $(STAMP)
	OPENHAO_FUZZ=full $(PY) -m pytest -q -p no:randomly openhao/common/tests/test_fuzz.py

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

include bench/bench.mk

clean:
	rm -rf $(VENV) var/static
