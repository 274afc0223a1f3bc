"""freedompay-cards: a Python client for the Freedom Pay Card API.

    import freedompay_cards as fp

    with fp.CardClient(auth_id="123456", secret_key="...", environment="test") as client:
        result = client.cards.block(card_id, reason="lost")
        print(result.request_id, result.request_status)

``AsyncCardClient`` has the same surface for asyncio. Errors are rooted at ``FreedomPayError``.
"""

from typing import TYPE_CHECKING

from ._lazy import attribute_loader
from ._version import __version__

if TYPE_CHECKING:
    from ._async._client import AsyncCardClient
    from ._auth import JWSAuth, SignatureError, sign, verify
    from ._errors import (
        APIConnectionError,
        APIError,
        APITimeoutError,
        AuthenticationError,
        ClientClosedError,
        ConfigurationError,
        ConfigurationTypeError,
        ConflictError,
        FreedomPayError,
        InsufficientFundsError,
        InvalidOTPError,
        InvalidRequestError,
        InvalidRequestTypeError,
        NotFoundError,
        RateLimitError,
        ServerError,
        UnexpectedResponseError,
        ValidationError,
    )
    from ._listing import AsyncListing, Listing
    from ._models import (
        Account,
        Address,
        Authorization,
        Balance,
        CardholderValidation,
        CardInfo,
        ClientCard,
        ClientCards,
        ClientType,
        CreatedClient,
        CreatedTransaction,
        ExtendedStatement,
        GiftCard,
        GiftCardState,
        GiftCardStatus,
        GiftProduct,
        GiftProducts,
        GiftResult,
        IssuedCards,
        Limit,
        LimitAmount,
        LimitList,
        LimitScope,
        OperationResult,
        Product,
        RequestStatus,
        Residency,
        SecretCardData,
        StatementOperation,
        TransactionInfo,
    )
    from ._options import RequestOptions
    from ._raw import RawResponse
    from ._redact import Secret
    from ._retry import RetryPolicy
    from ._sync._client import CardClient

# Public names load on first use (PEP 562): ``import freedompay_cards`` stays cheap, and a program
# using only the sync client never imports the async one.
_MODULE_OF: dict[str, str] = {
    "APIConnectionError": "._errors",
    "APIError": "._errors",
    "APITimeoutError": "._errors",
    "Account": "._models",
    "Address": "._models",
    "AsyncCardClient": "._async._client",
    "AuthenticationError": "._errors",
    "Authorization": "._models",
    "Balance": "._models",
    "CardClient": "._sync._client",
    "CardholderValidation": "._models",
    "CardInfo": "._models",
    "ClientCard": "._models",
    "ClientCards": "._models",
    "ClientType": "._enums",
    "ConfigurationError": "._errors",
    "ConfigurationTypeError": "._errors",
    "ConflictError": "._errors",
    "ExtendedStatement": "._models",
    "FreedomPayError": "._errors",
    "GiftCard": "._models",
    "GiftCardState": "._models",
    "GiftCardStatus": "._enums",
    "GiftProduct": "._models",
    "GiftProducts": "._models",
    "ClientClosedError": "._errors",
    "RequestOptions": "._options",
    "RawResponse": "._raw",
    "AsyncListing": "._listing",
    "Listing": "._listing",
    "GiftResult": "._models",
    "InsufficientFundsError": "._errors",
    "InvalidOTPError": "._errors",
    "InvalidRequestError": "._errors",
    "InvalidRequestTypeError": "._errors",
    "JWSAuth": "._auth",
    "Limit": "._models",
    "LimitAmount": "._models",
    "LimitList": "._models",
    "LimitScope": "._enums",
    "NotFoundError": "._errors",
    "OperationResult": "._models",
    "CreatedClient": "._models",
    "CreatedTransaction": "._models",
    "IssuedCards": "._models",
    "Product": "._enums",
    "RateLimitError": "._errors",
    "RequestStatus": "._enums",
    "Residency": "._enums",
    "RetryPolicy": "._retry",
    "Secret": "._redact",
    "SecretCardData": "._models",
    "ServerError": "._errors",
    "SignatureError": "._auth",
    "StatementOperation": "._models",
    "TransactionInfo": "._models",
    "UnexpectedResponseError": "._errors",
    "ValidationError": "._errors",
    "sign": "._auth",
    "verify": "._auth",
}


__getattr__ = attribute_loader(__name__, _MODULE_OF, globals())


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "Account",
    "Address",
    "AsyncCardClient",
    "AsyncListing",
    "AuthenticationError",
    "Authorization",
    "Balance",
    "CardClient",
    "CardInfo",
    "CardholderValidation",
    "ClientCard",
    "ClientCards",
    "ClientClosedError",
    "ClientType",
    "ConfigurationError",
    "ConfigurationTypeError",
    "ConflictError",
    "CreatedClient",
    "CreatedTransaction",
    "ExtendedStatement",
    "FreedomPayError",
    "GiftCard",
    "GiftCardState",
    "GiftCardStatus",
    "GiftProduct",
    "GiftProducts",
    "GiftResult",
    "InsufficientFundsError",
    "InvalidOTPError",
    "InvalidRequestError",
    "InvalidRequestTypeError",
    "IssuedCards",
    "JWSAuth",
    "Limit",
    "LimitAmount",
    "LimitList",
    "LimitScope",
    "Listing",
    "NotFoundError",
    "OperationResult",
    "Product",
    "RateLimitError",
    "RawResponse",
    "RequestOptions",
    "RequestStatus",
    "Residency",
    "RetryPolicy",
    "Secret",
    "SecretCardData",
    "ServerError",
    "SignatureError",
    "StatementOperation",
    "TransactionInfo",
    "UnexpectedResponseError",
    "ValidationError",
    "__version__",
    "sign",
    "verify",
]
