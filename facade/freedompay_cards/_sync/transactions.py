# Generated from facade/freedompay_cards/_async/transactions.py by scripts/generate.py (`make generate`).
# Do not edit: change the async original and regenerate.
"""``client.transactions``: create, clear (capture), refund, read.

Hand-written async original; ``_sync/transactions.py`` is generated from it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Literal, Unpack, overload

from .. import _validate as v
from .._errors import InvalidRequestError
from .._lazy import LazyModule
from .._options import RequestOptions

if TYPE_CHECKING:
    from freedompay_card_api import models as m

    from .. import _convert as convert
    from .._models import CreatedTransaction, OperationResult, TransactionInfo
    from ._client import CardClient
else:
    m = LazyModule("freedompay_card_api.models")
    convert = LazyModule("freedompay_cards._convert")

AmountLike = Decimal | int | str


class Transactions:
    """Money movement on payment cards. Amounts are ``Decimal``, ``int`` or decimal strings (never
    floats); whether the API means major or minor currency units is not stated in the docs."""

    def __init__(self, client: CardClient) -> None:
        self._client = client

    @overload
    def create(
        self,
        card_id: str,
        amount: AmountLike,
        currency: str,
        *,
        order_id: str,
        description: str | None = None,
        request_id: str | None = None,
        wait: Literal[True],
        wait_timeout: float = 60.0,
        **options: Unpack[RequestOptions],
    ) -> CreatedTransaction: ...
    @overload
    def create(
        self,
        card_id: str,
        amount: AmountLike,
        currency: str,
        *,
        order_id: str,
        description: str | None = None,
        request_id: str | None = None,
        wait: bool = False,
        wait_timeout: float = 60.0,
        **options: Unpack[RequestOptions],
    ) -> OperationResult: ...

    def create(
        self,
        card_id: str,
        amount: AmountLike,
        currency: str,
        *,
        order_id: str,
        description: str | None = None,
        request_id: str | None = None,
        wait: bool = False,
        wait_timeout: float = 60.0,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Authorise ``amount`` on a card for the partner's ``order_id``. With ``wait=True``, waits for
        the ``transaction_id`` and returns a ``CreatedTransaction``, where it is always there. Inferred,
        and deprecated: the page documenting this method is now titled deprecated. What replaces it is a
        newer "Create" page in the docs' Transactions group, whose body is not available yet: its path and
        fields are unknown, so it is not modelled, and this method keeps working as it was until it is."""
        rid = self._client._request_id(request_id)
        body = m.CreateTransactionRequest(
            request_id=v.request_uuid(rid),
            order_id=v.identifier("order_id", order_id),
            card_id=v.identifier("card_id", card_id),
            amount=v.amount("amount", amount),
            currency=v.currency("currency", currency),
        )
        if description is not None:
            body.description = v.text("description", description)
        return self._client._operation("transactions.create", body, rid, options, wait=wait, wait_timeout=wait_timeout)

    def clear(
        self,
        transaction_id: str,
        *,
        order_id: str,
        amount: AmountLike | None = None,
        request_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Capture an authorised transaction: all of it, or ``amount`` of it. Inferred: the page is listed
        but its body was not seen; path and fields are guesses."""
        rid = self._client._request_id(request_id)
        body = m.ClearTransactionRequest(
            request_id=v.request_uuid(rid),
            order_id=v.identifier("order_id", order_id),
            transaction_id=v.identifier("transaction_id", transaction_id),
        )
        if amount is not None:
            body.amount = v.amount("amount", amount)
        return self._client._operation("transactions.clear", body, rid, options)

    def refund(
        self,
        transaction_id: str,
        *,
        order_id: str,
        amount: AmountLike | None = None,
        description: str | None = None,
        request_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Refund a transaction: all of it, or ``amount`` of it. Documented, on a page marked Developing
        (that no ``amount`` means the whole transaction is our reading)."""
        rid = self._client._request_id(request_id)
        body = m.RefundTransactionRequest(
            request_id=v.request_uuid(rid),
            order_id=v.identifier("order_id", order_id),
            transaction_id=v.identifier("transaction_id", transaction_id),
        )
        if amount is not None:
            body.amount = v.amount("amount", amount)
        if description is not None:
            body.description = v.text("description", description)
        return self._client._operation("transactions.refund", body, rid, options)

    def info(
        self,
        *,
        transaction_id: str | None = None,
        order_id: str | None = None,
        request_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> TransactionInfo:
        """A transaction, by ``transaction_id`` and/or ``order_id``. Partial: only an example answer is
        shown (the transaction's ``status`` and error fields, and ``additional`` key/value pairs), and
        ``order_id`` as a way to name it is a guess; ``details`` holds everything the API sent."""
        if transaction_id is None and order_id is None:
            raise InvalidRequestError("transaction_id", "give transaction_id or order_id")
        rid = self._client._request_id(request_id)
        body = m.TransactionInfoRequest(request_id=v.request_uuid(rid))
        if transaction_id is not None:
            body.transaction_id = v.identifier("transaction_id", transaction_id)
        if order_id is not None:
            body.order_id = v.identifier("order_id", order_id)
        return self._client._fetch("transactions.info", body, rid, options, convert.transaction_info)

    def request_status(self, request_id: str, **options: Unpack[RequestOptions]) -> OperationResult:
        """Transaction request status: the outcome of a transaction request, with ``transaction_id`` and
        ``fin_document_id``. The same call as ``client.requests.status``. Documented."""
        return self._client.requests.status(request_id, **options)
