# Laurel: `make run` serves the demo on http://127.0.0.1:5000 (`make run PORT=8000 HOST=0.0.0.0` elsewhere);
# `make test` runs the whole suite. Both create .venv and install the pinned requirements first.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
# gunicorn processes, each with the threads of gunicorn.conf.py
WORKERS ?= 2

.PHONY: run test setup national translations bench clean serve-instances fonts

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d app/translations 2>&1 | tail -n 1

# Certificates are drawn with Debian's Noto CJK fonts; without them Chinese names print in whatever font is there.
fonts:
	@fc-list :lang=zh 2>/dev/null | grep -q . || echo "fonts: no CJK font found; certificates need one: apt-get install fonts-noto-cjk"

setup: $(VENV)/.installed translations fonts
	$(FLASK) db upgrade
	$(FLASK) demo --only-if-empty --url http://$(HOST):$(PORT)

# The whole national season in a fresh database (LAUREL_DATABASE_URL, or instance/laurel.db before any `make run`).
national: $(VENV)/.installed translations
	$(FLASK) db upgrade
	$(FLASK) demo --scale national --url http://$(HOST):$(PORT)

run: setup
	LAUREL_DEMO_MODE=1 $(BIN)/gunicorn --config gunicorn.conf.py --workers $(WORKERS) --bind $(HOST):$(PORT) wsgi:app

# Several instances behind nginx (the README's production recipe): needs nginx (Debian: apt-get install nginx-light),
# PostgreSQL and Redis, named by the LAUREL_* variables that deploy/serve-instances checks.
N ?= 2
serve-instances: $(VENV)/.installed translations
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { echo "nginx is missing: apt-get install nginx-light"; exit 2; }
	$(BIN)/python deploy/serve-instances --instances $(N) --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev translations
	$(BIN)/ruff check app scoring tests bench
	$(BIN)/ruff format --check app scoring tests bench
	@echo "scoring/: its own tests, with 100% branch coverage required"
	$(BIN)/python -m pytest tests/scoring scoring --cov=scoring --cov-branch --cov-fail-under=100 --cov-report=term-missing:skip-covered
	$(BIN)/python -m pytest -n 2 --ignore=tests/scoring --ignore=scoring

clean:
	rm -rf $(VENV) .pytest_cache .coverage htmlcov
