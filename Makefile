# The JKP case system. `make run` and `make test` are all a newcomer needs (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# What running needs (make run) and what the checks add (make test): two stamps, so `make run`
# on a fresh machine installs only requirements.txt.
RUN_STAMP := $(VENV)/.run-$(shell cat requirements.txt | cksum | cut -d' ' -f1)
DEV_STAMP := $(VENV)/.dev-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
SIZE ?= small

.PHONY: help venv dev run serve migrate seed test lint typecheck format check browser bench bench-import bench-national demo-data messages clean prod-smoke

help:
	@echo "make run         set up everything (venv, dependencies, database, demo data) and serve http://$(HOST):$(PORT)/"
	@echo "make test        lint, type check, migration check and the whole test suite (browser tests"
	@echo "                 included), in parallel and with a coverage floor"
	@echo "make typecheck   mypy with django-stubs (strict for the rules engine and the services)"
	@echo "make bench       the benchmarks, each with its ratio to a floor measured in the same run"
	@echo "make bench-import   1,000,000 contribution rows through the import, beside raw COPY"
	@echo "make bench-national every benchmark at national size"
	@echo "make demo-data SIZE=small|medium|large   synthetic data at scale"
	@echo "make prod-smoke  the production processes (deploy/entrypoint.sh) take one claim to a paid instalment"

$(RUN_STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@rm -f $(VENV)/.run-*
	@touch $@

$(DEV_STAMP): $(RUN_STAMP) requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@rm -f $(VENV)/.dev-*
	@touch $@

venv: $(RUN_STAMP)

dev: $(DEV_STAMP)

migrate: venv
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

# Links in the e-mails (SITE_URL) lead to the address the server runs on, unless SITE_URL is set.
run: seed
	@echo ""
	@echo "JKP is starting on http://$(HOST):$(PORT)/  (password for every demo login: demo-jkp-2025)"
	@echo "Workers' portal: http://$(HOST):$(PORT)/portal/  (peserta1 or KPJ 11000000001)"
	SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}" $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Debian's Chromium for the Playwright browser tests (Playwright's own download cannot work here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@# WeasyPrint (the PDF of the monthly report) needs Debian's Pango and HarfBuzz libraries.
	@ldconfig -p | grep -q libpangoft2-1.0 || { \
		echo "Installing Pango for WeasyPrint"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null; }

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Configuration in pyproject.toml ([tool.mypy]); settings load with no environment set.
typecheck: dev
	$(BIN)/mypy

format: dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: dev
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

# The suite runs on every core (xdist: each worker has its own test database, cache and live
# server; tests that must not run side by side would share an @pytest.mark.xdist_group, which
# --dist loadgroup keeps on one worker) and under coverage: branches, the missing lines of files
# not fully covered, and the floor `fail_under` in pyproject.toml.
# `make test PYTEST_COVERAGE= PYTEST_ARGS=tests/api` runs a part without the floor;
# `PYTEST_PARALLEL=` runs the suite in one process.
PYTEST_PARALLEL ?= -n auto --dist loadgroup
PYTEST_COVERAGE ?= --cov --cov-report=term-missing:skip-covered

test: dev browser lint typecheck check
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) $(PYTEST_COVERAGE) $(PYTEST_ARGS)

bench: dev
	$(BIN)/python -m benchmarks

# One million generated contribution rows through the import path, beside a raw COPY of the
# same file (PostgreSQL: BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/jkp_bench).
bench-import: dev
	$(BIN)/python -m benchmarks import --national

# The sizes of issue #14 (1,000,000 claims, 12 million contribution rows, 100,000 instalments).
bench-national: dev
	$(BIN)/python -m benchmarks --national

demo-data: migrate
	$(BIN)/python manage.py seed_demo --size $(SIZE)

messages: dev
	$(BIN)/python manage.py makemessages -l id --no-obsolete --ignore=.venv --ignore=static
	$(BIN)/python manage.py compilemessages -l id --ignore=.venv

clean:
	rm -rf $(VENV) var staticfiles

# The production processes through deploy/entrypoint.sh (gunicorn, two Celery workers, beat)
# against PostgreSQL and Redis, one claim from intake to a paid instalment (deploy/prod_smoke.py).
# SMOKE_DATABASE_URL (dropped and made again) and SMOKE_REDIS_URL (flushed) choose where.
prod-smoke: venv
	$(BIN)/python deploy/prod_smoke.py
