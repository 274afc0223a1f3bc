"""Typed results and dictionaries. Results are small frozen attrs classes; secrets are wrapped in ``Secret``.

Every Card API result carries the ``request_id`` that was sent, so a caller can always reconcile later.
Amounts are ``Decimal`` (the API sends JSON numbers; their units are not stated in the docs); times are
``datetime`` (aware where the API gives a zone; gift-card times come without one and stay naive).

Every result keeps the answer's fields it does not map in ``extra``: what a result maps is read from its
own fields (a field's name, or the answer path in its ``answer`` metadata, such as ``card.card_id``), so a
field the spec documents later, or one the API adds, is never dropped: it lands in ``extra`` until a
result maps it. Secret-named fields in ``extra`` arrive wrapped in ``Secret``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any, TypeVar, overload

import attrs
from attrs import field, frozen

from ._enums import ClientType, GiftCardStatus, LimitScope, Product, RequestStatus, Residency
from ._errors import UnexpectedResponseError
from ._redact import Secret, mask_pan

T = TypeVar("T")

__all__ = ["ClientType", "GiftCardStatus", "LimitScope", "Product", "RequestStatus", "Residency"]  # re-exported


@frozen
class Address:
    """A client's address (``address1``/``address2`` of Create client): ``city``, ``street`` and
    ``premises`` are the docs' ``address_line1``, ``address_line2`` and ``address_line3``."""

    country: str
    postal_code: str | None = None
    city: str | None = None
    street: str | None = None
    premises: str | None = None


class LazyResults(Sequence[T]):
    """A read-only sequence whose items are decoded from the answer only when used (iteration, indexing).

    Holding one costs about the size of the JSON answer; iterating it holds one item at a time. An item
    that turns out not to match the documented shape raises ``UnexpectedResponseError`` when reached.
    """

    __slots__ = ("_convert", "_items", "_name")

    def __init__(self, items: Any, convert: Callable[[Any], T], name: str) -> None:
        self._items = items  # _core.LazyArray
        self._convert = convert
        self._name = name

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        try:
            return self._convert(self._items.item(index))
        except UnexpectedResponseError as exc:
            exc.operation = exc.operation or self._name
            raise
        except (ValueError, KeyError, TypeError, AttributeError, ArithmeticError) as exc:
            problem = str(exc) if isinstance(exc, ValueError) and str(exc) else type(exc).__name__
            raise UnexpectedResponseError(
                f"item {index} of the answer is not the documented JSON: {problem}", operation=self._name
            ) from None

    def __iter__(self) -> Iterator[T]:
        for index in range(len(self)):
            yield self[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{len(self)} items, decoded on use>"


def _extra(value: dict[str, Any]) -> dict[str, Any]:
    return dict(value)


NOT_IN_ANSWER: dict[str, Any] = {"answer": None}  # metadata of a result field that no answer field fills


def _extra_field() -> Any:
    return field(factory=dict, converter=_extra, repr=False, eq=False, metadata=NOT_IN_ANSWER)


def _from(path: str) -> dict[str, Any]:
    """Metadata of a result field filled from the answer field at ``path`` (dotted for nested objects)."""
    return {"answer": path}


def answer_paths(cls: type) -> frozenset[str]:
    """The answer fields a result class maps (its fields' names, or their ``answer`` metadata); the
    envelope's ``status`` is always consumed (a result exists only for ``ok``)."""
    cached: frozenset[str] | None = cls.__dict__.get("_answer_paths")
    if cached is None:
        paths = {"status"}
        for item in attrs.fields(cls):
            path = item.metadata.get("answer", item.name)
            if path is not None:
                paths.add(path)
        cached = frozenset(paths)
        type.__setattr__(cls, "_answer_paths", cached)
    return cached


class _ItemSequence(Sequence[T]):
    """A result that reads as the sequence of its items (``_items``): ``len``, indexing, iteration."""

    __slots__ = ()

    def _items(self) -> tuple[T, ...]:
        raise NotImplementedError

    def __len__(self) -> int:
        return len(self._items())

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...
    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        return self._items()[index]

    def __iter__(self) -> Iterator[T]:
        return iter(self._items())


@frozen
class OperationResult:
    """The outcome of a Card API operation, or of Request status for an earlier one.

    ``card_ids``, ``client_id``, ``transaction_id`` and ``fin_document_id`` are what the operation created,
    as Request status reports them (filled by ``wait=True`` or ``client.requests.status``).
    ``reconciled`` is true when the outcome was read from Request status after a lost answer.
    """

    request_id: str | None = field(metadata=NOT_IN_ANSWER)
    request_status: RequestStatus
    dt: _dt.datetime | None = None
    card_ids: tuple[str, ...] = field(default=(), metadata=_from("cards"))
    client_id: str | None = None
    transaction_id: str | None = None
    fin_document_id: str | None = None
    error_code: str | None = None
    error_description: str | None = None
    reconciled: bool = field(default=False, metadata=NOT_IN_ANSWER)
    extra: dict[str, Any] = _extra_field()

    @property
    def succeeded(self) -> bool:
        return self.request_status is RequestStatus.SUCCESS

    @property
    def pending(self) -> bool:
        return self.request_status is RequestStatus.PROCESS


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


def secret_pan(value: str) -> Secret:
    return Secret(value, masked=mask_pan(value))


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


@frozen
class ClientCard:
    """A card of a client (inferred fields)."""

    card_id: str | None
    card_mask: str | None
    card_status: str | None
    extra: dict[str, Any] = _extra_field()


@frozen
class ClientCards(_ItemSequence[ClientCard]):
    """A client's cards (inferred fields): a sequence of ``ClientCard``, with the ``request_id`` sent."""

    request_id: str | None = field(metadata=NOT_IN_ANSWER)
    request_status: RequestStatus
    cards: tuple[ClientCard, ...]
    dt: _dt.datetime | None = None
    extra: dict[str, Any] = _extra_field()

    def _items(self) -> tuple[ClientCard, ...]:
        return self.cards


@frozen
class TransactionInfo:
    """A transaction. Partial: only an example shows the answer (the transaction's ``status``, e.g.
    ``new``, its ``error_code`` and ``error_description``, and ``additional`` key/value pairs); ``details``
    holds every field of the transaction the API sent, ``additional`` the pairs as a mapping."""

    request_id: str | None = field(metadata=NOT_IN_ANSWER)
    request_status: RequestStatus
    error_code: str | None = field(metadata=_from("transaction.error_code"))
    error_description: str | None = field(metadata=_from("transaction.error_description"))
    details: dict[str, Any] = field(factory=dict, converter=_extra, repr=False, metadata=_from("transaction"))
    dt: _dt.datetime | None = None
    status: str | None = field(default=None, metadata=_from("transaction.status"))
    additional: dict[str, Any] = field(factory=dict, converter=_extra, repr=False, metadata=_from("additional"))
    extra: dict[str, Any] = _extra_field()


def _limit_value(value: Any) -> Decimal:
    from ._validate import decimal_number

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
    kind: str = field(default="max", metadata=_from("type"))
    extra: dict[str, Any] = _extra_field()


def _amounts(value: Any) -> tuple[Any, ...]:
    return tuple(value) if isinstance(value, list | tuple) else value  # anything else is refused when sent


@frozen
class Limit:
    """A spending limit on one kind of transaction, optionally per ``period`` and ``region``:

        fp.Limit("withdrawal_atm", [fp.LimitAmount(Decimal("5000"), "USD")], period="month")

    The docs show ``transaction_type`` values such as ``withdrawal_atm``, ``pay``, ``withdrawal`` and
    ``pay_online_non3ds``, and periods ``day`` and ``month``, as examples: no list is given, so any
    non-empty text is sent as it is. Which values ``region`` takes is not shown. ``Limits list`` answers
    with these too (their shape there is a guess), keeping what else each limit carries in ``extra``."""

    transaction_type: str
    amounts: tuple[LimitAmount, ...] = field(default=(), converter=_amounts, metadata=_from("amount"))
    period: str | None = None
    region: str | None = None
    extra: dict[str, Any] = _extra_field()


@frozen
class LimitList(_ItemSequence[Limit]):
    """The limits in force on a card, an account or a client: a sequence of ``Limit``, with the
    ``request_id`` sent. Partial: the docs do not show this answer; ``limits`` shaped like Set limits'
    limits is a guess, and everything else the answer holds is kept in ``extra``."""

    request_id: str | None = field(metadata=NOT_IN_ANSWER)
    request_status: RequestStatus
    limits: tuple[Limit, ...]
    dt: _dt.datetime | None = None
    extra: dict[str, Any] = _extra_field()

    def _items(self) -> tuple[Limit, ...]:
        return self.limits


@frozen
class GiftProduct:
    """A gift-card product the partner may issue."""

    code: int
    name: str | None
    name_en: str | None
    currency: str | None
    balance: Decimal | None
    image: str | None
    extra: dict[str, Any] = _extra_field()


@frozen
class GiftProducts(_ItemSequence[GiftProduct]):
    """The gift-card products the partner may issue: a sequence of ``GiftProduct``, with the answer's time."""

    products: tuple[GiftProduct, ...] = field(metadata=_from("product_list"))
    datetime: _dt.datetime | None = None
    extra: dict[str, Any] = _extra_field()

    def _items(self) -> tuple[GiftProduct, ...]:
        return self.products


@frozen
class GiftCard:
    """A gift card just issued: inactive until the holder confirms it with the SMS code."""

    card_id: int
    datetime: _dt.datetime | None
    extra: dict[str, Any] = _extra_field()


@frozen
class GiftCardState:
    """A gift card's state (Confirm and Status answers)."""

    card_status: GiftCardStatus | int | None
    currency: str | None = field(metadata=_from("card_currency"))
    balance: Decimal | None = field(metadata=_from("card_balance"))
    card_mask: str | None = None
    datetime: _dt.datetime | None = None
    extra: dict[str, Any] = _extra_field()


@frozen
class GiftResult:
    """A Gift Cards answer with nothing but its status (Resend, Resend code)."""

    status: int
    datetime: _dt.datetime | None
    extra: dict[str, Any] = _extra_field()
