# Habilis — the front door. `make help` lists the targets.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO        ?= cargo
TARGET_DIR   := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
PROFILE      ?= release
BIN          := $(TARGET_DIR)/$(PROFILE)/habilis
ADMIN_EMAIL  ?= admin@inserm.fr
export HABILIS_DATA_DIR ?= $(CURDIR)/data
export HABILIS_DIST_DIR ?= $(CURDIR)/dist

# The SPA toolchain: wasm-bindgen-cli must match the crate pinned in Cargo.lock.
WASM_BINDGEN_VERSION := $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/version = "\(.*\)"/\1/p}' Cargo.lock)
WASM_OPT     := $(CURDIR)/e2e/node_modules/.bin/wasm-opt
WASM_OUT     := $(TARGET_DIR)/wasm32-unknown-unknown/wasm-release/habilis_frontend.wasm
CHROMIUM     ?= /usr/bin/chromium
# schemathesis (PyPI), pinned, in a virtualenv outside the clone.
SCHEMATHESIS_VERSION := 4.32.5
SCHEMATHESIS_VENV    := $(HOME)/.cache/habilis-tools/schemathesis-$(SCHEMATHESIS_VERSION)
# Generated examples per operation and phase: the step stays near 1.5 min on
# 2 busy cores (SQLite, then PostgreSQL with fewer: it only adds the backend).
SCHEMATHESIS_EXAMPLES    ?= 20
SCHEMATHESIS_PG_EXAMPLES ?= 10
# The tests that touch the object storage, run again with the objects in a
# real S3 server (`make test-s3`): the storage contract (`objects`),
# datasets, resumable uploads (module `uploads`, tests named `tus_*`) and
# the files of support tickets.
S3_TESTS     := objects:: datasets:: uploads:: tus_ support::a_ticket_takes_files
# The services the local spawner really runs (issue 16): JupyterLab (PyPI),
# pinned, in a virtualenv outside the clone (HABILIS_JUPYTERLAB_VENV points
# the server at another one), and Debian's PostgreSQL server binaries.
JUPYTERLAB_VERSION := 4.6.6
JUPYTERLAB_VENV    := $(HOME)/.cache/habilis-tools/jupyterlab-$(JUPYTERLAB_VERSION)
# Debian's interpreter when there is one: every account can run it, so a
# server running as root can run JupyterLab as the unprivileged instance
# account (a pyenv interpreter under /root could not be reached).
SERVICES_PYTHON    := $(shell [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo python3)

.PHONY: help bench run build spa test lint fmt-check clippy unit test-sqlite test-pg test-s3 test-slurm test-readme python-client tus-interop schemathesis tools-schemathesis tools-services e2e wasm-check openapi tools tools-native tools-spa tools-e2e clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-12s %s\n", $$1, $$2}'

tools: tools-native ## Install what the build needs (skipped when present)
	@rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown \
		|| rustup target add wasm32-unknown-unknown

tools-native: ## cargo and libpq: what the server alone needs
	@command -v cargo >/dev/null || { echo "Rust (cargo) is required: https://rustup.rs"; exit 1; }
	@pkg-config --exists libpq 2>/dev/null || [ -e /usr/lib/x86_64-linux-gnu/libpq.so ] \
		|| { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpq-dev; }

tools-spa: tools ## wasm-bindgen-cli at the Cargo.lock version, wasm-opt (npm binaryen)
	@[ "$$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $(WASM_BINDGEN_VERSION)" ] \
		|| $(CARGO) install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)
	@[ -x "$(WASM_OPT)" ] || (cd e2e && npm ci --no-audit --no-fund)

tools-services: ## What the local spawner runs: Debian's PostgreSQL server binaries and JupyterLab (pinned) in a virtualenv under ~/.cache/habilis-tools (skipped when present)
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
		|| { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; }
	@[ -x "$(JUPYTERLAB_VENV)/bin/jupyter-lab" ] || { \
	  rm -rf "$(JUPYTERLAB_VENV)" && $(SERVICES_PYTHON) -m venv "$(JUPYTERLAB_VENV)" \
	  && "$(JUPYTERLAB_VENV)/bin/pip" install -q --disable-pip-version-check "jupyterlab==$(JUPYTERLAB_VERSION)" \
	  || { rm -rf "$(JUPYTERLAB_VENV)"; exit 1; }; }

tools-e2e: tools-spa ## Debian's Chromium for the browser tests (never a downloaded browser)
	@[ -x "$(CHROMIUM)" ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; }

spa: tools-spa ## Build the SPA into dist/ (wasm32 in the wasm-release profile → wasm-bindgen → wasm-opt -Oz --converge)
	$(CARGO) build --locked -p habilis-frontend --target wasm32-unknown-unknown --profile wasm-release
	rm -rf dist.tmp && mkdir -p dist.tmp
	wasm-bindgen --target web --no-typescript --out-dir dist.tmp $(WASM_OUT)
	# --converge repeats -Oz while it still shrinks (2 KB gzipped, 40 s).
	$(WASM_OPT) -Oz --converge --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types \
		dist.tmp/habilis_frontend_bg.wasm -o dist.tmp/habilis_frontend_bg.wasm
	cp frontend/static/* dist.tmp/
	# The SPA's catalogs, fetched by language at start (not compiled in).
	mkdir -p dist.tmp/i18n && cp frontend/i18n/*.json dist.tmp/i18n/
	rm -rf dist && mv dist.tmp dist
	@echo "SPA built in dist/ ($$(du -sh dist | cut -f1); WebAssembly $$(stat -c %s dist/habilis_frontend_bg.wasm) bytes, $$(gzip -9c dist/habilis_frontend_bg.wasm | wc -c) gzipped)"

build: tools spa ## Build the server and the SPA (PROFILE=release by default)
	$(CARGO) build --locked -p habilis-api $(if $(filter release,$(PROFILE)),--release,)

run: build ## Build, migrate, create the first admin if none, serve on http://127.0.0.1:8080
	@mkdir -p "$(HABILIS_DATA_DIR)"
	@$(BIN) migrate >/dev/null
	@echo "──────────────────────────────────────────────────────────────"
	@status=0; $(BIN) bootstrap-admin --email "$(ADMIN_EMAIL)" 2>/dev/null || status=$$?; \
	 if [ $$status -eq 2 ]; then \
	   echo "An admin already exists in $(HABILIS_DATA_DIR): sign in with its e-mail and password."; \
	   echo "(Start afresh: stop the server, remove $(HABILIS_DATA_DIR), make run again.)"; \
	 elif [ $$status -ne 0 ]; then exit $$status; fi
	@echo "Sign in at http://127.0.0.1:8080 (API: /api/v1, docs: /api/docs)."
	@echo "First sign-in, for example with curl:"
	@echo "  curl -s -X POST http://127.0.0.1:8080/api/v1/auth/login -H 'content-type: application/json' \\"
	@echo "       -d '{\"email\":\"$(ADMIN_EMAIL)\",\"password\":\"<the password above>\"}'"
	@echo "E-mails (activation links) are written to $(HABILIS_DATA_DIR)/mail/."
	@echo "──────────────────────────────────────────────────────────────"
	$(BIN) serve

test: tools tools-services fmt-check clippy wasm-check unit test-sqlite test-pg test-s3 test-slurm test-readme python-client tus-interop schemathesis e2e ## Every test: lint, unit, integration on SQLite and PostgreSQL (objects on the local disk, then in S3), the Slurm executor on a single-node Slurm, OpenAPI drift, README walkthrough, generated Python client, tus clients, schemathesis, browser e2e on both databases
	@echo "make test: all green"

lint: fmt-check clippy ## rustfmt and clippy (-D warnings)

fmt-check:
	$(CARGO) fmt --all --check

clippy:
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings

wasm-check: tools ## shared/ and frontend/ build for wasm32-unknown-unknown
	$(CARGO) check --locked -p habilis-shared -p habilis-frontend --target wasm32-unknown-unknown

unit: tools-services ## Unit tests (policy matrices, config, tokens, the local spawner's real PostgreSQL and JupyterLab, …)
	HABILIS_SERVICES_REQUIRED=1 $(CARGO) test --locked --workspace --lib --bins

test-sqlite: tools-services ## Integration tests on SQLite (includes the OpenAPI drift check)
	HABILIS_SERVICES_REQUIRED=1 HABILIS_TEST_DB=sqlite $(CARGO) test --locked -p habilis-api --test api

test-pg: tools-services ## Integration tests on a throwaway PostgreSQL database (server started if none answers)
	./scripts/with-postgres.sh env HABILIS_SERVICES_REQUIRED=1 HABILIS_TEST_DB=postgres $(CARGO) test --locked -p habilis-api --test api

test-s3: ## Storage, datasets and upload tests with the objects in a real S3 server (moto, installed once under ~/.cache/habilis-tools), on SQLite then PostgreSQL
	./scripts/with-s3.sh env HABILIS_TEST_DB=sqlite $(CARGO) test --locked -p habilis-api --test api -- $(S3_TESTS)
	./scripts/with-s3.sh ./scripts/with-postgres.sh env HABILIS_TEST_DB=postgres $(CARGO) test --locked -p habilis-api --test api -- $(S3_TESTS)

test-slurm: ## The Slurm executor against a throwaway single-node Slurm (Debian's slurm-wlm and munge, installed when missing; needs root), then with accounting (slurmdbd on a throwaway MariaDB); ~2 min, the time-limit case alone takes 60-90 s
	$(CARGO) test --locked -p habilis-api --test slurm --no-run
	./scripts/with-slurm.sh $(CARGO) test --locked -p habilis-api --test slurm
	HABILIS_SLURM_ACCOUNTING=1 ./scripts/with-slurm.sh $(CARGO) test --locked -p habilis-api --test slurm -- --skip slurm_stops_a_job_over_its_time_limit
	./scripts/with-slurm.sh $(CARGO) test --locked -p habilis-api --test api -- compute::a_job_runs_through_slurm

test-readme: ## Run the README's curl walkthrough verbatim against a fresh server
	$(CARGO) build --locked -q -p habilis-api
	./scripts/readme-walkthrough.sh $(TARGET_DIR)/debug/habilis

python-client: ## Generate the Python client from openapi/openapi.json (no warning allowed) and sign in, create and list accounts through it
	$(CARGO) build --locked -q -p habilis-api
	./scripts/python-client.sh $(TARGET_DIR)/debug/habilis sqlite

tus-interop: ## tuspy and tus-js-client (pinned, installed when missing) upload with a resume to a fresh server, on SQLite then PostgreSQL; each file listed with its SHA-256 and downloaded identical
	$(CARGO) build --locked -q -p habilis-api
	./scripts/tus-interop.sh $(TARGET_DIR)/debug/habilis sqlite
	./scripts/with-postgres.sh ./scripts/tus-interop.sh $(TARGET_DIR)/debug/habilis postgres

tools-schemathesis: ## schemathesis (pinned) in a virtualenv under ~/.cache/habilis-tools (skipped when present)
	@[ -x "$(SCHEMATHESIS_VENV)/bin/schemathesis" ] || { \
	  rm -rf "$(SCHEMATHESIS_VENV)" && python3 -m venv "$(SCHEMATHESIS_VENV)" \
	  && "$(SCHEMATHESIS_VENV)/bin/pip" install -q --disable-pip-version-check "schemathesis==$(SCHEMATHESIS_VERSION)" \
	  || { rm -rf "$(SCHEMATHESIS_VENV)"; exit 1; }; }

schemathesis: tools-schemathesis ## schemathesis against openapi/openapi.json and a fresh server, on SQLite then PostgreSQL: no 5xx, every answer as documented
	$(CARGO) build --locked -q -p habilis-api
	SCHEMATHESIS="$(SCHEMATHESIS_VENV)/bin/schemathesis" SCHEMATHESIS_MAX_EXAMPLES=$(SCHEMATHESIS_EXAMPLES) \
		./scripts/schemathesis.sh $(TARGET_DIR)/debug/habilis sqlite
	SCHEMATHESIS="$(SCHEMATHESIS_VENV)/bin/schemathesis" SCHEMATHESIS_MAX_EXAMPLES=$(SCHEMATHESIS_PG_EXAMPLES) \
		./scripts/with-postgres.sh ./scripts/schemathesis.sh $(TARGET_DIR)/debug/habilis postgres

e2e: tools-e2e tools-services spa ## Browser tests in Debian's Chromium, on SQLite then on PostgreSQL
	$(CARGO) build --locked -q -p habilis-api
	./e2e/run.sh sqlite $(TARGET_DIR)/debug/habilis
	./scripts/with-postgres.sh ./e2e/run.sh postgres $(TARGET_DIR)/debug/habilis

bench: tools-native ## Side-by-side benchmarks in release (bench/, not part of `make test`); writes bench/results/latest.json
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	cd bench && $(CARGO) build --release --locked
	cd bench && ../scripts/with-postgres.sh $(or $(CARGO_TARGET_DIR),target)/release/habilis-bench results/latest.json

openapi: ## Regenerate openapi/openapi.json from the code
	$(CARGO) run --locked -q -p habilis-api -- openapi --output openapi/openapi.json

clean: ## Remove build output (not ./data)
	$(CARGO) clean
	rm -rf dist dist.tmp e2e/artifacts
