"""The sandbox's state objects, open for inspection in tests (``sandbox.cards[card_id].status``, ...).

They are plain mutable attrs classes: a test may also set a value directly (an account's ``amount``, a
card's ``status``) to arrange a situation. What each field means at the real API is mostly not shown in
the docs; the card states, accounts and transaction arithmetic below are the sandbox's own model.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from attrs import Factory, define, field, frozen

from .._enums import GiftCardStatus as GiftStatus

if TYPE_CHECKING:
    from ._world import Done  # the documented gift card states

__all__ = ["GiftStatus"]  # re-exported for the sandbox package

CARD_TOKEN_NAMESPACE = uuid.UUID("5f0c1a52-7a4b-4b8e-9c3e-2d4a6b8f0e11")  # the sandbox's own, for card tokens


def card_token(card_id: str) -> str:
    """The token the sandbox gives the card ``card_id``. The sandbox's invention: a UUID derived from the
    card id, so that it is stable, known without asking, and draws nothing from the seeded randomness."""
    return str(uuid.uuid5(CARD_TOKEN_NAMESPACE, card_id))


class CardStatus(StrEnum):
    """Payment card states as the sandbox models them (the real values are not shown in the docs):
    ``issued`` -> ``active`` (activate) -> ``blocked`` <-> ``active``; any of them -> ``closed`` (final)."""

    ISSUED = "issued"
    ACTIVE = "active"
    BLOCKED = "blocked"
    CLOSED = "closed"


class ManualClock:
    """A clock for deterministic answers: starts at ``start`` (UTC midnight, 1 Jan 2025 by default),
    moves on only when told (``advance``), or by ``step`` after every reading."""

    def __init__(self, start: dt.datetime | None = None, *, step: dt.timedelta = dt.timedelta(0)) -> None:
        self.now = start or dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
        if self.now.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime (with a time zone)")
        self.step = step

    def __call__(self) -> dt.datetime:
        current = self.now
        self.now = current + self.step
        return current

    def advance(self, delta: dt.timedelta | None = None, **units: float) -> dt.datetime:
        """Move the clock forward by ``delta`` or by ``timedelta(**units)`` (``days=1``); return the new time."""
        self.now += (delta or dt.timedelta(0)) + dt.timedelta(**units)
        return self.now


@define
class Account:
    """The one account of a payment card. ``amount`` is the balance, ``blocked_amount`` the sum of holds
    of authorised but not yet cleared transactions; ``available`` is what a new authorisation may use."""

    iban: str
    currency: str
    amount: Decimal
    blocked_amount: Decimal = Decimal("0")

    @property
    def available(self) -> Decimal:
        return self.amount - self.blocked_amount


@define
class Client:
    """A client (cardholder) of Freedom Processing."""

    client_id: str
    product_id: int
    phone: int
    first_name: str
    last_name: str
    type: int = 1
    resident: int = 1
    details: dict[str, Any] = Factory(dict)  # every other field of the request, as sent
    created_at: dt.datetime | None = None


@define
class Card:
    """A payment card. ``pan``, ``cvv`` and ``expiry`` are test data (a test BIN, Luhn-valid)."""

    card_id: str
    product_id: int
    account: Account
    pan: str = field(repr=False)
    cvv: str = field(repr=False)
    expiry: str  # MM/YY
    status: CardStatus = CardStatus.ISSUED
    client_id: str | None = None
    cardholder_name: str | None = None
    pin_set: bool = False
    wrong_pin_count: int = 0
    block_reason: str | None = None
    close_reason: str | None = None
    created_at: dt.datetime | None = None

    @property
    def card_mask(self) -> str:
        return f"{self.pan[:4]}{'*' * (len(self.pan) - 8)}{self.pan[-4:]}"

    @property
    def token(self) -> str:
        """The card's token (a UUID), as Cardholder validation names a card (see ``card_token``)."""
        return card_token(self.card_id)

    @property
    def balance(self) -> Decimal:
        """The account's balance (``account.amount``)."""
        return self.account.amount

    @property
    def available(self) -> Decimal:
        return self.account.available

    @property
    def currency(self) -> str:
        return self.account.currency


class TransactionStatus(StrEnum):
    """The sandbox's transaction states (not shown in the docs)."""

    AUTHORIZED = "authorized"
    CLEARED = "cleared"  # all of the authorised amount captured
    DECLINED = "declined"  # never authorised: error_code says why


@define
class Transaction:
    """A card transaction: authorised (``amount`` held), then captured (``cleared``, possibly in parts),
    then possibly refunded (``refunded``, never more than ``cleared``)."""

    transaction_id: str
    order_id: str
    card_id: str
    amount: Decimal
    currency: str
    description: str | None = None
    status: TransactionStatus = TransactionStatus.AUTHORIZED
    cleared: Decimal = Decimal("0")
    refunded: Decimal = Decimal("0")
    fin_document_ids: list[str] = Factory(list)
    error_code: str | None = None
    error_description: str | None = None
    created_at: dt.datetime | None = None

    @property
    def uncleared(self) -> Decimal:
        """What is still authorised but not captured (held on the account)."""
        return self.amount - self.cleared if self.status == TransactionStatus.AUTHORIZED else Decimal("0")

    @property
    def refundable(self) -> Decimal:
        return self.cleared - self.refunded


@define
class Posting:
    """One money event on a card, from which statements are built. ``kind`` is ``authorization`` (a
    hold), ``purchase`` (a capture, debit) or ``refund`` (credit)."""

    card_id: str
    kind: str
    amount: Decimal
    currency: str
    at: dt.datetime
    rrn: str
    transaction_id: str
    merchant: dict[str, Any] = Factory(dict)
    mcc: int = 5999
    commission: Decimal = Decimal("0")

    @property
    def is_debit(self) -> bool:
        return self.kind == "purchase"


@define
class GiftCard:
    """A gift card: issued inactive (``card_status`` 1) with a one-time code sent by SMS (``otp``),
    activated (2) by Confirm with that code."""

    card_id: int
    product_code: int
    cardholder_name: str
    phone: int
    currency: str
    balance: int
    card_mask: str
    card_status: GiftStatus = GiftStatus.ISSUED
    otp: str = field(default="", repr=False)
    resends: int = 0
    code_resends: int = 0


@define
class RequestRecord:
    """What the sandbox remembers of an accepted ``request_id``: its state and what it created."""

    request_id: str
    operation: str
    request_status: str  # "process", "success" or "error"
    error_code: str | None = None
    error_description: str | None = None
    created: dict[str, Any] = Factory(dict)  # cards, client_id, transaction_id, fin_document_id
    polls: int = 0
    pending: Callable[[], Done] | None = field(default=None, repr=False, eq=False)


@define
class LogEntry:
    """One request the sandbox received. ``processed`` is true when the operation's handler ran (a
    duplicate, a rejected signature or a fault before processing leave it false); ``fault`` names the
    injected fault applied to it; ``outcome`` is the ``request_status`` (or gift ``status``) answered."""

    path: str
    operation: str | None
    request_id: str | None
    processed: bool = False
    fault: str | None = None
    outcome: str | int | None = None
    error_code: str | None = None


class SimulationKind(StrEnum):
    """What a simulated card event is (``Sandbox.simulate_purchase`` and its siblings)."""

    PURCHASE = "purchase"  # the holder pays a merchant: authorised and settled at once
    REFUND = "refund"  # a merchant gives money back to the card
    REVERSAL = "reversal"  # a merchant cancels an earlier purchase: its amount comes back


@frozen
class SimulatedEvent:
    """One event played by the sandbox as a cardholder or a merchant would (not an API operation).

    ``approved`` false means a decline: ``decline_code`` says why (``CARD_NOT_ACTIVE``, ``CARD_BLOCKED``,
    ``CARD_CLOSED``, ``CURRENCY_MISMATCH``, ``LIMIT_EXCEEDED``, ``INSUFFICIENT_FUNDS``) and
    ``decline_reason`` says it in words; no money moved. ``balance_after`` is the card's balance once the
    event is done. A reversal names the purchase it reverses in ``reverses``."""

    event_id: str
    kind: SimulationKind
    card_id: str
    amount: Decimal
    currency: str
    merchant: str
    approved: bool
    balance_after: Decimal
    at: dt.datetime
    decline_code: str | None = None
    decline_reason: str | None = None
    reverses: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The event as JSON-ready values (amounts as decimal strings, time in RFC 3339), as the served
        sandbox answers it."""
        return {
            "event_id": self.event_id,
            "kind": self.kind.value,
            "card_id": self.card_id,
            "amount": str(self.amount),
            "currency": self.currency,
            "merchant": self.merchant,
            "approved": self.approved,
            "decline_code": self.decline_code,
            "decline_reason": self.decline_reason,
            "balance_after": str(self.balance_after),
            "at": self.at.isoformat(timespec="seconds"),
            "reverses": self.reverses,
        }


@frozen
class SeededClient:
    """A client made by ``Sandbox.populate``, with the ids of its cards (each active, with a balance)."""

    client_id: str
    card_ids: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"client_id": self.client_id, "card_ids": list(self.card_ids)}


@frozen
class SentOTP:
    """A one-time code the sandbox "sent by SMS" for a gift card (issue, or resend code). ``number``
    counts the codes sent since the sandbox started (1, 2, ...). The code stays out of the repr."""

    number: int
    phone: int
    card_id: int
    otp: str = field(repr=False)
