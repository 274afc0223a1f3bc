"""Transaction info as ``TransactionInfo``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._core import as_datetime, unset
from .._models._transactions import TransactionInfo
from .._redact import redact
from ._base import _request_status, guarded, leftover

if TYPE_CHECKING:
    from freedompay_card_api import models as m


def transaction_info(parsed: m.TransactionInfoResponse, raw: dict[str, Any], request_id: str | None) -> TransactionInfo:
    transaction = unset(parsed.transaction)
    details = redact(transaction.to_dict()) if transaction is not None else {}
    additional: dict[str, Any] = {}
    for item in unset(parsed.additional) or ():
        key, value = unset(item.key), unset(item.value)
        if key is not None:
            additional[key] = guarded(key, value)
    return TransactionInfo(
        request_id=request_id,
        request_status=_request_status(parsed),
        status=details.get("status"),
        error_code=details.get("error_code"),
        error_description=details.get("error_description"),
        details=details,
        additional=additional,
        dt=as_datetime(parsed.dt),
        extra=leftover(raw, TransactionInfo),
    )
