# freedompay-cards — every target installs what it needs into .venv from nothing.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# Saved vendor doc pages (not committed) and the docs site docs-pull reads.
DOCS_CACHE ?= .cache/docs
DOCS_BASE  ?= https://docs.freedompay.kz

.PHONY: demo test generate check-generated lint spec-report spec-diff new-operation docs-check docs-pull record record-live bench wheel docs venv clean

venv: $(STAMP)

# The first run installs for ~40 s: it says what it is doing, step by step, rather than stay silent.
$(STAMP): pyproject.toml
	@echo "Setting up $(VENV) (once; again only when pyproject.toml changes), about 40 s:"
	@test -x $(PY) || { echo "  creating the virtualenv $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	@echo "  upgrading pip"
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	@echo "  installing freedompay-cards (editable) with its runtime and dev dependencies (httpx, attrs, pytest, mypy, ruff, ...)"
	@$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)
	@echo "  done: $(VENV) is ready"

demo: $(STAMP)
	@echo "Running scripts/demo.py: a card's whole life against the embedded sandbox"
	@$(PY) scripts/demo.py

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

# What the working tree's spec adds, removes or breaks for facade users, against the spec at REF (default
# origin/main, else main, else HEAD), with both spec hashes. Exit 1 when something breaks.
spec-diff: $(STAMP)
	$(PY) scripts/spec_diff.py $(if $(REF),--base $(REF))

# Scaffold the hand-written parts of a new operation of the spec (CONTRIBUTING.md): make new-operation OP=operationId.
# Preview without writing: $(PY) scripts/new_operation.py OP.
new-operation: $(STAMP)
	@test -n "$(OP)" || { echo "usage: make new-operation OP=<operationId of the spec>" >&2; exit 2; }
	$(PY) scripts/generate.py
	$(PY) scripts/new_operation.py $(OP) --write
	$(PY) scripts/generate.py

# Compare the saved doc pages with the spec (scripts/docs_check.py: exit 1 on drift, 2 on unreadable pages).
docs-check: $(STAMP)
	@if ! find $(DOCS_CACHE) -type f \( -name '*.md' -o -name '*.markdown' -o -name '*.txt' -o -name '*.htm*' \) \
		2>/dev/null | grep -q .; then \
		echo "docs-check: no saved pages in $(DOCS_CACHE): run \`make docs-pull\` first (network needed)," \
			"or pass DOCS_CACHE=folder" >&2; \
		exit 2; \
	fi
	$(PY) scripts/docs_check.py $(DOCS_CACHE)

# Fetch the Card API pages listed in $(DOCS_BASE)/llms.txt into $(DOCS_CACHE), then check them (network needed).
docs-pull: $(STAMP)
	$(PY) scripts/docs_check.py pull --base $(DOCS_BASE) --cache $(DOCS_CACHE)

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
