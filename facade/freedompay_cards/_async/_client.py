"""AsyncCardClient: configuration, the HTTP client, and the one way every operation is sent.

This module is the hand-written original; ``_sync/_client.py`` is generated from it (``make generate``).
"""

from __future__ import annotations

import copy
import functools
import logging
import uuid
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

import httpx

from .._auth import signers
from .._config import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, ClientConfig, settings_from_env
from .._core import (
    OPERATIONS,
    AttemptFailure,
    Operation,
    SentRequests,
    async_sleep,
    build_request,
    monotonic,
    outcome_misfit,
    read_answer,
    request_payload,
    warn_deprecated,
)
from .._errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    ClientClosedError,
    ConfigurationError,
    ConfigurationTypeError,
    FreedomPayError,
    UnexpectedResponseError,
    card_api_error,
    is_duplicate_request,
    is_unknown_request,
)
from .._http import (
    ACCEPT_ENCODING,
    AttemptTimedOut,
    BodyReader,
    BodyTooLarge,
    Undecodable,
    UnsupportedEncoding,
    async_attempt_guard,
    capture,
    new_async_http,
    release_orphans,
)
from .._lazy import LazyModule
from .._logging import logger, setup_from_env
from .._options import NOT_GIVEN, CallSettings, ClientDefaults, RequestOptions, user_agent
from .._redact import scrub_text
from .._retry import RetryPolicy
from .._validate import flag as _valid_flag
from .._validate import request_id as _valid_request_id
from .._validate import seconds as _valid_seconds
from .cards import AsyncCards

if TYPE_CHECKING:
    from .. import _convert as convert
    from .._models import OperationResult
    from .._models import _waited as results
    from .._raw_resources import AsyncCardClientWithRawResponse
    from .clients import AsyncClients
    from .gift_cards import AsyncGiftCards
    from .limits import AsyncLimits
    from .requests import AsyncRequests
    from .transactions import AsyncTransactions
else:
    convert = LazyModule("freedompay_cards._convert")
    results = LazyModule("freedompay_cards._models._waited")

T = TypeVar("T")

# Transport errors after which the request surely never reached the server.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# A little time past an attempt's bound before the wall clock cuts it: httpx's own connect and pool
# timeouts (which prove the request was never sent) are given the chance to speak first.
_GRACE = 0.05
# The resources made on first use (``functools.cached_property``), by attribute name.
_LAZY_RESOURCES = ("clients", "transactions", "requests", "gift_cards", "limits")


class Answer:
    """A parsed answer: the generated model, the raw JSON object, the request_id it belongs to, and whether
    it was read from Request status after a lost answer (the HTTP exchange goes to ``capture``)."""

    __slots__ = ("parsed", "raw", "reconciled", "request_id")

    def __init__(self, parsed: Any, raw: dict[str, Any], request_id: str | None, reconciled: bool = False) -> None:
        self.parsed = parsed
        self.raw = raw
        self.request_id = request_id
        self.reconciled = reconciled


class AsyncCardClient:
    """Client of the Freedom Pay Card API, for asyncio code (``async with``, ``await``).
    The other twin, with the same surface: ``CardClient``, for synchronous code.

    ``auth_id`` and ``secret_key`` are the partner credentials Freedom Pay issues. ``environment`` is
    ``"test"`` (default) or ``"production"``; ``base_url`` replaces it (plain ``http://`` only to a
    loopback host unless ``allow_insecure_http=True``). ``http_client`` is an ``httpx.AsyncClient`` you
    configured (proxies, transport, limits); the facade uses it without changing it: each request carries
    its absolute URL and its signature, and redirects are never followed.

    ``timeout`` (seconds, default 30; ``None``: no bound) bounds one attempt by wall-clock time, from
    connecting to the last byte of the answer. ``deadline`` (seconds, default ``None``) bounds a whole
    call: attempts, the waits between them, reconciliation and ``wait=True`` polling. ``max_retries``
    (default 2) is the number of extra attempts after a failure worth retrying (``retry_policy`` also sets
    the backoff; an explicit ``max_retries`` wins over its count). ``max_response_bytes`` (default 64 MiB)
    is the largest answer read: past it the connection is closed. Every method also takes these per call
    (see ``RequestOptions``), and ``with_options(...)`` makes a configured copy sharing the connections.

    ``request_id_factory`` makes request ids (default ``uuid.uuid4``); a request_id this client (or a
    ``with_options`` copy) sent with another request is refused before sending. ``pin_encryptor`` turns a plain PIN
    into the encrypted form Set PIN takes (the scheme is Freedom Processing's; see ``cards.set_pin``).
    ``app_info`` (name, version, url) is added to the User-Agent. ``FREEDOMPAY_LOG=debug`` (or ``info``)
    turns on the ``freedompay_cards`` logger on stderr.
    """

    def __init__(
        self,
        auth_id: str,
        secret_key: str,
        *,
        environment: str | None = None,
        base_url: str | None = None,
        http_client: httpx.AsyncClient | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int | None = None,
        deadline: float | None = None,
        max_response_bytes: int | None = None,
        request_id_factory: Callable[[], uuid.UUID | str] | None = None,
        allow_insecure_http: bool = False,
        retry_policy: RetryPolicy | None = None,
        pin_encryptor: Callable[[str], str] | None = None,
        app_info: Mapping[str, str] | None = None,
    ) -> None:
        self._config = ClientConfig.build(
            auth_id=auth_id,
            secret_key=secret_key,
            environment=environment,
            base_url=base_url,
            request_id_factory=request_id_factory,
            allow_insecure_http=allow_insecure_http,
        )
        if retry_policy is not None and not isinstance(retry_policy, RetryPolicy):
            raise ConfigurationTypeError("retry_policy", f"expected a RetryPolicy, got {type(retry_policy).__name__}")
        if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
            raise ConfigurationTypeError(
                "http_client", f"expected an httpx.AsyncClient, got {type(http_client).__name__}"
            )
        if http_client is not None and http_client.params:
            raise ConfigurationError("http_client", "has default query params: the signed requests must carry none")
        setup_from_env()
        self._defaults = ClientDefaults.build(
            timeout=timeout,
            max_retries=(retry_policy.max_retries if retry_policy else DEFAULT_MAX_RETRIES)
            if max_retries is None
            else max_retries,
            deadline=deadline,
            max_response_bytes=max_response_bytes,
            user_agent=user_agent(app_info, http_client.headers.get("User-Agent") if http_client else None),
        )
        self._owns_http = http_client is None
        # A client passed in is used as it is (transport, proxies, limits) but never reconfigured: requests
        # carry an absolute URL, their own timeout and this client's signer, so one httpx client can serve
        # several CardClients (several partners) without mixing them up.
        self._http = http_client if http_client is not None else new_async_http()
        self._closed = False
        self._signers = signers(self._config.auth_id, self._config.secret_key)  # by operation signing label
        policy = retry_policy or RetryPolicy()
        # max_retries= wins over the policy's own count when both are given
        self._policy = RetryPolicy(self._defaults.max_retries, policy.base, policy.cap, policy.retry_after_cap)
        self._pin_encryptor = pin_encryptor
        self._plain_settings: CallSettings | None = None  # the settings of a call with no options, made once
        self._sent = SentRequests()  # shared with the with_options copies: one memory of request_ids
        self._bind()

    def _bind(self) -> None:
        """(Re)make the resource objects, bound to this client: ``cards`` now, the others on first use
        (a program that only uses cards never loads their modules; a copy drops the original's)."""
        self.cards = AsyncCards(self, self._pin_encryptor)
        for name in _LAZY_RESOURCES:
            self.__dict__.pop(name, None)

    @functools.cached_property
    def clients(self) -> AsyncClients:
        from .clients import AsyncClients

        return AsyncClients(self)

    @functools.cached_property
    def transactions(self) -> AsyncTransactions:
        from .transactions import AsyncTransactions

        return AsyncTransactions(self)

    @functools.cached_property
    def requests(self) -> AsyncRequests:
        from .requests import AsyncRequests

        return AsyncRequests(self)

    @functools.cached_property
    def gift_cards(self) -> AsyncGiftCards:
        from .gift_cards import AsyncGiftCards

        return AsyncGiftCards(self)

    @functools.cached_property
    def limits(self) -> AsyncLimits:
        from .limits import AsyncLimits

        return AsyncLimits(self)

    @classmethod
    def from_env(
        cls,
        *,
        environment: str | None = None,
        base_url: str | None = None,
        http_client: httpx.AsyncClient | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int | None = None,
        deadline: float | None = None,
        max_response_bytes: int | None = None,
        request_id_factory: Callable[[], uuid.UUID | str] | None = None,
        allow_insecure_http: bool = False,
        retry_policy: RetryPolicy | None = None,
        pin_encryptor: Callable[[str], str] | None = None,
        app_info: Mapping[str, str] | None = None,
    ) -> Self:
        """A client from FREEDOMPAY_AUTH_ID, FREEDOMPAY_SECRET_KEY and FREEDOMPAY_ENVIRONMENT or
        FREEDOMPAY_BASE_URL; keyword arguments add to them (``base_url=`` replaces the environment's
        FREEDOMPAY_ENVIRONMENT, and ``environment=`` its FREEDOMPAY_BASE_URL)."""
        settings = settings_from_env()
        if base_url is not None:
            settings.pop("environment", None)
            settings["base_url"] = base_url
        if environment is not None:
            settings.pop("base_url", None)
            settings["environment"] = environment
        return cls(
            settings["auth_id"],
            settings["secret_key"],
            environment=settings.get("environment"),
            base_url=settings.get("base_url"),
            http_client=http_client,
            timeout=timeout,
            max_retries=max_retries,
            deadline=deadline,
            max_response_bytes=max_response_bytes,
            request_id_factory=request_id_factory,
            allow_insecure_http=allow_insecure_http,
            retry_policy=retry_policy,
            pin_encryptor=pin_encryptor,
            app_info=app_info,
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(auth_id={self._config.auth_id!r}, base_url={self._config.base_url!r})"

    @property
    def base_url(self) -> str:
        return self._config.base_url

    @property
    def timeout(self) -> float | httpx.Timeout | None:
        """The bound on one attempt (seconds, an ``httpx.Timeout``, or None)."""
        return self._defaults.timeout

    @property
    def max_retries(self) -> int:
        return self._policy.max_retries

    @property
    def deadline(self) -> float | None:
        return self._defaults.deadline

    @property
    def max_response_bytes(self) -> int:
        return self._defaults.max_response_bytes

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | object | None = NOT_GIVEN,
        max_retries: int | object = NOT_GIVEN,
        deadline: float | object | None = NOT_GIVEN,
        max_response_bytes: int | object = NOT_GIVEN,
        retry_policy: RetryPolicy | object = NOT_GIVEN,
    ) -> Self:
        """A copy of this client that differs only in the settings given, sharing its connection pool and
        credentials. Closing the copy leaves the pool open: close the original."""
        clone = copy.copy(self)
        clone._defaults = self._defaults.evolve(
            timeout=timeout, max_retries=max_retries, deadline=deadline, max_response_bytes=max_response_bytes
        )
        policy = retry_policy if isinstance(retry_policy, RetryPolicy) else self._policy
        if retry_policy is not NOT_GIVEN and not isinstance(retry_policy, RetryPolicy):
            raise ConfigurationTypeError("retry_policy", f"expected a RetryPolicy, got {type(retry_policy).__name__}")
        count = policy.max_retries if max_retries is NOT_GIVEN and retry_policy is not NOT_GIVEN else None
        clone._policy = RetryPolicy(
            clone._defaults.max_retries if count is None else count, policy.base, policy.cap, policy.retry_after_cap
        )
        clone._owns_http = False
        clone._plain_settings = None
        clone._bind()
        return clone

    @property
    def with_raw_response(self) -> AsyncCardClientWithRawResponse:
        """The same methods, returning the raw HTTP answer (``RawResponse``; ``.parse()`` gives the result)."""
        from .._raw_resources import AsyncCardClientWithRawResponse

        return AsyncCardClientWithRawResponse(self)

    @property
    def is_closed(self) -> bool:
        return self._closed

    async def aclose(self) -> None:
        """Close the HTTP client, if the facade made it (a client you passed in stays yours to close).
        Calls on a closed client raise ``ClientClosedError``."""
        self._closed = True
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    # ------------------------------------------------------------------------------ sending

    async def _operation(
        self,
        name: str,
        body: Any,
        request_id: str | None,
        options: RequestOptions | CallSettings,
        *,
        wait: bool = False,
        wait_timeout: float = 60.0,
    ) -> OperationResult:
        """An operation answered by the bare envelope; with ``wait``, polled until it is final.

        Once the operation has been accepted, a failure while waiting never reads as "not applied": it
        names this operation and is marked ``outcome_unknown`` (ask ``requests.status`` later).
        """
        if _valid_flag("wait", wait):
            _valid_seconds("wait_timeout", wait_timeout)
        settings = self._settings(options)
        answer = await self._call(name, body, request_id, settings)
        reconciled = answer.reconciled
        result = self._convert(
            name, answer, lambda parsed, raw, rid: convert.operation_result(parsed, raw, rid, reconciled=reconciled)
        )
        rid = answer.request_id
        if not wait or rid is None or (result.succeeded and answer.reconciled):
            # a reconciled answer came from Request status: it already has the created ids
            return results.waited_for(name, result) if wait and rid is not None else result
        left = settings.time_left()
        try:  # the created ids are reported by Request status, not by the operation itself
            result = await self.requests._wait(
                rid,
                timeout=wait_timeout if left is None else min(wait_timeout, max(left, 0.001)),
                operation=name,
                settings=settings,
            )
        except FreedomPayError as err:
            if err.operation != name:  # not the operation's own failure: a failure to learn its outcome
                err.operation = name
                err.outcome_unknown = True
                err.message = f"{err.message} (the operation was accepted; its outcome could not be read)"
            raise
        return results.waited_for(name, result)  # what the wait was for is there, and typed so

    async def _fetch(
        self,
        name: str,
        body: Any,
        request_id: str | None,
        options: RequestOptions | CallSettings,
        to_result: Callable[[Any, dict[str, Any], str | None], T],
    ) -> T:
        """An operation whose answer becomes a typed result; a result that cannot be built is an
        ``UnexpectedResponseError`` naming the operation and the request_id."""
        answer = await self._call(name, body, request_id, self._settings(options))
        return self._convert(name, answer, to_result)

    @staticmethod
    def _convert(name: str, answer: Answer, to_result: Callable[[Any, dict[str, Any], str | None], T]) -> T:
        """The result of an answer read as a success; any failure to build it is an
        ``UnexpectedResponseError`` (never a bare one: a ``RecursionError``, a ``KeyError``), and for an
        operation that applies something it says the outcome is unknown: the API answered that it applied
        it, so it must never read as "not applied" (and be sent again)."""
        try:
            return to_result(answer.parsed, answer.raw, answer.request_id)
        except UnexpectedResponseError as err:
            err.operation = err.operation or name
            err.request_id = err.request_id or answer.request_id
            failure = err
        except Exception as exc:  # whatever it is, the caller gets the library's error
            failure = UnexpectedResponseError(
                f"the answer is not the documented JSON ({type(exc).__name__})",
                operation=name, request_id=answer.request_id, http_status=200,
            )  # fmt: skip
        if OPERATIONS[name].mutating:
            failure.outcome_unknown = True
        raise failure from None

    def _request_id(self, value: object) -> str:
        return _valid_request_id(value, self._config.request_id_factory)

    def _settings(self, options: RequestOptions | CallSettings) -> CallSettings:
        if isinstance(options, CallSettings):
            return options  # already resolved (a poll made on behalf of a call)
        if not options and self._defaults.deadline is None:  # the common case: nothing to resolve per call
            cached = self._plain_settings
            if cached is None or cached.max_retries != self._policy.max_retries:
                cached = self._plain_settings = CallSettings.resolve({}, self._defaults, self._policy.max_retries)
            return cached
        return CallSettings.resolve(options, self._defaults, self._policy.max_retries)

    async def _call(self, name: str, body: Any, request_id: str | None, settings: CallSettings) -> Answer:
        """Send one operation (``_send``), and log its outcome in one line at INFO."""
        started = monotonic()
        try:
            answer = await self._send(name, body, request_id, settings)
        except FreedomPayError as err:
            if logger.isEnabledFor(logging.INFO):
                logger.info(
                    "%s request_id=%s error=%s attempts=%d outcome=%s elapsed_ms=%.1f", name, err.request_id,
                    type(err).__name__, err.attempts, "unknown" if err.outcome_unknown else "known",
                    (monotonic() - started) * 1000,
                )  # fmt: skip
            raise
        if logger.isEnabledFor(logging.INFO):
            state = answer.raw.get("request_status", answer.raw.get("status"))
            logger.info(
                "%s request_id=%s outcome=%s reconciled=%s elapsed_ms=%.1f", name, answer.request_id, state,
                answer.reconciled, (monotonic() - started) * 1000,
            )  # fmt: skip
        return answer

    async def _send(self, name: str, body: Any, request_id: str | None, settings: CallSettings) -> Answer:
        """Send one operation, retrying what is safe to retry, and never applying it twice.

        An attempt whose outcome is ambiguous (the request may have reached the API but no usable answer
        came back) makes every later re-send of a mutating operation ask Request status first: if the API
        knows the request_id, its outcome is the answer and nothing more is sent. A re-send answered
        "duplicate request_id" proves an earlier attempt arrived, and is reconciled the same way. A read
        gets a fresh request_id on every attempt (the API refuses a request_id it has seen). When the
        ``deadline`` passes, the call stops and says what is known.
        """
        if self._closed:
            raise ClientClosedError(operation=name, request_id=request_id)
        op = OPERATIONS[name]
        if op.deprecated:
            warn_deprecated(op)
        retries = settings.max_retries
        path, payload = request_payload(op, body, settings.extra_body)
        request = self._build(path, payload, settings)
        if op.request_id_is_key:
            self._sent.claim(op, request_id, request.content)
        attempts = 0
        maybe_applied = False  # an attempt of this call may have been applied
        answered = False  # an earlier attempt was answered with an HTTP status that turned it away
        while True:
            attempts += 1
            if attempts > 1 and not op.mutating and op.request_id_is_key:
                request_id = self._request_id(None)  # a read: never re-send a request_id the API has seen
                body.request_id = uuid.UUID(request_id)
                path, payload = request_payload(op, body, settings.extra_body)
                request = self._build(path, payload, settings)
                self._sent.claim(op, request_id, request.content)
            try:
                return await self._attempt(op, request, request_id, attempts, settings)
            except AttemptFailure as failure:
                err, ambiguous, retryable = failure.error, failure.maybe_applied, failure.retryable
            resent = attempts > 1 and op.mutating and op.has_request_id
            if resent and isinstance(err, APIError) and is_duplicate_request(err, by_text=True):
                if maybe_applied:  # an earlier attempt may have been applied, and this proves it arrived
                    return await self._proven_outcome(op, request_id, attempts, err, settings)
                # no attempt of this call can have been applied: the id was used before it, unless a
                # server that answered an earlier attempt (429, 503 with Retry-After) lied about it
                err.outcome_unknown = answered
                err.attempts = attempts
                raise err
            maybe_applied = maybe_applied or ambiguous
            answered = answered or (isinstance(err, APIError) and retryable and not ambiguous)
            blind_resend = maybe_applied and op.mutating and not op.has_request_id
            if not retryable or attempts > retries or blind_resend:
                if ambiguous and op.mutating and op.request_id_is_key and not settings.expired():
                    known = await self._outcome(op, request_id, attempts, settings)
                    if known is not None:
                        return known
                err.attempts = attempts
                # a refusal of a re-send says nothing of an earlier attempt that may have been applied
                err.outcome_unknown = maybe_applied and op.mutating
                raise err
            delay = self._policy.delay(attempts, getattr(err, "retry_after", None))
            left = settings.time_left()
            if left is not None and delay >= left:
                raise self._deadline_error(op, request_id, attempts, maybe_applied, err)
            logger.debug("%s request_id=%s retry in %.2fs after %s", op.name, request_id, delay, type(err).__name__)
            await async_sleep(delay)
            if maybe_applied and op.mutating and op.request_id_is_key:
                known = await self._outcome(op, request_id, attempts, settings)
                if known is not None:
                    return known
            if settings.expired():
                raise self._deadline_error(op, request_id, attempts, maybe_applied, err)

    def _build(self, path: str, payload: dict[str, Any], settings: CallSettings) -> httpx.Request:
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Accept-Encoding": ACCEPT_ENCODING,
            **settings.extra_headers,
            "User-Agent": settings.user_agent,
        }
        return build_request(self._http, path, payload, self._config.base_url, headers)

    async def _attempt(
        self, op: Operation, request: httpx.Request, request_id: str | None, attempt: int, settings: CallSettings
    ) -> Answer:
        """One attempt, bounded by the attempt's time (and the call's deadline), the answer read within
        ``max_response_bytes``; its failures come as ``AttemptFailure``."""
        seconds = settings.attempt_seconds()
        request.extensions["timeout"] = settings.phase_timeouts(seconds)
        started = monotonic()
        ends = None if seconds is None else started + seconds
        status = 0
        try:
            async with async_attempt_guard(None if seconds is None else seconds + _GRACE):
                auth = self._signers[op.signing]
                response = await self._http.send(request, auth=auth, stream=True, follow_redirects=False)
                status = response.status_code
                limit = settings.limit_for(status)
                truncated = False
                in_memory = response.is_stream_consumed  # an in-process transport answered from memory
                try:
                    if in_memory:
                        body = response.content
                        if len(body) > limit:
                            raise BodyTooLarge(limit)
                    else:
                        reader = BodyReader(response.headers, limit, ends)
                        async for chunk in response.aiter_raw():
                            reader.feed(chunk)
                        body = reader.body()
                except BodyTooLarge:
                    if status == 200:
                        raise
                    truncated = True  # an error answer: its start says enough; the rest is not read
                    body = response.content[:limit] if in_memory else reader.body()
                finally:
                    await response.aclose()
        except (TimeoutError, AttemptTimedOut):
            release_orphans(self._http)  # a cut attempt may leave httpcore's pool a slot short
            raise self._failure(op, request_id, attempt, started, APITimeoutError, "the attempt took longer than "
                                f"{seconds:g}s", maybe_applied=True) from None  # fmt: skip
        except BodyTooLarge as exc:
            size = f"declares {exc.declared} bytes" if exc.declared is not None else f"is larger than {exc.limit} bytes"
            error = UnexpectedResponseError(
                f"the answer {size}, over max_response_bytes; it was not read",
                operation=op.name, request_id=request_id, http_status=status,
            )  # fmt: skip
            raise AttemptFailure(error, maybe_applied=True, retryable=False) from None
        except (
            Undecodable,
            httpx.DecodingError,
        ) as exc:  # the body arrived but cannot be read: as ambiguous as garbage
            error = UnexpectedResponseError(
                f"the answer could not be decoded ({type(exc).__name__})",
                operation=op.name, request_id=request_id, http_status=status,
            )  # fmt: skip
            raise AttemptFailure(error, maybe_applied=True, retryable=True) from None
        except UnsupportedEncoding as exc:
            error = UnexpectedResponseError(
                f"the answer uses Content-Encoding {exc}, which was not asked for",
                operation=op.name, request_id=request_id, http_status=status,
            )  # fmt: skip
            raise AttemptFailure(error, maybe_applied=True, retryable=False) from None
        except httpx.TransportError as exc:
            if isinstance(exc, httpx.PoolTimeout):
                release_orphans(self._http)
            cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
            message = f"no answer from the API: {type(exc).__name__}: {scrub_text(str(exc))[:300]}".rstrip(": ")
            raise self._failure(
                op, request_id, attempt, started, cls, message, maybe_applied=not isinstance(exc, _NOT_SENT), cause=exc
            ) from None
        except RuntimeError as exc:
            if "closed" not in str(exc):
                raise
            raise ClientClosedError(operation=op.name, request_id=request_id) from None
        response._content = body  # the body as read (decoded, within the limit), for RawResponse and errors
        elapsed = (monotonic() - started) * 1000
        logger.debug(
            "%s request_id=%s attempt=%d http_status=%d bytes=%d elapsed_ms=%.1f",
            op.name, request_id, attempt, status, len(body), elapsed,
        )  # fmt: skip
        capture(response)
        parsed, raw = read_answer(op, response, body, request_id, truncated=truncated)
        return Answer(parsed, raw, request_id)

    @staticmethod
    def _failure(
        op: Operation,
        request_id: str | None,
        attempt: int,
        started: float,
        cls: type[APIConnectionError],
        message: str,
        *,
        maybe_applied: bool,
        cause: BaseException | None = None,
    ) -> AttemptFailure:
        logger.debug(
            "%s request_id=%s attempt=%d error=%s elapsed_ms=%.1f",
            op.name, request_id, attempt, cls.__name__, (monotonic() - started) * 1000,
        )  # fmt: skip
        error = cls(message, operation=op.name, request_id=request_id)
        error.__cause__ = cause
        return AttemptFailure(error, maybe_applied=maybe_applied, retryable=True)

    def _deadline_error(
        self, op: Operation, request_id: str | None, attempts: int, maybe_applied: bool, last: FreedomPayError
    ) -> APITimeoutError:
        unknown = maybe_applied and op.mutating
        known = "its outcome is unknown: ask client.requests.status(request_id)" if unknown else "it was not applied"
        if not op.mutating:
            known = "no answer was read"
        error = APITimeoutError(
            f"the call's deadline passed after {attempts} attempt(s) (last: {type(last).__name__}); {known}",
            operation=op.name, request_id=request_id, attempts=attempts, outcome_unknown=unknown,
        )  # fmt: skip
        error.__cause__ = last
        return error

    async def _outcome(
        self, op: Operation, request_id: str | None, attempts: int, settings: CallSettings
    ) -> Answer | None:
        """The outcome Request status reports for ``request_id``, or None if the API does not know the id
        (or could not be asked). Raises the mapped error if the request ended in ``error``."""
        from freedompay_card_api.models.request_status_request import RequestStatusRequest

        status_op = OPERATIONS["requests.status"]
        path, payload = request_payload(status_op, RequestStatusRequest(request_id=uuid.UUID(request_id)), {})
        try:
            answer = await self._attempt(
                status_op, self._build(path, payload, settings), request_id, attempts, settings
            )
        except (AttemptFailure, FreedomPayError) as exc:
            error = exc.error if isinstance(exc, AttemptFailure) else exc
            unknown = isinstance(error, APIError) and is_unknown_request(error)
            logger.debug("%s request_id=%s status: %s", op.name, request_id, "unknown" if unknown else repr(error))
            return None
        state = answer.parsed.request_status
        if state == "error":
            failed = card_api_error(answer.raw, operation=op.name, request_id=request_id)
            if is_unknown_request(failed):  # "unknown request" in the other shape: not known, as above
                logger.debug("%s request_id=%s status: unknown", op.name, request_id)
                return None
            failed.attempts = attempts
            raise failed
        if state not in ("success", "process"):  # no state at all: not known
            logger.debug("%s request_id=%s status: %r", op.name, request_id, state)
            return None
        misfit = outcome_misfit(op, answer.raw, request_id)
        if misfit is not None:  # another operation's success under this request_id: never this one's
            misfit.attempts = attempts
            raise misfit
        logger.debug("%s request_id=%s reconciled: %s", op.name, request_id, state)
        answer.reconciled = True
        return answer

    async def _proven_outcome(
        self, op: Operation, request_id: str | None, attempts: int, cause: APIError, settings: CallSettings
    ) -> Answer:
        """The outcome of a request the API has proven it received (it called a re-send a duplicate)."""
        known = await self._outcome(op, request_id, attempts, settings)
        if known is None:
            raise APIConnectionError(
                "the request reached the API (its request_id was already used) but its outcome could not be "
                "read; ask client.requests.status(request_id) later",
                operation=op.name, request_id=request_id, attempts=attempts, outcome_unknown=True,
            ) from cause  # fmt: skip
        return known
