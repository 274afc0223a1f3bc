"""``TransactionInfo``: a transaction as Transaction info reads it."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from attr import field, frozen

from .._request_status import RequestStatus
from ._base import NOT_IN_ANSWER, _extra, _extra_field, _from


@frozen
class TransactionInfo:
    """A transaction. Partial: only an example shows the answer (the transaction's ``status``, e.g.
    ``new``, its ``error_code`` and ``error_description``, and ``additional`` key/value pairs); ``details``
    holds every field of the transaction the API sent, ``additional`` the pairs as a mapping."""

    request_id: str | None = field(metadata=NOT_IN_ANSWER)
    request_status: RequestStatus
    error_code: str | None = field(metadata=_from("transaction.error_code"))
    """Why the transaction failed, as a code, when it did."""
    error_description: str | None = field(metadata=_from("transaction.error_description"))
    """Why the transaction failed, as text, when it did."""
    details: dict[str, Any] = field(factory=dict, converter=_extra, repr=False, metadata=_from("transaction"))
    dt: _dt.datetime | None = None
    status: str | None = field(default=None, metadata=_from("transaction.status"))
    additional: dict[str, Any] = field(factory=dict, converter=_extra, repr=False, metadata=_from("additional"))
    extra: dict[str, Any] = _extra_field()
