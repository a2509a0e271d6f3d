# alsprog: every target sets itself up on a fresh machine with nothing but Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test report bench lint notebooks clean

install: $(STAMP)

# Re-install only when the venv is missing or pyproject.toml changed.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

test: install
	$(BIN)/python -m pytest -q -n 2 -p no:cacheprovider --nbmake --nbmake-timeout=300 tests notebooks

report: install
	$(BIN)/alsprog report --out reports

bench: install
	$(BIN)/python scripts/bench.py

notebooks: install
	$(BIN)/jupyter lab notebooks

lint: install
	$(BIN)/ruff check alsprog tests scripts notebooks
	$(BIN)/ruff format --check alsprog tests scripts notebooks

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
