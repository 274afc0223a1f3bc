"""From the generated models (and the raw answer they came from) to the facade's results, shared by the
sync and async clients.

A converter takes ``(parsed, raw, request_id)``: ``parsed`` is the generated model (typed: a field renamed
in the spec is a type error here), ``raw`` the JSON object it was made from, whose fields the result does
not map become the result's ``extra`` (``leftover``).

One small module per resource, loaded on first use (PEP 562), as the result classes they make.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attribute_loader

if TYPE_CHECKING:  # `name as name`: re-exported for type checkers, which cannot read the __all__ below
    from ._base import leftover as leftover
    from ._base import timestamp as timestamp
    from ._cards import account as account
    from ._cards import authorization as authorization
    from ._cards import balance as balance
    from ._cards import card_info as card_info
    from ._cards import cardholder_validation as cardholder_validation
    from ._cards import extended_statement as extended_statement
    from ._cards import secret_data as secret_data
    from ._cards import statement_operation as statement_operation
    from ._cards import statement_operations as statement_operations
    from ._clients import client_cards as client_cards
    from ._gift import gift_card as gift_card
    from ._gift import gift_products as gift_products
    from ._gift import gift_result as gift_result
    from ._gift import gift_state as gift_state
    from ._limits import limit_list as limit_list
    from ._operation import operation_result as operation_result
    from ._transactions import transaction_info as transaction_info

_MODULE_OF: dict[str, str] = {
    "account": "._cards",
    "authorization": "._cards",
    "balance": "._cards",
    "card_info": "._cards",
    "cardholder_validation": "._cards",
    "client_cards": "._clients",
    "extended_statement": "._cards",
    "gift_card": "._gift",
    "gift_products": "._gift",
    "gift_result": "._gift",
    "gift_state": "._gift",
    "leftover": "._base",
    "limit_list": "._limits",
    "operation_result": "._operation",
    "secret_data": "._cards",
    "statement_operation": "._cards",
    "statement_operations": "._cards",
    "timestamp": "._base",
    "transaction_info": "._transactions",
}


__getattr__ = attribute_loader(__name__, _MODULE_OF, globals())


__all__ = sorted(_MODULE_OF)
