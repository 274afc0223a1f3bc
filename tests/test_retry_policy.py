"""Backoff and Retry-After arithmetic (the behaviour over real sockets is in test_reliability.py)."""

from __future__ import annotations

import email.utils
import random

import pytest

import freedompay_cards as fp
from freedompay_cards._retry import parse_retry_after


def test_full_jitter_backoff_doubles_from_half_a_second_and_caps_at_eight() -> None:
    policy = fp.RetryPolicy()
    rng = random.Random(1)
    for retry, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (9, 8.0)]:
        delays = [policy.delay(retry, rng=rng) for _ in range(300)]
        assert min(delays) >= 0 and max(delays) <= ceiling
        assert max(delays) > ceiling * 0.9  # full jitter spans the whole range


def test_retry_after_is_honoured_up_to_sixty_seconds() -> None:
    policy = fp.RetryPolicy()
    assert policy.delay(1, retry_after=3) == 3
    assert policy.delay(1, retry_after=600) == 60
    assert policy.delay(1, retry_after=-5) == 0


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("5", 5.0),
        (" 12 ", 12.0),
        ("0.5", 0.5),
        ("soon", None),
        ("-3", None),
        ("nan", None),
        ("inf", None),
    ],
)
def test_parse_retry_after_seconds(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header) == expected


def test_parse_retry_after_http_date() -> None:
    now = 1_700_000_000.0
    header = email.utils.formatdate(now + 30, usegmt=True)
    assert parse_retry_after(header, now=now) == pytest.approx(30, abs=1)
    assert parse_retry_after(email.utils.formatdate(now - 30, usegmt=True), now=now) == 0
