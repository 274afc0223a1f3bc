"""``client.gift_cards``: products, issue, confirm with the SMS code, resend, status.

Gift Cards answer with their own envelope (integer ``status``; negative values map to errors) and carry
no request_id. No page says how these calls are signed on api.freedompay.kz: they are signed with the
Card API's JWS, an assumption chosen in one place (``_auth.SIGNERS``, from the spec's ``x-signing``).
Hand-written async original; ``_sync/gift_cards.py`` is generated from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Unpack

from .. import _validate as v
from .._lazy import LazyModule
from .._options import RequestOptions

if TYPE_CHECKING:
    from freedompay_card_api import models as m

    from .. import _convert as convert
    from .._models import GiftCard, GiftCardState, GiftProducts, GiftResult
    from ._client import AsyncCardClient
else:
    m = LazyModule("freedompay_card_api.models")
    convert = LazyModule("freedompay_cards._convert")


class AsyncGiftCards:
    """Gift cards. Issue, confirm and the resends apply something and have no request_id: they are
    re-sent only when the request surely never reached the API."""

    def __init__(self, client: AsyncCardClient) -> None:
        self._client = client

    async def products(self, **options: Unpack[RequestOptions]) -> GiftProducts:
        """The gift-card products the partner may issue. Inferred (older docs; the path is a guess)."""
        return await self._client._fetch(
            "gift_cards.products", m.GiftProductListRequest(), None, options, convert.gift_products
        )

    async def issue(
        self,
        product_code: int,
        *,
        cardholder_name: str,
        phone: str | int,
        card_id: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> GiftCard:
        """Issue a gift card of ``product_code`` (``GiftProduct.code``); an SMS with a confirmation code
        goes to ``phone``. ``card_id`` only for a card pre-issued in bulk. Inferred (older docs)."""
        body = m.IssueGiftCardRequest(
            cardholder_name=v.text("cardholder_name", cardholder_name),
            phone=v.phone("phone", phone),
            product_code=v.positive_int("product_code", product_code),
        )
        if card_id is not None:
            body.card_id = v.gift_card_id("card_id", card_id)
        return await self._client._fetch("gift_cards.issue", body, None, options, convert.gift_card)

    async def confirm(
        self, otp: str, *, card_id: int | None = None, **options: Unpack[RequestOptions]
    ) -> GiftCardState:
        """Activate a gift card with the one-time code sent by SMS. A wrong code raises
        ``InvalidOTPError``; an active card ``ConflictError``. Documented: the page requires every field
        of the answer (an answer missing one raises ``UnexpectedResponseError``)."""
        body = m.ConfirmGiftCardRequest(otp=v.text("otp", otp))
        if card_id is not None:
            body.card_id = v.gift_card_id("card_id", card_id)
        return await self._client._fetch("gift_cards.confirm", body, None, options, convert.gift_state)

    async def resend(self, card_id: int, **options: Unpack[RequestOptions]) -> GiftResult:
        """Send the gift card to its holder again. Inferred."""
        body = m.GiftCardRequest(card_id=v.gift_card_id("card_id", card_id))
        return await self._client._fetch("gift_cards.resend", body, None, options, convert.gift_result)

    async def resend_code(self, card_id: int, **options: Unpack[RequestOptions]) -> GiftResult:
        """Send the confirmation code again. Inferred."""
        body = m.GiftCardRequest(card_id=v.gift_card_id("card_id", card_id))
        return await self._client._fetch("gift_cards.resend_code", body, None, options, convert.gift_result)

    async def status(self, card_id: int, **options: Unpack[RequestOptions]) -> GiftCardState:
        """A gift card's state, currency, balance and masked number. Inferred."""
        body = m.GiftCardRequest(card_id=v.gift_card_id("card_id", card_id))
        return await self._client._fetch("gift_cards.status", body, None, options, convert.gift_state)
