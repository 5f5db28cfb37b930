# profiles-gen: a thin wrapper over the CLI. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG := $(BIN)/profiles-gen
CITY ?= tbilisi
CITIES := $(notdir $(patsubst %/city.yaml,%,$(wildcard cities/*/city.yaml))) \
          $(notdir $(patsubst %/volume.yaml,%,$(wildcard cities/*/volume.yaml)))
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: help profile all check test test-fast lint format clean install schemas locales-extract locales-update locales-compile locales-init locales-check bench site serve

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# What a build needs (make profile); the test toolchain only for make test, lint and format.
# Each says what it installs and how long it took (tools/install.sh: uv if it can be had,
# else pip; INSTALLER=pip for pip alone).
$(STAMP): pyproject.toml tools/system-deps.sh tools/install.sh
	@tools/system-deps.sh
	@PYTHON=$(PYTHON) VENV=$(VENV) tools/install.sh build
	@touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	@PYTHON=$(PYTHON) VENV=$(VENV) tools/install.sh test
	@touch $(TEST_STAMP)

install: $(STAMP) $(TEST_STAMP) ## create .venv and install profiles-gen, what it needs and the test toolchain

profile: $(STAMP) ## build one city and verify its editions: make profile CITY=tbilisi
	$(PG) build $(CITY)
	$(PG) verify $(CITY) --manifest

serve: $(STAMP) ## live preview of the HTML edition, rebuilt on every save: make serve CITY=tbilisi [PORT=8000]
	$(PG) serve $(CITY) --port $(or $(PORT),8000)

all: $(STAMP) ## build every city under cities/ (editions of all cities share the workers)
	$(PG) build $(CITIES)

check: $(STAMP) ## validate every city
	@for c in $(CITIES); do $(PG) validate $$c || exit 1; done

lint: $(TEST_STAMP) ## ruff (lint and formatting) and the layers of the package (tools/check_layers.py)
	$(BIN)/ruff check profiles_gen tests tools benchmarks
	$(BIN)/ruff format --check profiles_gen tests tools benchmarks
	$(BIN)/python tools/check_layers.py

test: $(TEST_STAMP) lint locales-check ## lint, catalogue check, then the whole test suite (real PDFs, a real browser)
	@tools/test-deps.sh
	$(BIN)/python -m pytest -q -n auto --dist loadfile

test-fast: $(TEST_STAMP) ## the quick loop: tests not marked slow
	$(BIN)/python -m pytest -q -m "not slow"

clean: ## remove build outputs and compiled catalogues
	rm -rf build locales/*/LC_MESSAGES/*.mo

site: $(STAMP) ## build every city and the static site in build/site/
	$(PG) site

format: $(TEST_STAMP) ## ruff: format the code
	$(BIN)/ruff format profiles_gen tests tools benchmarks

schemas: $(STAMP) ## regenerate the JSON Schemas of the city files in schemas/
	$(PG) schema --out schemas

# --- translations (pybabel; see README, "Translating") ---
BABEL := $(BIN)/pybabel
# The new language of locales-init. Not LANG: that is the system's locale variable.
L ?=

locales-extract: $(STAMP) ## collect translatable strings into locales/messages.pot
	$(BABEL) extract -F babel.cfg -k pgettext:1c,2 --add-comments=Translators: \
	  --sort-output --no-wrap --project=profiles-gen --version=0.1.0 \
	  --copyright-holder="United Nations Economic Commission for Europe" \
	  --msgid-bugs-address=https://unece.org/housing -o locales/messages.pot .
	$(PG) locales fix-flags locales/messages.pot

locales-update: $(STAMP) ## merge messages.pot into every language's .po
	$(BABEL) update -i locales/messages.pot -d locales --previous --no-wrap \
	  --ignore-pot-creation-date --ignore-obsolete
	$(PG) locales fix-flags locales/*/LC_MESSAGES/messages.po

locales-compile: $(STAMP) ## compile .po to .mo beside it, for other gettext tools (the build compiles its own into build/.cache)
	$(BABEL) compile -d locales

locales-init: $(STAMP) ## start a new language, with its sign-off lines: make locales-init L=fr
	@echo "$(L)" | grep -Eq '^[a-z]{2,3}(_[A-Z]{2})?$$' || { echo "usage: make locales-init L=xx"; exit 2; }
	$(PG) locales init $(L)

locales-check: $(STAMP) ## every translation checked (FILE.po:LINE: error: …); fails on a problem or when a city's language is incomplete
	$(PG) locales check

bench: $(STAMP) ## benchmarks: the build against WeasyPrint alone, rebuilds, many cities (BENCH_CITIES=20)
	$(BIN)/python benchmarks/run.py
