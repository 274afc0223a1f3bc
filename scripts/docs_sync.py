"""Apply the vendor's doc pages to openapi/card-api.yaml in place, and say what is left to a person.

    python scripts/docs_sync.py [--dry-run] [--json] [--spec PATH] SOURCE...

The entry point of ``make docs-sync``; the rules are in the docstring of scripts/docs_tools/sync.py, the
provenance it records (``x-doc-sync``) in scripts/docs_tools/provenance.py.
"""

from __future__ import annotations

import sys

from docs_tools.sync import main  # scripts/ is on sys.path when this script runs

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
