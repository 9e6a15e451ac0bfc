# wijkmonitor — the README's commands. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed
export PATH := $(BIN):$(PATH)
export PYTHONHASHSEED := 0
export MPLBACKEND := Agg

.DEFAULT_GOAL := help
.PHONY: help env run freeze next-year test test-fast lint format deps docs-tree typecheck lab status lock bench chromium libreoffice reference plots-page

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

# Packages are installed with their bytecode compiled: where PYTHONDONTWRITEBYTECODE
# is set (as on CI machines), every process would otherwise compile pandas, DVC and
# matplotlib from source at each import — the largest waste the benchmark found.
$(STAMP): requirements.lock pyproject.toml
	@echo "[make] setting up $(VENV)/ (Python packages from PyPI, pinned in requirements.lock)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "wijkmonitor (Python 3)" >/dev/null
	@echo "[make] building deduce's lookup structures (names, streets, places; once, 1-2 minutes)"
	$(BIN)/python -m helpers.validation.deidentify
	touch $(STAMP)

env: $(STAMP) plots-page ## create .venv/ if missing (or outdated), and the chart library of `dvc plots diff`

# The page `dvc plots diff` writes (dvc_plots/index.html, from plots_page/template.html)
# loads Vega from plots_page/node_modules, not from a CDN, so it works offline
# (docs/cycle.md). npm stamps its hidden lockfile at each install.
PLOTS_LIB := plots_page/node_modules/.package-lock.json

plots-page: ## Vega for the page of `dvc plots diff` (npm, pinned in plots_page/package-lock.json)
	@if [ -f $(PLOTS_LIB) ] && [ $(PLOTS_LIB) -nt plots_page/package-lock.json ]; then :; \
	elif command -v npm >/dev/null 2>&1; then \
		echo "[make] installing Vega for dvc plots diff (npm ci --prefix plots_page)"; \
		npm ci --prefix plots_page --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error >/dev/null || \
		echo "[make] npm ci failed: the page of dvc plots diff will show no charts"; \
	else \
		echo "[make] npm not found: the page of dvc plots diff will show no charts (install Node.js, then make plots-page)"; \
	fi

run: $(STAMP) ## the whole monitoring cycle (dvc repro) on the params' source (demo data by default)
	$(BIN)/dvc repro
	@echo
	@echo "[make] reports: $(CURDIR)/reports/_site/index.html"

freeze: $(STAMP) ## close the cycle: freeze the CBS snapshots, check, commit, tag TAG=monitor-<year>, dvc push
	@test -n "$(TAG)" || { echo "make freeze TAG=monitor-<year>"; exit 2; }
	$(BIN)/wijkmonitor cycle close $(TAG)

next-year: $(STAMP) ## open the next cycle YEAR=<peiljaar> (revision checks on again; KWB=<table id> if not listed)
	@test -n "$(YEAR)" || { echo "make next-year YEAR=<peiljaar> [KWB=<table id>]"; exit 2; }
	$(BIN)/wijkmonitor cycle open $(YEAR) $(if $(KWB),--kwb-table $(KWB))

# The tests run on both cores (pytest-xdist): a module's tests that share a project it
# builds once stay on one worker (tests/conftest.py); TEST_WORKERS=0 runs them in one process.
TEST_WORKERS ?= 2
XDIST = -n $(TEST_WORKERS) --dist loadscope

test: $(STAMP) chromium libreoffice ## lint, the unit tier first, then every other tier (real papermill, DVC, great-expectations, Chromium, LibreOffice)
	$(MAKE) --no-print-directory lint
	$(BIN)/pytest $(XDIST) tests/unit
	$(BIN)/pytest $(XDIST) --durations=25 tests/integration tests/backtests tests/pipeline

test-fast: $(STAMP) ## the unit tier only (no subprocess, kernel or network): the edit loop
	$(BIN)/pytest $(XDIST) tests/unit

chromium: ## headless Chromium for the report tests (Debian package, installed when root)
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "[make] installing chromium (Debian) for the browser test of the reports"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null || \
		{ apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; } || \
		echo "[make] could not install chromium: the browser test will be skipped (fails under CI=true)"; \
	else \
		echo "[make] chromium not found and not root: the browser test will be skipped (fails under CI=true)"; \
	fi

# Writer without its GUI, and Liberation Sans, which sets the reports' Arial (about 50
# Debian packages, 86 MB to fetch, 263 MB on disk; 46 s to install on the 2-core
# development machine): it lays the Word proxy's .docx files out as pages and prints them
# to PDF for the print check (tests/word_proxy.py).
libreoffice: ## headless LibreOffice Writer for the Word print test (Debian package, installed when root)
	@command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1 || \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "[make] installing libreoffice-writer-nogui (Debian) for the Word print test"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends libreoffice-writer-nogui fonts-liberation >/dev/null || \
		{ apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends libreoffice-writer-nogui fonts-liberation >/dev/null; } || \
		echo "[make] could not install LibreOffice: the Word print test will be skipped (fails under CI=true)"; \
	else \
		echo "[make] LibreOffice not found and not root: the Word print test will be skipped (fails under CI=true)"; \
	fi

lint: $(STAMP) ## ruff (lint and format), the type check, deptry (declared deps = imports), dvc.yaml's code deps, the docs' module tree
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/deptry src tests benchmarks
	$(BIN)/python -m helpers.runtime.code_deps
	$(BIN)/python -m helpers.runtime.module_tree
	$(BIN)/python -m helpers.runtime.pipeline_picture

format: $(STAMP) ## ruff format and the import order, in place
	$(BIN)/ruff check --select I --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

deps: $(STAMP) ## write each stage's code deps in dvc.yaml from its import closure
	$(BIN)/python -m helpers.runtime.code_deps --write

docs-tree: $(STAMP) ## write docs/developer.md's module tree (from the docstrings) and docs/pipeline.svg
	$(BIN)/python -m helpers.runtime.module_tree --write
	$(BIN)/python -m helpers.runtime.pipeline_picture --write

typecheck: $(STAMP) ## mypy over src/helpers (configured in pyproject.toml)
	$(BIN)/mypy

status: $(STAMP) ## what dvc repro would run
	$(BIN)/dvc status

bench: $(STAMP) ## benchmark of the whole cycle (~30 min): timings, ratios, peak memory
	$(BIN)/python benchmarks/bench.py

# Jupyter refuses to start as root without --allow-root (containers, CI machines);
# LAB_ARGS passes anything else, e.g. make lab LAB_ARGS="--no-browser --port 8899".
LAB_ARGS ?=
LAB_ROOT = $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP) ## JupyterLab on the project's environment (extra options: LAB_ARGS="--no-browser --port 8899")
	$(BIN)/jupyter lab --notebook-dir=$(CURDIR) $(LAB_ROOT) $(LAB_ARGS)

# The analysts' reference (pdoc, from the docstrings of the modules notebooks call):
# generated HTML, ignored by git; see docs/reference.md.
REFERENCE_DIR ?= docs/reference

reference: $(STAMP) ## the helpers' reference pages for analysts, in docs/reference/index.html
	$(BIN)/python -m helpers.runtime.reference $(REFERENCE_DIR)

lock: $(STAMP) ## regenerate requirements.lock from requirements.in
	$(BIN)/uv pip compile requirements.in -p 3.11 --no-header --quiet -o requirements.lock
