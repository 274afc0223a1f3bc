"""The sandbox's business model: cards, clients, accounts, transactions, statements and gift cards.

``World`` knows nothing of HTTP, signatures or request ids: each operation is served by the method named
after the spec's ``operationId`` (``block_card``). It takes the operation's generated request model
(``m.CardActionRequest``: the body passed the spec's schema, then went through ``from_dict``), so a field
renamed in the spec is a type error here, not a ``KeyError`` at run time. It changes the state and
returns ``Done`` (fields for the answer, ids for Request status; both built with the generated response
models) or raises ``Refused`` (Card API ``error_code``); gift-card handlers return the answer's fields
as a dict or raise ``GiftRefused`` (gift status). A spec operation without its method here is answered
HTTP 501, and ``tests/test_sandbox_spec.py`` names the method to add.

What is documented and what is the sandbox's invention:

- documented: the operations and their fields; cards are issued, activated, blocked/unblocked and closed
  (irreversibly); Reset PIN counter clears the wrong-PIN counter; Set PIN without ``pin`` makes the
  processor generate one; bulk-issued cards have no client until linked; clearing without ``amount``
  captures everything and may be partial; refunds without ``amount`` are full; gift cards are issued
  inactive and confirmed with an SMS code, gift statuses and ``card_status`` values.
- invented (nothing in the docs says so): card tokens (a UUID per card, ``Card.token``) and the
  cardholder-validation score (see ``validate_cardholder``); how limits are kept, listed back and enforced
  on spending (see ``check_limits``), and that an account is named by its IBAN; the simulated purchases,
  refunds and reversals, their decline codes and how they show in statements; the card states' names
  (``issued``, ``active``, ``blocked``, ``closed``) and which transitions are refused; every
  ``error_code``; one account per card holding an opening balance; holds and captures arithmetic; several
  partial clearings of one authorisation; refunds only of what was captured; ``order_id`` having to match
  the transaction's; statements listing captures (``purchase``) and refunds, extended statements adding
  the authorisations; PANs from a test BIN, IBANs, RRNs, MCC 5999, merchants; gift products; reads of a
  closed card (info, balance, statements, list, cardholder validation) still answering, every other
  operation on it refused with ``CARD_CLOSED``.

The API reference's Sandbox page (``docs/reference/sandbox.md``) states these rules for users: keep it
in step (``tests/test_sandbox_simulate.py`` checks that it names every code used here).
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import deque
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from attrs import Factory, frozen

from freedompay_card_api import models as m
from freedompay_card_api.types import UNSET, Unset

from ._state import (
    Account,
    Card,
    CardStatus,
    Client,
    GiftCard,
    GiftStatus,
    Posting,
    SentOTP,
    SimulatedEvent,
    SimulationKind,
    Transaction,
    TransactionStatus,
)

# Posting kinds: what the statement lists (debits and credits), what the extended statement lists as
# authorisations (holds, and purchases declined), which are credits.
STATEMENT_KINDS = frozenset({"purchase", "refund", "reversal"})
AUTHORIZATION_KINDS = frozenset({"authorization", "declined"})
CREDIT_KINDS = frozenset({"refund", "reversal"})
# Limits a purchase (or a transaction created by the partner) counts against, by ``transaction_type``.
PURCHASE_LIMIT_TYPES = frozenset({"pay", "purchase", "all"})
MAX_SIMULATED_AMOUNT = Decimal("1000000000000")  # the sandbox's bound, to keep arithmetic exact

TEST_BIN = "400000"  # a test BIN: sandbox PANs are never real card numbers
IBAN_BANK_CODE = "999"  # invented
MAX_BULK_QUANTITY = 1000  # the sandbox's limit, to keep memory bounded
MAX_KEPT_OTPS = 1000  # codes "sent by SMS" kept for reading back (the latest ones)


@frozen
class GiftProduct:
    """A gift-card product of the sandbox."""

    code: int
    name: str
    name_en: str
    currency: str
    balance: int


# Gift-card products of the sandbox (invented; the real list comes from the partner's contract).
GIFT_PRODUCTS: tuple[GiftProduct, ...] = (
    GiftProduct(1, "Подарочная карта 5 000", "Gift card 5,000", "KZT", 5000),
    GiftProduct(2, "Подарочная карта 10 000", "Gift card 10,000", "KZT", 10000),
    GiftProduct(3, "Подарочная карта 50 USD", "Gift card 50 USD", "USD", 50),
)


class Refused(Exception):
    """A Card API operation ran and failed: ``error_code`` (one of ``CARD_API_CODES``) and its text."""

    def __init__(self, code: str, description: str) -> None:
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description


class SimulationError(ValueError):
    """A simulation that cannot be played at all (an unknown card or event, a reversal of something
    that is not an approved purchase): ``code`` says which. A decline is not an error: it is an event."""

    def __init__(self, code: str, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


class GiftRefused(Exception):
    """A gift-card operation failed with a negative gift ``status``."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(f"{status}: {description}")
        self.status = status
        self.description = description


@frozen
class Done:
    """A successful operation: ``answer`` fields added to the envelope, ``created`` ids for Request status."""

    answer: dict[str, Any] = Factory(dict)
    created: dict[str, Any] = Factory(dict)


def luhn_digit(digits: str) -> str:
    """The Luhn check digit to append to ``digits``."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:  # doubled: these become the odd positions counted from the check digit
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    return number.isdigit() and len(number) > 1 and luhn_digit(number[:-1]) == number[-1]


def iban(country: str, bban: str) -> str:
    """An IBAN with correct check digits (ISO 13616, mod 97)."""
    rearranged = bban + country + "00"
    numeric = "".join(str(int(ch, 36)) for ch in rearranged)
    return f"{country}{98 - int(numeric) % 97:02d}{bban}"


def number(value: Decimal) -> int | float:
    """A Decimal as the JSON number the sandbox answers with."""
    return int(value) if value == value.to_integral_value() else float(value)


def money(value: Decimal) -> str:
    """An amount as a message shows it: plain decimal notation, two places (``1000000.00``, never a float)."""
    return f"{value:.2f}"


_PERIODS: dict[str, Callable[[dt.datetime], tuple[int, ...]]] = {
    "day": lambda at: (at.year, at.month, at.day),
    "week": lambda at: tuple(at.isocalendar())[:2],
    "month": lambda at: (at.year, at.month),
    "year": lambda at: (at.year,),
}
_PERIOD_NAMES = {"daily": "day", "weekly": "week", "monthly": "month", "yearly": "year", "annual": "year"}


def _period_key(period: Any, at: dt.datetime) -> tuple[int, ...] | None:
    """Which calendar period (UTC) ``at`` falls in, for a limit's ``period``; None: per transaction."""
    name = str(period).lower() if isinstance(period, str) else ""
    key = _PERIODS.get(_PERIOD_NAMES.get(name, name))
    return None if key is None else key(at.astimezone(dt.UTC))


def _small_int(value: Any, default: int) -> int:
    """An integer field of an open object (a cardholder may carry anything), or ``default``."""
    return value if isinstance(value, int) and not isinstance(value, bool) else default


T = TypeVar("T")
OK = "ok"
# The envelope's fields are the Sandbox's (it stamps the outcome and the time): a handler's answer drops them.
_ENVELOPE = frozenset({"status", "request_status", "dt", "datetime"})

_NO_DT = dt.datetime.min.replace(tzinfo=dt.UTC)  # for response models that require a dt the Sandbox replaces
# The envelope of a Card API answer is the Sandbox's (``_card_reply``): handlers fill the generated
# models' required envelope fields with these, and ``_fields`` drops them.
_PLACEHOLDERS: dict[str, Any] = {"request_status": "success", "dt": _NO_DT}


class _Answer(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


def _fields(answer: _Answer) -> dict[str, Any]:
    """An answer built with its generated response model, as the fields that go into the envelope."""
    return {name: value for name, value in answer.to_dict().items() if name not in _ENVELOPE}


def _or_unset(value: T | None) -> T | Unset:
    return UNSET if value is None else value


def _or_none(value: T | Unset) -> T | None:
    return None if isinstance(value, Unset) else value


def _issued(cards: list[Card], client: Client | None = None) -> Done:
    """What Request status reports for issued cards (and the client made with them)."""
    created = m.RequestStatusResponse(
        status=OK,
        **_PLACEHOLDERS,
        cards=[m.CreatedCard(card_id=c.card_id) for c in cards],
        client_id=UNSET if client is None else client.client_id,
    )
    return Done(created=_fields(created))


def _money_moved(tx: Transaction) -> Done:
    """What Request status reports for a transaction's authorisation, clearing or refund."""
    created = m.RequestStatusResponse(
        status=OK, **_PLACEHOLDERS, transaction_id=tx.transaction_id, fin_document_id=tx.fin_document_ids[-1]
    )
    return Done(created=_fields(created))


def _decimal(value: float) -> Decimal:
    """An amount from a request model. The models say ``float``, but the sandbox parses JSON numbers as
    ``Decimal`` (or ``int``), and those arrive untouched: no binary rounding."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


class World:
    """The state behind the sandbox. Not thread-safe by itself: ``Sandbox`` holds a lock around it."""

    def __init__(
        self,
        *,
        rng: random.Random,
        now: Callable[[], dt.datetime],
        initial_balance: Decimal,
        currency: str,
    ) -> None:
        self.rng = rng
        self.now = now
        self.initial_balance = initial_balance
        self.currency = currency
        self.cards: dict[str, Card] = {}
        self.clients: dict[str, Client] = {}
        self.transactions: dict[str, Transaction] = {}
        self.gift_cards: dict[int, GiftCard] = {}
        # limits as set, per (object type, object id), then per (transaction_type, region, period)
        self.limits: dict[tuple[str, str], dict[tuple[str, str | None, str | None], dict[str, Any]]] = {}
        self.postings: list[Posting] = []
        self.events: dict[str, SimulatedEvent] = {}  # simulated purchases, refunds and reversals by event_id
        self._reversed: set[str] = set()  # event ids of purchases reversed (their spending no longer counts)
        self._event_ids = itertools.count(60_000_001)
        self.sent_otps: deque[SentOTP] = deque(maxlen=MAX_KEPT_OTPS)  # the latest codes "sent by SMS"
        self._otp_numbers = itertools.count(1)
        self._card_ids = itertools.count(10_000_001)
        self._client_ids = itertools.count(20_000_001)
        self._transaction_ids = itertools.count(30_000_001)
        self._fin_document_ids = itertools.count(40_000_001)
        self._gift_card_ids = itertools.count(500_001)

    # ------------------------------------------------------------------------------ building blocks

    def _digits(self, count: int) -> str:
        return "".join(str(self.rng.randrange(10)) for _ in range(count))

    def new_client(
        self,
        product_id: int,
        *,
        phone: int,
        first_name: str,
        last_name: str,
        type: int = 1,
        resident: int = 1,
        details: dict[str, Any] | None = None,
    ) -> Client:
        """A client; ``details`` is the request's client object as sent (its other fields are kept)."""
        known = {"phone", "first_name", "last_name", "type", "resident"}
        client = Client(
            client_id=str(next(self._client_ids)),
            product_id=product_id,
            phone=phone,
            first_name=first_name,
            last_name=last_name,
            type=type,
            resident=resident,
            details={k: v for k, v in (details or {}).items() if k not in known},
            created_at=self.now(),
        )
        self.clients[client.client_id] = client
        return client

    def new_card(
        self,
        product_id: int,
        *,
        client: Client | None = None,
        status: CardStatus = CardStatus.ISSUED,
        balance: Decimal | None = None,
        currency: str | None = None,
    ) -> Card:
        body = TEST_BIN + self._digits(9)
        pan = body + luhn_digit(body)
        now = self.now()
        card = Card(
            card_id=str(next(self._card_ids)),
            product_id=product_id,
            account=Account(
                iban=iban("KZ", IBAN_BANK_CODE + self._digits(13)),
                currency=currency or self.currency,
                amount=self.initial_balance if balance is None else balance,
            ),
            pan=pan,
            cvv=self._digits(3),
            expiry=f"{now.month:02d}/{(now.year + 3) % 100:02d}",
            status=status,
            client_id=None if client is None else client.client_id,
            cardholder_name=None if client is None else f"{client.first_name} {client.last_name}".upper(),
            created_at=now,
        )
        self.cards[card.card_id] = card
        return card

    def card(self, card_id: str, *, closed_ok: bool = False) -> Card:
        card = self.cards.get(card_id)
        if card is None:
            raise Refused("CARD_NOT_FOUND", f"card {card_id} not found")
        if card.status == CardStatus.CLOSED and not closed_ok:
            raise Refused("CARD_CLOSED", f"card {card_id} is closed")
        return card

    def client(self, client_id: str) -> Client:
        client = self.clients.get(client_id)
        if client is None:
            raise Refused("CLIENT_NOT_FOUND", f"client {client_id} not found")
        return client

    def _fin_document(self) -> str:
        return str(next(self._fin_document_ids))

    def _post(self, card: Card, kind: str, amount: Decimal, tx: Transaction) -> Posting:
        return self._post_event(card, kind, amount, tx.currency, tx.transaction_id, tx.description)

    def _post_event(
        self, card: Card, kind: str, amount: Decimal, currency: str, reference: str, merchant: str | None
    ) -> Posting:
        posting = Posting(
            card_id=card.card_id,
            kind=kind,
            amount=amount,
            currency=currency,
            at=self.now(),
            rrn=self._digits(12),
            transaction_id=reference,
            merchant={"name": merchant or "Sandbox merchant", "city": "Almaty", "country": "KAZ"},
        )
        self.postings.append(posting)
        return posting

    # ------------------------------------------------------------------------------ cards

    def bulk_issue_cards(self, body: m.BulkIssueRequest) -> Done:
        if body.quantity > MAX_BULK_QUANTITY:
            raise Refused("VALIDATION_ERROR", f"quantity: the sandbox issues at most {MAX_BULK_QUANTITY} at once")
        cards = [self.new_card(int(body.product_id)) for _ in range(body.quantity)]
        return _issued(cards)

    def issue_card(self, body: m.IssueCardRequest) -> Done:
        holder = body.cardholder
        client = self.new_client(
            int(body.product_id),
            phone=holder.phone,
            first_name=holder.first_name,
            last_name=holder.last_name,
            type=_small_int(holder.additional_properties.get("type"), 1),
            resident=_small_int(holder.additional_properties.get("resident"), 1),
            details=holder.to_dict(),
        )
        card = self.new_card(int(body.product_id), client=client)
        return _issued([card], client)

    def issue_plastic_card(self, body: m.IssuePlasticCardRequest) -> Done:
        client = self.client(body.client_id)
        card = self.new_card(int(body.product_id), client=client)
        return _issued([card])

    def _transition(self, card_id: str, allowed: CardStatus, target: CardStatus, verb: str) -> Card:
        card = self.card(card_id)
        if card.status != allowed:
            article = "an" if allowed.value[0] in "aeiou" else "a"
            raise Refused(
                "INVALID_CARD_STATE", f"card {card_id} is {card.status}: only {article} {allowed} card can be {verb}"
            )
        card.status = target
        return card

    def activate_card(self, body: m.CardRequest) -> Done:
        self._transition(body.card_id, CardStatus.ISSUED, CardStatus.ACTIVE, "activated")
        return Done()

    def block_card(self, body: m.CardActionRequest) -> Done:
        card = self._transition(body.card_id, CardStatus.ACTIVE, CardStatus.BLOCKED, "blocked")
        card.block_reason = body.description
        return Done()

    def unblock_card(self, body: m.CardActionRequest) -> Done:
        card = self._transition(body.card_id, CardStatus.BLOCKED, CardStatus.ACTIVE, "unblocked")
        card.block_reason = None
        return Done()

    def close_card(self, body: m.CardActionRequest) -> Done:
        card = self.card(body.card_id)
        card.status = CardStatus.CLOSED
        card.close_reason = body.description
        return Done()

    def set_pin(self, body: m.SetPinRequest) -> Done:
        # The PIN (encrypted, or generated when absent) is never stored: only that one is set.
        self.card(body.card_id).pin_set = True
        return Done()

    def reset_pin_counter(self, body: m.CardRequest) -> Done:
        self.card(body.card_id).wrong_pin_count = 0
        return Done()

    def link_client(self, body: m.LinkClientRequest) -> Done:
        card = self.card(body.card_id)
        client = self.client(body.client_id)
        card.client_id = client.client_id
        card.cardholder_name = f"{client.first_name} {client.last_name}".upper()
        return Done()

    def card_info(self, body: m.CardRequest) -> Done:
        card = self.card(body.card_id, closed_ok=True)
        answer = m.CardInfoResponse(
            status=OK,
            **_PLACEHOLDERS,
            card_id=card.card_id,
            card_mask=card.card_mask,
            card_status=card.status.value,
            expiry=card.expiry,
            client_id=_or_unset(card.client_id),
            product_id=card.product_id,
        )
        return Done(_fields(answer))

    def _account(self, card: Card, postings: list[Posting] | None = None) -> m.Account:
        account = m.Account(
            iban=card.account.iban,
            currency=card.account.currency,
            amount=number(card.account.amount),
            blocked_amount=number(card.account.blocked_amount),
        )
        if postings is not None:  # statement_extended: how many debits and credits in the range (a guess)
            account.debit = sum(1 for p in postings if p.is_debit)
            account.credit = sum(1 for p in postings if p.kind in CREDIT_KINDS)
        return account

    def card_balance(self, body: m.CardRequest) -> Done:
        card = self.card(body.card_id, closed_ok=True)
        return Done(
            _fields(m.BalanceResponse(status=OK, **_PLACEHOLDERS, card_id=card.card_id, accounts=[self._account(card)]))
        )

    def card_secret_data(self, body: m.CardRequest) -> Done:
        card = self.card(body.card_id)
        answer = m.SecretDataResponse(
            status=OK,
            **_PLACEHOLDERS,
            card_id=card.card_id,
            pan=card.pan,
            expiry=card.expiry,
            cvv=card.cvv,
            cardholder_name=card.cardholder_name or UNSET,
        )
        return Done(_fields(answer))

    card_secret_data_v2 = card_secret_data  # what differs in version 2 is not shown in the docs

    def _postings(
        self, card: Card, body: m.StatementRequest | m.StatementExtendedRequest, kinds: frozenset[str]
    ) -> list[Posting]:
        start, end = _or_none(body.start_date), _or_none(body.end_date)
        if start is not None and end is not None and start > end:
            raise Refused("VALIDATION_ERROR", "start_date is after end_date")
        return [
            p
            for p in self.postings
            if p.card_id == card.card_id
            and p.kind in kinds
            and (start is None or p.at >= start)
            and (end is None or p.at <= end)
        ]

    def card_statement(self, body: m.StatementRequest) -> Done:
        card = self.card(body.card_id, closed_ok=True)
        operations = [
            m.StatementOperation(
                type_=p.kind,
                amount=number(p.amount),
                commission=number(p.commission),
                currency=p.currency,
                mcc=p.mcc,
                datetime_=p.at.replace(microsecond=0),
                rrn=p.rrn,
                merchant=m.Merchant.from_dict(p.merchant),
            )
            for p in self._postings(card, body, STATEMENT_KINDS)
        ]
        # The envelope (status, request_status, dt) is the Sandbox's: these placeholders are dropped.
        answer = m.StatementResponse(status=OK, **_PLACEHOLDERS, operations=operations)
        return Done(_fields(answer))

    def _authorization(self, card: Card, posting: Posting) -> m.Authorization:
        return m.Authorization(
            datetime_=posting.at.isoformat(timespec="seconds"),
            type_=posting.kind,
            amount=number(posting.amount),
            commission=number(posting.commission),
            full_amount=number(posting.amount + posting.commission),
            cashback=0,
            currency=posting.currency,
            iban=card.account.iban,
            merchant=m.Merchant.from_dict(posting.merchant),
            additional_parameters=self._decline_parameters(posting),
        )

    def _decline_parameters(self, posting: Posting) -> list[m.AuthorizationAdditionalParametersItem]:
        """A declined purchase carries its decline code in the authorisation's additional parameters."""
        event = self.events.get(posting.transaction_id) if posting.kind == "declined" else None
        if event is None or event.decline_code is None:
            return []
        return [m.AuthorizationAdditionalParametersItem.from_dict({"key": "decline_code", "value": event.decline_code})]

    def card_statement_extended(self, body: m.StatementExtendedRequest) -> Done:
        card = self.card(body.card_id, closed_ok=True)
        operations = self._postings(card, body, STATEMENT_KINDS)
        authorizations = self._postings(card, body, AUTHORIZATION_KINDS)
        answer = m.StatementExtendedResponse(
            status=OK,
            client_id=_or_unset(card.client_id),
            card=m.StatementCard(card_id=card.card_id, card_mask=card.card_mask),
            balances=m.StatementBalances(accounts=[self._account(card, operations)]),
            authorizations=[self._authorization(card, p) for p in authorizations],
            operations=[self._authorization(card, p) for p in operations],
        )
        return Done(_fields(answer))

    def validate_cardholder(self, body: m.CardholderValidationRequest) -> Done:
        """Score how well the name and phone given match the holder of the card behind ``card_token``.

        The sandbox's own scoring (the docs give none): the client linked to the card is the holder; an
        exact last name (ignoring case and surrounding blanks) counts 40 points, an exact first name 30,
        the phone 30 (its last 10 digits, so that a number with or without the country code matches). The
        score is written like the docs' example (``"70.00%"``); ``fishy`` is 1 below 50 points, else 0
        (its meaning is not documented). A card without a client scores 0. An unknown token is refused
        with ``CARD_NOT_FOUND``; a closed card is still scored.
        """
        token = str(body.card_token)
        card = next((c for c in self.cards.values() if c.token == token), None)
        if card is None:
            raise Refused("CARD_NOT_FOUND", f"no card has the token {token}")
        holder = None if card.client_id is None else self.clients.get(card.client_id)
        points = 0
        if holder is not None:
            same = [
                (40, body.last_name, holder.last_name),
                (30, body.first_name, holder.first_name),
                (30, body.user_phone[-10:], str(holder.phone)[-10:]),
            ]
            points = sum(weight for weight, given, held in same if given.strip().casefold() == held.strip().casefold())
        answer = m.CardholderValidationResponse(
            status=OK, score=f"{points:.2f}%", dt=_NO_DT.isoformat(), fishy=int(points < 50)
        )
        return Done(_fields(answer))

    # ------------------------------------------------------------------------------ clients

    def create_client(self, body: m.CreateClientRequest) -> Done:
        new = body.client
        details = new.to_dict()
        if not isinstance(body.branch_id, Unset):
            details["branch_id"] = body.branch_id
        client = self.new_client(
            int(body.product_id),
            phone=new.phone,
            first_name=new.first_name,
            last_name=new.last_name,
            type=int(new.type_),
            resident=int(new.resident),
            details=details,
        )
        return Done(created=_fields(m.RequestStatusResponse(status=OK, **_PLACEHOLDERS, client_id=client.client_id)))

    def update_client_phone(self, body: m.UpdateClientRequest) -> Done:
        self.client(body.client_id).phone = body.client.phone
        return Done()

    def list_client_cards(self, body: m.ClientRequest) -> Done:
        client = self.client(body.client_id)
        cards = [
            m.ClientCard(card_id=c.card_id, card_mask=c.card_mask, card_status=c.status.value)
            for c in self.cards.values()
            if c.client_id == client.client_id
        ]
        return Done(_fields(m.ClientCardsResponse(status=OK, **_PLACEHOLDERS, cards=cards)))

    # ------------------------------------------------------------------------------ transactions

    def create_transaction(self, body: m.CreateTransactionRequest) -> Done:
        amount = _decimal(body.amount)
        tx = Transaction(
            transaction_id=str(next(self._transaction_ids)),
            order_id=body.order_id,
            card_id=body.card_id,
            amount=amount,
            currency=body.currency,
            description=_or_none(body.description),
            created_at=self.now(),
        )
        self.transactions[tx.transaction_id] = tx
        try:
            card = self.card(tx.card_id)
            if card.status != CardStatus.ACTIVE:
                raise Refused("INVALID_CARD_STATE", f"card {card.card_id} is {card.status}: it must be active")
            if tx.currency != card.account.currency:
                raise Refused("VALIDATION_ERROR", f"currency: the card's account is in {card.account.currency}")
            self.check_limits(card, amount, tx.currency)
            if card.account.available < amount:
                raise Refused(
                    "INSUFFICIENT_FUNDS", f"available {money(card.account.available)} is less than {money(amount)}"
                )
        except Refused as refused:
            tx.status = TransactionStatus.DECLINED
            tx.error_code, tx.error_description = refused.code, refused.description
            raise
        card.account.blocked_amount += amount
        tx.fin_document_ids.append(self._fin_document())
        self._post(card, "authorization", amount, tx)
        return _money_moved(tx)

    def _transaction(self, body: m.ClearTransactionRequest | m.RefundTransactionRequest) -> tuple[Transaction, Card]:
        tx = self.transactions.get(body.transaction_id)
        if tx is None:
            raise Refused("TRANSACTION_NOT_FOUND", f"transaction {body.transaction_id} not found")
        if tx.order_id != body.order_id:
            raise Refused("VALIDATION_ERROR", f"order_id: transaction {tx.transaction_id} belongs to another order")
        if tx.status == TransactionStatus.DECLINED:
            raise Refused("AMOUNT_EXCEEDS_AVAILABLE", f"transaction {tx.transaction_id} was declined")
        return tx, self.card(tx.card_id)

    def clear_transaction(self, body: m.ClearTransactionRequest) -> Done:
        tx, card = self._transaction(body)
        remaining = tx.uncleared
        amount = remaining if isinstance(body.amount, Unset) else _decimal(body.amount)
        if remaining <= 0:
            raise Refused("AMOUNT_EXCEEDS_AVAILABLE", f"transaction {tx.transaction_id} is fully cleared already")
        if amount > remaining:
            raise Refused(
                "AMOUNT_EXCEEDS_AVAILABLE", f"amount {money(amount)} exceeds the {money(remaining)} not yet cleared"
            )
        tx.cleared += amount
        card.account.blocked_amount -= amount
        card.account.amount -= amount
        if tx.cleared == tx.amount:
            tx.status = TransactionStatus.CLEARED
        tx.fin_document_ids.append(self._fin_document())
        self._post(card, "purchase", amount, tx)
        return _money_moved(tx)

    def refund_transaction(self, body: m.RefundTransactionRequest) -> Done:
        tx, card = self._transaction(body)
        refundable = tx.refundable
        amount = refundable if isinstance(body.amount, Unset) else _decimal(body.amount)
        if refundable <= 0:
            why = "is fully refunded already" if tx.refunded else "has nothing cleared yet: clear it first"
            raise Refused("AMOUNT_EXCEEDS_AVAILABLE", f"transaction {tx.transaction_id} {why}")
        if amount > refundable:
            raise Refused(
                "AMOUNT_EXCEEDS_AVAILABLE", f"amount {money(amount)} exceeds the {money(refundable)} still refundable"
            )
        tx.refunded += amount
        card.account.amount += amount
        tx.fin_document_ids.append(self._fin_document())
        self._post(card, "refund", amount, tx)
        return _money_moved(tx)

    def transaction_info(self, body: m.TransactionInfoRequest) -> Done:
        wanted_id, wanted_order = _or_none(body.transaction_id), _or_none(body.order_id)
        if wanted_id is None and wanted_order is None:
            raise Refused("VALIDATION_ERROR", "transaction_id: give transaction_id or order_id")
        matches = [
            tx
            for tx in self.transactions.values()
            if (wanted_id is None or tx.transaction_id == wanted_id)
            and (wanted_order is None or tx.order_id == wanted_order)
        ]
        if not matches:
            raise Refused("TRANSACTION_NOT_FOUND", f"transaction {wanted_id or wanted_order} not found")
        tx = matches[-1]  # the latest for an order_id used more than once
        # The spec leaves the transaction object open (only its error fields are named): the rest is the
        # sandbox's own choice of fields.
        details: dict[str, Any] = {
            "transaction_id": tx.transaction_id,
            "order_id": tx.order_id,
            "card_id": tx.card_id,
            "amount": number(tx.amount),
            "currency": tx.currency,
            "status": tx.status.value,
            "cleared_amount": number(tx.cleared),
            "refunded_amount": number(tx.refunded),
            "fin_document_ids": list(tx.fin_document_ids),
        }
        if tx.created_at is not None:
            details["created_at"] = tx.created_at.isoformat(timespec="seconds")
        if tx.description is not None:
            details["description"] = tx.description
        transaction = m.Transaction.from_dict(details)
        if tx.error_code is not None:
            transaction.error_code = tx.error_code
            transaction.error_description = tx.error_description or ""
        return Done(_fields(m.TransactionInfoResponse(status=OK, **_PLACEHOLDERS, transaction=transaction)))

    # ------------------------------------------------------------------------------ the cardholder's side
    # Simulations (not API operations): what a holder's purchase at a merchant, or a merchant's refund or
    # reversal, does to a card. The sandbox's own model; see ``Sandbox.simulate_purchase``.

    def _simulated_card(self, card_id: str) -> Card:
        card = self.cards.get(card_id)
        if card is None:
            raise SimulationError("CARD_NOT_FOUND", f"card {card_id} not found")
        return card

    def _event(
        self, kind: SimulationKind, card: Card, amount: Decimal, currency: str, merchant: str, **more: Any
    ) -> SimulatedEvent:
        event = SimulatedEvent(
            event_id=str(next(self._event_ids)),
            kind=kind,
            card_id=card.card_id,
            amount=amount,
            currency=currency,
            merchant=merchant,
            balance_after=card.account.amount,
            at=self.now(),
            **more,
        )
        self.events[event.event_id] = event
        return event

    def _declined(
        self,
        kind: SimulationKind,
        card: Card,
        amount: Decimal,
        currency: str,
        merchant: str,
        refused: Refused,
        **more: Any,
    ) -> SimulatedEvent:
        event = self._event(
            kind, card, amount, currency, merchant, approved=False,
            decline_code=refused.code, decline_reason=refused.description, **more,
        )  # fmt: skip
        if kind == SimulationKind.PURCHASE:  # shown in the extended statement's authorisations, as declined
            self._post_event(card, "declined", amount, currency, event.event_id, merchant)
        return event

    @staticmethod
    def _usable(card: Card, currency: str, *, credit: bool) -> None:
        """Refuse a card that cannot take this event: closed, not yet active, blocked (a credit is let
        through to a blocked card), or in another currency (the sandbox converts nothing)."""
        if card.status == CardStatus.CLOSED:
            raise Refused("CARD_CLOSED", f"card {card.card_id} is closed")
        if card.status == CardStatus.ISSUED:
            raise Refused("CARD_NOT_ACTIVE", f"card {card.card_id} is not activated yet")
        if card.status == CardStatus.BLOCKED and not credit:
            raise Refused("CARD_BLOCKED", f"card {card.card_id} is blocked")
        if currency != card.account.currency:
            raise Refused("CURRENCY_MISMATCH", f"card {card.card_id} holds {card.account.currency}, not {currency}")

    def simulate_purchase(self, card_id: str, amount: Decimal, currency: str, merchant: str) -> SimulatedEvent:
        card = self._simulated_card(card_id)
        try:
            self._usable(card, currency, credit=False)
            self.check_limits(card, amount, currency)
            if card.account.available < amount:
                raise Refused(
                    "INSUFFICIENT_FUNDS", f"available {money(card.account.available)} is less than {money(amount)}"
                )
        except Refused as refused:
            return self._declined(SimulationKind.PURCHASE, card, amount, currency, merchant, refused)
        card.account.amount -= amount
        event = self._event(SimulationKind.PURCHASE, card, amount, currency, merchant, approved=True)
        self._post_event(card, "authorization", amount, currency, event.event_id, merchant)
        self._post_event(card, "purchase", amount, currency, event.event_id, merchant)
        return event

    def simulate_refund(self, card_id: str, amount: Decimal, currency: str, merchant: str) -> SimulatedEvent:
        card = self._simulated_card(card_id)
        try:
            self._usable(card, currency, credit=True)
        except Refused as refused:
            return self._declined(SimulationKind.REFUND, card, amount, currency, merchant, refused)
        card.account.amount += amount
        event = self._event(SimulationKind.REFUND, card, amount, currency, merchant, approved=True)
        self._post_event(card, "refund", amount, currency, event.event_id, merchant)
        return event

    def simulate_reversal(self, event_id: str) -> SimulatedEvent:
        purchase = self.events.get(event_id)
        if purchase is None:
            raise SimulationError("EVENT_NOT_FOUND", f"event {event_id} not found")
        if purchase.kind != SimulationKind.PURCHASE or not purchase.approved:
            raise SimulationError(
                "NOT_REVERSIBLE", f"event {event_id} is not an approved purchase: only those can be reversed"
            )
        if event_id in self._reversed:
            raise SimulationError("NOT_REVERSIBLE", f"purchase {event_id} is reversed already")
        card = self.cards[purchase.card_id]
        amount, currency, merchant = purchase.amount, purchase.currency, purchase.merchant
        if card.status == CardStatus.CLOSED:
            refused = Refused("CARD_CLOSED", f"card {card.card_id} is closed")
            return self._declined(SimulationKind.REVERSAL, card, amount, currency, merchant, refused, reverses=event_id)
        self._reversed.add(event_id)
        card.account.amount += amount
        event = self._event(SimulationKind.REVERSAL, card, amount, currency, merchant, approved=True, reverses=event_id)
        self._post_event(card, "reversal", amount, currency, event.event_id, merchant)
        return event

    # ------------------------------------------------------------------------------ limits
    # The sandbox's own model (the docs show the requests only): limits are kept per object as sent, one
    # per (transaction_type, region, period); setting one again replaces it, others stay. An account is
    # named by its IBAN. How much of a limit is used is not listed back (the docs do not name those
    # fields), but spending honours it: see ``check_limits``.

    def check_limits(self, card: Card, amount: Decimal, currency: str) -> None:
        """Refuse (``LIMIT_EXCEEDED``) spending ``amount`` on ``card`` beyond a limit in force.

        The sandbox's rules: the limits of the card, of its account (IBAN) and of its client all apply;
        of those, the ones whose ``transaction_type`` is ``pay``, ``purchase`` or ``all``; of their
        amounts, those of type ``max`` in the spending's currency (no conversion). ``period`` ``day``,
        ``week`` (ISO), ``month`` or ``year`` (calendar, UTC) bounds the sum of what was spent in the
        current period (authorisations and purchases, without declined or reversed ones; for a client,
        on all its cards) plus this amount; no period (or any other value) bounds each spending alone.
        ``region`` is not modelled: a limit applies in every region.
        """
        scopes = [("card", card.card_id), ("account", card.account.iban)]
        if card.client_id is not None:
            scopes.append(("client", card.client_id))
        for scope in scopes:
            for rule in self.limits.get(scope, {}).values():
                if str(rule.get("transaction_type", "")).lower() not in PURCHASE_LIMIT_TYPES:
                    continue
                period = rule.get("period")
                for bound in rule.get("amount", []):
                    if str(bound.get("type", "")).lower() != "max" or bound.get("currency") != currency:
                        continue
                    cap = Decimal(str(bound["value"]))
                    spent = self._spent(scope, card, period, currency)
                    if spent + amount > cap:
                        per = f" a {period}" if _period_key(period, self.now()) is not None else " per transaction"
                        already = f" ({money(spent)} already spent)" if spent else ""
                        raise Refused(
                            "LIMIT_EXCEEDED",
                            f"{money(amount)} {currency} is over the {scope[0]}'s limit of {money(cap)} {currency}"
                            f"{per}{already}",
                        )

    def _spent(self, scope: tuple[str, str], card: Card, period: Any, currency: str) -> Decimal:
        """What was spent under ``scope`` in the current ``period`` (0 for a per-transaction limit)."""
        now = self.now()
        current = _period_key(period, now)
        if current is None:
            return Decimal("0")
        if scope[0] == "client":
            cards = {c.card_id for c in self.cards.values() if c.client_id == scope[1]}
        else:
            cards = {card.card_id}
        return sum(
            (
                p.amount
                for p in self.postings
                if p.kind == "authorization"
                and p.card_id in cards
                and p.currency == currency
                and p.transaction_id not in self._reversed
                and _period_key(period, p.at) == current
            ),
            Decimal("0"),
        )

    def _limit_target(self, target: m.LimitObject, *, reading: bool) -> tuple[str, str]:
        kind, value = str(target.type_), target.value
        if kind == "card":
            self.card(value, closed_ok=reading)
        elif kind == "client":
            self.client(value)
        elif not any(c.account.iban == value for c in self.cards.values()):
            raise Refused("ACCOUNT_NOT_FOUND", f"no account has the IBAN {value}")
        return kind, value

    def set_limits(self, body: m.SetLimitsRequest) -> Done:
        key = self._limit_target(body.object_, reading=False)
        if not body.limits:
            raise Refused("VALIDATION_ERROR", "limits: give at least one limit")
        kept = self.limits.setdefault(key, {})
        for rule in body.limits:
            kept[(rule.transaction_type, _or_none(rule.region), _or_none(rule.period))] = rule.to_dict()
        return Done()

    def list_limits(self, body: m.ListLimitsRequest) -> Done:
        key = self._limit_target(body.object_, reading=True)
        limits = [m.ListedLimit.from_dict(rule) for rule in self.limits.get(key, {}).values()]
        return Done(_fields(m.LimitListResponse(status=OK, **_PLACEHOLDERS, limits=limits)))

    # ------------------------------------------------------------------------------ gift cards
    # Gift handlers return the answer's fields (a dict): the gift envelope has no separate outcome.

    def new_otp(self, gift: GiftCard) -> str:
        gift.otp = self._digits(6)
        self.sent_otps.append(SentOTP(next(self._otp_numbers), gift.phone, gift.card_id, gift.otp))
        return gift.otp

    def gift_card(self, card_id: int) -> GiftCard:
        gift = self.gift_cards.get(card_id)
        if gift is None:
            raise GiftRefused(-7, f"gift card {card_id} not found")
        return gift

    @staticmethod
    def gift_state(gift: GiftCard) -> dict[str, Any]:
        answer = m.GiftCardStateResponse(
            status=0,
            card_status=int(gift.card_status),
            card_currency=gift.currency,
            card_balance=gift.balance,
            card_mask=gift.card_mask,
        )
        return _fields(answer)

    def list_gift_products(self, body: m.GiftProductListRequest) -> dict[str, Any]:
        products = [
            m.GiftProduct(
                code=p.code,
                name=p.name,
                name_en=p.name_en,
                currency=p.currency,
                balance=p.balance,
                image=f"https://sandbox.invalid/gift/{p.code}.png",
            )
            for p in GIFT_PRODUCTS
        ]
        return _fields(m.GiftProductListResponse(status=0, product_list=products))

    def issue_gift_card(self, body: m.IssueGiftCardRequest) -> dict[str, Any]:
        if not 10 <= len(str(body.phone)) <= 15:
            raise GiftRefused(-3, "phone: expected 10 to 15 digits in international format")
        product = next((p for p in GIFT_PRODUCTS if p.code == body.product_code), None)
        if product is None:
            raise GiftRefused(-4, f"product_code {body.product_code} not found")
        if not isinstance(body.card_id, Unset):  # a card pre-issued in bulk, now given to its holder
            gift = self.gift_card(body.card_id)
            if gift.card_status == GiftStatus.ACTIVATED:
                raise GiftRefused(-10, f"gift card {gift.card_id} is already activated")
            gift.cardholder_name, gift.phone = body.cardholder_name, body.phone
        else:
            digits = self._digits(12)
            gift = GiftCard(
                card_id=next(self._gift_card_ids),
                product_code=product.code,
                cardholder_name=body.cardholder_name,
                phone=body.phone,
                currency=product.currency,
                balance=product.balance,
                card_mask=f"{digits[:4]}********{digits[-4:]}",
            )
            self.gift_cards[gift.card_id] = gift
        self.new_otp(gift)
        return _fields(m.GiftIssueResponse(status=0, card_id=gift.card_id))

    def confirm_gift_card(self, body: m.ConfirmGiftCardRequest) -> dict[str, Any]:
        if not isinstance(body.card_id, Unset):
            gift = self.gift_card(body.card_id)
            if gift.card_status == GiftStatus.ACTIVATED:
                raise GiftRefused(-10, f"gift card {gift.card_id} is already activated")
            if gift.otp != body.otp:
                raise GiftRefused(-8, "wrong OTP")
        else:
            candidates = [
                g for g in self.gift_cards.values() if g.card_status == GiftStatus.ISSUED and g.otp == body.otp
            ]
            if not candidates:
                raise GiftRefused(-8, "wrong OTP")
            gift = candidates[0]
        gift.card_status = GiftStatus.ACTIVATED
        return self.gift_state(gift)

    def resend_gift_card(self, body: m.GiftCardRequest) -> dict[str, Any]:
        self.gift_card(body.card_id).resends += 1
        return {}

    def resend_gift_code(self, body: m.GiftCardRequest) -> dict[str, Any]:
        gift = self.gift_card(body.card_id)
        if gift.card_status == GiftStatus.ACTIVATED:
            raise GiftRefused(-10, f"gift card {gift.card_id} is already activated")
        gift.code_resends += 1
        self.new_otp(gift)
        return {}

    def gift_card_status(self, body: m.GiftCardRequest) -> dict[str, Any]:
        return self.gift_state(self.gift_card(body.card_id))
