# freedompay-cards — every target installs what it needs into .venv from nothing.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# Saved vendor doc pages (not committed) and the docs site docs-pull reads.
DOCS_CACHE ?= .cache/docs
DOCS_BASE  ?= https://docs.freedompay.kz

.PHONY: demo test generate check-generated lint spec-report spec-diff release-notes new-operation docs-check docs-pull docs-sync docs-update docs-fixtures record record-live bench wheel docs venv clean

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
	$(VENV)/bin/actionlint -shellcheck= -pyflakes= .github/workflows/*.yml

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

# Compare the saved doc pages with the spec (scripts/docs_check.py: exit 1 on drift; an unreadable page is
# reported and the others compared; exit 2 when nothing is readable, or on any unreadable page with DOCS_STRICT=1).
docs-check: $(STAMP)
	@if ! find $(DOCS_CACHE) -type f \( -name '*.md' -o -name '*.markdown' -o -name '*.txt' -o -name '*.htm*' \) \
		2>/dev/null | grep -q .; then \
		echo "docs-check: no saved pages in $(DOCS_CACHE): run \`make docs-pull\` first (network needed)," \
			"or pass DOCS_CACHE=folder" >&2; \
		exit 2; \
	fi
	$(PY) scripts/docs_check.py $(if $(DOCS_STRICT),--strict) $(DOCS_CACHE)

# Stop with exit 2 when $(DOCS_CACHE) holds no saved page; $(1) names the target.
define need_pages
	@if ! find $(DOCS_CACHE) -type f \( -name '*.md' -o -name '*.markdown' -o -name '*.txt' -o -name '*.htm*' \) \
		2>/dev/null | grep -q .; then \
		echo "$(1): no saved pages in $(DOCS_CACHE): run \`make docs-pull\` first (network needed)," \
			"or pass DOCS_CACHE=folder" >&2; \
		exit 2; \
	fi
endef

# Apply the saved doc pages to openapi/card-api.yaml in place (scripts/docs_sync.py: exit 1 when something is
# left to a person, listed; 2 on unreadable pages or spec). Then `make generate` and `make spec-diff`.
docs-sync: $(STAMP)
	$(call need_pages,docs-sync)
	$(PY) scripts/docs_sync.py $(DOCS_CACHE)

# Fetch the Card API pages listed in $(DOCS_BASE)/llms.txt into $(DOCS_CACHE), then check them (network needed).
docs-pull: $(STAMP)
	$(PY) scripts/docs_check.py pull $(if $(DOCS_STRICT),--strict) --base $(DOCS_BASE) --cache $(DOCS_CACHE)

# Rewrite the docs fixtures (tests/fixtures/docs/current) from the pages a pull saved in $(DOCS_CACHE), reduced to
# their structure with every description in generated words (scripts/refresh_doc_fixtures.py); review the diff.
docs-fixtures: $(STAMP)
	$(PY) scripts/refresh_doc_fixtures.py --from $(DOCS_CACHE) --to tests/fixtures/docs/current

# The whole line from the vendor's docs to a reviewed spec diff: docs-pull -> docs-sync -> generate ->
# spec-diff -> CHANGELOG draft, then the next steps (scripts/docs_update.py; report in .cache/docs-update).
docs-update: $(STAMP)
	$(PY) scripts/docs_update.py --base $(DOCS_BASE) --cache $(DOCS_CACHE)

# The CHANGELOG's [Unreleased] draft and the next version from the spec change since the last release.
release-notes: $(STAMP)
	$(PY) scripts/release_notes.py --write

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
