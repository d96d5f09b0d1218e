# Needs only Python 3.11+ and make. Everything else lands in .venv from uv.lock.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON := $(PY)

.PHONY: install run test bench lint e2e clean release serve worker beat

$(PY):
	$(PYTHON) -m venv $(VENV)

$(UV): | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --all-groups --quiet
	@touch $@

install: $(VENV)/.installed

run: install
	$(PY) -m config.devstack

test: install
	$(PY) -m pytest

bench: install
	$(PY) -m bench

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# --- Production processes (Procfile, Dockerfile and compose.yaml run these) ---------------
# Configured from the environment only; with DEBUG=0 each refuses to start, naming what is
# missing (SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL). See README, Deploy.
release serve worker beat: export PYTHONUNBUFFERED = 1
release: install
	$(PY) -m config.preflight release
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput

serve: install
	@$(PY) -m config.preflight serve
	exec $(VENV)/bin/gunicorn config.wsgi --config python:config.gunicorn

worker: install
	@$(PY) -m config.preflight worker
	exec $(PY) -m celery -A config worker -l INFO --without-gossip --without-mingle

beat: install
	@$(PY) -m config.preflight beat
	exec $(PY) -m celery -A config beat -l INFO

clean:
	rm -rf $(VENV) db.sqlite3 var/
