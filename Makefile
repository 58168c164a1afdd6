# Kennisnet: `make run` to try it, `make test` to check it.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
APT_STAMP := $(VENV)/.apt-installed
APT_PACKAGES := chromium chromium-driver fonts-dejavu-core tesseract-ocr tesseract-ocr-nld \
	tesseract-ocr-eng antiword catdoc poppler-utils postgresql-15 redis-server

.PHONY: install install-test system-deps run test lint format messages clean screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/pybabel compile -d translations
	touch $@

install: $(STAMP)

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install-test: $(TEST_STAMP)

# From Debian: Chromium (browser tests), a Unicode font (demo PDFs, test scans), Tesseract with
# Dutch and English (OCR), antiword and catdoc (.doc), poppler-utils (pdftotext, the benchmark's
# reference), PostgreSQL 15 (the suite's second run, the replica and backup tests),
# redis-server (the shared queue's tests start one on a unix socket).
system-deps:
	@if [ -x /usr/bin/chromium ] && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] \
		&& tesseract --list-langs 2>/dev/null | grep -qx nld \
		&& tesseract --list-langs 2>/dev/null | grep -qx eng \
		&& command -v antiword >/dev/null && command -v catdoc >/dev/null \
		&& command -v pdftotext >/dev/null && command -v redis-server >/dev/null \
		&& ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		exit 0; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(APT_PACKAGES) >/dev/null; \
	else \
		echo "Install these Debian packages for the browser, OCR and queue tests: $(APT_PACKAGES)"; \
	fi

run: install
	@$(BIN)/kennisnet init
	@$(BIN)/kennisnet demo
	@$(BIN)/kennisnet serve --host 127.0.0.1 --port 5000

# The whole suite twice, both runs at once (one per core): on SQLite (each test's own file) and
# on PostgreSQL (a throwaway server from Debian's binaries, started and stopped by the tests;
# see tests/databases.py). One database only: .venv/bin/pytest, or with
# KENNISNET_TEST_DB=postgresql.
test: install-test system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	scripts/test-both

# The README's screenshots, from the demo set in Debian's Chromium.
screenshots: install-test system-deps
	$(BIN)/python -m tests.e2e.screenshots

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Dutch is the language of the message ids; English is the catalogue in translations/en.
# `make messages` extracts every marked string and merges new ones into the English catalogue
# (new or changed strings arrive empty or fuzzy; tests/test_i18n.py fails until translated),
# then compiles it. The app also compiles a missing or stale .mo at start.
BABEL_KEYWORDS := -k _l -k lazy_gettext -k N_
messages: install
	$(BIN)/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) --sort-by-file --omit-header \
		-o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations -l en --ignore-obsolete
	$(BIN)/pybabel compile -d translations --statistics

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
