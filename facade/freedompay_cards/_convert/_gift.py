"""Gift-card answers as their results."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._core import decimal, unset
from .._enums import GiftCardStatus
from .._errors import UnexpectedResponseError
from .._models._gift import GiftCard, GiftCardState, GiftProduct, GiftProducts, GiftResult
from ._base import _object, leftover, timestamp

if TYPE_CHECKING:
    from freedompay_card_api import models as m


def gift_products(
    parsed: m.GiftProductListResponse, raw: dict[str, Any], request_id: str | None = None
) -> GiftProducts:
    raws = raw.get("product_list") if isinstance(raw.get("product_list"), list) else []
    products = tuple(
        GiftProduct(
            code=p.code,
            name=unset(p.name),
            name_en=unset(p.name_en),
            currency=unset(p.currency),
            balance=decimal(p.balance),
            image=unset(p.image),
            extra=leftover(_object(r), GiftProduct),
        )
        for p, r in zip(unset(parsed.product_list) or [], raws or [], strict=False)
    )
    return GiftProducts(
        products=products, datetime=timestamp(parsed.datetime_, "datetime"), extra=leftover(raw, GiftProducts)
    )


def gift_card(parsed: m.GiftIssueResponse, raw: dict[str, Any], request_id: str | None = None) -> GiftCard:
    card_id = unset(parsed.card_id)
    if not isinstance(card_id, int):
        raise UnexpectedResponseError("the issue answer has status 0 but no card_id", operation="gift_cards.issue")
    return GiftCard(card_id=card_id, datetime=timestamp(parsed.datetime_, "datetime"), extra=leftover(raw, GiftCard))


def gift_state(
    parsed: m.GiftCardStateResponse | m.GiftConfirmResponse, raw: dict[str, Any], request_id: str | None = None
) -> GiftCardState:
    status = unset(parsed.card_status)
    known = type(status) is int and status in GiftCardStatus._value2member_map_
    balance = unset(parsed.card_balance)
    return GiftCardState(
        card_status=GiftCardStatus(status) if known else status,
        currency=unset(parsed.card_currency),
        balance=None if balance is None else decimal(balance),
        card_mask=unset(parsed.card_mask),
        datetime=timestamp(parsed.datetime_, "datetime"),
        extra=leftover(raw, GiftCardState),
    )


def gift_result(parsed: m.GiftEnvelope, raw: dict[str, Any], request_id: str | None = None) -> GiftResult:
    return GiftResult(
        status=parsed.status, datetime=timestamp(parsed.datetime_, "datetime"), extra=leftover(raw, GiftResult)
    )
