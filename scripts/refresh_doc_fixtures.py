"""Rewrite the docs fixtures (tests/fixtures/docs/current) from a pull, in a reduced form in our own words.

    python scripts/refresh_doc_fixtures.py [--from .cache/docs] [--to tests/fixtures/docs/current] [--dry-run]

The entry point of ``make docs-fixtures``; what is kept and what is replaced is said in
scripts/docs_tools/fixtures.py. Exit 0 when fixtures were written (or were already up to date), 2 when the
pull folder is missing or holds no page that could be written.
"""

from __future__ import annotations

import sys

from docs_tools.fixtures import main  # scripts/ is on sys.path when this script runs

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
