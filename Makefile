# alsprog: every target sets itself up on a fresh machine with nothing but Python 3.11+.
# `make report` installs only what the report needs (the package, no development tools);
# `make test`, `make lint`, `make bench` and `make notebooks` add the development set.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BASE := $(VENV)/.installed-base
DEV := $(VENV)/.installed-dev
NEEDED := (3, 11)

.PHONY: install test report bench lint notebooks clean python-check

# First of all: the Python that makes the venv, and the venv's own Python, are 3.11 or newer.
# A venv left by an older Python (a failed run) is removed and made again, never reused.
python-check:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] < $(NEEDED))' 2>/dev/null || { \
	  echo "alsprog needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) -c 'import platform; print(platform.python_version())' 2>/dev/null || echo missing): install python3.11 (e.g. apt-get install python3.11-venv) and run: make PYTHON=python3.11 $(MAKECMDGOALS)" >&2; \
	  exit 1; }
	@if [ -d $(VENV) ] && ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info[:2] < $(NEEDED))' 2>/dev/null; then \
	  echo "removing $(VENV): it was made by an older or broken Python" >&2; rm -rf $(VENV); fi

install: python-check $(DEV)

# Re-install only when the venv is missing or pyproject.toml changed.
$(BASE): pyproject.toml | python-check
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(BASE)

$(DEV): $(BASE)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(DEV)

test: python-check $(DEV)
	$(BIN)/python -m pytest -q -n 2 -p no:cacheprovider --nbmake --nbmake-timeout=300 tests notebooks

report: python-check $(BASE)
	$(BIN)/alsprog report --out reports

bench: python-check $(DEV)
	$(BIN)/python scripts/bench.py

notebooks: python-check $(DEV)
	$(BIN)/jupyter lab notebooks

lint: python-check $(DEV)
	$(BIN)/ruff check alsprog tests scripts notebooks
	$(BIN)/ruff format --check alsprog tests scripts notebooks
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
