"""A client's cards as ``ClientCards``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._core import as_datetime, unset
from .._models._clients import ClientCard, ClientCards
from ._base import _object, _request_status, leftover

if TYPE_CHECKING:
    from freedompay_card_api import models as m


def client_cards(parsed: m.ClientCardsResponse, raw: dict[str, Any], request_id: str | None = None) -> ClientCards:
    raws = raw.get("cards") if isinstance(raw.get("cards"), list) else []
    cards = tuple(
        ClientCard(
            card_id=unset(c.card_id),
            card_mask=unset(c.card_mask),
            card_status=unset(c.card_status),
            extra=leftover(_object(r), ClientCard),
        )
        for c, r in zip(unset(parsed.cards) or [], raws or [], strict=False)
    )
    return ClientCards(
        request_id=request_id,
        request_status=_request_status(parsed),
        cards=cards,
        dt=as_datetime(parsed.dt),
        extra=leftover(raw, ClientCards),
    )
