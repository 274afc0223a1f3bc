"""Clients: the ``Address`` a client is created with, and a client's cards."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from attr import field, frozen

from .._request_status import RequestStatus
from ._base import NOT_IN_ANSWER, _extra_field, _ItemSequence


@frozen
class Address:
    """A client's address (``address1``/``address2`` of Create client): ``city``, ``street`` and
    ``premises`` are the docs' ``address_line1``, ``address_line2`` and ``address_line3``."""

    country: str
    """Country, ISO 3166 alpha-3 (e.g. `KAZ`)."""
    postal_code: str | None = None
    """Postal code."""
    city: str | None = None
    """City (sent as ``address_line1``)."""
    street: str | None = None
    """Street (sent as ``address_line2``)."""
    premises: str | None = None
    """Building and premises (sent as ``address_line3``)."""


@frozen
class ClientCard:
    """A card of a client (inferred fields)."""

    card_id: str | None
    """The card's id."""
    card_mask: str | None
    """The card's masked number."""
    card_status: str | None
    """The card's state, as the API writes it (the values are not shown in the docs)."""
    extra: dict[str, Any] = _extra_field()


@frozen
class ClientCards(_ItemSequence[ClientCard]):
    """A client's cards (inferred fields): a sequence of ``ClientCard``, with the ``request_id`` sent."""

    request_id: str | None = field(metadata=NOT_IN_ANSWER)
    request_status: RequestStatus
    cards: tuple[ClientCard, ...]
    """The client's cards (``ClientCard``); the result itself iterates over them."""
    dt: _dt.datetime | None = None
    extra: dict[str, Any] = _extra_field()

    def _items(self) -> tuple[ClientCard, ...]:
        return self.cards
