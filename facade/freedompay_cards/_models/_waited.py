"""The results of ``wait=True``: ``OperationResult`` subclasses that type the created ids as present.

They live apart from ``OperationResult`` so that a first call that does not wait never builds them (each
attrs class costs a good part of a millisecond to make, and a fresh process pays it on its first call).
"""

from __future__ import annotations

# The inherited fields' annotations name these; attrs' generated ``__init__`` resolves them here
# (``typing.get_type_hints(CreatedClient.__init__)``).
import datetime as _dt  # noqa: F401
from typing import Any  # noqa: F401

import attr
from attr import field, frozen

from ._operation import OperationResult

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
    return cls(**{item.name: getattr(result, item.name) for item in attr.fields(OperationResult)})
