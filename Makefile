# The two commands that matter: `make run` and `make test` (see README).
VENV   := .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8866

.PHONY: run test test-fast system-deps test-tools setup lint site bench clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

system-deps:
	bash scripts/install-system-deps.sh

# axe-core (browser tests' accessibility checker), pinned in package-lock.json; needs npm (system-deps).
AXE    := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json | system-deps
	npm ci --no-audit --no-fund --silent
	touch $(AXE)

test-tools: system-deps $(AXE)

## Sets up everything and serves the site and the apps with demo data on the embedded SQLite.
run: $(STAMP)
	$(BIN)/berdikari demo-run --host $(HOST) --port $(PORT)

## Sets up everything and runs every test (fast suite, PostgreSQL, browser tests).
test: $(STAMP) system-deps $(AXE)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/berdikari checklists validate
	$(BIN)/pytest

test-fast: $(STAMP)
	$(BIN)/pytest -m "not e2e and not postgres"

## The site alone, built strictly into build/site (open build/site/index.html).
site: $(STAMP)
	$(BIN)/berdikari site build

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

bench: $(STAMP) system-deps
	for b in benchmarks/bench_*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) site build .pytest_cache node_modules
