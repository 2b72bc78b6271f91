# Every target installs what it needs from the hashed locks in requirements/
# (written by `make lock` from pyproject.toml; docs/dependencies.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
# ARGS passes extra arguments to a command: make cron ARGS="run alerts-churn-scan-daily"
ARGS ?=
.PHONY: help install lock lock-check deps-check migrate run relay demo token cron deadletters status catalog test test-fast lint fmt typecheck check k8s-check bench container-test clean

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check

# Only what the locks list, every file checked against its hash; then the
# project itself, built with the locked setuptools (no unhashed build env).
$(BIN)/.installed: pyproject.toml requirements/dev.txt requirements/build.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --require-hashes -r requirements/dev.txt -r requirements/build.txt
	$(PIP) install --no-deps --no-build-isolation -e .
	touch $@

install: $(BIN)/.installed ## create the virtualenv and install the project (+ dev tools)

lock: install ## rewrite requirements/*.txt (hashed) after a pyproject.toml change
	./scripts/lock.sh
	$(MAKE) install

lock-check: install ## fail when requirements/ is stale against pyproject.toml
	./scripts/lock.sh --check

deps-check: install ## deptry: no undeclared, unused or transitive-only imports
	$(BIN)/deptry .
	$(BIN)/deptry app --ignore DEP002 --per-rule-ignores DEP004=none

migrate: install ## apply database migrations (DATABASE_URL, default SQLite ./gym_jobs.db)
	$(BIN)/alembic upgrade head

run: migrate ## serve on http://127.0.0.1:8000 (inline mode by default, no Inngest needed)
	$(BIN)/uvicorn app.main:create_app --factory --host $(HOST) --port $(PORT) \
		--http app.core.slow_clients:HeaderTimeoutHttpProtocol \
		--proxy-headers --timeout-graceful-shutdown 20

relay: migrate ## run the outbox relay as its own process (ARGS=--status, --once, ...)
	$(BIN)/python -m app.jobs.relay $(ARGS)

demo: migrate ## a demo gym with months of history, then first API calls (ARGS=--json)
	$(BIN)/python -m app.cli demo $(ARGS)

token: install ## a dev token: ARGS="--role owner --gym <gym-id> --sub <person-id>"
	$(BIN)/python -m app.cli token $(ARGS)

cron: migrate ## the cron workers and their last runs (ARGS="run <function-id>": run one)
	$(BIN)/python -m app.cli cron $(if $(ARGS),$(ARGS),--list)

deadletters: migrate ## dead letters and dead events (ARGS="replay <id>", "list", ...)
	$(BIN)/python -m app.cli deadletters $(if $(ARGS),$(ARGS),list)

status: migrate ## outbox lag, relay, cron leader, each cron's last run
	$(BIN)/python -m app.cli status

catalog: install ## write docs/events.md (events, payloads, consumers, crons) from the code
	$(BIN)/python -m app.cli catalog

test: install ## the whole test suite (SQLite + PostgreSQL when reachable), with coverage of app/
	$(BIN)/pytest --cov --cov-report=term

test-fast: install ## pure tests only (no database)
	$(BIN)/pytest tests/domain tests/test_architecture.py

lint: install lock-check deps-check ## ruff lint + format check, lock and imports
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: install ## format and autofix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install ## mypy --strict
	$(BIN)/mypy

k8s-check: install ## render deploy/k8s (base, production) and validate against the schema
	$(BIN)/python scripts/render_k8s.py --validate deploy/k8s/base deploy/k8s/overlays/production

check: lint typecheck test ## everything CI cares about (tests/ops renders and validates deploy/k8s too)

bench: install ## benchmarks -> bench/results/ (QUICK=1: small N, a few minutes)
	$(BIN)/python -m bench $(if $(QUICK),--quick)

container-test: install ## build the Dockerfile with podman and smoke-test the image
	$(BIN)/python scripts/check_compose.py
	./scripts/container_test.sh

clean: ## remove the virtualenv and caches
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
