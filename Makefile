# Patto — the commands. `make run` serves the portal with its demo content on the embedded
# default (SQLite, Celery eager); `make test` runs lint, the layering contracts, the migrations
# check and the whole suite.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test lint format messages worker beat screenshots bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
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
	$(BIN)/python manage.py makemessages --locale en --ignore '.venv/*' --ignore 'staticfiles/*'
	$(BIN)/python manage.py compilemessages --locale en --ignore '.venv/*'

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
	rm -rf $(VENV) db.sqlite3 media staticfiles .pytest_cache .ruff_cache
