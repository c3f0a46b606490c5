# «Kommune beugt vor!»: set up, build, serve, test. Everything runs from a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
LOCK := requirements/lock.txt
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# Debian's chromium for browser tests and Java for the Nu Html Checker: no browser download at run time.
export CHROMIUM ?= /usr/bin/chromium
export NO_MKDOCS_2_WARNING := 1

.PHONY: bilder formular setup serve build test test-fast test-min lint format check bench lock clean system-packages python-check vergleich

# The real minimum is 3.11 (3.11.2 is Debian 12's python3, tested by `make test-min`).
python-check:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || { \
	  echo "Fehler: Python 3.11 oder neuer wird gebraucht; „$(PYTHON)“ ist $$($(PYTHON) --version 2>&1 || echo 'nicht vorhanden')."; \
	  echo "Auf Debian 12: apt-get install python3 python3-venv; sonst PYTHON=/pfad/zu/python3.11 make …"; exit 1; }
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || { \
	  echo "Installiere python3-venv (für virtuelle Umgebungen)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; }

# Exactly the versions of the lock, hash-checked; the package itself without dependencies.
$(STAMP): $(LOCK) pyproject.toml | python-check
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r $(LOCK)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

# --ignore-scripts: vnu-jar's postinstall would download a Java runtime when it finds none.
$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
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
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	command -v qpdf >/dev/null || missing="$$missing qpdf"; \
	if [ -n "$$missing" ]; then \
	  echo "Installiere:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# Linters as tests: code style, types, licences (REUSE), workflows (zizmor, offline), lock in sync.
lint: $(STAMP)
	$(VENV)/bin/ruff check plugins tests bench
	$(VENV)/bin/ruff format --check plugins tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/reuse lint --quiet || $(VENV)/bin/reuse lint
	$(VENV)/bin/zizmor --offline --min-severity medium .github
	$(VENV)/bin/uv lock --check --quiet || { echo "Fehler: uv.lock passt nicht zu pyproject.toml – bitte „make lock“ ausführen."; exit 1; }
	$(VENV)/bin/uv export --frozen --all-extras --all-groups --no-emit-project --format requirements-txt --no-header --quiet \
	  | diff -q - <(grep -v '^#' $(LOCK)) >/dev/null \
	  || { echo "Fehler: $(LOCK) passt nicht zu uv.lock – bitte „make lock“ ausführen."; exit 1; }

format: $(STAMP)
	$(VENV)/bin/ruff check --fix plugins tests bench
	$(VENV)/bin/ruff format plugins tests bench

test: $(STAMP) system-packages $(NODE_STAMP) lint
	$(PY) -m pytest

# The form editor on this computer: decap-server writes into this checkout (127.0.0.1 only).
formular: $(STAMP) $(NODE_STAMP)
	$(VENV)/bin/loseblatt formular .cache/formular/admin --lokal
	@echo "Formular: http://127.0.0.1:8001/admin/ – Strg+C beendet es."
	PORT=8081 BIND_HOST=127.0.0.1 MODE=fs GIT_REPO_DIRECTORY=$(CURDIR) node node_modules/decap-server/dist/index.js & \
	  trap "kill $$!" EXIT; $(PY) -m http.server --bind 127.0.0.1 --directory .cache/formular 8001

# The screenshots on «Mitmachen» (docs/bilder/), taken by the browser tests.
bilder: $(STAMP) system-packages $(NODE_STAMP)
	mkdir -p docs/bilder
	LOSEBLATT_BILDER=$(CURDIR)/docs/bilder $(PY) -m pytest -q -m browser tests/test_serve_errors.py tests/test_cms.py

# Skips whole-site builds and browser runs: for a quick local loop.
test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not slow and not browser"

# The fast suite on the minimum Python (Debian 12's python3) in its own venv.
test-min:
	$(MAKE) test-fast VENV=.venv-min PYTHON=$${MIN_PYTHON:-/usr/bin/python3}

bench: $(STAMP)
	$(PY) bench/run.py

# Updates uv.lock within the ranges of pyproject.toml and exports the hash-checked pip lock.
lock: $(STAMP)
	$(VENV)/bin/uv lock --upgrade
	$(VENV)/bin/uv export --frozen --all-extras --all-groups --no-emit-project --format requirements-txt -o $(LOCK) --quiet

clean:
	rm -rf site .site-* .cache .loseblatt-ausgaben-*

# Same content, our code at VON=<commit> and now: lists every differing file (a refactoring prints «identisch»).
vergleich: $(STAMP)
	$(PY) bench/vergleich.py $(VON)
