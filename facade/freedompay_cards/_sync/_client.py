# Generated from facade/freedompay_cards/_async/_client.py by scripts/generate.py (`make generate`).
# Do not edit: change the async original and regenerate.
"""CardClient: configuration, the HTTP client, and the one way every operation is sent.

This module is the hand-written original; ``_sync/_client.py`` is generated from it (``make generate``).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

import httpx

from .._auth import JWSAuth
from .._config import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, ClientConfig, settings_from_env
from .._core import (
    OPERATIONS,
    Operation,
    build_request,
    is_retryable_api_error,
    monotonic,
    read_answer,
    surely_not_processed,
    sync_sleep,
)
from .._errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    FreedomPayError,
    UnexpectedResponseError,
    card_api_error,
    is_duplicate_request,
    is_unknown_request,
)
from .._lazy import LazyModule
from .._retry import RetryPolicy
from .._validate import request_id as _valid_request_id
from .._validate import seconds as _valid_seconds
from .cards import Cards
from .clients import Clients
from .gift_cards import GiftCards
from .requests import Requests
from .transactions import Transactions

if TYPE_CHECKING:
    from .. import _convert as convert
    from .._models import OperationResult
else:
    convert = LazyModule("freedompay_cards._convert")

T = TypeVar("T")
logger = logging.getLogger("freedompay_cards")

# Transport errors after which the request surely never reached the server.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class Answer:
    """A parsed answer and the request_id it belongs to."""

    __slots__ = ("parsed", "reconciled", "request_id")

    def __init__(self, parsed: Any, request_id: str | None, reconciled: bool = False) -> None:
        self.parsed = parsed
        self.request_id = request_id
        self.reconciled = reconciled


class CardClient:
    """Client of the Freedom Pay Card API, for asyncio code. Use as ``with``; see ``CardClient`` for
    the synchronous twin with the same surface.

    ``auth_id`` and ``secret_key`` are the partner credentials Freedom Pay issues. ``environment`` is
    ``"test"`` (default) or ``"production"``; ``base_url`` replaces it (plain ``http://`` only to a
    loopback host unless ``allow_insecure_http=True``). ``http_client`` is an ``httpx.Client`` you
    configured (proxies, transport, limits); the facade uses it without changing it: each request carries
    its absolute URL, its signature and, when ``timeout`` is given, its timeout. ``timeout`` (seconds,
    default 30 for a client the facade makes) applies per request. ``max_retries`` (default 2)
    is the number of extra attempts after a failure worth retrying (``retry_policy`` also sets the backoff;
    an explicit ``max_retries`` wins over its count); see ``_retry.py``.
    ``request_id_factory`` makes request ids (default ``uuid.uuid4``). ``pin_encryptor`` turns a plain
    PIN into the encrypted form Set PIN takes (the scheme is Freedom Processing's; see ``cards.set_pin``).
    """

    def __init__(
        self,
        auth_id: str,
        secret_key: str,
        *,
        environment: str | None = None,
        base_url: str | None = None,
        http_client: httpx.Client | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        request_id_factory: Callable[[], uuid.UUID | str] | None = None,
        allow_insecure_http: bool = False,
        retry_policy: RetryPolicy | None = None,
        pin_encryptor: Callable[[str], str] | None = None,
    ) -> None:
        self._config = ClientConfig.build(
            auth_id=auth_id,
            secret_key=secret_key,
            environment=environment,
            base_url=base_url,
            timeout=timeout if timeout is not None or http_client is not None else DEFAULT_TIMEOUT,
            max_retries=(retry_policy.max_retries if retry_policy else DEFAULT_MAX_RETRIES)
            if max_retries is None
            else max_retries,
            request_id_factory=request_id_factory,
            allow_insecure_http=allow_insecure_http,
        )
        if http_client is not None and not isinstance(http_client, httpx.Client):
            raise TypeError("http_client must be an httpx.Client")
        if http_client is not None and http_client.params:
            raise ValueError("http_client has default query params: the signed requests must carry none")
        self._owns_http = http_client is None
        # A client passed in is used as it is (transport, proxies, limits) but never reconfigured: requests
        # carry an absolute URL, their own timeout and this client's signer, so one httpx client can serve
        # several CardClients (several partners) without mixing them up.
        self._http = http_client if http_client is not None else httpx.Client()
        self._auth = JWSAuth(self._config.auth_id, self._config.secret_key)
        policy = retry_policy or RetryPolicy()
        # max_retries= wins over the policy's own count when both are given
        self._policy = RetryPolicy(self._config.max_retries, policy.base, policy.cap, policy.retry_after_cap)
        self.cards = Cards(self, pin_encryptor)
        self.clients = Clients(self)
        self.transactions = Transactions(self)
        self.requests = Requests(self)
        self.gift_cards = GiftCards(self)

    @classmethod
    def from_env(cls, **overrides: Any) -> Self:
        """A client from FREEDOMPAY_AUTH_ID, FREEDOMPAY_SECRET_KEY and FREEDOMPAY_ENVIRONMENT or
        FREEDOMPAY_BASE_URL; keyword arguments override or add to them (``base_url=`` replaces the
        environment's FREEDOMPAY_ENVIRONMENT, and ``environment=`` its FREEDOMPAY_BASE_URL)."""
        settings = settings_from_env()
        for given, replaced in (("base_url", "environment"), ("environment", "base_url")):
            if overrides.get(given) is not None:
                settings.pop(replaced, None)
        return cls(**{**settings, **overrides})

    def __repr__(self) -> str:
        return f"{type(self).__name__}(auth_id={self._config.auth_id!r}, base_url={self._config.base_url!r})"

    @property
    def base_url(self) -> str:
        return self._config.base_url

    def close(self) -> None:
        """Close the HTTP client, if the facade made it (a client you passed in stays yours to close)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # ------------------------------------------------------------------------------ sending

    def _operation(
        self,
        name: str,
        body: Any,
        request_id: str | None,
        max_retries: int | None,
        *,
        wait: bool = False,
        wait_timeout: float = 60.0,
    ) -> OperationResult:
        """An operation answered by the bare envelope; with ``wait``, polled until it is final.

        Once the operation has been accepted, a failure while waiting never reads as "not applied": it
        names this operation and is marked ``outcome_unknown`` (ask ``requests.status`` later).
        """
        if wait:
            _valid_seconds("wait_timeout", wait_timeout)
        answer = self._call(name, body, request_id, max_retries)
        result = convert.operation_result(answer.parsed, answer.request_id, reconciled=answer.reconciled)
        rid = answer.request_id
        if not wait or rid is None or (result.succeeded and answer.reconciled):
            return result  # a reconciled answer came from Request status: it already has the created ids
        try:  # the created ids are reported by Request status, not by the operation itself
            return self.requests._wait(rid, timeout=wait_timeout, operation=name, max_retries=max_retries)
        except FreedomPayError as err:
            if err.operation != name:  # not the operation's own failure: a failure to learn its outcome
                err.operation = name
                err.outcome_unknown = True
                err.message = f"{err.message} (the operation was accepted; its outcome could not be read)"
            raise

    def _fetch(
        self,
        name: str,
        body: Any,
        request_id: str | None,
        max_retries: int | None,
        to_result: Callable[[Any, str | None], T],
    ) -> T:
        """An operation whose answer becomes a typed result; a result that cannot be built is an
        ``UnexpectedResponseError`` naming the operation and the request_id."""
        answer = self._call(name, body, request_id, max_retries)
        try:
            return to_result(answer.parsed, answer.request_id)
        except UnexpectedResponseError as err:
            err.operation = err.operation or name
            err.request_id = err.request_id or answer.request_id
            raise
        except (ValueError, TypeError, KeyError, AttributeError, ArithmeticError) as exc:
            raise UnexpectedResponseError(
                f"the answer is not the documented JSON ({type(exc).__name__})",
                operation=name, request_id=answer.request_id, http_status=200,
            ) from None  # fmt: skip

    def _request_id(self, value: object) -> str:
        return _valid_request_id(value, self._config.request_id_factory)

    def _retries(self, max_retries: int | None) -> int:
        if max_retries is None:
            return self._policy.max_retries
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError("max_retries must be an int >= 0")
        return max_retries

    def _call(self, name: str, body: Any, request_id: str | None, max_retries: int | None = None) -> Answer:
        """Send one operation, retrying what is safe to retry, and never applying it twice.

        An attempt whose outcome is ambiguous (the request may have reached the API but no usable answer
        came back) makes every later re-send of a mutating operation ask Request status first: if the API
        knows the request_id, its outcome is the answer and nothing more is sent. A re-send answered
        "duplicate request_id" proves an earlier attempt arrived, and is reconciled the same way.
        """
        op = OPERATIONS[name]
        retries = self._retries(max_retries)
        request = self._build(op, body)
        attempts = 0
        maybe_applied = False  # an attempt of this call may have been applied
        renewed = False  # a read's request_id was already renewed once
        answered = False  # an earlier attempt was answered with an HTTP error status
        while True:
            attempts += 1
            retry_after: float | None = None
            try:
                return Answer(self._attempt(op, request, request_id, attempts), request_id)
            except APIError as err:
                if attempts > 1 and op.has_request_id and is_duplicate_request(err, by_text=op.mutating):
                    if op.mutating and maybe_applied:
                        # an earlier attempt may have been applied, and the duplicate proves it arrived
                        return self._proven_outcome(op, request_id, attempts, err)
                    if not op.mutating and op.request_id_is_key and not renewed:
                        # a read re-sent under an id already used: ask once more under a new id (once only)
                        renewed = True
                        request_id = self._request_id(None)
                        body.request_id = uuid.UUID(request_id)
                        request = self._build(op, body)
                        continue
                    # no attempt of this call can have been applied: the id was used before it, unless a
                    # server that answered an earlier attempt (429, 503 with Retry-After) lied about it
                    err.outcome_unknown = answered
                if not is_retryable_api_error(err):
                    err.attempts = attempts
                    # a refusal of a re-send says nothing of an earlier attempt that may have been applied
                    err.outcome_unknown = err.outcome_unknown or (maybe_applied and op.mutating)
                    raise
                ambiguous = not surely_not_processed(err)
                answered = True
                retry_after = err.retry_after
                failure: FreedomPayError = err
            except UnexpectedResponseError as err:
                ambiguous, failure = True, err
            except httpx.TransportError as exc:
                ambiguous = not isinstance(exc, _NOT_SENT)
                failure = self._connection_error(op, request_id, exc)
            maybe_applied = maybe_applied or ambiguous
            blind_resend = maybe_applied and op.mutating and not op.has_request_id
            if attempts > retries or blind_resend:
                failure.attempts = attempts
                failure.outcome_unknown = maybe_applied and op.mutating
                raise failure
            delay = self._policy.delay(attempts, retry_after)
            logger.debug("%s request_id=%s retry in %.2fs after %s", op.name, request_id, delay, type(failure).__name__)
            sync_sleep(delay)
            if maybe_applied and op.mutating and op.has_request_id:
                known = self._outcome(op, request_id, attempts)
                if known is not None:
                    return known

    def _build(self, op: Operation, body: Any) -> httpx.Request:
        return build_request(self._http, op, body, self._config.base_url, self._config.timeout)

    def _attempt(self, op: Operation, request: httpx.Request, request_id: str | None, attempt: int) -> Any:
        started = monotonic()
        try:
            response = self._http.send(request, auth=self._auth)
        except httpx.DecodingError as exc:  # the body arrived but cannot be decoded: as ambiguous as garbage
            raise UnexpectedResponseError(
                f"the answer could not be decoded ({type(exc).__name__})", operation=op.name, request_id=request_id
            ) from None
        except httpx.TransportError as exc:
            elapsed = (monotonic() - started) * 1000
            logger.debug(
                "%s request_id=%s attempt=%d error=%s elapsed_ms=%.1f",
                op.name, request_id, attempt, type(exc).__name__, elapsed,
            )  # fmt: skip
            raise
        elapsed = (monotonic() - started) * 1000
        logger.debug(
            "%s request_id=%s attempt=%d http_status=%d elapsed_ms=%.1f",
            op.name, request_id, attempt, response.status_code, elapsed,
        )  # fmt: skip
        return read_answer(op, response, request_id)

    def _outcome(self, op: Operation, request_id: str | None, attempts: int) -> Answer | None:
        """The outcome Request status reports for ``request_id``, or None if the API does not know the id
        (or could not be asked). Raises the mapped error if the request ended in ``error``."""
        from freedompay_card_api.models.request_status_request import RequestStatusRequest

        status_op = OPERATIONS["requests.status"]
        status_request = self._build(status_op, RequestStatusRequest(request_id=uuid.UUID(request_id)))
        try:
            parsed = self._attempt(status_op, status_request, request_id, attempts)
        except (FreedomPayError, httpx.TransportError) as exc:
            unknown = isinstance(exc, APIError) and is_unknown_request(exc)
            logger.debug("%s request_id=%s status: %s", op.name, request_id, "unknown" if unknown else repr(exc))
            return None
        if parsed.request_status == "error":
            failed = card_api_error(parsed.to_dict(), operation=op.name, request_id=request_id)
            failed.attempts = attempts
            raise failed
        if parsed.request_status not in ("success", "process"):  # a state the docs do not list: not known
            logger.debug("%s request_id=%s status: %r", op.name, request_id, parsed.request_status)
            return None
        logger.debug("%s request_id=%s reconciled: %s", op.name, request_id, parsed.request_status)
        return Answer(parsed, request_id, reconciled=True)

    def _proven_outcome(self, op: Operation, request_id: str | None, attempts: int, cause: APIError) -> Answer:
        """The outcome of a request the API has proven it received (it called a re-send a duplicate)."""
        known = self._outcome(op, request_id, attempts)
        if known is None:
            raise APIConnectionError(
                "the request reached the API (its request_id was already used) but its outcome could not be "
                "read; ask client.requests.status(request_id) later",
                operation=op.name, request_id=request_id, attempts=attempts, outcome_unknown=True,
            ) from cause  # fmt: skip
        return known

    @staticmethod
    def _connection_error(op: Operation, request_id: str | None, exc: httpx.TransportError) -> APIConnectionError:
        cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
        err = cls(f"no answer from the API: {type(exc).__name__}", operation=op.name, request_id=request_id)
        err.__cause__ = exc
        return err
