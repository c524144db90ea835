# Two commands after cloning: `make demo` (the monthly job on demo data, ending with its disc image) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
DEMO   := $(CURDIR)/demo
DEMO_MONTH := 2026-05
MONTH ?= 2026-04
NOTICE_DAY := 2026-05-18

# The embedded demo: Airflow home inside the project (ignored by git), SQLite metadata and source, JST.
# scripts/demo.py adds a mail sink on a free port and writes all of this to demo/airflow.env.
AIRFLOW_ENV := PATH="$(CURDIR)/$(BIN):$$PATH" AIRFLOW_HOME=$(CURDIR)/airflow_home \
	AIRFLOW__CORE__DAGS_FOLDER=$(CURDIR)/dags \
	AIRFLOW__CORE__PLUGINS_FOLDER=$(CURDIR)/plugins \
	AIRFLOW__CORE__LOAD_EXAMPLES=False \
	AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION=True \
	AIRFLOW__CORE__PARALLELISM=4 \
	AIRFLOW__SCHEDULER__MAX_DAGRUNS_PER_LOOP_TO_SCHEDULE=200 \
	AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME=0.5 \
	AIRFLOW__WORKERS__MIN_HEARTBEAT_INTERVAL=1 \
	AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL=120 \
	AIRFLOW__CORE__DEFAULT_TIMEZONE=Asia/Tokyo \
	AIRFLOW_CONN_SSW_SOURCE='{"conn_type": "sqlite", "host": "$(DEMO)/source.db"}' \
	AIRFLOW_VAR_SSW_STAGING_DIR=$(DEMO)/staging \
	AIRFLOW_VAR_SSW_NOTICE_DIR=$(DEMO)/notices \
	AIRFLOW_VAR_SSW_ALERT_RECIPIENTS=oncall@localhost

.PHONY: demo demo-month demo-notices airflow test test-celery bench bench-airflow lint install clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt -c constraints.txt -e .
	touch $@

$(DEMO)/source.db: | install
	@mkdir -p $(DEMO)
	@echo "Seeding the demo source $@ (synthetic, 2026-01 to 2026-07) …"
	@$(BIN)/ssw-linkage seed --source sqlite:///$@ --months 2026-01:2026-07 --events 30000 --bad-rate 0.005 > $(DEMO)/seed.log

demo: install
	@rm -rf $(DEMO) airflow_home
	@$(MAKE) --no-print-directory $(DEMO)/source.db
	@echo "Running the DAG for $(DEMO_MONTH) with airflow dags test (under a minute) …"
	@$(AIRFLOW_ENV) $(BIN)/python scripts/demo.py run --month $(DEMO_MONTH)

demo-month: install $(DEMO)/source.db
	@$(AIRFLOW_ENV) $(BIN)/python scripts/demo.py run --month $(MONTH)

# The 別添 notices of one business day of the demo, published as the DAG does (sign-off: make airflow).
demo-notices: install $(DEMO)/source.db
	rm -rf $(DEMO)/notices
	$(BIN)/ssw-linkage notices --day $(NOTICE_DAY) --source sqlite:///$(DEMO)/source.db --notices $(DEMO)/notices
	@echo
	@echo "Forms to print and mail, and the mailing registers (発送簿), in demo/notices/:"
	@cd $(DEMO)/notices && find . -name '*.PDF' -o -name 'REGISTER*.CSV' | sort

airflow: install $(DEMO)/source.db
	@$(AIRFLOW_ENV) $(BIN)/airflow db migrate > /dev/null
	@$(AIRFLOW_ENV) $(BIN)/python scripts/demo.py standalone

# Speed against the export floor, the project's own queries and pandas, per size (not part of `make test`):
# a database ssw_bench_<N> per size on the local server; BENCH_ARGS=--reuse keeps an earlier seed.
BENCH_EVENTS ?= 100000,1000000,2000000,5000000
BENCH_REPEAT ?= 3
bench: install
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python benchmarks/bench.py --events $(BENCH_EVENTS) --repeat $(BENCH_REPEAT) $(BENCH_ARGS)

# One month through Airflow (dags test, a real scheduler on PostgreSQL metadata) against the CLI, on the demo;
# then the backfill of 2019-06..2026-10 through Airflow against the CLI loop (not part of `make test`).
bench-airflow: install $(DEMO)/source.db
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python benchmarks/bench_airflow.py month --repeat $(BENCH_REPEAT)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python benchmarks/bench_airflow.py backfill

lint: install
	$(BIN)/ruff check .

# Every test, the production topology last: real processes on PostgreSQL metadata, a Redis broker and two
# Celery workers (tests/celery/, marker celery; `make test-celery` runs it alone).
CELERY_TESTS = $(BIN)/python -m pytest -m celery tests/celery

test: lint
	$(BIN)/python -m pytest
	$(CELERY_TESTS)

test-celery: lint
	$(CELERY_TESTS)

clean:
	rm -rf $(VENV) $(DEMO) airflow_home .pytest_cache .ruff_cache
