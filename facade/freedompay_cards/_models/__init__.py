"""Typed results and dictionaries. Results are small frozen attrs classes; secrets are wrapped in ``Secret``.

Every Card API result carries the ``request_id`` that was sent, so a caller can always reconcile later.
Amounts are ``Decimal`` (the API sends JSON numbers; their units are not stated in the docs); times are
``datetime`` (aware where the API gives a zone; gift-card times come without one and stay naive).

Every result keeps the answer's fields it does not map in ``extra``: what a result maps is read from its
own fields (a field's name, or the answer path in its ``answer`` metadata, such as ``card.card_id``), so a
field the spec documents later, or one the API adds, is never dropped: it lands in ``extra`` until a
result maps it. Secret-named fields in ``extra`` arrive wrapped in ``Secret``.

The classes live in one small module per resource and load on first use (PEP 562): a program that
only blocks cards never builds the gift-card classes (each attrs class costs about a millisecond to make).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attribute_loader

if TYPE_CHECKING:  # `name as name`: re-exported for type checkers, which cannot read the __all__ below
    from .._enums import ClientType as ClientType
    from .._enums import GiftCardStatus as GiftCardStatus
    from .._enums import LimitScope as LimitScope
    from .._enums import Product as Product
    from .._enums import RequestStatus as RequestStatus
    from .._enums import Residency as Residency
    from ._base import NOT_IN_ANSWER as NOT_IN_ANSWER
    from ._base import LazyResults as LazyResults
    from ._base import answer_paths as answer_paths
    from ._base import secret_pan as secret_pan
    from ._cards import Account as Account
    from ._cards import Authorization as Authorization
    from ._cards import Balance as Balance
    from ._cards import CardholderValidation as CardholderValidation
    from ._cards import CardInfo as CardInfo
    from ._cards import ExtendedStatement as ExtendedStatement
    from ._cards import SecretCardData as SecretCardData
    from ._cards import StatementOperation as StatementOperation
    from ._clients import Address as Address
    from ._clients import ClientCard as ClientCard
    from ._clients import ClientCards as ClientCards
    from ._gift import GiftCard as GiftCard
    from ._gift import GiftCardState as GiftCardState
    from ._gift import GiftProduct as GiftProduct
    from ._gift import GiftProducts as GiftProducts
    from ._gift import GiftResult as GiftResult
    from ._limits import Limit as Limit
    from ._limits import LimitAmount as LimitAmount
    from ._limits import LimitList as LimitList
    from ._operation import OperationResult as OperationResult
    from ._transactions import TransactionInfo as TransactionInfo
    from ._waited import CreatedClient as CreatedClient
    from ._waited import CreatedTransaction as CreatedTransaction
    from ._waited import IssuedCards as IssuedCards

_MODULE_OF: dict[str, str] = {
    "Account": "._cards",
    "Address": "._clients",
    "Authorization": "._cards",
    "Balance": "._cards",
    "CardInfo": "._cards",
    "CardholderValidation": "._cards",
    "ClientCard": "._clients",
    "ClientCards": "._clients",
    "ExtendedStatement": "._cards",
    "GiftCard": "._gift",
    "GiftCardState": "._gift",
    "GiftProduct": "._gift",
    "GiftProducts": "._gift",
    "GiftResult": "._gift",
    "LazyResults": "._base",
    "Limit": "._limits",
    "LimitAmount": "._limits",
    "LimitList": "._limits",
    "NOT_IN_ANSWER": "._base",
    "OperationResult": "._operation",
    "CreatedClient": "._waited",
    "CreatedTransaction": "._waited",
    "IssuedCards": "._waited",
    "SecretCardData": "._cards",
    "StatementOperation": "._cards",
    "TransactionInfo": "._transactions",
    "answer_paths": "._base",
    "secret_pan": "._base",
    "ClientType": ".._enums",
    "GiftCardStatus": ".._enums",
    "LimitScope": ".._enums",
    "Product": ".._enums",
    "RequestStatus": ".._enums",
    "Residency": ".._enums",
}


__getattr__ = attribute_loader(__name__, _MODULE_OF, globals())


__all__ = sorted(_MODULE_OF)
