"""Listings: results fetched lazily, one window (HTTP exchange) at a time, like Stainless paginators.

    async for operation in client.cards.statement(card_id, start, end): ...   # lazily
    operations = await client.cards.statement(card_id, start, end)            # the whole list

    for operation in client.cards.statement(card_id, start, end): ...         # sync: lazily
    operations = list(client.cards.statement(card_id, start, end))            # sync: the whole list

A listing is read once: iterate it, or await it, not both.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Iterator
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class AsyncListing(AsyncIterator[T], Generic[T]):
    """An async listing: ``async for`` reads it lazily, ``await`` gives the whole list."""

    __slots__ = ("_items",)

    def __init__(self, items: AsyncIterator[T]) -> None:
        self._items = items

    def __aiter__(self) -> AsyncListing[T]:
        return self

    async def __anext__(self) -> T:
        return await self._items.__anext__()

    def __await__(self) -> Generator[Any, None, list[T]]:
        return self._all().__await__()

    async def _all(self) -> list[T]:
        return [item async for item in self._items]

    def __repr__(self) -> str:
        return "<AsyncListing: async for, or await for the whole list>"


class Listing(Iterator[T], Generic[T]):
    """A sync listing: iterate it lazily, or ``list(...)`` for the whole list."""

    __slots__ = ("_items",)

    def __init__(self, items: Iterator[T]) -> None:
        self._items = items

    def __iter__(self) -> Listing[T]:
        return self

    def __next__(self) -> T:
        return next(self._items)

    def __repr__(self) -> str:
        return "<Listing: iterate it, or list() for the whole list>"
