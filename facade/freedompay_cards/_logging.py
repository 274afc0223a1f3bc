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


class RedactingFilter(logging.Filter):
    """Scrubs every record of the ``freedompay_cards`` logger (``_redact.scrub_text`` on the formatted
    message) before any handler sees it. Filters run only for records that pass the level check: free when
    off.

    It lives in this small module, not in ``_redact``: the logger keeps the filter, its class and the
    globals of its methods alive until the interpreter's last teardown pass, and a large module kept so
    long made every process that imported the facade ~4 ms slower to exit (issue #22's whole-process row)."""

    def filter(self, record: logging.LogRecord) -> bool:
        from ._redact import scrub_text  # already imported: it installs this filter

        message = record.getMessage()
        cleaned = scrub_text(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install_log_filter() -> None:
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())


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
