"""Typed results and dictionaries. Results are small frozen attrs classes; secrets are wrapped in ``Secret``.

Every Card API result carries the ``request_id`` that was sent, so a caller can always reconcile later.
Amounts are ``Decimal`` (the API sends JSON numbers; their units are not stated in the docs).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any, TypeVar, overload

from attrs import field, frozen

from ._enums import ClientType, GiftCardStatus, Product, RequestStatus, Residency
from ._errors import UnexpectedResponseError
from ._redact import Secret, mask_pan

T = TypeVar("T")

__all__ = ["ClientType", "GiftCardStatus", "Product", "RequestStatus", "Residency"]  # re-exported


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
            raise UnexpectedResponseError(
                f"item {index} of the answer is not the documented JSON ({type(exc).__name__})", operation=self._name
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


@frozen
class OperationResult:
    """The outcome of a Card API operation, or of Request status for an earlier one.

    ``card_ids``, ``client_id``, ``transaction_id`` and ``fin_document_id`` are what the operation created,
    as Request status reports them (filled by ``wait=True`` or ``client.requests.status``).
    ``reconciled`` is true when the outcome was read from Request status after a lost answer.
    """

    request_id: str | None
    request_status: str
    dt: _dt.datetime | None = None
    card_ids: tuple[str, ...] = ()
    client_id: str | None = None
    transaction_id: str | None = None
    fin_document_id: str | None = None
    error_code: str | None = None
    error_description: str | None = None
    reconciled: bool = False
    extra: dict[str, Any] = field(factory=dict, converter=_extra, repr=False, eq=False)

    @property
    def succeeded(self) -> bool:
        return self.request_status == RequestStatus.SUCCESS

    @property
    def pending(self) -> bool:
        return self.request_status == RequestStatus.PROCESS


@frozen
class CardInfo:
    """A card's details. Beyond the envelope every field is a guess (the docs do not show the answer)."""

    request_id: str | None
    request_status: str
    card_id: str | None
    card_mask: str | None
    card_status: str | None
    client_id: str | None
    product_id: int | None
    expiry: Secret | None = field(default=None, repr=False)
    dt: _dt.datetime | None = None
    extra: dict[str, Any] = field(factory=dict, converter=_extra, repr=False, eq=False)


@frozen
class Account:
    """One account of a card."""

    iban: str | None
    currency: str | None
    amount: Decimal | None
    blocked_amount: Decimal | None
    debit: int | None = None
    credit: int | None = None

    @property
    def available(self) -> Decimal | None:
        """``amount`` less ``blocked_amount``, when both are known."""
        if self.amount is None or self.blocked_amount is None:
            return None
        return self.amount - self.blocked_amount


@frozen
class Balance:
    """The balances of a card's accounts (inferred operation)."""

    request_id: str | None
    request_status: str
    card_id: str | None
    accounts: tuple[Account, ...]
    dt: _dt.datetime | None = None


@frozen(repr=False)
class SecretCardData:
    """A card's sensitive data. Values are ``Secret``: call ``.reveal()`` where you really need one.
    ``repr`` shows only the masked PAN. Field names are guessed (the docs do not show the answer);
    every field of the answer is kept in ``fields``, each one secret."""

    request_id: str | None
    card_id: str | None
    pan: Secret | None
    expiry: Secret | None
    cvv: Secret | None
    cardholder_name: Secret | None
    fields: dict[str, Secret] = field(factory=dict, eq=False)

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
    mcc: int | float
    datetime: _dt.datetime
    rrn: str
    merchant: dict[str, Any] = field(factory=dict, converter=_extra, eq=False)


@frozen
class Authorization:
    """One authorization or operation of an extended statement (``datetime`` as the API writes it)."""

    datetime: str | None
    type: str | None
    amount: Decimal | None
    commission: Decimal | None
    full_amount: Decimal | None
    cashback: Decimal | None
    currency: str | None
    iban: str | None
    merchant: dict[str, Any] = field(factory=dict, converter=_extra, eq=False)
    additional_parameters: tuple[Any, ...] = ()


@frozen
class ExtendedStatement:
    """Balances, authorizations and operations of a card over a date range (partially documented)."""

    request_status: str | None
    client_id: str | None
    card_id: str | None
    card_mask: str | None
    accounts: tuple[Account, ...]
    authorizations: Sequence[Authorization]
    operations: Sequence[Authorization]
    dt: _dt.datetime | None = None


@frozen
class ClientCard:
    """A card of a client (inferred fields)."""

    card_id: str | None
    card_mask: str | None
    card_status: str | None


@frozen
class ClientCards(Sequence[ClientCard]):
    """A client's cards (inferred fields): a sequence of ``ClientCard``, with the ``request_id`` sent."""

    request_id: str | None
    request_status: str
    cards: tuple[ClientCard, ...]

    def __len__(self) -> int:
        return len(self.cards)

    @overload
    def __getitem__(self, index: int) -> ClientCard: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[ClientCard, ...]: ...
    def __getitem__(self, index: int | slice) -> ClientCard | tuple[ClientCard, ...]:
        return self.cards[index]

    def __iter__(self) -> Iterator[ClientCard]:
        return iter(self.cards)


@frozen
class TransactionInfo:
    """A transaction. Only ``error_code`` and ``error_description`` of it are documented; ``details``
    holds every field the API sent."""

    request_id: str | None
    request_status: str
    error_code: str | None
    error_description: str | None
    details: dict[str, Any] = field(factory=dict, converter=_extra, repr=False)  # secrets redacted
    dt: _dt.datetime | None = None


@frozen
class GiftProduct:
    """A gift-card product the partner may issue."""

    code: int
    name: str | None
    name_en: str | None
    currency: str | None
    balance: Decimal | None
    image: str | None


@frozen
class GiftCard:
    """A gift card just issued: inactive until the holder confirms it with the SMS code."""

    card_id: int
    datetime: str | None


@frozen
class GiftCardState:
    """A gift card's state (Confirm and Status answers)."""

    card_status: GiftCardStatus | int | None
    currency: str | None
    balance: int | None
    card_mask: str | None
    datetime: str | None


@frozen
class GiftResult:
    """A Gift Cards answer with nothing but its status (Resend, Resend code)."""

    status: int
    datetime: str | None
