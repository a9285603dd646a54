# Two commands matter: `make run` and `make test`. Everything else is a helper they call.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

.PHONY: run test lint format check-deploy assets system-packages bench drill migrations-check clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	touch $(STAMP)

# axe-core and the Nu Html Checker for the browser tests; GOV.UK Frontend for `make assets`.
NODE_STAMP := node_modules/.package-lock.json
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts

## make run: the portal on http://127.0.0.1:8000 (another port: `PORT=8001 make run`) with SQLite,
## in-process tasks and console e-mail. The demo data's e-mails are kept out of the terminal, so that
## the sign-in details are what it prints last before the server starts.
PORT ?= 8000
RUN_ENV := env -u DATABASE_URL -u REDIS_URL -u OBJECT_STORE_BUCKET DEBUG=true VIRUS_SCAN=false SITE_URL=http://127.0.0.1:$(PORT)
run: $(STAMP)
	@$(RUN_ENV) $(PY) manage.py migrate --no-input --verbosity 0
	@$(RUN_ENV) EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend $(PY) manage.py load_demo_data
	$(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# One pytest-xdist worker per core (up to 6: each has its own test database and Redis databases, see
# tests/settings.py); a worker whose tests run out takes half of another's that are waiting.
PYTEST_PARALLEL ?= --numprocesses auto --maxprocesses 6 --dist worksteal

## make test: the whole suite, browser tests included, on PostgreSQL and Redis (started, or installed, if need be).
## Set DATABASE_URL / REDIS_URL to use other servers.
test: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
test: export REDIS_URL ?= redis://127.0.0.1:6379/0
test: $(STAMP) $(NODE_STAMP) system-packages
	bash scripts/services.sh
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest $(PYTEST_PARALLEL)

## system-packages: Chromium, Java (for the HTML checker), WeasyPrint's and python-magic's libraries.
system-packages:
	@bash scripts/system-packages.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## check-deploy: Django's deployment checklist against production settings, warnings included.
## Production refuses to start without a shared cache; the check needs only its address, not a running Redis.
check-deploy: $(STAMP)
	env -u DATABASE_URL DEBUG=false SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		ALLOWED_HOSTS=probation-framework.service.justice.gov.uk \
		REDIS_URL="$${REDIS_URL:-redis://127.0.0.1:6379/0}" \
		$(PY) manage.py check --deploy --fail-level WARNING

## assets: refresh GOV.UK Frontend, MOJ Frontend, axe-core and the HTML checker from npm (versions in package.json).
assets: $(NODE_STAMP)
	bash scripts/vendor-assets.sh

## make bench: the portal under gunicorn and wrk, side by side with a bare Django view (see bench/__main__.py).
bench: $(STAMP) system-packages
	$(PY) -m bench

## make drill: nginx in front of two gunicorn web nodes, two Celery workers and beat, on one PostgreSQL,
## object store and virus scanner, with faults: slow clients, a worker killed, Redis stopped, the scanner
## stopped and hung; every e-mail counted once (see bench/drill.py). It needs PostgreSQL, as `make test`
## does; it starts a Redis of its own on a free port (so that it can stop it), never the shared one.
drill: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
drill: $(STAMP) system-packages
	bash scripts/services.sh
	$(PY) -m bench.drill

clean:
	rm -rf $(VENV) db.sqlite3 var staticfiles
