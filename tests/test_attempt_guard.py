"""The async attempt bound (``_http.async_attempt_guard``): ``asyncio.timeout``'s behaviour, with the timer
armed only once the attempt waits (an answer from memory never waits, and then costs no timer)."""

from __future__ import annotations

import asyncio
import time

import pytest

from freedompay_cards._http import async_attempt_guard


def test_an_attempt_that_waits_past_its_bound_times_out() -> None:
    async def attempt() -> None:
        async with async_attempt_guard(0.02):
            await asyncio.sleep(2)

    with pytest.raises(TimeoutError):
        asyncio.run(attempt())


def test_the_bound_counts_from_the_start_of_the_attempt_not_its_first_wait() -> None:
    async def attempt() -> None:
        async with async_attempt_guard(0.02):
            started = time.monotonic()
            while time.monotonic() - started < 0.05:  # busy past the bound before waiting at all
                pass
            await asyncio.sleep(2)

    with pytest.raises(TimeoutError):
        asyncio.run(attempt())


def test_attempts_that_never_wait_arm_no_timer() -> None:
    async def attempts() -> int:
        for _ in range(100):
            async with async_attempt_guard(30):
                pass
        return len(asyncio.get_running_loop()._scheduled)  # type: ignore[attr-defined]

    assert asyncio.run(attempts()) == 0


def test_an_attempt_within_its_bound_and_unbounded_ones_complete() -> None:
    async def attempt(seconds: float | None) -> str:
        async with async_attempt_guard(seconds):
            await asyncio.sleep(0.001)
        return "done"

    async def both() -> list[str]:
        return [await attempt(5), await attempt(None)]

    assert asyncio.run(both()) == ["done", "done"]


def test_concurrent_attempts_are_each_bounded_by_their_own_time() -> None:
    async def attempt(seconds: float, waits: float) -> str:
        try:
            async with async_attempt_guard(seconds):
                await asyncio.sleep(waits)
        except TimeoutError:
            return "timed out"
        return "done"

    async def many() -> list[str]:
        return list(await asyncio.gather(*(attempt(0.02, 2) if i % 2 else attempt(5, 0.001) for i in range(10))))

    assert asyncio.run(many()) == ["done", "timed out"] * 5


def test_a_cancellation_from_outside_stays_a_cancellation() -> None:
    async def attempt() -> None:
        async with async_attempt_guard(5):
            await asyncio.sleep(2)

    async def cancel_it() -> None:
        task = asyncio.ensure_future(attempt())
        await asyncio.sleep(0.01)
        task.cancel()
        await task

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(cancel_it())


def test_sync_attempts_interleaved_in_one_thread_keep_their_own_bounds() -> None:
    """The sync bound lives in a context variable: two calls interleaved in one thread (greenlets, each with
    its own context, as gevent runs them with only sockets patched) never see, clear or restore each
    other's end. A per-thread slot failed this: the first to finish cleared the other's bound."""
    import contextvars

    from freedompay_cards import _http

    long, short = _http.sync_attempt_guard(1000.0), _http.sync_attempt_guard(0.5)
    first, second = contextvars.Context(), contextvars.Context()
    first.run(long.__enter__)
    second.run(short.__enter__)
    first.run(long.__exit__, None, None, None)
    left = second.run(_http._left, 30.0)
    assert left is not None and left <= 0.5
    second.run(short.__exit__, None, None, None)
    assert _http._left(30.0) == 30.0  # nothing left behind for the thread's next call
