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
import math
import random
import time
from decimal import Decimal

from ._errors import ConfigurationError, ConfigurationTypeError

# A Retry-After further than this (seconds) from now, or a date further than this in the past, is not a
# wait a server means: it is ignored, and the policy's own backoff used.
MAX_RETRY_AFTER = 86400.0


def _seconds(name: str, value: object) -> float:
    """A policy's duration: a finite number of seconds (an int, a float or a Decimal)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ConfigurationTypeError(name, f"expected a number of seconds, got {type(value).__name__}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ConfigurationError(name, "must be a finite number of seconds")
    seconds = float(value)
    if not math.isfinite(seconds):
        raise ConfigurationError(name, "must be a finite number of seconds")
    return seconds


class RetryPolicy:
    """How many extra attempts, and the backoff between them (seconds)."""

    __slots__ = ("base", "cap", "max_retries", "retry_after_cap")

    def __init__(
        self, max_retries: int = 2, base: float = 0.5, cap: float = 8.0, retry_after_cap: float = 60.0
    ) -> None:
        if isinstance(max_retries, bool) or not isinstance(max_retries, int):
            raise ConfigurationTypeError("max_retries", f"expected an int >= 0, got {type(max_retries).__name__}")
        if max_retries < 0:
            raise ConfigurationError("max_retries", "must be an int >= 0")
        base, cap, retry_after_cap = (
            _seconds("base", base), _seconds("cap", cap), _seconds("retry_after_cap", retry_after_cap),
        )  # fmt: skip
        if not 0 <= base <= cap or retry_after_cap < 0:
            raise ConfigurationError("base", "need 0 <= base <= cap and retry_after_cap >= 0")
        self.max_retries = max_retries
        self.base = base
        self.cap = cap
        self.retry_after_cap = retry_after_cap

    def __repr__(self) -> str:
        return (
            f"RetryPolicy(max_retries={self.max_retries}, base={self.base}, cap={self.cap}, "
            f"retry_after_cap={self.retry_after_cap})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RetryPolicy):
            return NotImplemented
        return (self.max_retries, self.base, self.cap, self.retry_after_cap) == (
            other.max_retries, other.base, other.cap, other.retry_after_cap,
        )  # fmt: skip

    __hash__ = None  # type: ignore[assignment]

    def delay(self, retry_number: int, retry_after: float | None = None, rng: random.Random | None = None) -> float:
        """Seconds to wait before retry number ``retry_number`` (1 for the first retry)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.retry_after_cap)
        ceiling = min(self.cap, self.base * (2 ** (retry_number - 1)))
        return (rng or random).uniform(0.0, ceiling)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header: delta-seconds or an HTTP date; None if absent, unreadable or
    absurd (negative, further than ``MAX_RETRY_AFTER`` ahead, a date further than that in the past), so
    that the policy's backoff applies. A date in the recent past means "now": 0."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)  # RFC 9110 says whole seconds; a fraction is read rather than dropped
    except ValueError:
        seconds = None
    if seconds is None:
        try:
            when = email.utils.parsedate_to_datetime(value)
            seconds = None if when is None else when.timestamp() - (time.time() if now is None else now)
        except (TypeError, ValueError, OverflowError, OSError):  # a year past 9999 or before 1: no date
            return None
        if seconds is not None and -MAX_RETRY_AFTER <= seconds < 0:
            seconds = 0.0
    if seconds is None or not math.isfinite(seconds) or not 0 <= seconds <= MAX_RETRY_AFTER:
        return None
    return seconds


# ------------------------------------------------------------------------------------------ verdicts
# What an HTTP status says about one attempt: (may the request have been applied, is it worth retrying).
# Only HTTP 200 is documented; every other answer is read by its HTTP meaning. "Not applied" is said only
# where it surely was not: the request was refused (4xx) or turned away for now (429, 503 with
# Retry-After). Anything else that is not a documented answer may have been applied.
def status_verdict(status: int, retry_after: float | None = None) -> tuple[bool, bool]:
    if status in (408, 429):
        return False, True  # never processed; try again later
    if 400 <= status < 500:
        return False, False  # refused: the request was not acted on
    if status == 503 and retry_after is not None:
        return False, True  # "come back later": turned away before processing
    if status in (501, 505):
        return True, False  # permanent, but the server's state is not known
    if 500 <= status < 600:
        return True, True  # the server failed, maybe after applying it
    return True, False  # 1xx, a 2xx other than 200, 3xx (never followed), or a status outside HTTP's range
