# The two commands: `make run` (portal with demo data on http://127.0.0.1:8000) and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

export DJANGO_DEBUG ?= 1

.PHONY: run worker test lint coverage install install-dev browser pgbin nginx redisbin translations migrate demo bench clean-db

$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# Debian's Chromium for the browser tests (Playwright's own browser download is not used).
browser:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }

# A local .env (only when there is none) so that manage.py commands typed by hand also run in
# development mode on this machine. Production settings come from the environment instead (README).
.env:
	@printf '%s\n' '# Written by `make run` for local development on this machine. Never use in production:' \
	  '# see .env.example and the Deploying section of README.md.' 'DJANGO_DEBUG=1' 'PORTAL_DEMO=1' > $@
	@echo "Wrote .env for local development (DJANGO_DEBUG=1)."


# The Spanish interface: locale/*/LC_MESSAGES/django.po compiled to .mo in pure Python (Babel), no gettext needed.
translations: install
	$(PY) manage.py compile_translations

migrate: install .env translations
	$(PY) manage.py migrate --noinput

demo: migrate
	PORTAL_DEMO=1 $(PY) manage.py load_demo --if-empty

# The background worker (imports, the data package) runs beside the development server and stops with it.
run: demo
	@PORTAL_DEMO=1 $(PY) manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	PORTAL_DEMO=1 $(PY) manage.py runserver $(HOST):$(PORT)

worker: migrate
	$(PY) manage.py db_worker

# PostgreSQL's own server programs (initdb, pg_ctl, pg_basebackup): the replica router test starts a
# throwaway primary and streaming replica with them.
pgbin:
	@ls /usr/lib/postgresql/*/bin/pg_basebackup >/dev/null 2>&1 || [ -n "$$PG_BINDIR" ] || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; fi; }

# Debian's nginx: the test suite checks deploy/nginx.conf with `nginx -t` (nothing is started).
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx openssl >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx openssl >/dev/null; fi; }

# Redis's server program: the cache outage test starts a Redis of its own and stops it mid-test.
redisbin:
	@command -v redis-server >/dev/null 2>&1 || test -x /usr/bin/redis-server || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; fi; }

test: install-dev browser pgbin nginx redisbin translations
	$(PY) -m pytest $(PYTEST_ARGS)

# ruff's checks (pyproject.toml): errors, import order, bugbear, pyupgrade.
lint: install-dev
	$(VENV)/bin/ruff check .

# The whole suite under coverage, then a report of the least-covered modules (htmlcov/ for the lines).
coverage: install-dev browser pgbin nginx redisbin translations
	$(VENV)/bin/coverage run -m pytest $(PYTEST_ARGS)
	$(VENV)/bin/coverage report --sort=cover --skip-covered | head -40
	$(VENV)/bin/coverage html -q

# Ends with one JSON line of every search's request and SQL p50/p95 (bench/report.py).
bench: install-dev
	rm -f bench/.results.jsonl
	$(PY) bench/search_bench.py --json bench/.results.jsonl $(BENCH_ARGS)
	$(PY) bench/meetings_bench.py --json bench/.results.jsonl $(MEETINGS_BENCH_ARGS)
	@$(PY) bench/report.py bench/.results.jsonl
