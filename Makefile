# Two commands do everything on a fresh machine: `make run` and `make test`.
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTHON ?= python3

.PHONY: run test lint unit bench-ingest bench-assess bench-audit bench-scale bench-cli clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## start the service on 127.0.0.1:8000 with ./provenance.db and ./keys/
	$(BIN)/provenance serve --demo

test: $(STAMP) lint  ## the whole suite: lint, types, unit, api, integration, e2e, interop
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest tests/unit tests/api tests/architecture

bench-ingest: $(STAMP)
	$(BIN)/python -m bench.ingest

bench-assess: $(STAMP)
	$(BIN)/python -m bench.assess

bench-audit: $(STAMP)
	$(BIN)/python -m bench.audit

bench-cli: $(STAMP)  ## the CLI's time to a first answer, as a ratio to a bare interpreter's start
	$(BIN)/python -m bench.cli

bench-scale: $(STAMP)  ## PostgreSQL ledgers of 10^4, 10^5, 10^6 events: start-up, memory, writes, proofs
	$(BIN)/python -m bench.scale

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
