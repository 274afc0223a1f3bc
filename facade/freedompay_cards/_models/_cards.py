"""Results of the cards resource: details, balances, secret data, statements, cardholder validation."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from attr import field, frozen

from .._redact import Secret
from .._request_status import RequestStatus
from ._base import NOT_IN_ANSWER, _extra, _extra_field, _from


@frozen
class CardInfo:
    """A card's details. Beyond the envelope every field is a guess (the docs do not show the answer)."""

    request_id: str | None = field(metadata=NOT_IN_ANSWER)
    request_status: RequestStatus
    card_id: str | None
    """The card's id in Freedom Processing."""
    card_mask: str | None
    card_status: str | None
    client_id: str | None
    """The client (cardholder) the card belongs to; `None` for a bulk-issued card not linked yet."""
    product_id: int | None
    """The card's product (`1000` Freedom Wallet Card, `2000` Instant Card, `3000` Electron Card)."""
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
    """The account's IBAN."""
    currency: str | None
    """The account's currency code (e.g. `KZT`)."""
    amount: Decimal | None
    """The balance (units, major or minor, are not stated in the docs)."""
    blocked_amount: Decimal | None
    """The part of ``amount`` held by authorisations not cleared yet."""
    debit: Decimal | None = None
    """Money debited (the docs show an integer and do not explain it further)."""
    credit: Decimal | None = None
    """Money credited (the docs show an integer and do not explain it further)."""
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
    """The card whose balances these are."""
    accounts: tuple[Account, ...]
    """The card's accounts, each with its balance (``Account``)."""
    dt: _dt.datetime | None = None
    extra: dict[str, Any] = _extra_field()


@frozen(repr=False)
class SecretCardData:
    """A card's sensitive data. Values are ``Secret``: call ``.reveal()`` where you really need one.
    ``repr`` shows only the masked PAN. Field names are guessed (the docs do not show the answer);
    every field of the answer is kept in ``fields``, each one secret."""

    request_id: str | None = field(metadata=NOT_IN_ANSWER)
    card_id: str | None
    """The card whose data this is."""
    pan: Secret | None
    """The full card number, as a ``Secret`` (its ``str`` is the masked PAN)."""
    expiry: Secret | None
    """The expiry date as the API writes it, as a ``Secret``."""
    cvv: Secret | None
    """The card verification value, as a ``Secret``."""
    cardholder_name: Secret | None
    """The name embossed on the card, as a ``Secret``."""
    request_status: RequestStatus | None = None
    dt: _dt.datetime | None = None
    fields: dict[str, Secret] = field(factory=dict, eq=False, metadata=NOT_IN_ANSWER)  # every other field
    """Every field of the answer (beyond the envelope), each wrapped in ``Secret``, by its JSON name."""

    def __repr__(self) -> str:
        masked = str(self.pan) if self.pan is not None else None
        return f"SecretCardData(request_id={self.request_id!r}, card_id={self.card_id!r}, pan={masked!r}, ...)"


@frozen
class StatementOperation:
    """One operation of a card statement (documented fields; ``merchant`` fields are not shown)."""

    type: str
    """The kind of operation, as the API names it (the values are not listed in the docs)."""
    amount: Decimal
    """The operation's amount."""
    commission: Decimal
    """The fee charged for the operation."""
    currency: str
    """The operation's currency code."""
    mcc: int | Decimal
    """The merchant category code."""
    datetime: _dt.datetime
    """When the operation took place."""
    rrn: str
    """The retrieval reference number, which identifies the operation at the card network."""
    merchant: dict[str, Any] = field(factory=dict, converter=_extra, eq=False)
    extra: dict[str, Any] = _extra_field()


@frozen
class Authorization:
    """One authorization or operation of an extended statement."""

    datetime: _dt.datetime | None
    """When the authorisation took place."""
    type: str | None
    """The kind of authorisation, as the API names it."""
    amount: Decimal | None
    """The amount authorised."""
    commission: Decimal | None
    """The fee charged."""
    full_amount: Decimal | None
    """The amount with the fee."""
    cashback: Decimal | None
    """Cashback granted on it."""
    currency: str | None
    """Its currency code."""
    iban: str | None
    """The account it was charged to."""
    merchant: dict[str, Any] = field(factory=dict, converter=_extra, eq=False)
    additional_parameters: tuple[dict[str, Any], ...] = ()  # objects of two fields the docs do not name
    extra: dict[str, Any] = _extra_field()


@frozen
class ExtendedStatement:
    """Balances, authorizations and operations of a card over a date range (partially documented)."""

    request_status: RequestStatus | None
    client_id: str | None
    """The client the card belongs to."""
    card_id: str | None = field(metadata=_from("card.card_id"))
    """The card the statement is of."""
    card_mask: str | None = field(metadata=_from("card.card_mask"))
    """The card's masked number."""
    accounts: tuple[Account, ...] = field(metadata=_from("balances.accounts"))
    """The card's accounts with their balances (``Account``)."""
    authorizations: Sequence[Authorization] = ()
    """The authorisations of the period (``Authorization``), decoded on use."""
    operations: Sequence[Authorization] = ()
    """The operations of the period, shaped like the authorisations (a guess), decoded on use."""
    dt: _dt.datetime | None = None
    extra: dict[str, Any] = _extra_field()
