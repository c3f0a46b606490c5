# «Kommune beugt vor!»: set up, build, serve, test. Everything runs from a fresh clone.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# Debian's chromium for browser tests and Java for the Nu Html Checker: no browser download at run time.
CHROMIUM := /usr/bin/chromium
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup serve build test test-fast check bench clean system-packages

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

setup: $(STAMP)

# Serving skips the PDFs for a fast start; LOSEBLATT_PDF=1 make serve builds them too.
serve: $(STAMP)
	LOSEBLATT_PDF=$${LOSEBLATT_PDF:-0} $(VENV)/bin/mkdocs serve --livereload

build: $(STAMP)
	$(VENV)/bin/mkdocs build

check: $(STAMP)
	$(VENV)/bin/loseblatt check

system-packages:
	@missing=""; \
	[ -x $(CHROMIUM) ] || missing="$$missing chromium"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  echo "Installiere:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

test: $(STAMP) system-packages $(NODE_STAMP)
	$(PY) -m pytest

# Skips whole-site builds and browser runs: for a quick local loop.
test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow and not browser"

bench: $(STAMP)
	$(PY) bench/run.py

clean:
	rm -rf site .site-* .cache
