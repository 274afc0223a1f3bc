"""The ``freedompay_cards`` logger, and ``FREEDOMPAY_LOG`` to turn it on without code.

    FREEDOMPAY_LOG=info    one line per call: operation, request_id, outcome, attempts, elapsed time
    FREEDOMPAY_LOG=debug   also one line per attempt (HTTP status, bytes, time), retry and reconciliation

Lines go to stderr (a handler is added only when the variable is set and the logger has none). Nothing
secret is ever logged: request ids, operation names, HTTP statuses, sizes, times and redacted error texts.
"""

from __future__ import annotations

import logging
import os
import sys

logger = logging.getLogger("freedompay_cards")
ENV_LOG = "FREEDOMPAY_LOG"
_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}


def setup_from_env() -> None:
    """Honour ``FREEDOMPAY_LOG`` (``debug`` or ``info``); anything else leaves logging to the application."""
    level = _LEVELS.get(os.environ.get(ENV_LOG, "").strip().lower())
    if level is None:
        return
    if not any(getattr(h, "_freedompay", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        handler._freedompay = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(level)
