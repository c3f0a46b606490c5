# «Kommune beugt vor!»: set up, build, serve, test. Everything runs from a fresh clone.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# CI and a fresh machine: Debian's chromium for browser tests (no browser download at run time).
CHROMIUM := /usr/bin/chromium

.PHONY: setup serve build test test-fast check bench clean browser

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

serve: $(STAMP)
	$(VENV)/bin/mkdocs serve --livereload

build: $(STAMP)
	$(VENV)/bin/mkdocs build

check: $(STAMP)
	$(VENV)/bin/loseblatt check

$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

browser: $(CHROMIUM)

test: $(STAMP) browser
	$(PY) -m pytest

# Skips whole-site builds and browser runs: for a quick local loop.
test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow and not browser"

clean:
	rm -rf site .site-* .cache
