"""Results of the cards resource: details, balances, secret data, statements, cardholder validation."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from attrs import field, frozen

from .._enums import RequestStatus
from .._redact import Secret
from ._base import NOT_IN_ANSWER, _extra, _extra_field, _from


@frozen
class CardInfo:
    """A card's details. Beyond the envelope every field is a guess (the docs do not show the answer)."""

    request_id: str | None = field(metadata=NOT_IN_ANSWER)
    request_status: RequestStatus
    card_id: str | None
    card_mask: str | None
    card_status: str | None
    client_id: str | None
    product_id: int | None
    expiry: Secret | None = field(default=None, repr=False)
    dt: _dt.datetime | None = None
    extra: dict[str, Any] = _extra_field()


@frozen
class CardholderValidation:
    """How well a name and a phone match the holder of a tokenised card (Cardholder validation).

    ``score`` is the answer's text as sent (a percentage, e.g. ``"44.37%"``); ``percentage`` reads it as a
    ``Decimal`` (``None`` when it is not written that way). ``fishy`` is an integer the docs do not
    explain. The answer has no ``request_status``: the check is done when it answers."""

    request_id: str | None = field(metadata=NOT_IN_ANSWER)
    score: str
    fishy: int | None = None
    dt: _dt.datetime | None = None
    extra: dict[str, Any] = _extra_field()

    @property
    def percentage(self) -> Decimal | None:
        """The score as a number of percent (``Decimal("44.37")``), or None if it is not ``<number>%``."""
        text = self.score.strip().removesuffix("%").strip()
        try:
            value = Decimal(text)
        except ArithmeticError:
            return None
        return value if value.is_finite() else None


@frozen
class Account:
    """One account of a card."""

    iban: str | None
    currency: str | None
    amount: Decimal | None
    blocked_amount: Decimal | None
    debit: Decimal | None = None
    credit: Decimal | None = None
    extra: dict[str, Any] = _extra_field()

    @property
    def available(self) -> Decimal | None:
        """``amount`` less ``blocked_amount``, when both are known."""
        if self.amount is None or self.blocked_amount is None:
            return None
        return self.amount - self.blocked_amount


@frozen
class Balance:
    """The balances of a card's accounts (inferred operation)."""

    request_id: str | None = field(metadata=NOT_IN_ANSWER)
    request_status: RequestStatus
    card_id: str | None
    accounts: tuple[Account, ...]
    dt: _dt.datetime | None = None
    extra: dict[str, Any] = _extra_field()


@frozen(repr=False)
class SecretCardData:
    """A card's sensitive data. Values are ``Secret``: call ``.reveal()`` where you really need one.
    ``repr`` shows only the masked PAN. Field names are guessed (the docs do not show the answer);
    every field of the answer is kept in ``fields``, each one secret."""

    request_id: str | None = field(metadata=NOT_IN_ANSWER)
    card_id: str | None
    pan: Secret | None
    expiry: Secret | None
    cvv: Secret | None
    cardholder_name: Secret | None
    request_status: RequestStatus | None = None
    dt: _dt.datetime | None = None
    fields: dict[str, Secret] = field(factory=dict, eq=False, metadata=NOT_IN_ANSWER)  # every other field

    def __repr__(self) -> str:
        masked = str(self.pan) if self.pan is not None else None
        return f"SecretCardData(request_id={self.request_id!r}, card_id={self.card_id!r}, pan={masked!r}, ...)"


@frozen
class StatementOperation:
    """One operation of a card statement (documented fields; ``merchant`` fields are not shown)."""

    type: str
    amount: Decimal
    commission: Decimal
    currency: str
    mcc: int | Decimal
    datetime: _dt.datetime
    rrn: str
    merchant: dict[str, Any] = field(factory=dict, converter=_extra, eq=False)
    extra: dict[str, Any] = _extra_field()


@frozen
class Authorization:
    """One authorization or operation of an extended statement."""

    datetime: _dt.datetime | None
    type: str | None
    amount: Decimal | None
    commission: Decimal | None
    full_amount: Decimal | None
    cashback: Decimal | None
    currency: str | None
    iban: str | None
    merchant: dict[str, Any] = field(factory=dict, converter=_extra, eq=False)
    additional_parameters: tuple[dict[str, Any], ...] = ()  # objects of two fields the docs do not name
    extra: dict[str, Any] = _extra_field()


@frozen
class ExtendedStatement:
    """Balances, authorizations and operations of a card over a date range (partially documented)."""

    request_status: RequestStatus | None
    client_id: str | None
    card_id: str | None = field(metadata=_from("card.card_id"))
    card_mask: str | None = field(metadata=_from("card.card_mask"))
    accounts: tuple[Account, ...] = field(metadata=_from("balances.accounts"))
    authorizations: Sequence[Authorization] = ()
    operations: Sequence[Authorization] = ()
    dt: _dt.datetime | None = None
    extra: dict[str, Any] = _extra_field()
