"""Gift cards: products, a card just issued, a card's state, a bare answer."""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import Any

from attr import field, frozen

from .._enums import GiftCardStatus
from ._base import _extra_field, _from, _ItemSequence


@frozen
class GiftProduct:
    """A gift-card product the partner may issue."""

    code: int
    name: str | None
    """The product's name."""
    name_en: str | None
    """The product's name in English."""
    currency: str | None
    """The currency of the card's balance."""
    balance: Decimal | None
    """The amount a card of this product carries."""
    image: str | None
    extra: dict[str, Any] = _extra_field()


@frozen
class GiftProducts(_ItemSequence[GiftProduct]):
    """The gift-card products the partner may issue: a sequence of ``GiftProduct``, with the answer's time."""

    products: tuple[GiftProduct, ...] = field(metadata=_from("product_list"))
    """The products (``GiftProduct``); the result itself iterates over them."""
    datetime: _dt.datetime | None = None
    extra: dict[str, Any] = _extra_field()

    def _items(self) -> tuple[GiftProduct, ...]:
        return self.products


@frozen
class GiftCard:
    """A gift card just issued: inactive until the holder confirms it with the SMS code."""

    card_id: int
    """The new gift card's id (an integer, unlike payment cards' ids)."""
    datetime: _dt.datetime | None
    extra: dict[str, Any] = _extra_field()


@frozen
class GiftCardState:
    """A gift card's state (Confirm and Status answers)."""

    card_status: GiftCardStatus | int | None
    currency: str | None = field(metadata=_from("card_currency"))
    """The card's currency."""
    balance: Decimal | None = field(metadata=_from("card_balance"))
    """The card's balance."""
    card_mask: str | None = None
    """The card's masked number."""
    datetime: _dt.datetime | None = None
    extra: dict[str, Any] = _extra_field()


@frozen
class GiftResult:
    """A Gift Cards answer with nothing but its status (Resend, Resend code)."""

    status: int
    datetime: _dt.datetime | None
    extra: dict[str, Any] = _extra_field()
