# The two commands: `make demo` (portal with demo data on the embedded defaults) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo demo-check setup test lint

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-bigquery.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

# The official eCTD util files (DTDs) are not ours to ship. Where the project's shared references
# lie beside the clone, the demo uses them, so its annual report validates and is signed off.
ECTD_UTIL := $(wildcard $(CURDIR)/../shared/reference/ectd)
ifneq ($(ECTD_UTIL),)
setup: export SUBMISSIONS_ECTD_UTIL_DIR ?= $(ECTD_UTIL)
endif

setup: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo

# The web server, one Celery worker and beat, on an embedded broker under var/; Ctrl-C stops all.
demo: setup
	@echo "Custodian: http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/)"
	$(BIN)/python manage.py demo_serve 127.0.0.1:$(PORT)

demo-check: setup
	$(BIN)/python manage.py demo_check

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -c pyproject.toml -r .

test: lint
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest
