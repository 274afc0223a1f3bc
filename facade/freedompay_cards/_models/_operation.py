"""``OperationResult``: the outcome of an operation answered by the envelope (or of Request status)."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from attr import field, frozen

from .._request_status import RequestStatus
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
