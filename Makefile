# Equilibri — the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) -m equilibri
HOST ?= 127.0.0.1
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help run prepare serve test lint typecheck test-sqlite test-postgres system-deps messages vendor

help:
	@echo "make run   - install, migrate, load geography and demo data, serve http://$(HOST):$(PORT)"
	@echo "make test  - ruff, mypy, the whole suite on SQLite and then on a throwaway PostgreSQL"

$(PY):
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamps: reinstall only when pyproject.toml changes.
$(VENV)/.installed-run: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed-run

prepare: $(VENV)/.installed-run
	@mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) load_geography
	DEMO=1 $(MANAGE) load_demo

run: prepare
	DEMO=1 HOST=$(HOST) PORT=$(PORT) scripts/serve.sh

system-deps:
	@scripts/system-deps.sh

# bandit's answered checks and the dependency audit's fallback: SECURITY.md. lint-imports checks
# the layers contract of pyproject.toml (no cache: the graph builds in under a second).
lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache --no-logo
	$(VENV)/bin/bandit --quiet --configfile pyproject.toml --recursive equilibri scripts bench
	$(PY) scripts/audit_dependencies.py

typecheck: $(VENV)/.installed-dev
	$(VENV)/bin/mypy equilibri

PYTEST_ARGS ?=
test-sqlite: $(VENV)/.installed-dev
	env -u DATABASE_URL $(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

test-postgres: $(VENV)/.installed-dev
	scripts/with-postgres.sh $(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

# Both databases always run, so one failure does not hide the other's result.
test: system-deps $(VENV)/.installed-dev
	$(MANAGE) compilemessages --ignore '.venv' --verbosity 0
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory typecheck
	@sqlite=0; postgres=0; \
	echo "=== Suite on SQLite ==="; $(MAKE) --no-print-directory test-sqlite || sqlite=$$?; \
	echo "=== Suite on PostgreSQL ==="; $(MAKE) --no-print-directory test-postgres || postgres=$$?; \
	echo "=== Results: SQLite $$([ $$sqlite = 0 ] && echo passed || echo FAILED), PostgreSQL $$([ $$postgres = 0 ] && echo passed || echo FAILED) ==="; \
	[ $$sqlite = 0 ] && [ $$postgres = 0 ]

# Developers: after changing strings, `make messages`, translate the new entries in
# equilibri/locale/en/LC_MESSAGES/django.po (msgids are Italian), run it again, commit .po and .mo.
# It scans only the equilibri package (so never .venv, var, tests), skipping its static files;
# -P keeps equilibri/ itself off sys.path. The last line counts untranslated and fuzzy entries.
MESSAGES_PO := equilibri/locale/en/LC_MESSAGES/django.po
messages: $(VENV)/.installed-run
	@command -v msgfmt >/dev/null || { echo "gettext is missing: run make system-deps"; exit 1; }
	cd equilibri && $(abspath $(PY)) -P -m equilibri makemessages --locale en --domain django \
		--ignore 'static' --ignore 'node_modules' --no-obsolete
	cd equilibri && $(abspath $(PY)) -P -m equilibri compilemessages --locale en --ignore 'static'
	@msgfmt --check --statistics -o /dev/null $(MESSAGES_PO)

# Re-vendor the pinned front-end packages (needs the npm registry; the result is committed).
vendor:
	scripts/vendor-assets.sh
