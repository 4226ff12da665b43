# samsyn: `make demo` to try it, `make test` to run every test. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
CHROMIUM := /usr/bin/chromium
WRK := /usr/bin/wrk
BENCH_SCALE ?= 1
AXE := e2e/node_modules/axe-core/axe.min.js
DEMO_ENV := SAMSYN_DEBUG=1
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help install demo serve test test-fast screenshots fuzz bench load security audit check lint format migrations-check messages browser clean

help:
	@echo "make demo     install, migrate, load demo data and serve on http://127.0.0.1:8000"
	@echo "make test     install and run the whole suite (browser journeys included)"
	@echo "make screenshots  run the portal and follow-up journeys and refresh the screenshots in docs/portal/ and docs/followup/"
	@echo "make fuzz     schemathesis over the whole API document against gunicorn with demo data (FUZZ_EXAMPLES=100)"
	@echo "make bench    national-scale data set (BENCH_SCALE=1) and timings -> bench/results.md"
	@echo "make load     100 simulated staff and youths for 10 minutes against gunicorn + PostgreSQL, with faults -> docs/reliability.md"
	@echo "make security the access matrix, the attack tests and pip-audit"
	@echo "make audit    pip-audit over the locked dependencies"
	@echo "make check    ruff, ruff format --check, mypy, makemigrations --check"
	@echo "make format   format the code with ruff"
	@echo "make messages update and compile the translation catalogues"

$(VENV)/.installed: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen
	@touch $@

install: $(VENV)/.installed

demo: install
	@mkdir -p var
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py seed_demo
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C stops)"
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:8000

# Browser tests use Debian's Chromium and axe-core from the npm registry; nothing else is downloaded.
$(CHROMIUM):
	$(SUDO) apt-get update
	$(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

$(AXE): e2e/package.json e2e/package-lock.json
	cd e2e && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

browser: $(CHROMIUM) $(AXE)

test: install browser
	$(PY) -m pytest

test-fast: install
	$(PY) -m pytest -m "not e2e"

screenshots: install browser
	SAMSYN_DOCS_SCREENSHOTS=1 $(PY) -m pytest e2e/test_portal_journey.py e2e/test_followup_journey.py

# The API fuzzed against gunicorn on loopback with a throwaway, seeded database (var/fuzz/);
# the suite runs a short version (tests/test_api_fuzz.py). FUZZ_EXAMPLES, FUZZ_SEED, DATABASE_URL.
fuzz: install
	$(PY) -m samsyn.api.fuzz

# The benchmark (bench/results.md): its own database beside DATABASE_URL's (`<name>_bench`) or
# var/bench.sqlite3, the data set at BENCH_SCALE, then every timing. BENCH_ARGS go to bench_run.
$(WRK):
	$(SUDO) apt-get update
	$(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y wrk

bench: install $(WRK)
	$(PY) -m bench --scale $(BENCH_SCALE) $(BENCH_ARGS)

# Load and faults (docs/reliability.md): gunicorn + PostgreSQL on loopback, its own database
# beside DATABASE_URL's (`<name>_load`). LOAD_ARGS go to `python -m load` (--help).
load: install
	$(PY) -m load $(LOAD_ARGS)

# Known vulnerabilities in the locked dependencies (the exact versions uv.lock pins). Fails
# when a dependency has one, and when the vulnerability service cannot be asked.
audit: install
	@mkdir -p var
	$(UV) export --frozen --format requirements-txt --no-emit-project --all-groups --quiet --output-file var/requirements-audit.txt
	$(PY) -m pip_audit --strict --require-hashes --disable-pip --progress-spinner off -r var/requirements-audit.txt \
	  || { echo "make audit FAILED: a known vulnerability is listed above, or a dependency could not be audited because the vulnerability service (https://pypi.org/pypi/NAME/VERSION/json) did not answer from this machine. See docs/security.md." >&2; exit 1; }

# The access matrix, the attack tests (browser included), then the dependency audit.
security: install browser
	$(PY) -m pytest -m security
	$(MAKE) audit

check: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy samsyn
	$(PY) manage.py makemigrations --check --dry-run --settings=samsyn.test_settings

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

messages: install
	cd samsyn && ../$(PY) ../manage.py makemessages -l en --no-obsolete --no-wrap --settings=samsyn.test_settings
	cd samsyn && ../$(PY) ../manage.py compilemessages --settings=samsyn.test_settings

clean:
	rm -rf $(VENV) var e2e/node_modules .pytest_cache .mypy_cache .ruff_cache
