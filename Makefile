# The two set-up commands of the README are `make run` and `make test`; both build .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MANAGE := $(PY) manage.py

.PHONY: run test lint format migrate demo e2e fuzz bench-pages bench-reads eval-related bench-discovery clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

migrate: $(STAMP)
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) loaddemo

run: demo
	$(MANAGE) runserver 127.0.0.1:8000

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -q

e2e: $(STAMP)
	$(PY) -m pytest -q e2e

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
