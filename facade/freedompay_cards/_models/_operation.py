"""``OperationResult``: the outcome of an operation answered by the envelope (or of Request status)."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import attrs
from attrs import field, frozen

from .._enums import RequestStatus
from ._base import NOT_IN_ANSWER, _extra_field, _from


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
        """True when ``request_status`` is ``success``."""
        return self.request_status is RequestStatus.SUCCESS

    @property
    def pending(self) -> bool:
        """True when ``request_status`` is ``process``: ask Request status later (or pass ``wait=True``)."""
        return self.request_status is RequestStatus.PROCESS


# What ``wait=True`` waits for. An operation that creates something reports the new ids only through
# Request status; once it says ``success`` they must be there, so these results type them as present
# (``str``, not ``str | None``) and the client refuses a ``success`` without them
# (``UnexpectedResponseError`` carrying the request_id).


@frozen
class CreatedClient(OperationResult):
    """``clients.create(..., wait=True)``: the operation succeeded and ``client_id`` is the new client's id."""

    client_id: str = field(kw_only=True)
    """The new client's id: always present (``wait=True`` waited for it)."""


@frozen
class CreatedTransaction(OperationResult):
    """``transactions.create(..., wait=True)``: the transaction is authorised and ``transaction_id`` is its id."""

    transaction_id: str = field(kw_only=True)
    """The new transaction's id: always present (``wait=True`` waited for it)."""


@frozen
class IssuedCards(OperationResult):
    """``cards.issue``, ``cards.bulk_issue`` or ``cards.issue_plastic`` with ``wait=True``: the cards are
    issued and ``card_ids`` holds at least one id; ``card_id`` is the first (the only one for ``issue``)."""

    @property
    def card_id(self) -> str:
        """The first issued card's id (``issue`` and ``issue_plastic`` issue one card)."""
        return self.card_ids[0]


# The operations whose ``wait=True`` result is one of the classes above, and the field it guarantees.
WAITED_FOR: dict[str, tuple[type[OperationResult], str]] = {
    "clients.create": (CreatedClient, "client_id"),
    "transactions.create": (CreatedTransaction, "transaction_id"),
    "cards.issue": (IssuedCards, "card_ids"),
    "cards.bulk_issue": (IssuedCards, "card_ids"),
    "cards.issue_plastic": (IssuedCards, "card_ids"),
}


def waited_for(operation: str, result: OperationResult) -> OperationResult:
    """``result`` (a ``success`` read after ``wait=True``) as the class that promises the created ids. That
    they are there was checked when the answer was read: a success without what the spec's
    ``x-outcome-ids`` names raises ``UnexpectedResponseError`` carrying the request_id (``_core``)."""
    if operation not in WAITED_FOR:
        return result
    cls, _name = WAITED_FOR[operation]
    return cls(**{item.name: getattr(result, item.name) for item in attrs.fields(OperationResult)})
