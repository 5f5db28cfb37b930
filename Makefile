# profiles-gen: a thin wrapper over the CLI. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG := $(BIN)/profiles-gen
CITY ?= tbilisi
CITIES := $(notdir $(patsubst %/city.yaml,%,$(wildcard cities/*/city.yaml)))
STAMP := $(VENV)/.installed

.PHONY: help profile all check test test-fast lint format clean install golden

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml tools/system-deps.sh
	@tools/system-deps.sh
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

install: $(STAMP) ## create .venv and install profiles-gen with its dependencies

profile: $(STAMP) ## build one city: make profile CITY=tbilisi
	$(PG) build $(CITY)

all: $(STAMP) ## build every city under cities/
	@for c in $(CITIES); do $(PG) build $$c || exit 1; done

check: $(STAMP) ## validate every city
	@for c in $(CITIES); do $(PG) validate $$c || exit 1; done

lint: $(STAMP) ## ruff: lint and formatting check
	$(BIN)/ruff check profiles_gen tests tools

test: $(STAMP) lint ## lint, then the whole test suite (real PDFs)
	$(BIN)/python -m pytest -q

test-fast: $(STAMP) ## the quick loop: tests not marked slow
	$(BIN)/python -m pytest -q -m "not slow"

clean: ## remove build outputs and compiled catalogues
	rm -rf build locales/*/LC_MESSAGES/*.mo
