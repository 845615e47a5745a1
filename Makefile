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
APT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core chromium poppler-utils gettext zbar-tools

.PHONY: demo test venv system-deps check-services migrate-check

$(VENV)/.installed: requirements.txt
	@echo "==> Python packages: $(VENV) from requirements.txt"
	@PYTHON=$(PYTHON) VENV=$(VENV) bin/setup-venv
	@touch $@

venv: $(VENV)/.installed

# The demo: SQLite file db.sqlite3, Celery tasks run in the web process, e-mails printed here.
PORT ?= 8000
DEMO := DEBUG=1 PORTAL_BASE_URL=http://127.0.0.1:$(PORT) $(PY) manage.py

demo: venv
	@echo "==> Translations: compiling locale/ (Hungarian source, English translation)"
	@$(DEMO) compilemessages --ignore=.venv -v0
	@echo "==> Database: migrating the SQLite demo database (db.sqlite3)"
	@$(DEMO) migrate --noinput -v0
	@echo "==> Programme: the MENET programme, 7 info days and 10 training sites (seed_programme)"
	@$(DEMO) seed_programme
	@echo "==> Demo data: accounts of every role, participants, registrations, attendance (seed_demo)"
	@$(DEMO) seed_demo
	@echo "==> Learning material: lessons and the trainees' personal links (seed_learning_material)"
	@$(DEMO) seed_learning_material --issue-links
	@echo ""
	@echo "==> MENET portal: http://127.0.0.1:$(PORT)/  (Ctrl+C stops it; another port: make demo PORT=8080)"
	@$(DEMO) runserver 127.0.0.1:$(PORT)

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
