"""Limits list as ``LimitList``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._core import as_datetime, decimal, unset
from .._errors import UnexpectedResponseError
from .._models._limits import Limit, LimitAmount, LimitList
from ._base import _object, _request_status, _required, leftover

if TYPE_CHECKING:
    from freedompay_card_api import models as m


def _listed_amount(parsed: m.ListedLimitAmount, raw: dict[str, Any]) -> LimitAmount:
    currency = unset(parsed.currency)
    if currency is None:
        raise UnexpectedResponseError("a listed limit's amount has no currency")
    return LimitAmount(
        value=_required(decimal(parsed.value), "value in a listed limit's amount"),
        currency=currency,
        kind=unset(parsed.type_) or "max",
        extra=leftover(raw, LimitAmount),
    )


def _listed_limit(parsed: m.ListedLimit, raw: dict[str, Any]) -> Limit:
    transaction_type = unset(parsed.transaction_type)
    if transaction_type is None:
        raise UnexpectedResponseError("a listed limit has no transaction_type")
    raws = raw.get("amount") if isinstance(raw.get("amount"), list) else []
    return Limit(
        transaction_type=transaction_type,
        amounts=tuple(
            _listed_amount(a, _object(r)) for a, r in zip(unset(parsed.amount) or [], raws or [], strict=False)
        ),
        period=unset(parsed.period),
        region=unset(parsed.region),
        extra=leftover(raw, Limit),
    )


def limit_list(parsed: m.LimitListResponse, raw: dict[str, Any], request_id: str | None) -> LimitList:
    raws = raw.get("limits") if isinstance(raw.get("limits"), list) else []
    return LimitList(
        request_id=request_id,
        request_status=_request_status(parsed),
        limits=tuple(
            _listed_limit(p, _object(r)) for p, r in zip(unset(parsed.limits) or [], raws or [], strict=False)
        ),
        dt=as_datetime(parsed.dt),
        extra=leftover(raw, LimitList),
    )
