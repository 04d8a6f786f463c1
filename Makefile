# QuitPilot developer commands. Needs only Python >= 3.11 and git: the first target creates .venv.
# run/check/migrate/seed install only what running needs (runtime + embedded servers); test, bench
# and lint add the test tools (scripts/ensure_venv.sh PROFILE).
# When DATABASE_URL / REDIS_URL are unset (environment or .env), run/test/bench/migrate/seed start an
# embedded PostgreSQL and Redis under .embedded/ and stop them afterwards (scripts/services.py).

VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
RUN_ARGS ?=
PYTEST_ARGS ?=
export PYTEST_ARGS

.DEFAULT_GOAL := help
.PHONY: help venv venv-test run check test bench lint migrate seed vendor

help:
	@echo "make run      migrate, seed demo data, serve http://127.0.0.1:$(PORT)/ with a Celery worker and beat"
	@echo "             (PORT=8101 make run for another port; development emails are files in var/mail/)"
	@echo "make check    the same, but stop as soon as everything answers (smoke test)"
	@echo "make test     python -m pytest \$$PYTEST_ARGS beside the services"
	@echo "make bench    python bench/run.py beside the services"
	@echo "make lint     ruff check ."
	@echo "make migrate  manage.py migrate;  make seed: manage.py seed_demo"
	@echo "make vendor   refetch static/vendor/ from the npm registry (needs npm)"

venv:
	@sh scripts/ensure_venv.sh run

venv-test:
	@sh scripts/ensure_venv.sh test

run: venv
	$(PY) scripts/run.py run --port $(PORT) $(RUN_ARGS)

check: venv
	$(PY) scripts/run.py run --check --port $(PORT) $(RUN_ARGS)

test: venv-test
	@sh scripts/ensure_chromium.sh
	$(PY) scripts/run.py test

bench: venv-test
	$(PY) scripts/run.py exec -- $(PY) bench/run.py

lint: venv-test
	$(PY) -m ruff check .

migrate: venv
	$(PY) scripts/run.py manage migrate --noinput

seed: venv
	$(PY) scripts/run.py manage seed_demo

vendor: venv
	$(PY) scripts/vendor_assets.py
