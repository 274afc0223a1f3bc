"""pytest fixtures for code that uses freedompay_cards (registered as a ``pytest11`` entry point, so they
are available as soon as the package is installed):

- ``freedompay_sandbox``: a fresh ``freedompay_cards.sandbox.Sandbox`` per test;
- ``freedompay_client``: a ``CardClient`` bound to it in-process, closed after the test;
- ``freedompay_async_client``: an ``AsyncCardClient`` bound to it, closed after the test (an async
  fixture when pytest-asyncio is installed; without it, a plain fixture that closes what it can).

    def test_block(freedompay_sandbox, freedompay_client):
        card = freedompay_sandbox.create_card()
        freedompay_client.cards.block(card.card_id, reason="lost")
        assert freedompay_sandbox.cards[card.card_id].status == "blocked"

The clients retry quickly (backoff of milliseconds), so fault-injection tests stay fast.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from freedompay_cards import AsyncCardClient, CardClient
    from freedompay_cards.sandbox import Sandbox


def _client_options() -> dict[str, Any]:
    from freedompay_cards import RetryPolicy

    return {"retry_policy": RetryPolicy(max_retries=2, base=0.001, cap=0.01)}


@pytest.fixture
def freedompay_sandbox() -> Sandbox:
    """A fresh in-memory Freedom Pay Card API."""
    from freedompay_cards.sandbox import Sandbox

    return Sandbox()


@pytest.fixture
def freedompay_client(freedompay_sandbox: Sandbox) -> Iterator[CardClient]:
    """A ``CardClient`` bound to ``freedompay_sandbox`` in-process."""
    client = freedompay_sandbox.client(**_client_options())
    try:
        yield client
    finally:
        client.close()
        freedompay_sandbox.close()


async def _async_client(freedompay_sandbox: Sandbox) -> AsyncIterator[AsyncCardClient]:
    """An ``AsyncCardClient`` bound to ``freedompay_sandbox`` in-process."""
    client = freedompay_sandbox.async_client(**_client_options())
    try:
        yield client
    finally:
        await client.aclose()
        await freedompay_sandbox.aclose()


def _async_client_without_asyncio_plugin(freedompay_sandbox: Sandbox) -> Iterator[AsyncCardClient]:
    """An ``AsyncCardClient`` bound to ``freedompay_sandbox`` in-process."""
    # The in-process transport holds no resources: nothing is left open if it is not awaited closed.
    yield freedompay_sandbox.async_client(**_client_options())
    freedompay_sandbox.close()


freedompay_async_client: Any
try:
    import pytest_asyncio
except ImportError:  # pragma: no cover - depends on the user's environment
    freedompay_async_client = pytest.fixture(name="freedompay_async_client")(_async_client_without_asyncio_plugin)
else:
    freedompay_async_client = pytest_asyncio.fixture(name="freedompay_async_client")(_async_client)
