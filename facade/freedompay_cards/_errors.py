"""The errors this library raises. Catch what you need from this tree:

    FreedomPayError                     any failure of this library
    ├── APIError                        the API answered, and the answer is a refusal or a failure
    │   ├── AuthenticationError         signature or credentials rejected (HTTP 401/403)
    │   ├── ValidationError             the API rejected the request's content
    │   ├── NotFoundError               unknown card, client, transaction or request (HTTP 404)
    │   ├── ConflictError               duplicate request_id, card already active/closed (HTTP 409)
    │   ├── InsufficientFundsError      not enough money (gift status -6)
    │   ├── InvalidOTPError             wrong one-time code (gift status -8)
    │   ├── RateLimitError              too many requests (HTTP 429)
    │   └── ServerError                 the API failed (HTTP 5xx)
    ├── APIConnectionError              no usable answer: the request may or may not have been applied
    │   └── APITimeoutError             ... because time ran out (also: ``requests.wait`` gave up)
    ├── UnexpectedResponseError         an answer that is not the documented JSON
    ├── ClientClosedError               the client was closed; nothing was sent (also a RuntimeError)
    ├── InvalidRequestError             bad input, raised before anything is sent (also a ValueError)
    │   └── InvalidRequestTypeError     ... of the wrong type (also a TypeError)
    └── ConfigurationError              a client built with bad settings (also a ValueError)
        └── ConfigurationTypeError      ... of the wrong type (also a TypeError)

Every error raised for a call carries the ``request_id`` that was sent (``None`` for operations that
have none, such as gift cards), and ``str(err)`` names the operation, the code and the request_id.
``.body`` is the raw answer with secrets redacted; messages are scrubbed too (``_redact``'s rules).
Every error survives ``copy.copy``, ``copy.deepcopy`` and ``pickle`` with its attributes (a worker
process or a task queue can carry it).

The tables below decide which class an answer maps to. The Card API publishes no error-code list:
``CARD_API_CODES`` holds the codes the embedded sandbox uses (marked as ours) so that tests and the
sandbox speak the same language; an unknown code from the real API becomes a plain ``APIError``.
"""

from __future__ import annotations

from typing import Any

from ._redact import redact, scrub_text


class FreedomPayError(Exception):
    """Base class of every error raised by freedompay_cards.

    ``attempts`` is how many times the request was sent; ``outcome_unknown`` is true when it may have
    been applied although no usable answer came back (ask ``client.requests.status(err.request_id)``).
    """

    attempts: int = 1
    outcome_unknown: bool = False

    def __init__(self, message: str, *, operation: str | None = None, request_id: str | None = None) -> None:
        message = scrub_text(message)  # an answer's text may echo card data: never shown as it came
        super().__init__(message)
        self.message = message
        self.operation = operation
        self.request_id = request_id

    def __reduce__(self) -> Any:
        # Exception's own reduce calls ``cls(*args)``, which keyword-only or two-argument constructors
        # refuse: rebuild without __init__ and restore every attribute instead.
        return _restore, (type(self), self.args, self.__dict__)

    def _details(self) -> list[str]:
        """What ``str()`` adds after the message, in order."""
        details = [f"operation={self.operation}"] if self.operation else []
        details += [f"attempts={self.attempts}"] if self.attempts > 1 else []
        details += ["outcome unknown"] if self.outcome_unknown else []
        return details + ([f"request_id={self.request_id}"] if self.request_id else [])

    def __str__(self) -> str:
        details = self._details()
        return f"{self.message} ({', '.join(details)})" if details else self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


def _restore(cls: type[FreedomPayError], args: tuple[Any, ...], state: dict[str, Any]) -> FreedomPayError:
    """An error rebuilt by ``pickle`` or ``copy``: made without ``__init__``, its attributes restored."""
    err = cls.__new__(cls, *args)
    err.args = args
    err.__dict__.update(state)
    return err


class APIError(FreedomPayError):
    """The API answered with an error (``status: error``, ``request_status: error``, a negative gift
    status, or an HTTP error status). ``retry_after`` is the wait (seconds) the API asked for, if any."""

    retry_after: float | None = None

    def __init__(
        self,
        message: str,
        *,
        operation: str | None = None,
        request_id: str | None = None,
        code: str | int | None = None,
        http_status: int | None = None,
        body: object = None,
    ) -> None:
        super().__init__(message, operation=operation, request_id=request_id)
        self.code = code
        self.http_status = http_status
        self.body = redact(body)

    def _details(self) -> list[str]:
        details = super()._details()
        extra = [f"code={self.code}"] if self.code is not None else []
        extra += [f"http_status={self.http_status}"] if self.http_status not in (None, 200) else []
        return details[:1] + extra + details[1:] if self.operation else extra + details


class AuthenticationError(APIError):
    """The signature or the credentials were rejected."""


class ValidationError(APIError):
    """The API rejected the content of the request."""


class NotFoundError(APIError):
    """The card, client, transaction or request is unknown to the API."""


class ConflictError(APIError):
    """The request conflicts with the state at the API: a duplicate ``request_id``, a card already
    activated, blocked or closed."""


class InsufficientFundsError(APIError):
    """Not enough money for the operation."""


class InvalidOTPError(APIError):
    """The one-time code is wrong."""


class RateLimitError(APIError):
    """Too many requests; ``retry_after`` is the wait the API asked for, in seconds, when it said one."""


class ServerError(APIError):
    """The API failed to handle the request."""


class APIConnectionError(FreedomPayError):
    """No usable answer came back. ``outcome_unknown`` tells whether the request may have been applied:
    then ask ``client.requests.status(err.request_id)`` before doing anything else."""

    def __init__(
        self,
        message: str,
        *,
        operation: str | None = None,
        request_id: str | None = None,
        attempts: int = 1,
        outcome_unknown: bool = True,
    ) -> None:
        super().__init__(message, operation=operation, request_id=request_id)
        self.attempts = attempts
        self.outcome_unknown = outcome_unknown

    def _details(self) -> list[str]:
        details = [f"operation={self.operation}"] if self.operation else []
        details += [f"attempts={self.attempts}", "outcome unknown" if self.outcome_unknown else "not applied"]
        return details + ([f"request_id={self.request_id}"] if self.request_id else [])


class APITimeoutError(APIConnectionError):
    """Time ran out before a usable answer (or before ``requests.wait`` saw a final status)."""


class UnexpectedResponseError(FreedomPayError):
    """An answer that is not the documented JSON: not JSON at all, or missing what the spec requires."""

    def __init__(
        self,
        message: str,
        *,
        operation: str | None = None,
        request_id: str | None = None,
        http_status: int | None = None,
        body: object = None,
    ) -> None:
        super().__init__(message, operation=operation, request_id=request_id)
        self.http_status = http_status
        self.body = redact(body)


class ClientClosedError(FreedomPayError, RuntimeError):
    """The client was closed (``close()``/``aclose()``, or its ``with`` block ended): make a new one."""

    def __init__(
        self,
        message: str = "the client is closed; nothing was sent (make a new client, or keep it open while in use)",
        *,
        operation: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, operation=operation, request_id=request_id)


class InvalidRequestError(FreedomPayError, ValueError):
    """Bad input, found before anything was sent. ``field`` names the offending argument."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field


class InvalidRequestTypeError(InvalidRequestError, TypeError):
    """Bad input of the wrong type, found before anything was sent."""


class ConfigurationError(FreedomPayError, ValueError):
    """A client built with bad settings, found at construction before any I/O. ``argument`` names the
    argument (``auth_id``, ``base_url``...) or the environment variable the value came from
    (``FREEDOMPAY_ENVIRONMENT``...). The message never holds the secret key."""

    def __init__(self, argument: str, problem: str) -> None:
        super().__init__(f"{argument}: {problem}")
        self.argument = argument


class ConfigurationTypeError(ConfigurationError, TypeError):
    """A setting of the wrong type (``auth_id=123456`` instead of ``"123456"``)."""


# ------------------------------------------------------------------------------------------- tables

# HTTP status -> class, for answers that are not HTTP 200 (none is documented; all are possible).
HTTP_STATUS_ERRORS: dict[int, type[APIError]] = {
    400: ValidationError,
    401: AuthenticationError,
    403: AuthenticationError,
    404: NotFoundError,
    408: ServerError,
    409: ConflictError,
    422: ValidationError,
    429: RateLimitError,
    500: ServerError,
    502: ServerError,
    503: ServerError,
    504: ServerError,
}

# Card API ``error_code`` -> class. Not published by Freedom Pay: these are the embedded sandbox's codes.
CARD_API_CODES: dict[str, type[APIError]] = {
    "INVALID_SIGNATURE": AuthenticationError,
    "UNKNOWN_AUTH_ID": AuthenticationError,
    "VALIDATION_ERROR": ValidationError,
    "CARD_NOT_FOUND": NotFoundError,
    "CLIENT_NOT_FOUND": NotFoundError,
    "ACCOUNT_NOT_FOUND": NotFoundError,
    "TRANSACTION_NOT_FOUND": NotFoundError,
    "REQUEST_NOT_FOUND": NotFoundError,
    "DUPLICATE_REQUEST_ID": ConflictError,
    "INVALID_CARD_STATE": ConflictError,
    "CARD_CLOSED": ConflictError,
    "AMOUNT_EXCEEDS_AVAILABLE": ValidationError,
    "INSUFFICIENT_FUNDS": InsufficientFundsError,
    "LIMIT_EXCEEDED": InsufficientFundsError,  # spending over a limit set with limits.set
    "RATE_LIMITED": RateLimitError,
    "INTERNAL_ERROR": ServerError,
}
# Codes meaning "this request_id was seen before" (the docs say such a request is rejected, not processed).
DUPLICATE_REQUEST_CODES = frozenset({"DUPLICATE_REQUEST_ID"})
# Codes meaning "Request status does not know this request_id".
UNKNOWN_REQUEST_CODES = frozenset({"REQUEST_NOT_FOUND"})

# Gift Cards ``status`` -> (class, meaning). Documented.
GIFT_STATUS_ERRORS: dict[int, tuple[type[APIError], str]] = {
    -1: (APIError, "general error"),
    -2: (ValidationError, "cardholder name missing or wrong"),
    -3: (ValidationError, "phone missing or invalid"),
    -4: (NotFoundError, "product code not found"),
    -5: (ServerError, "the bank could not issue the card"),
    -6: (InsufficientFundsError, "not enough funds on the partner account to issue"),
    -7: (NotFoundError, "card id invalid or not found"),
    -8: (InvalidOTPError, "wrong OTP"),
    -9: (ServerError, "the bank could not activate the card"),
    -10: (ConflictError, "card already activated"),
    -11: (AuthenticationError, "access to the product or card denied"),
}


def card_api_error(body: Any, *, operation: str, request_id: str | None, http_status: int | None = 200) -> APIError:
    """The error for a Card API envelope that says ``status: error`` or ``request_status: error``."""
    if not isinstance(body, dict):
        body = {"status": "error", "raw": body}
    code = body.get("error_code")
    description = body.get("error_description")
    cls = CARD_API_CODES.get(code, APIError) if isinstance(code, str) else APIError
    if cls is APIError and http_status in HTTP_STATUS_ERRORS:
        cls = HTTP_STATUS_ERRORS[http_status]
    message = str(description) if description else f"the API answered status={body.get('status')!r}"
    return cls(message, operation=operation, request_id=request_id, code=code, http_status=http_status, body=body)


def gift_error(body: Any, *, operation: str, http_status: int | None = 200) -> APIError:
    """The error for a Gift Cards answer with a non-zero ``status``."""
    status = body.get("status") if isinstance(body, dict) else None
    cls, meaning = GIFT_STATUS_ERRORS.get(status, (APIError, "unknown gift status")) if type(status) is int else (
        APIError, "unknown gift status",
    )  # fmt: skip
    return cls(meaning, operation=operation, code=status, http_status=http_status, body=body)


def http_error(
    status_code: int, body: Any, *, operation: str, request_id: str | None, retry_after: float | None = None
) -> APIError:
    """The error for an HTTP status other than 200."""
    cls = HTTP_STATUS_ERRORS.get(status_code, ServerError if status_code >= 500 else APIError)
    code = body.get("error_code") if isinstance(body, dict) else None
    message = (body.get("error_description") if isinstance(body, dict) else None) or f"HTTP {status_code}"
    err = cls(str(message), operation=operation, request_id=request_id, code=code, http_status=status_code, body=body)
    err.retry_after = retry_after
    return err


def is_duplicate_request(err: APIError, *, by_text: bool = False) -> bool:
    """Does this error say the request_id was already used? The docs do not show that error's shape: with
    ``by_text``, a message speaking of a duplicate request counts too (only used where being wrong costs
    nothing more than one Request status query)."""
    if isinstance(err.code, str) and err.code in DUPLICATE_REQUEST_CODES:
        return True
    if isinstance(err.code, str) and err.code in CARD_API_CODES:
        return False  # a known code says what the error is; its text does not override it
    text = err.message.lower()
    return by_text and "duplicate" in text and "request" in text


def is_unknown_request(err: APIError) -> bool:
    """Does this error (from Request status) say the request_id is unknown?"""
    return isinstance(err.code, str) and err.code in UNKNOWN_REQUEST_CODES
