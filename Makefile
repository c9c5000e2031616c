# Sefton Safety: `make run` serves the demo club, `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs in this many processes side by side (pytest-xdist); 1 runs it in one.
TEST_PROCESSES ?= auto
# The address the demo's printed and emailed links use: the host and port it is served on (a server
# listening on every interface is reached at 127.0.0.1).
SITE_URL ?= http://$(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST)):$(PORT)

# A Python of at least 3.12 (Django 6 needs it): the one .python-version selects through pyenv,
# else python3.13, python3.12 or python3 from PATH, whichever is new enough.
PYTHON_FOR_VENV := $(shell for candidate in "$$(pyenv which python 2>/dev/null)" python3.13 python3.12 python3; do \
	[ -n "$$candidate" ] || continue; \
	if "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then command -v "$$candidate"; break; fi; \
	done)

.PHONY: help
help: ## List the commands.
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-13s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements.txt requirements-dev.txt
	@if [ -z "$(PYTHON_FOR_VENV)" ]; then \
		echo "Python 3.12 or newer is needed (Django 6). Install Python 3.13, for example 'pyenv install 3.13', and run make again." >&2; exit 1; fi
	@[ -x $(BIN)/python ] || $(PYTHON_FOR_VENV) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

.PHONY: install
install: $(BIN)/.installed ## Create the virtual environment and install the dependencies.

.PHONY: run
run: export DJANGO_DEBUG ?= true
# The demo shows the portal's own 404, 403 and 500 pages, as a club's members see them, rather than
# Django's technical pages (settings: DJANGO_TECHNICAL_ERROR_PAGES).
run: export DJANGO_TECHNICAL_ERROR_PAGES ?= false
run: export SEFTON_DEMO ?= true
# The demo never reads a real club's settings from .env (sefton_safety/settings/base.py).
run: export SEFTON_ENV_FILE :=
run: install ## Migrate, load the demo club, and serve it with its worker and scheduler (PORT=8100 for another port).
	$(BIN)/python manage.py migrate --no-input
	SITE_URL=$(SITE_URL) $(BIN)/python manage.py seed_demo
	SITE_URL=$(SITE_URL) HOST=$(HOST) WEB_PORT=$(PORT) $(BIN)/honcho start --procfile Procfile.dev --env /dev/null

# A real club's portal as in production, with the settings of .env: the database migrated (as the
# tables' owner, OWNER_DATABASE_URL, where the portal has a role of its own) and the static files
# gathered for WhiteNoise's manifest, then gunicorn, the worker and the scheduler
# (Procfile). Development mode stays off whatever .env says: a club's members never see a traceback.
define PREPARE_CLUB
	DATABASE_AS_OWNER=true $(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
endef
SERVE_CLUB = HOST=$(HOST) WEB_PORT=$(PORT) $(BIN)/honcho start --procfile Procfile --env /dev/null

.PHONY: setup
setup: export DJANGO_DEBUG := false
setup: install ## Start a real club: migrate, print the set-up page's address, and serve it as make serve does.
	$(PREPARE_CLUB)
	$(BIN)/python manage.py club_setup
	$(SERVE_CLUB)

.PHONY: serve
serve: export DJANGO_DEBUG := false
serve: install ## Serve a real club with gunicorn, the worker and the scheduler, DEBUG off (PORT=8100 for another port).
	$(PREPARE_CLUB)
	$(SERVE_CLUB)

.PHONY: code
code: export DJANGO_DEBUG ?= true
code: export SEFTON_DEMO ?= true
code: export SEFTON_ENV_FILE :=
code: install ## Print the current sign-in code of a demo account: make code EMAIL=committee@example.org
	@$(BIN)/python manage.py demo_totp $(EMAIL)

.PHONY: test
test: install ## Run the whole suite (PostgreSQL and Redis on 127.0.0.1, or DATABASE_URL and CELERY_BROKER_URL).
	$(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist loadscope $(PYTEST_ARGS)

.PHONY: test-any-day
test-any-day: install ## Run the rules, services and views tests under faketime on days worked out from today.
	@command -v faketime >/dev/null || { echo "faketime is needed: apt-get install faketime" >&2; exit 1; }
	@base="$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/sefton_safety}"; logs=$$(mktemp -d); n=0; pids=(); \
	while read -r instant; do \
		n=$$((n + 1)); \
		( echo "== the suite on $$instant UTC"; \
		  DATABASE_URL="$${base}_day$$n" TZ=UTC faketime "$$instant" $(BIN)/python -m pytest -m "not browser and not worker and not long" -q $(PYTEST_ARGS) </dev/null ) >"$$logs/$$n.log" 2>&1 & \
		pids+=($$!); \
	done < <($(BIN)/python .ci/any_day.py); \
	status=0; for pid in "$${pids[@]}"; do wait "$$pid" || status=1; done; \
	for i in $$(seq $$n); do cat "$$logs/$$i.log"; done; rm -rf "$$logs"; exit $$status

.PHONY: bench
bench: install ## Serve a county-scale portal with gunicorn and measure every key page, the rules and the worker (about 15 minutes).
	DJANGO_SETTINGS_MODULE=sefton_safety.settings.test $(BIN)/python -m bench

.PHONY: lint
lint: install ## Check the code with ruff, and that no import runs up the layers (import-linter).
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

.PHONY: format
format: install ## Format the code with ruff.
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Reads `pip list --outdated --format=json` and keeps the packages pinned in the requirements files,
# so a newer release of a dependency's own dependency is not mistaken for one of ours.
define UPGRADE_CHECK
import json, re, sys
def norm(name): return re.sub(r"[-_.]+", "-", name).lower()
pinned = {}
for path in ("requirements.txt", "requirements-dev.txt"):
    for line in open(path):
        found = re.match(r"\s*([A-Za-z0-9_.-]+)(\[[^]]*\])?==(\S+)", line)
        if found:
            pinned[norm(found[1])] = found[3]
newer = [p for p in json.load(sys.stdin) if norm(p["name"]) in pinned]
for p in sorted(newer, key=lambda p: norm(p["name"])):
    print(f"  {p['name']:<24} pinned {pinned[norm(p['name'])]:<12} newest {p['latest_version']}")
print(f"{len(newer)} of {len(pinned)} pinned requirements have a newer release." if newer else f"All {len(pinned)} pinned requirements are at their newest release.")
endef
export UPGRADE_CHECK

.PHONY: upgrade-check
upgrade-check: install ## List newer releases of the pinned requirements (asks PyPI; changes nothing).
	@$(BIN)/python -m pip list --outdated --format=json --disable-pip-version-check | $(BIN)/python -c "$$UPGRADE_CHECK"

.PHONY: clean
clean: ## Remove the virtual environment and the embedded database and broker.
	rm -rf $(VENV) var staticfiles
