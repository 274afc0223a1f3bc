"""Spending limits: ``Limit`` and ``LimitAmount`` (given to ``limits.set``, read by ``limits.list``)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from attr import field, frozen

from .._request_status import RequestStatus
from ._base import NOT_IN_ANSWER, _extra_field, _from, _ItemSequence


def _limit_value(value: Decimal | int | str) -> Decimal:
    from .._validate import decimal_number

    return decimal_number("value", value)


@frozen
class LimitAmount:
    """One amount of a spending limit: ``value`` in ``currency``. ``kind`` says what the amount bounds:
    ``"max"`` (the only value the docs show, and the default). ``value`` is given as a ``Decimal``, an
    ``int`` or a decimal string (a float is refused at once) and sent as a decimal string, as the docs'
    example does. In a listed limit, ``extra`` keeps what the answer adds (the docs promise how much is
    used and how much remains, without naming those fields)."""

    value: Decimal = field(converter=_limit_value)
    currency: str
    """The currency of ``value``."""
    kind: str = field(default="max", metadata=_from("type"))
    """What the amount bounds: ``max`` (the only value the docs show)."""
    extra: dict[str, Any] = _extra_field()


def _amounts(value: Iterable[LimitAmount]) -> tuple[LimitAmount, ...]:
    return tuple(value) if isinstance(value, list | tuple) else value  # type: ignore[return-value]  # refused when sent


@frozen
class Limit:
    """A spending limit on one kind of transaction, optionally per ``period`` and ``region``:

        fp.Limit("withdrawal_atm", [fp.LimitAmount(Decimal("5000"), "USD")], period="month")

    The docs show ``transaction_type`` values such as ``withdrawal_atm``, ``pay``, ``withdrawal`` and
    ``pay_online_non3ds``, and periods ``day`` and ``month``, as examples: no list is given, so any
    non-empty text is sent as it is. Which values ``region`` takes is not shown. ``Limits list`` answers
    with these too (their shape there is a guess), keeping what else each limit carries in ``extra``."""

    transaction_type: str
    """The kind of transaction limited (e.g. ``withdrawal_atm``, ``pay``); any non-empty text."""
    amounts: tuple[LimitAmount, ...] = field(default=(), converter=_amounts, metadata=_from("amount"))
    """The amounts of the limit (``LimitAmount``)."""
    period: str | None = None
    """The period the limit applies to (``day``, ``month``), or ``None`` for each transaction."""
    region: str | None = None
    """Where the limit applies (the values are not shown in the docs)."""
    extra: dict[str, Any] = _extra_field()


@frozen
class LimitList(_ItemSequence[Limit]):
    """The limits in force on a card, an account or a client: a sequence of ``Limit``, with the
    ``request_id`` sent. Partial: the docs do not show this answer; ``limits`` shaped like Set limits'
    limits is a guess, and everything else the answer holds is kept in ``extra``."""

    request_id: str | None = field(metadata=NOT_IN_ANSWER)
    request_status: RequestStatus
    limits: tuple[Limit, ...]
    """The limits in force (``Limit``); the result itself iterates over them."""
    dt: _dt.datetime | None = None
    extra: dict[str, Any] = _extra_field()

    def _items(self) -> tuple[Limit, ...]:
        return self.limits
