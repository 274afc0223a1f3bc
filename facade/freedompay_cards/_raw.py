"""Raw responses: ``client.with_raw_response.cards.info(card_id)`` returns a ``RawResponse``.

    raw = client.with_raw_response.cards.info(card_id)
    raw.status_code, raw.headers["Date"], raw.request_id
    info = raw.parse()                                   # the usual CardInfo

The call is made exactly as the ordinary method makes it (signing, retries, reconciliation, errors); the
HTTP answer it was read from is kept. When a call took several HTTP exchanges (retries, ``wait=True``
polls, a statement fetched in windows), ``http_response`` is the last one. The wrapper classes per
resource are generated (``_raw_resources.py``) from the resource classes, so every method has its twin.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar

from . import _http

if TYPE_CHECKING:
    import httpx

P = ParamSpec("P")
T = TypeVar("T")

# The HTTP answers read during the current raw call (None outside one), kept by ``_http.capture``. Made
# here, once (imports run one at a time), before any raw call can be made.
_CAPTURED: contextvars.ContextVar[list[httpx.Response] | None] = contextvars.ContextVar(
    "freedompay_raw_responses", default=None
)
_http._captured = _CAPTURED


class RawResponse(Generic[T]):
    """The HTTP answer an operation was read from, and the typed result it gives (``parse()``).
    Its ``repr`` names the status and the request_id only: the headers and body stay out of logs; pickling
    is refused (the request it came from carries the signature), as for the other holders of secrets."""

    __slots__ = ("_parsed", "http_response")

    def __init__(self, http_response: httpx.Response, parsed: T) -> None:
        self.http_response = http_response
        self._parsed = parsed

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        """The request_id the answer belongs to (None for operations that carry none)."""
        rid = getattr(self._parsed, "request_id", None)
        return rid if isinstance(rid, str) else None

    def parse(self) -> T:
        """The typed result, as the ordinary method returns it."""
        return self._parsed

    def __repr__(self) -> str:
        return f"<RawResponse [{self.status_code}] request_id={self.request_id!r}>"

    def __reduce__(self) -> Any:  # the request it holds carries the X-JWS-Signature: refuse rather than leak
        raise TypeError("RawResponse holds the signed request and cannot be pickled; keep parse() or its fields")


def _last(held: list[httpx.Response]) -> httpx.Response:
    if not held:  # pragma: no cover - every successful call reads at least one answer
        raise RuntimeError("no HTTP answer was read")
    return held[-1]


def async_raw(method: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[RawResponse[T]]]:
    """The raw twin of an async method."""

    @functools.wraps(method)
    async def raw(*args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
        held: list[httpx.Response] = []
        token = _CAPTURED.set(held)
        try:
            result = await method(*args, **kwargs)
        finally:
            _CAPTURED.reset(token)
        return RawResponse(_last(held), result)

    return raw


def async_raw_listing(method: Callable[P, Awaitable[Sequence[T]]]) -> Callable[P, Awaitable[RawResponse[list[T]]]]:
    """The raw twin of an async method returning a listing (a statement): the whole list is read."""

    async def whole(*args: P.args, **kwargs: P.kwargs) -> list[T]:
        return list(await method(*args, **kwargs))

    return async_raw(functools.wraps(method)(whole))


def sync_raw(method: Callable[P, T]) -> Callable[P, RawResponse[T]]:
    """The raw twin of a sync method."""

    @functools.wraps(method)
    def raw(*args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
        held: list[httpx.Response] = []
        token = _CAPTURED.set(held)
        try:
            result = method(*args, **kwargs)
        finally:
            _CAPTURED.reset(token)
        return RawResponse(_last(held), result)

    return raw


def sync_raw_listing(method: Callable[P, Iterable[T]]) -> Callable[P, RawResponse[list[T]]]:
    """The raw twin of a sync method returning a listing (a statement): the whole list is read."""

    def whole(*args: P.args, **kwargs: P.kwargs) -> list[T]:
        return list(method(*args, **kwargs))

    return sync_raw(functools.wraps(method)(whole))
