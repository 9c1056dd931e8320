# Regulars — `make run` and `make test` work on a machine with only rustup/cargo, Node.js/npm
# and apt. Tools are installed once (cargo's into ~/.cargo/bin, wasm-opt into .tools/) and
# skipped when present at the right version.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO_LEPTOS_VERSION := 0.3.10
BINARYEN_VERSION := 132.0.0
# The QR decoder the counter's camera scanning falls back to where the browser has no
# BarcodeDetector (served as public/vendor/jsQR.js; not committed).
JSQR_VERSION := 1.4.0
# Fuzzes /api/v1 from its OpenAPI description (PyPI, into .tools/venv).
SCHEMATHESIS_VERSION := 4.32.5
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
TOOLS := $(CURDIR)/.tools
export PATH := $(TOOLS)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
# One target directory for every build, so the server, its tests and clippy share artifacts.
export CARGO_TARGET_DIR := $(CURDIR)/target
# The variables cargo-leptos gives its cargo calls (from [workspace.metadata.leptos]). Leptos'
# crates read some at compile time, so cargo rebuilds them whenever they change: every cargo
# call here gets the same ones, or `cargo test` and clippy would compile Leptos, the app and the
# server again after `cargo leptos build`.
export LEPTOS_OUTPUT_NAME := regulars
export LEPTOS_SITE_ROOT := target/site
export LEPTOS_SITE_PKG_DIR := pkg
export LEPTOS_SITE_ADDR := 127.0.0.1:3000
export LEPTOS_RELOAD_PORT := 3001
export LEPTOS_LIB_DIR := frontend
export LEPTOS_BIN_DIR := server
export LEPTOS_JS_MINIFY := true
export LEPTOS_HASH_FILES := true
export LEPTOS_HASH_FILE_NAME := hash.txt

.PHONY: help tools build run test fmt fmt-check lint rust-test e2e e2e-deps chromium smtp-server ssl-dev schemathesis api-fuzz bench size clean

help:
	@echo "make run    build in release mode and serve http://127.0.0.1:3000 with demo data"
	@echo "make test   fmt, clippy (server + wasm), Rust tests, end-to-end tests in Chromium, API fuzzing"
	@echo "make bench  benchmarks: ledger, campaigns (BENCH_*), time to interactive on a phone"
	@echo "make size   the bytes a first load of the member home and the counter downloads"

tools: ## install the build tools that are missing
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@if ! cargo leptos --version 2>/dev/null | grep -q "$(CARGO_LEPTOS_VERSION)"; then \
	  echo "installing cargo-leptos $(CARGO_LEPTOS_VERSION) (a long compile, once per machine)"; \
	  cargo install --locked cargo-leptos@$(CARGO_LEPTOS_VERSION); fi
	@if ! wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)"; then \
	  echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (matches Cargo.lock)"; \
	  cargo install --force wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION); fi
	@if ! wasm-opt --version 2>/dev/null | grep -q "$(firstword $(subst ., ,$(BINARYEN_VERSION)))"; then \
	  echo "installing wasm-opt (npm binaryen $(BINARYEN_VERSION)) into .tools/"; \
	  mkdir -p $(TOOLS) && npm install --prefix $(TOOLS) --no-audit --no-fund --silent binaryen@$(BINARYEN_VERSION); fi
	@if ! grep -qs '"version": "$(JSQR_VERSION)"' $(TOOLS)/node_modules/jsqr/package.json; then \
	  echo "installing jsQR $(JSQR_VERSION) (npm) for camera scanning"; \
	  mkdir -p $(TOOLS) && npm install --prefix $(TOOLS) --no-audit --no-fund --silent jsqr@$(JSQR_VERSION); fi
	@mkdir -p public/vendor && cp -u $(TOOLS)/node_modules/jsqr/dist/jsQR.js public/vendor/jsQR.js

build: tools
	cargo leptos build --release --precompress

run: build
	@mkdir -p data
	./target/release/server serve --demo

fmt:
	cargo fmt --all

fmt-check:
	cargo fmt --all -- --check

# The server and the app (ssr) in one call, so both resolve the same features as the release
# build (see server/Cargo.toml on reqwest) and nothing is compiled twice.
lint: fmt-check ssl-dev
	cargo clippy --release -p server -p app --features app/ssr --all-targets -- -D warnings
	cargo clippy --release -p frontend -p app --target wasm32-unknown-unknown -- -D warnings

rust-test: smtp-server ssl-dev
	cargo test --release -p app -p server --features app/ssr

chromium:
	@command -v chromium >/dev/null || { \
	  echo "installing Chromium from apt"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The real SMTP server the mail tests send to (Debian's aiosmtpd, run on loopback by the tests).
smtp-server:
	@/usr/bin/python3 -c 'import aiosmtpd, dkim' 2>/dev/null || { \
	  echo "installing python3-aiosmtpd, python3-dkim and openssl from apt"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq python3-aiosmtpd python3-dkim openssl >/dev/null; }

# OpenSSL's headers for the email benchmark's in-process SMTP server (mailin), which the tests
# and the lint build as well.
ssl-dev:
	@pkg-config --exists openssl 2>/dev/null || { \
	  echo "installing libssl-dev and pkg-config from apt"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libssl-dev pkg-config >/dev/null; }

e2e-deps: chromium
	@cd end2end && { [ -d node_modules/@playwright/test ] || npm ci --no-audit --no-fund --silent; }

e2e: build e2e-deps
	cd end2end && npx playwright test

# Python's venv module (Debian packages it apart) and schemathesis in it.
schemathesis:
	@$(TOOLS)/venv/bin/schemathesis --version 2>/dev/null | grep -q "$(SCHEMATHESIS_VERSION)" || { \
	  python3 -m venv --help >/dev/null 2>&1 && python3 -c 'import ensurepip' 2>/dev/null || { \
	    echo "installing python3-venv from apt"; \
	    if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq python3-venv >/dev/null; }; \
	  echo "installing schemathesis $(SCHEMATHESIS_VERSION) (PyPI) into .tools/venv"; \
	  rm -rf $(TOOLS)/venv && python3 -m venv $(TOOLS)/venv && \
	  $(TOOLS)/venv/bin/pip install -q --disable-pip-version-check schemathesis==$(SCHEMATHESIS_VERSION); }

# schemathesis against the release build's /api/v1 with a key that may do everything: requests
# generated from the OpenAPI description (valid and invalid), failing on any 5xx and any
# answer the description does not allow. Every check but one: "schema-valid data is accepted"
# cannot hold for made-up references (a card number, offer or purchase that does not exist,
# another shop's currency), which are refused with a documented 404 or 422.
api-fuzz: build schemathesis
	@dir=$$(mktemp -d); port=3058; base=http://127.0.0.1:$$port; \
	export REGULARS_DATABASE_URL=sqlite://$$dir/shop.db REGULARS_ADDR=127.0.0.1:$$port REGULARS_BASE_URL=$$base; \
	./target/release/server migrate >/dev/null; \
	./target/release/server serve --demo >$$dir/server.log 2>&1 & pid=$$!; \
	trap 'kill $$pid 2>/dev/null; rm -rf $$dir' EXIT; \
	for i in $$(seq 150); do curl -sf $$base/health >/dev/null && break; sleep 0.2; done; \
	key=$$(./target/release/server create-api-key --name fuzz --scopes members:read,purchases:write,codes:redeem --rate 100000 2>/dev/null); \
	$(TOOLS)/venv/bin/schemathesis run $$base/api/v1/openapi.json --url $$base/api/v1 \
	  -H "Authorization: Bearer $$key" --checks all \
	  --exclude-checks positive_data_acceptance --max-examples 200 --workers 2 \
	  || { echo "--- server log"; tail -50 $$dir/server.log; exit 1; }

test: tools fmt-check lint build rust-test e2e api-fuzz

# A demo shop from the release build on a spare port for a script in end2end/ (its base URL is
# the script's first argument); stopped and removed afterwards.
define with_demo_shop
	@dir=$$(mktemp -d); port=3057; \
	REGULARS_DATABASE_URL=sqlite://$$dir/shop.db REGULARS_ADDR=127.0.0.1:$$port \
	  REGULARS_BASE_URL=http://127.0.0.1:$$port ./target/release/server serve --demo >$$dir/server.log 2>&1 & pid=$$!; \
	trap 'kill $$pid 2>/dev/null; rm -rf $$dir' EXIT; \
	for i in $$(seq 150); do curl -sf http://127.0.0.1:$$port/health >/dev/null && break; sleep 0.2; done; \
	cd end2end && node $(1) http://127.0.0.1:$$port
endef

# What a phone downloads on a first load of a member's home and of the counter: every file,
# raw, gzip -9 and brotli 11, against the member page's budget.
size: build e2e-deps
	$(call with_demo_shop,size.mjs)

# Benchmarks are not tests: they print figures (and ratios to a baseline in the same run).
# The last one loads a member's home on an emulated phone (slow 4G, 4x slower CPU).
bench: smtp-server ssl-dev build e2e-deps
	cargo bench -p server --bench ledger
	cargo bench -p server --bench campaigns
	$(call with_demo_shop,tti.mjs)
	$(call with_demo_shop,import-bench.mjs)

clean:
	cargo clean
	rm -rf .tools end2end/node_modules data/e2e*
