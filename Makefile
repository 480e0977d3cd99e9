# One entry point: make run, make test, make bench, make lint.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
SMTP_PORT ?= 1025
WEB_WORKERS ?= 2
# The site's public address (the Wagtail Site's host and port, so canonical URLs, sitemaps
# and JSON-LD, and every email link): where `make run` serves, unless ROTATIVE_BASE_URL
# names another (a proxy, a domain name). Set-up and every process of `make run` get it.
BASE_URL = $(or $(strip $(ROTATIVE_BASE_URL)),http://$(HOST):$(PORT))
STAMP := $(VENV)/.installed

.PHONY: run test bench lint lock setup

# The virtual environment is rebuilt only when the lock file changes.
$(STAMP): requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $(STAMP)

setup: $(STAMP)
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	ROTATIVE_BASE_URL='$(BASE_URL)' $(PY) manage.py setup_newsroom

# Serves the site through gunicorn (whitenoise for static files) with, beside it: a local
# SMTP sink keeping every email as an .eml file in var/outbox (the admin's Inbox lists them),
# the task worker (enrichment, matching, feed polls), the email sender, and, once a minute,
# Wagtail's scheduled publishing, the queueing of due feeds and of due alerts and digests.
# rotative/launcher.py checks that PORT and SMTP_PORT are free first, points the site's
# EMAIL_PORT at the sink, and stops everything, saying why, as soon as one process stops.
# Its processes inherit ROTATIVE_BASE_URL (BASE_URL above), as set-up did.
run: setup
	@ROTATIVE_BASE_URL='$(BASE_URL)' $(PY) -m rotative.launcher --host $(HOST) --port $(PORT) \
		--smtp-port $(SMTP_PORT) --web-workers $(WEB_WORKERS)

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

# Reader pages (wrk against gunicorn, beside a nothing-cached baseline, nginx and the
# server's ceiling) and the uncached render's profile, then ingest quality and throughput,
# the feedparser fixture suite through our feed path, NER quality and enrichment speed,
# matching one article against 1,000,000 subscriptions, sending to a local SMTP sink, related
# articles (quality on Wikinews, time at 1,000 and 10,000 articles), an import end to end
# through the task queue, search latency (SQLite and PostgreSQL) and the reader cache. Each
# prints its baseline beside it.
bench: $(STAMP)
	$(PY) bench/run.py $(BENCH_ARGS)
	$(PY) bench/render_profile.py
	$(PY) bench/web_worker.py
	$(PY) bench/worker_gc.py
	$(PY) bench/ingest.py
	$(PY) bench/plaintext.py
	$(PY) bench/feed_fixtures.py
	$(PY) bench/enrichment.py
	$(PY) bench/matching.py
	$(PY) bench/sending.py
	$(PY) bench/related.py
	$(PY) bench/pipeline.py
	$(PY) bench/search.py
	$(PY) bench/reader_cache.py

# What CI and the pre-commit hook check: style, the one-way layers (.importlinter), module
# sizes, types (mypy with django-stubs), Django's system checks and missing migrations.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) tools/check_module_sizes.py
	$(VENV)/bin/mypy
	DJANGO_SETTINGS_MODULE=rotative.settings.test $(PY) manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=rotative.settings.test $(PY) manage.py makemigrations --check --dry-run -v0

lock:
	$(PY) -m pip freeze | grep -v '^-e' > requirements.lock.new
	{ head -2 requirements.lock; cat requirements.lock.new; } > requirements.lock.tmp
	rm requirements.lock.new; mv requirements.lock.tmp requirements.lock
