# Two commands after cloning: `make demo` (the monthly job on demo data) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
DEMO   := $(CURDIR)/demo
DEMO_MONTH := 2026-05

# The embedded demo: Airflow home inside the project (ignored by git), SQLite metadata and source.
AIRFLOW_ENV := PATH="$(CURDIR)/$(BIN):$$PATH" AIRFLOW_HOME=$(CURDIR)/airflow_home \
	AIRFLOW__CORE__DAGS_FOLDER=$(CURDIR)/dags \
	AIRFLOW__CORE__PLUGINS_FOLDER=$(CURDIR)/plugins \
	AIRFLOW__CORE__LOAD_EXAMPLES=False \
	AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION=True \
	AIRFLOW__CORE__PARALLELISM=4 \
	AIRFLOW_CONN_SSW_SOURCE='{"conn_type": "sqlite", "host": "$(DEMO)/source.db"}' \
	AIRFLOW_VAR_SSW_STAGING_DIR=$(DEMO)/staging \
	AIRFLOW_VAR_SSW_ALERT_RECIPIENTS=oncall@localhost \
	AIRFLOW_CONN_SMTP_DEFAULT='{"conn_type": "smtp", "host": "127.0.0.1", "port": 8025, "extra": {"disable_ssl": true, "disable_tls": true}}'

.PHONY: demo airflow test lint install clean bench

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt -c constraints.txt -e .
	touch $@

$(DEMO)/source.db: | install
	mkdir -p $(DEMO)
	$(BIN)/ssw-linkage seed --source sqlite:///$@ --months 2026-01:2026-07 --events 30000 --bad-rate 0.005

demo: install
	rm -rf $(DEMO) airflow_home
	$(MAKE) --no-print-directory $(DEMO)/source.db
	$(AIRFLOW_ENV) $(BIN)/airflow db migrate > $(DEMO)/airflow-db-migrate.log 2>&1
	@# a local mail sink for the alerts (a past month's run mails its "late" alert at once)
	$(BIN)/python -m aiosmtpd -n -l 127.0.0.1:8025 > $(DEMO)/mail.log 2>&1 & echo $$! > $(DEMO)/mail.pid
	$(AIRFLOW_ENV) $(BIN)/airflow dags test ssw_monthly_provision $(DEMO_MONTH)-15T12:00:00+09:00 \
		> $(DEMO)/airflow-dags-test.log 2>&1 || { kill $$(cat $(DEMO)/mail.pid); tail -40 $(DEMO)/airflow-dags-test.log; exit 1; }
	kill $$(cat $(DEMO)/mail.pid) && rm $(DEMO)/mail.pid
	@echo
	@echo "Alert mails caught by the demo mail sink (demo/mail.log): $$(grep -c '^Subject:' $(DEMO)/mail.log)"
	@echo "Published package for data month $(DEMO_MONTH) (Airflow log: demo/airflow-dags-test.log):"
	@ls -l $(DEMO)/staging/$(subst -,,$(DEMO_MONTH))/
	@$(BIN)/python -c "import json,sys; m=json.load(open(sys.argv[1])); print('totals:', m['totals'])" \
		$(DEMO)/staging/$(subst -,,$(DEMO_MONTH))/MANIFEST.JSON
	@$(BIN)/ssw-linkage missed --staging $(DEMO)/staging --from 2026-01 --to 2026-06 || true

airflow: install $(DEMO)/source.db
	$(AIRFLOW_ENV) $(BIN)/airflow db migrate > /dev/null
	@echo "Mail goes to 127.0.0.1:8025: run '$(BIN)/python -m aiosmtpd -n -l 127.0.0.1:8025' to see it."
	@echo "Airflow UI: http://localhost:8080  (user admin; password in airflow_home/simple_auth_manager_passwords.json.generated)"
	$(AIRFLOW_ENV) $(BIN)/airflow standalone

# Speed against the export floor, the project's own queries and pandas, per size (not part of `make test`):
# a database ssw_bench_<N> per size on the local server; BENCH_ARGS=--reuse keeps an earlier seed.
BENCH_EVENTS ?= 100000,1000000,2000000,5000000
BENCH_REPEAT ?= 3
bench: install
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python benchmarks/bench.py --events $(BENCH_EVENTS) --repeat $(BENCH_REPEAT) $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check .

test: lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) $(DEMO) airflow_home .pytest_cache .ruff_cache
