"""The envelope, and Request status, as ``OperationResult``."""

from __future__ import annotations

from typing import Any

from .._core import as_datetime, unset
from .._models._operation import OperationResult
from ._base import _request_status, leftover


def operation_result(
    parsed: Any, raw: dict[str, Any], request_id: str | None, *, reconciled: bool = False
) -> OperationResult:
    """An envelope, or a Request status answer (which adds the created ids)."""
    cards = unset(getattr(parsed, "cards", None))
    return OperationResult(
        request_id=request_id,
        request_status=_request_status(parsed),
        dt=as_datetime(parsed.dt),
        card_ids=tuple(c for c in (unset(card.card_id) for card in cards) if c is not None) if cards else (),
        client_id=unset(getattr(parsed, "client_id", None)),
        transaction_id=unset(getattr(parsed, "transaction_id", None)),
        fin_document_id=unset(getattr(parsed, "fin_document_id", None)),
        error_code=unset(parsed.error_code),
        error_description=unset(parsed.error_description),
        reconciled=reconciled,
        extra=leftover(raw, OperationResult),
    )
