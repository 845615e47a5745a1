# The two commands of README.md: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/menet
REDIS_URL ?= redis://127.0.0.1:6379/0
PYTEST_ARGS ?=

# Debian packages: WeasyPrint's Pango, fonts, Chromium for the browser tests, poppler for PDF checks, gettext.
APT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core chromium poppler-utils gettext

.PHONY: demo test venv system-deps check-services migrate-check

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip "setuptools<81" wheel 2> >(grep -v "^WARNING: Location" >&2)
	# XStatic-Bootstrap ships only an sdist whose setup.py needs pkg_resources.
	$(PIP) install --quiet --no-build-isolation "$$(grep -i '^XStatic-Bootstrap==' requirements.txt)" 2> >(grep -v "^WARNING: Location" >&2)
	$(PIP) install --quiet -r requirements.txt 2> >(grep -v "^WARNING: Location" >&2)
	touch $@

venv: $(VENV)/.installed

demo: venv
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv -v0
	DEBUG=1 $(PY) manage.py migrate --noinput -v0
	DEBUG=1 $(PY) manage.py seed_programme
	DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 $(PY) manage.py seed_learning_material --issue-links
	@echo ""
	@echo "MENET portal: http://127.0.0.1:8000/  (Ctrl+C stops it)"
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Please install these Debian/Ubuntu packages (or their equivalents):$$missing"; exit 1; \
	  fi; \
	fi

check-services: venv
	@DATABASE_URL=$(DATABASE_URL) REDIS_URL=$(REDIS_URL) $(PY) -m menet_portal.check_services

test: system-deps venv check-services
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv -v0
	DATABASE_URL=$(DATABASE_URL) REDIS_URL=$(REDIS_URL) DJANGO_SETTINGS_MODULE=menet_portal.settings_test \
	  $(PY) manage.py makemigrations --check --dry-run
	DATABASE_URL=$(DATABASE_URL) REDIS_URL=$(REDIS_URL) $(VENV)/bin/pytest -n 2 --dist loadfile $(PYTEST_ARGS)
