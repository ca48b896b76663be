# Folio: `make run` serves the site with demo content; `make test` runs the tests.

VENV := .venv
BIN := $(VENV)/bin
# The first of these that is Python 3.12 or newer (Django 6.1 needs it).
PYTHON := $(shell for p in python3.13 python3.12 python3; do \
	if $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	echo $$p; break; fi; done)
WEB_CONCURRENCY ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) * 2 )))
HOST ?= 127.0.0.1
PORT ?= 8000
# The public address every absolute link (feeds, sitemaps, canonical) starts
# at; set it to the site's real address when serving behind a proxy.
FOLIO_SITE_URL ?= http://$(HOST):$(PORT)

# Background workers that run and serve start beside the web server and stop
# with it (bin/with-workers): one quoted command line each. Add others here.
# With a shared HTTP cache in front (FOLIO_PURGE_BACKEND, deploy/README.md),
# the purger delivers retried purges and those of scheduled items.
WORKERS := "$(BIN)/python manage.py run_worker"
ifneq ($(FOLIO_PURGE_BACKEND),)
WORKERS += "$(BIN)/python manage.py run_purger"
endif

.PHONY: run serve test lint format bench bench-mixed bench-export bench-report-page clean python-check pango-check

python-check:
	@test -n "$(PYTHON)" || { echo "Folio needs Python 3.12 or newer: install python3.12 or python3.13 and run make again."; exit 1; }

# WeasyPrint, which typesets the report PDFs, needs pango (1.44 or newer).
PANGO_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig
pango-check:
	@{ ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | grep -q 'libpangoft2-1.0.so.0' || { \
		echo "== Report PDFs need pango: installing $(PANGO_PACKAGES)"; \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PANGO_PACKAGES) >/dev/null; } || \
		{ echo "Could not install pango. On Debian or Ubuntu run: sudo apt-get install $(PANGO_PACKAGES); on macOS: brew install pango. Then run make again."; exit 1; }; }

$(BIN)/.installed-run: pyproject.toml | python-check pango-check
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(BIN)/.installed-dev: pyproject.toml | python-check pango-check
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@ $(BIN)/.installed-run

run: $(BIN)/.installed-run
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py create_local_superuser
	@echo "Folio is at http://$(HOST):$(PORT)/ and its admin at http://$(HOST):$(PORT)/admin/"
	FOLIO_SITE_URL="$(FOLIO_SITE_URL)" bin/with-workers $(WORKERS) -- \
		$(BIN)/python manage.py runserver $(HOST):$(PORT)

serve: export FOLIO_SITE_URL := $(FOLIO_SITE_URL)
serve: $(BIN)/.installed-run
	DJANGO_SETTINGS_MODULE=config.settings.production $(BIN)/python manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=config.settings.production $(BIN)/python manage.py collectstatic --noinput -v0
	DJANGO_SETTINGS_MODULE=config.settings.production bin/with-workers $(WORKERS) -- \
		$(BIN)/gunicorn config.wsgi \
		--bind $(HOST):$(PORT) --workers $(WEB_CONCURRENCY) --access-logfile -

test: $(BIN)/.installed-dev
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(BIN)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Export speed and memory at 10,000 and 100,000 rows of `make bench`'s data,
# which it reads and never writes (README, "Performance"): the Python
# writers, COPY, streamed COPY and psql's own COPY of the same statement.
# DATABASE_URL=postgres://postgres@127.0.0.1:5432/folio_perf make bench-export
bench-export: $(BIN)/.installed-dev
	DATABASE_URL="$${DATABASE_URL:-sqlite:///$(CURDIR)/bench/results/site.sqlite3}" \
		$(BIN)/python bench/export.py $(BENCH_ARGS)

# Public site speed at 100,000 publications: wrk at 32 connections against
# gunicorn, page cache off and on, EXPLAIN of every page's queries (README,
# "Performance"). Figures that count need PostgreSQL and Redis:
# DATABASE_URL=postgres://postgres@127.0.0.1:5432/folio_perf make bench
# BENCH_ARGS=--quick for a smoke run; BENCH_REDIS_URL picks the Redis database
# the bench flushes (default redis://127.0.0.1:6379/3).
bench: $(BIN)/.installed-dev
	@command -v wrk >/dev/null || apt-get install -y wrk || \
		{ echo "The site bench needs wrk: apt-get install wrk"; exit 1; }
	DATABASE_URL="$${DATABASE_URL:-sqlite:///$(CURDIR)/bench/results/site.sqlite3}" \
		$(BIN)/python bench/site.py $(BENCH_ARGS)

# A cached report page four ways: the bare Django view, gunicorn, Varnish in
# front of it and nginx serving the page as a file, wrk rounds interleaved
# (deploy/README.md). Reads the seeded bench database, e.g.
# DATABASE_URL=postgres://postgres@127.0.0.1:5432/folio_perf make bench-report-page
bench-report-page: $(BIN)/.installed-dev
	@command -v varnishd >/dev/null || test -x /usr/sbin/varnishd || \
		{ echo "needs Varnish: apt-get install varnish varnish-modules"; exit 1; }
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || \
		{ echo "needs nginx: apt-get install nginx"; exit 1; }
	$(BIN)/python bench/report_page.py $(BENCH_ARGS)

# Many pages under load, with and without an editor saving (bench/mixed.py):
# beside a bare Django project and nginx serving the report page as a file.
# Needs the seeded PostgreSQL database (`make bench` seeds it), wrk, nginx
# and redis-server; BENCH_ARGS=--quick for a smoke run.
bench-mixed: $(BIN)/.installed-dev
	@command -v wrk >/dev/null || apt-get install -y wrk || \
		{ echo "The mixed bench needs wrk: apt-get install wrk"; exit 1; }
	@command -v nginx >/dev/null || apt-get install -y nginx-light || \
		{ echo "The mixed bench needs nginx: apt-get install nginx-light"; exit 1; }
	@command -v redis-server >/dev/null || apt-get install -y redis-server || \
		{ echo "The mixed bench needs redis-server: apt-get install redis-server"; exit 1; }
	DATABASE_URL="$${DATABASE_URL:-sqlite:///$(CURDIR)/bench/results/site.sqlite3}" \
		$(BIN)/python bench/mixed.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
