# freedompay-cards — every target installs what it needs into .venv from nothing.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test generate check-generated lint spec-report record record-live bench wheel docs venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(PY) scripts/demo.py

test: $(STAMP)
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory check-generated
	$(PY) -m pytest

generate: $(STAMP)
	$(PY) scripts/generate.py

check-generated: $(STAMP)
	$(PY) scripts/generate.py --check

lint: $(STAMP)
	$(VENV)/bin/ruff check facade scripts tests
	$(VENV)/bin/ruff format --check facade scripts tests
	$(VENV)/bin/mypy

spec-report: $(STAMP)
	$(PY) scripts/spec_report.py

record: $(STAMP)
	$(PY) scripts/record.py

record-live: $(STAMP)
	$(PY) scripts/record.py --live

bench: $(STAMP)
	$(PY) scripts/bench.py

# sdist + wheel into dist/. --no-isolation: the pinned hatchling in .venv builds it, with no network.
wheel: $(STAMP)
	rm -rf dist
	$(PY) -m build --no-isolation --outdir dist .

# The API reference site, offline, into site/ (also built by `make test`, in tests/test_docs_site.py).
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --site-dir site

clean:
	rm -rf $(VENV) build dist site .pytest_cache .mypy_cache .ruff_cache
