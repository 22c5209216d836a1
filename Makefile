# EBMS Kalender-Integration: `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo demo-reset _migrate test install migrate seed serve worker beat lint format messages clean bench chaos screenshots

# The first run installs the packages (about a minute): pip shows each one as it goes.
$(STAMP): requirements.txt requirements-dev.txt
	@echo "==> Python-Umgebung $(VENV) wird eingerichtet (einmalig, etwa eine Minute) ..."
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --disable-pip-version-check --progress-bar on -r requirements-dev.txt
	touch $(STAMP)
	@echo "==> Pakete installiert."

install: $(STAMP)

messages: install
	cd ebms && ../$(PY) ../manage.py compilemessages --ignore=.venv >/dev/null
	$(PY) manage.py compilemessages --ignore=.venv >/dev/null

migrate: install
	@echo "==> Datenbank wird eingerichtet (migrate) ..."
	@$(MAKE) --no-print-directory _migrate

_migrate:
	$(PY) manage.py migrate --noinput
	@if $(PY) -c "import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE','ebms.settings');django.setup();from django.conf import settings;raise SystemExit(0 if settings.M365_SIMULATOR else 1)"; then \
		$(PY) manage.py migrate --noinput --database m365sim; fi

seed: migrate
	@echo "==> Demo-Daten werden angelegt ..."
	$(PY) manage.py seed_demo

# Fresh demo data without reinstalling: the demo's SQLite files are removed and rebuilt
# (refused when DATABASE_URL points at another database).
demo-reset:
	@test -z "$$DATABASE_URL$$M365SIM_DATABASE_URL" || (echo "demo-reset löscht nur die Demo-SQLite-Dateien; DATABASE_URL oder M365SIM_DATABASE_URL ist gesetzt."; exit 1)
	@test -x $(PY) || (echo "Noch keine Installation: bitte zuerst make demo."; exit 1)
	rm -f var/ebms.sqlite3 var/ebms.sqlite3-wal var/ebms.sqlite3-shm
	rm -f var/m365sim.sqlite3 var/m365sim.sqlite3-wal var/m365sim.sqlite3-shm
	@$(MAKE) --no-print-directory _migrate
	$(PY) manage.py seed_demo
	@echo "==> Demo-Daten neu angelegt. Start: make serve (oder make demo)"

# EBMS_DEMO_BEAT=1: the periodic jobs run in a thread of the demo server (no celery beat).
serve:
	EBMS_DEMO_BEAT=1 $(PY) manage.py runserver 127.0.0.1:8000

demo: seed
	@echo "EBMS demo: http://127.0.0.1:8000  (logins: python manage.py seed_demo --json)"
	EBMS_DEMO_BEAT=1 $(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) manage.py makemigrations --check --dry-run >/dev/null
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy calendar_integration ebms/recruiting/services
	$(VENV)/bin/pytest

worker: install
	@test -n "$$REDIS_URL" || (echo "REDIS_URL is not set: without it tasks run eagerly in the web process"; exit 1)
	$(VENV)/bin/celery -A ebms worker --loglevel=INFO

beat: install
	@test -n "$$REDIS_URL" || (echo "REDIS_URL is not set"; exit 1)
	$(VENV)/bin/celery -A ebms beat --loglevel=INFO

# Benchmarks (PostgreSQL + Redis db 14 + Debian's wrk): figures into docs/benchmarks.md.
bench: install
	@command -v wrk >/dev/null || (echo "bench needs wrk: apt-get install -y wrk"; exit 1)
	$(PY) -m pip install --quiet -r requirements-bench.txt
	$(PY) benchmarks/run_all.py

# Chaos convergence (PostgreSQL + redis-server binary; its own Redis, simulator and workers).
chaos: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ebms} \
	  $(PY) -m tests.chaos.run --ops 1000 --recruiters 50 --appointments 300 \
	  --seed $${SEED:-1} --kills 2 --redis-outage 30 --fault-rate 0.2

# The browser journey, refreshing the README's screenshots (needs /usr/bin/chromium).
screenshots: install
	E2E_SCREENSHOTS=docs/screenshots $(VENV)/bin/pytest tests/e2e -q

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy calendar_integration ebms/recruiting/services

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) var staticfiles
