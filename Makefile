# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck pytest install migrate demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

migrate: install
	$(BIN)/dispatch migrate

demo: migrate
	$(BIN)/dispatch demo

run: demo
	@echo ""
	@echo "Shipper Dispatch on http://$(HOST):$(PORT)"
	@echo "  API docs            http://$(HOST):$(PORT)/docs  (OpenAPI: /openapi.json)"
	@echo "  dispatcher console  http://$(HOST):$(PORT)/dispatcher"
	@echo "  shipper phone page  http://$(HOST):$(PORT)/shipper"
	@echo "  health              http://$(HOST):$(PORT)/healthz"
	@echo ""
	$(BIN)/dispatch serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

test: lint typecheck pytest

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
