# LeDeR: `make run` starts everything, `make test` runs every test (README.md).
# Needs only Python 3.11, Node.js/npm and a shell; PostgreSQL and Redis are embedded
# (under var/) unless DATABASE_URL / REDIS_URL are set.
SHELL := /bin/bash
.DEFAULT_GOAL := run

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMPS := var/stamps
# collectstatic builds the hashed, compressed files exactly as production does (Dockerfile);
# these values only let the production settings load: nothing connects anywhere.
BUILD_ENV := DJANGO_SETTINGS_MODULE=leder.settings.production \
	DJANGO_SECRET_KEY=build-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz \
	DJANGO_ALLOWED_HOSTS=localhost LEDER_SITE_URL=https://localhost \
	DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0
STATIC_SOURCES := $(shell find static -type f 2>/dev/null)

.PHONY: run test install assets lint migrate seed logins stop bench

## run: install, build assets, start PostgreSQL/Redis, migrate, seed demo data, run the Procfile
run: install assets
	$(BIN)/python -m leder.devstack run

## test: the whole suite, browser tests included (they need Debian's chromium)
test: install assets
	@test -x /usr/bin/chromium || test -n "$${CHROMIUM_PATH:-}" || echo \
		"warning: /usr/bin/chromium is missing: browser tests will fail (apt-get install chromium)" >&2
	$(BIN)/pytest

## install: the virtualenv with the project and its dev tools (pinned in pyproject.toml)
install: $(STAMPS)/install

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMPS)/install: pyproject.toml $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@mkdir -p $(STAMPS) && touch $@

## assets: NHS.UK frontend from npm (package-lock.json) and collectstatic
assets: staticfiles/staticfiles.json

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

staticfiles/staticfiles.json: node_modules/.package-lock.json $(STAMPS)/install $(STATIC_SOURCES)
	$(BUILD_ENV) $(BIN)/python manage.py collectstatic --noinput --clear -v 0
	@touch $@

## lint: ruff, formatting, and no model change without its migration
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/mypy .

migrate: install
	$(BIN)/python manage.py migrate

seed: migrate
	$(BIN)/python manage.py seed_demo

## logins: the demo logins with their current authenticator-app codes
logins: install
	@$(BIN)/python -m leder.devstack logins

## bench: the real stack under load with national-scale data, the annual report PDF; prints the figures (docs/performance.md; BENCH_SWEEP=1 adds bench-records)
bench: install assets
	$(BIN)/python -m tests.bench

.PHONY: screenshots
## screenshots: run the end-to-end journey and keep its step screenshots for the guides (docs/guide/images)
screenshots: install assets
	rm -f docs/guide/images/*.png
	LEDER_SCREENSHOT_DIR=docs/guide/images $(BIN)/pytest tests/browser/test_end_to_end.py -q

.PHONY: bench-records
## bench-records: the records sweep with 10,000 due links (time, queries, peak RSS; ADR 0010)
bench-records: install
	$(BIN)/python -m tests.bench.records_sweep

## stop: stop the embedded PostgreSQL and Redis (make run stops its own on Ctrl-C)
stop:
	$(BIN)/python -m leder.devstack stop
