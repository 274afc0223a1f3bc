"""Compare the vendor's doc pages with openapi/card-api.yaml and report every difference ("drift").

    python scripts/docs_check.py [--json] [--strict] [--spec PATH] SOURCE...
    python scripts/docs_check.py pull [--base URL] [--cache DIR] [--section NAME]... [--spec PATH] [--json] [--strict]

The entry point of ``make docs-check`` and ``make docs-pull``; the stages live in scripts/docs_tools/, whose
package docstring says what is read, what is compared and what the exit statuses mean.
"""

from __future__ import annotations

import sys

from docs_tools.cli import main  # scripts/ is on sys.path when this script runs

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
