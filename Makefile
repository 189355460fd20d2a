# Two commands do everything on a fresh machine: `make run` and `make test`.
# They share .venv: `make run` installs the runtime only (what the service needs), `make test`
# adds the dev extras (pytest, mypy, ruff, playwright, …). Each has its own stamp, so `make test`
# after `make run` installs the extras, and `make run` after `make test` installs nothing.
VENV          := .venv
BIN           := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.runtime-stamp
DEV_STAMP     := $(VENV)/.dev-stamp
# The interpreter .venv is made from: the distribution's /usr/bin/python3 where it is Python 3.11
# or newer and can make a virtual environment (ensurepip), else python3 on PATH. Debian's is built
# with profile-guided and link-time optimisation and linked statically; pyenv's default build, first
# on PATH on our development machines, has neither: on Debian's the service's batch ingest from four
# clients ran ~12% faster, its audit ~11% (README, "Benchmarks"). `make PYTHON=/path/to/python3`
# chooses another interpreter (an existing .venv is kept: below).
DISTRIBUTION_PYTHON := /usr/bin/python3
PYTHON        ?= $(shell $(DISTRIBUTION_PYTHON) -c 'import sys, ensurepip, venv; \
                   sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 \
                   && echo $(DISTRIBUTION_PYTHON) || echo python3)

# An existing .venv made from another interpreter is kept as it is: say so, once a run.
ifneq ($(wildcard $(BIN)/python),)
REAL_EXECUTABLE    := import os, sys; print(os.path.realpath(sys.executable))
VENV_INTERPRETER   := $(shell $(BIN)/python -c '$(REAL_EXECUTABLE)' 2>/dev/null)
CHOSEN_INTERPRETER := $(shell $(PYTHON) -c '$(REAL_EXECUTABLE)' 2>/dev/null)
ifneq ($(and $(VENV_INTERPRETER),$(CHOSEN_INTERPRETER)),)
ifneq ($(VENV_INTERPRETER),$(CHOSEN_INTERPRETER))
$(info note: .venv runs $(VENV_INTERPRETER), not $(CHOSEN_INTERPRETER); `make clean` rebuilds it)
endif
endif
endif

.PHONY: run test lint unit bench-ingest bench-assess bench-audit bench-scale bench-cli bench-cpu bench-instructions clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(RUNTIME_STAMP): pyproject.toml | $(BIN)/python
	@echo "installing the runtime dependencies into $(VENV) (the dev extras wait for make test)"
	$(BIN)/pip install --progress-bar on -e .
	touch $(RUNTIME_STAMP)

# The dev extras include the runtime: the runtime stamp is renewed with them.
$(DEV_STAMP): pyproject.toml | $(BIN)/python
	@echo "installing the runtime and the dev extras into $(VENV)"
	$(BIN)/pip install --progress-bar on -e '.[dev]'
	touch $(DEV_STAMP) $(RUNTIME_STAMP)

run: $(RUNTIME_STAMP)  ## start the service on 127.0.0.1:8000 with ./provenance.db and ./keys/
	$(BIN)/provenance serve --demo

test: $(DEV_STAMP) lint  ## the whole suite: lint, types, unit, api, integration, e2e, interop
	$(BIN)/pytest

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

unit: $(DEV_STAMP)
	$(BIN)/pytest tests/unit tests/api tests/architecture

bench-ingest: $(DEV_STAMP)
	$(BIN)/python -m bench.ingest

bench-assess: $(DEV_STAMP)
	$(BIN)/python -m bench.assess

bench-audit: $(DEV_STAMP)
	$(BIN)/python -m bench.audit

bench-cpu: $(DEV_STAMP)  ## batch ingest: each process's CPU per 1,000 events, and the cores left idle (Linux)
	$(BIN)/python -m bench.cpu_split

bench-instructions: $(DEV_STAMP)  ## instructions per event of the batch write path, counted by cachegrind (valgrind)
	$(BIN)/python -m bench.instructions

bench-cli: $(DEV_STAMP)  ## the CLI's time to a first answer, as a ratio to a bare interpreter's start
	$(BIN)/python -m bench.cli

bench-scale: $(DEV_STAMP)  ## PostgreSQL ledgers of 10^4, 10^5, 10^6 events: start-up, memory, writes, proofs
	$(BIN)/python -m bench.scale

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
