# samdigi: `make run` serves the demo on http://127.0.0.1:8000; `make test` runs the whole suite
# on SQLite and on a throwaway PostgreSQL. Both set everything up first.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run setup serve-prod test test-sqlite test-postgres lint format bench fuzz fuzz-postgres messages check clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv -v0
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py seed_demo

run: setup
	@echo "samdigi on http://$(HOST):$(PORT)/"
	$(PY) manage.py runserver $(HOST):$(PORT)

# Production in one command (README, "Running in production"): compilemessages, migrate and
# collectstatic with the production settings, then gunicorn. Needs SECRET_KEY and ALLOWED_HOSTS.
serve-prod: $(STAMP)
	BIND="$${BIND:-$(HOST):$(PORT)}" scripts/serve_production.sh

# axe-core for the accessibility test (tests only; the site never serves it).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

test: $(STAMP) node_modules/.installed
	$(PY) manage.py compilemessages --ignore=.venv -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(MAKE) lint
	$(PY) manage.py makemigrations --check --dry-run
	$(MAKE) test-sqlite
	$(MAKE) test-postgres
	$(MAKE) fuzz
	$(MAKE) fuzz-postgres

test-sqlite: $(STAMP) node_modules/.installed
	DATABASE_URL= $(PY) -m pytest $(PYTEST_ARGS)

test-postgres: $(STAMP) node_modules/.installed
	$(PY) scripts/with_postgres.py -- $(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Core and organisations share samdigi/locale; every domain app keeps its own catalogue.
APP_CATALOGUES := landscape portfolio procurement
messages: $(STAMP)
	$(PY) manage.py makemessages -l da -l en --ignore=.venv --ignore=staticfiles --ignore=node_modules --no-obsolete \
		$(foreach app,$(APP_CATALOGUES),--ignore=samdigi/$(app)/*)
	for app in $(APP_CATALOGUES); do \
		(cd samdigi/$$app && mkdir -p locale && ../../$(PY) ../../manage.py makemessages -l da -l en --no-obsolete); \
	done
	$(PY) manage.py compilemessages --ignore=.venv

bench: setup
	$(PY) -m samdigi.bench

# A bounded, seeded schemathesis run against a served throwaway copy of the demo (SQLite; with
# `scripts/with_postgres.py -- $(PY) scripts/fuzz.py` on PostgreSQL): 0 5xx, 0 schema violations.
fuzz: $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv -v0
	$(PY) scripts/fuzz.py

fuzz-postgres: $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv -v0
	$(PY) scripts/with_postgres.py -- $(PY) scripts/fuzz.py

clean:
	rm -rf $(VENV) staticfiles samdigi.sqlite3 node_modules
