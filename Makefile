# One entry point for every task. Each target installs what is missing into .cache/ and reuses it.
SHELL := /bin/bash
export UV_CACHE_DIR := $(CURDIR)/.cache/uv
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/.cache/venv
UV := $(CURDIR)/.cache/tools/uv/bin/uv
PY := $(UV_PROJECT_ENVIRONMENT)/bin/python

.PHONY: help install run cluster nginx smoke test lint format schema bench bench-quick npm-tools peers browser redis clean deploy-check

help:
	@echo "make run    - start the database, the four subgraphs and the gateway (GraphiQL URL printed)"
	@echo "make test   - the whole test suite (unit, integration, end-to-end)"
	@echo "make cluster - the same behind nginx: GATEWAY_REPLICAS gateways (2), two of each subgraph"
	@echo "make smoke  - start everything, run every example operation, stop everything"
	@echo "make lint   - ruff check, ruff format --check, mypy --strict"
	@echo "make schema - print each subgraph's SDL and compose schema/supergraph.graphql"
	@echo "make bench  - benchmarks beside Apollo Gateway and Hive Gateway (bench-quick: < 3 min)"
	@echo "make deploy-check - compose.yaml, the Dockerfile and the Helm chart checked (helm lint, kubeconform)"

$(UV):
	python3 -m venv $(CURDIR)/.cache/tools/uv
	$(CURDIR)/.cache/tools/uv/bin/pip install --quiet uv

$(PY): $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet
	@touch $(PY)

install: $(PY)

npm-tools: $(CURDIR)/.cache/npm/node_modules/.installed

$(CURDIR)/.cache/npm/node_modules/.installed: tools/npm/package.json tools/npm/package-lock.json
	mkdir -p $(CURDIR)/.cache/npm
	cp tools/npm/package.json tools/npm/package-lock.json $(CURDIR)/.cache/npm/
	cd $(CURDIR)/.cache/npm && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The peer gateways (Hive Gateway with its Rust planner, Apollo Gateway, Node 22+ from npm):
# oracles for the conformance tests and peers for `make bench`, in .cache/bench-npm. The stamp
# is the one `benchmarks` checks, so either installs them once.
PEERS_STAMP := $(CURDIR)/.cache/bench-npm/node_modules/.bench-installed
peers: $(PEERS_STAMP)

$(PEERS_STAMP): benchmarks/peers/package.json benchmarks/peers/package-lock.json
	mkdir -p $(CURDIR)/.cache/bench-npm
	cp benchmarks/peers/package.json benchmarks/peers/package-lock.json $(CURDIR)/.cache/bench-npm/
	cd $(CURDIR)/.cache/bench-npm && npm ci --no-audit --no-fund --loglevel=error
	cp benchmarks/peers/package-lock.json $@

# Debian's Chromium and its driver for the browser tests (never a downloaded browser build).
browser: /usr/bin/chromium

/usr/bin/chromium:
	@SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver

# Debian's redis-server: `make run` and `make smoke` run one (shared APQ, rate limits and pushed
# token revocations) and the security tests start theirs, each on a free port.
redis: /usr/bin/redis-server

/usr/bin/redis-server:
	@SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server

# Debian's nginx: `make cluster` runs it unprivileged, on a config of its own under .cache/devstack
# (the package's own service is never started or used).
nginx: /usr/sbin/nginx

/usr/sbin/nginx:
	@SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx

# redis-server is wanted, not required: when it cannot be installed the stack runs without it.
run: install npm-tools
	-@$(MAKE) --no-print-directory redis
	$(PY) -m devstack run

# nginx is required (it is the load balancer); Redis is what makes replicas share APQ and limits.
cluster: install npm-tools nginx
	-@$(MAKE) --no-print-directory redis
	$(PY) -m devstack cluster

smoke: install npm-tools
	-@$(MAKE) --no-print-directory redis
	$(PY) -m devstack smoke

test: install npm-tools peers browser redis nginx
	$(PY) -m devstack prepare-tests
	$(PY) -m pytest

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

schema: install npm-tools
	$(PY) -m devstack schema

# helm, kubeconform and tools/deploycheck are built with Go into .cache/deploy on first use (a
# few minutes), the Kubernetes schemas made from the k8s.io/kubernetes module's OpenAPI spec.
deploy-check: install
	$(PY) -m devstack deploy-check

bench: install npm-tools redis nginx
	$(PY) -m benchmarks run
	$(PY) -m benchmarks stack
	$(PY) -m benchmarks scaling
	$(PY) -m benchmarks outbox

bench-quick: install npm-tools
	$(PY) -m benchmarks run --quick
