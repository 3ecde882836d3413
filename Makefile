# Patto — the commands. `make run` serves the portal with its demo content on the embedded
# default (SQLite, Celery eager); `make test` runs lint, the layering contracts, the migrations
# check and the whole suite (it also installs the Nu HTML Checker from package-lock.json).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The Nu HTML Checker the browser tests run (npm package vnu-jar, pinned in package-lock.json).
# --ignore-scripts: its postinstall would fetch a Java of its own; it runs on the system's.
VNU    := node_modules/vnu-jar/build/dist/vnu.jar
# AgID's checker of SPID service providers (tests/spid/), in a virtualenv of its own: it pins
# libraries older than the portal's. It signs with Debian's xmlsec1.
SPID_SP_TEST := .venv-spid-sp-test/bin/spid_sp_test

.PHONY: install tools run test lint format messages worker beat screenshots bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

$(VNU): package.json package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --ignore-scripts --no-audit --no-fund && touch $@; \
	else \
		echo "npm not found (apt-get install npm): the HTML check will be skipped"; \
	fi

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

$(SPID_SP_TEST):
	$(PYTHON) -m venv .venv-spid-sp-test
	.venv-spid-sp-test/bin/pip install --quiet spid-sp-test==1.2.18

# What the tests run outside Python: the Nu HTML Checker (needs npm, and Java 17 to run), and
# spid-sp-test.
tools: $(VNU) $(SPID_SP_TEST)

test: install tools
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate the translation catalogues (needs GNU gettext) after changing strings.
messages: install
	$(BIN)/python manage.py makemessages --locale en --ignore '.venv/*' --ignore '.venv-spid-sp-test/*' --ignore 'node_modules/*' --ignore 'staticfiles/*'
	$(BIN)/python manage.py compilemessages --locale en --ignore '.venv/*' --ignore '.venv-spid-sp-test/*'

# A real Celery worker on Redis (needs REDIS_URL).
worker: install
	$(BIN)/celery -A patto worker --loglevel=info

# Celery beat (needs REDIS_URL): the periodic sweep of lost PDF renders. Run exactly one.
beat: install
	$(BIN)/celery -A patto beat --loglevel=info --schedule $(VENV)/celerybeat-schedule

# Screenshots of the demo for the README (needs Debian's chromium).
screenshots: install
	$(BIN)/python scripts/screenshots.py

# The performance benchmark (needs PostgreSQL and Redis on localhost, and Debian's wrk):
# `make bench SCALE=10`. See "Performance" in the README.
SCALE ?= 1
bench: install
	$(BIN)/python bench/run.py --scale $(SCALE)

clean:
	rm -rf $(VENV) .venv-spid-sp-test node_modules db.sqlite3 media staticfiles .pytest_cache .ruff_cache
