"""freedompay-cards: a Python client for the Freedom Pay Card API.

    import freedompay_cards as fp

    with fp.CardClient(auth_id="123456", secret_key="...", environment="test") as client:
        result = client.cards.block(card_id, reason="lost")
        print(result.request_id, result.request_status)

``AsyncCardClient`` has the same surface for asyncio. Errors are rooted at ``FreedomPayError``.
"""

from ._async._client import AsyncCardClient
from ._auth import JWSAuth, SignatureError, sign, verify
from ._errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
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
from ._models import (
    Account,
    Address,
    Authorization,
    Balance,
    CardInfo,
    ClientCard,
    ClientType,
    ExtendedStatement,
    GiftCard,
    GiftCardState,
    GiftCardStatus,
    GiftProduct,
    GiftResult,
    OperationResult,
    Product,
    RequestStatus,
    Residency,
    SecretCardData,
    StatementOperation,
    TransactionInfo,
)
from ._redact import Secret
from ._retry import RetryPolicy
from ._sync._client import CardClient

__version__ = "0.1.0"

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "Account",
    "Address",
    "AsyncCardClient",
    "AuthenticationError",
    "Authorization",
    "Balance",
    "CardClient",
    "CardInfo",
    "ClientCard",
    "ClientType",
    "ConflictError",
    "ExtendedStatement",
    "FreedomPayError",
    "GiftCard",
    "GiftCardState",
    "GiftCardStatus",
    "GiftProduct",
    "GiftResult",
    "InsufficientFundsError",
    "InvalidOTPError",
    "InvalidRequestError",
    "InvalidRequestTypeError",
    "JWSAuth",
    "NotFoundError",
    "OperationResult",
    "Product",
    "RateLimitError",
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
