"""``client.limits``: spending limits on a card, an account or a client, and the list of those in force.

Hand-written async original; ``_sync/limits.py`` is generated from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Unpack

from .. import _validate as v
from .._errors import InvalidRequestError, InvalidRequestTypeError
from .._lazy import LazyModule
from .._options import RequestOptions

if TYPE_CHECKING:
    from freedompay_card_api import models as m

    from .. import _convert as convert
    from .. import _models as results
    from .._enums import LimitScope
    from .._models import Limit, LimitList, OperationResult
    from ._client import AsyncCardClient
else:
    m = LazyModule("freedompay_card_api.models")
    convert = LazyModule("freedompay_cards._convert")
    results = LazyModule("freedompay_cards._models")


class AsyncLimits:
    """Spending limits. A limit applies to a card, an account or a client (``scope``, a ``LimitScope``
    or its value, with that object's id as ``target_id``) and bounds one kind of transaction, optionally
    per period and region (``Limit``, with its ``LimitAmount``s). Partial: the pages show the requests,
    not the answers."""

    def __init__(self, client: AsyncCardClient) -> None:
        self._client = client

    async def set(
        self,
        scope: LimitScope | str,
        target_id: str,
        limits: Sequence[Limit],
        *,
        request_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Set ``limits`` on the card, account or client ``target_id``:

            client.limits.set(fp.LimitScope.CARD, card_id, [
                fp.Limit("withdrawal_atm", [fp.LimitAmount(Decimal("5000"), "USD")], period="month"),
            ])

        Every limit and amount is checked before anything is sent. Returns the operation's state.
        Partial: the page's answer is cut off; it is assumed to be the common envelope.
        """
        rid = self._client._request_id(request_id)
        body = m.SetLimitsRequest(
            request_id=v.request_uuid(rid), object_=_target(scope, target_id), limits=_rules(limits)
        )
        return await self._client._operation("limits.set", body, rid, options)

    async def list(
        self,
        scope: LimitScope | str,
        target_id: str,
        *,
        request_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> LimitList:
        """The limits in force on the card, account or client ``target_id``, as a ``LimitList`` (a sequence
        of ``Limit``). Partial: the page does not show the answer. It is read as the envelope and
        ``limits`` shaped like Set limits' (a guess); what else arrives is kept in ``extra``, and an answer
        of another shape raises ``UnexpectedResponseError`` (``with_raw_response`` shows it)."""
        rid = self._client._request_id(request_id)
        body = m.ListLimitsRequest(request_id=v.request_uuid(rid), object_=_target(scope, target_id))
        return await self._client._fetch("limits.list", body, rid, options, convert.limit_list)


def _target(scope: LimitScope | str, target_id: str) -> m.LimitObject:
    return m.LimitObject(type_=v.enum_member("scope", scope, m.LimitObjectType), value=v.text("target_id", target_id))


def _rules(limits: Sequence[Limit]) -> list[m.LimitRule]:
    if isinstance(limits, results.Limit) or not isinstance(limits, Sequence) or isinstance(limits, str):
        raise InvalidRequestTypeError("limits", f"expected a sequence of Limit, got {type(limits).__name__}")
    if not limits:
        raise InvalidRequestError("limits", "give at least one Limit")
    return [_rule(f"limits[{i}]", limit) for i, limit in enumerate(limits)]


def _rule(field: str, limit: object) -> m.LimitRule:
    if not isinstance(limit, results.Limit):
        raise InvalidRequestTypeError(field, f"expected Limit, got {type(limit).__name__}")
    rule = m.LimitRule(transaction_type=v.text(f"{field}.transaction_type", limit.transaction_type))
    if limit.period is not None:
        rule.period = v.text(f"{field}.period", limit.period)
    if limit.region is not None:
        rule.region = v.text(f"{field}.region", limit.region)
    if not isinstance(limit.amounts, tuple):
        raise InvalidRequestTypeError(f"{field}.amounts", f"expected LimitAmounts, got {type(limit.amounts).__name__}")
    if limit.amounts:
        rule.amount = [_amount(f"{field}.amounts[{i}]", a) for i, a in enumerate(limit.amounts)]
    return rule


def _amount(field: str, amount: object) -> m.LimitAmount:
    if not isinstance(amount, results.LimitAmount):
        raise InvalidRequestTypeError(field, f"expected LimitAmount, got {type(amount).__name__}")
    return m.LimitAmount(
        type_=v.text(f"{field}.kind", amount.kind),
        value=v.limit_amount_text(f"{field}.value", amount.value),
        currency=v.currency(f"{field}.currency", amount.currency),
    )
