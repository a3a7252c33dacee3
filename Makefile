# Clara — run `make help` for the targets. `make run` and `make test` set up what they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CONTENT ?= content.json
HOST ?= 127.0.0.1
PORT ?= 8000
API_URL ?= http://$(HOST):$(PORT)
export SDL_VIDEODRIVER ?= $(if $(DISPLAY),,offscreen)
export KIVY_NO_ARGS := 1

.PHONY: help install node sysdeps run test test-fast mobile screenshots check-content review publish rollback preview schema bench bench-deps bench-scale bench-collections bench-a11y soak lint format clean android-deps android-test

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(STAMP) ## Create .venv with the runtime and test dependencies

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

node: node_modules/.installed ## Install the npm modules (GraphiQL page, graphql-http audit, axe-core, playwright-core)

SYSTEM_PACKAGES := chromium espeak-ng nginx xvfb dbus-daemon libglib2.0-bin at-spi2-core python3-gi gir1.2-atspi-2.0 \
  openjdk-17-jdk-headless maven orca
sysdeps: ## Install the Debian packages the tests use (headless Chromium, espeak-ng, nginx; Xvfb, D-Bus and AT-SPI for the screen-reader walk) when missing
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then echo "installing $$missing"; apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; fi

run: $(STAMP) ## Serve the API on $(API_URL) with the bundled content
	-@$(MAKE) --no-print-directory node || echo "npm modules not installed: the GraphiQL page will say how to install them"
	CONTENT_PATH=$(CONTENT) HOST=$(HOST) PORT=$(PORT) $(PY) -m api

ANDROID := mobile/android
# `test`, not `test-compile`: Surefire and its JUnit 4 provider are fetched only when tests run,
# and `make test` runs Maven offline
$(ANDROID)/target/.fetched: $(ANDROID)/pom.xml
	mvn -q -B -f $(ANDROID)/pom.xml test
	touch $@

android-deps: sysdeps $(ANDROID)/target/.fetched ## Fetch and compile the Android bridge and its JVM tests (Robolectric, Maven Central)

android-test: android-deps ## Run the Android bridge's Robolectric tests alone (make test runs them with the app's own tree)
	mvn -q -B -f $(ANDROID)/pom.xml test

test: $(STAMP) node sysdeps android-deps ## Run the linter and the whole test suite (sets up what it needs)
	$(PY) -m ruff check .
	$(PY) -m pytest

test-fast: $(STAMP) ## Run the tests that need no browser and no npm modules
	$(PY) -m pytest -m "not browser and not npm"

mobile: $(STAMP) ## Run the phone app in a desktop window against API_URL
	API_URL=$(API_URL) $(PY) -m mobile

screenshots: $(STAMP) ## Write the app's screenshots (both languages, 100% and 200%) to build/screenshots/
	$(PY) -m mobile.screenshots_all build/screenshots

SOURCE ?= $(wildcard ../shared/source)
check-content: $(STAMP) ## Validate a content file (CONTENT=path): provenance against SOURCE=folder, translations (STRICT=1: outdated fails), reviews, reading levels
	$(PY) -m api.content check $(CONTENT) $(if $(SOURCE),--source $(SOURCE)) $(if $(STRICT),--strict)

review: $(STAMP) ## Write the clinician review page (build/review.html; LANG_UI=es for Spanish labels) from CONTENT and SOURCE
	$(PY) -m api.content review --in $(CONTENT) $(if $(SOURCE),--source $(SOURCE)) --out build/review$(if $(LANG_UI),-$(LANG_UI)).html --lang $(or $(LANG_UI),en)

publish: $(STAMP) ## Publish a draft (DRAFT=path) over the live file (CONTENT=path): validated, kept, announced
	@test -n "$(DRAFT)" || { echo "usage: make publish DRAFT=path/to/draft.json [CONTENT=live.json]"; exit 2; }
	$(PY) -m api.content publish $(DRAFT) --to $(CONTENT)

rollback: $(STAMP) ## Make the version before the live one (CONTENT=path) live again
	$(PY) -m api.content rollback --to $(CONTENT)

preview: $(STAMP) ## Serve a draft (DRAFT=path) as it would be published: nothing cached, indexed or announced
	@test -n "$(DRAFT)" || { echo "usage: make preview DRAFT=path/to/draft.json [PORT=8001]"; exit 2; }
	CONTENT_PATH=$(DRAFT) HOST=$(HOST) PORT=$(PORT) PREVIEW=true SYNC_HISTORY_PATH=off $(PY) -m api

schema: $(STAMP) ## Regenerate schema.graphql and content.schema.json from the code
	$(PY) -m api.content jsonschema content.schema.json
	$(PY) -m api.schema.print schema.graphql

BENCH_PACKAGES := wrk nginx
$(VENV)/.bench-installed: pyproject.toml $(STAMP)
	$(PY) -m pip install -q -e '.[test,bench]'
	touch $@

bench-deps: $(VENV)/.bench-installed ## Install what the benchmarks need (the bench extra; Debian's wrk and nginx)
	@missing=$$(for p in $(BENCH_PACKAGES); do command -v $$p >/dev/null || [ -x /usr/sbin/$$p ] || echo $$p; done); \
	if [ -n "$$missing" ]; then echo "installing $$missing"; apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; fi

bench: bench-deps ## Run the benchmarks (QUICK=1: under a minute) and write bench/results.json
	$(PY) -m bench $(if $(QUICK),--quick,)

bench-scale: bench-deps ## Measure growth up to 10,000 documents (several minutes) into bench/results.json
	$(PY) -m bench --scale

bench-collections: bench-deps ## Measure collections at 10,000 documents and the response cache's bytes (minutes)
	$(PY) -m bench --collections

bench-a11y: bench-deps sysdeps ## Measure what the phone's screen-reader adapter costs with and without a screen reader (minutes)
	$(PY) -m bench --a11y

soak: $(STAMP) node ## Run the 60-second soak and reload tests, and the speed-under-attack check
	SOAK_SECONDS=60 $(PY) -m pytest -s -m soak tests/api/test_soak.py tests/api/test_hostile.py tests/api/test_attack_soak.py

lint: $(STAMP) ## Lint with ruff
	$(PY) -m ruff check .

format: $(STAMP) ## Format with ruff
	$(PY) -m ruff format .

clean: ## Remove the environment and build output
	rm -rf $(VENV) node_modules build .pytest_cache .ruff_cache
