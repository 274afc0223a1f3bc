"""Retry policy: when to try again, and how long to wait first.

- Retried: connection errors, read/write/pool timeouts, HTTP 408, 429, 500, 502, 503, 504, and a 200
  whose body is not the documented JSON. Never an error the API answered deliberately.
- Waits: exponential backoff from ``base`` seconds with full jitter, capped at ``cap``; a ``Retry-After``
  (seconds or an HTTP date) is honoured up to ``retry_after_cap``.
- Whether the operation may be sent again at all, and after asking Request status, is decided by the
  clients (``_async/_client.py``), which know whether the first attempt may have been applied.
"""

from __future__ import annotations

import email.utils
import random
import time

from attrs import frozen


@frozen
class RetryPolicy:
    max_retries: int = 2
    base: float = 0.5
    cap: float = 8.0
    retry_after_cap: float = 60.0

    def delay(self, retry_number: int, retry_after: float | None = None, rng: random.Random | None = None) -> float:
        """Seconds to wait before retry number ``retry_number`` (1 for the first retry)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.retry_after_cap)
        ceiling = min(self.cap, self.base * (2 ** (retry_number - 1)))
        return (rng or random).uniform(0.0, ceiling)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header: delta-seconds or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))
