# Two commands after cloning: `make demo` (the monthly job on demo data) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
DEMO   := $(CURDIR)/demo
DEMO_SOURCE := sqlite:///$(DEMO)/source.db
DEMO_MONTH  := 2026-05

.PHONY: demo test lint install clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt -c constraints.txt -e .
	touch $@

demo: install
	rm -rf $(DEMO) && mkdir -p $(DEMO)
	$(BIN)/ssw-linkage seed --source $(DEMO_SOURCE) --months 2026-03:2026-07 --events 20000 --bad-rate 0.005
	$(BIN)/ssw-linkage run --month $(DEMO_MONTH) --source $(DEMO_SOURCE) --staging $(DEMO)/staging
	@echo "Package: $(DEMO)/staging/$(subst -,,$(DEMO_MONTH))/"
	@ls -l $(DEMO)/staging/$(subst -,,$(DEMO_MONTH))/

lint: install
	$(BIN)/ruff check .

test: lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) $(DEMO) airflow_home .pytest_cache .ruff_cache
