"""What the sync and async clients share: the operation table, request preparation and answer reading.

A facade call is: validate the arguments (``_validate``), build the generated request model, let the
generated module make the URL and JSON (``_get_kwargs``), serialise that once to the bytes every attempt
will send, then read the answer with the generated parser (``_build_response``) and this module's
error mapping. Only the sending (and the waiting between attempts) differs between sync and async; that
lives in ``_async/`` and its generated twin ``_sync/``.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import json
import re
import time
from array import array
from decimal import Decimal
from types import ModuleType
from typing import Any

import httpx

from ._auth import SIGNED_PATH
from ._errors import APIError, UnexpectedResponseError, card_api_error, gift_error, http_error
from ._operations import OPERATIONS as SPEC_OPERATIONS
from ._retry import parse_retry_after

USER_AGENT = "freedompay-cards/0.1.0 (python)"


class Operation:
    """One operation of the spec, as the facade uses it: an entry of the generated ``_operations.py``.

    ``name``: facade name (``cards.block``), in logs and errors; ``module``: the generated module,
    relative to ``freedompay_card_api.api``; ``gift``: Gift Cards envelope (integer status);
    ``mutating``: applies something, so never sent twice without reconciliation (``x-mutating``);
    ``deferred``: the outcome arrives through Request status (``x-deferred``); ``request_id``: ``key``
    (the operation's own idempotency key), ``subject`` (names another request: Request status) or
    ``none``; ``lazy_arrays``: answer arrays decoded item by item (``x-lazy-arrays``).
    """

    def __init__(self, entry: dict[str, Any]) -> None:
        self.name: str = entry["name"]
        self.path: str = entry["path"]
        self.operation_id: str = entry["operation_id"]
        self.module: str = entry["module"]
        self.request_model: str = entry["request_model"]
        self.response_model: str = entry["response_model"]
        self.gift: bool = entry["envelope"] == "gift"
        self.mutating: bool = entry["mutating"]
        self.deferred: bool = entry["deferred"]
        self.request_id: str = entry["request_id"]
        self.lazy_arrays = frozenset(entry["lazy_arrays"])
        self.doc_status: str | None = entry["doc_status"]

    def __repr__(self) -> str:
        return f"Operation({self.name!r})"

    @property
    def has_request_id(self) -> bool:
        return self.request_id != "none"

    @property
    def request_id_is_key(self) -> bool:
        """False for Request status, whose request_id names the request asked about: never replaced."""
        return self.request_id == "key"

    @property
    def raise_on_failed_request(self) -> bool:
        """A ``request_status`` of ``error`` raises, except in Request status, which reports another request."""
        return self.request_id != "subject"

    @functools.cached_property
    def generated(self) -> ModuleType:
        return importlib.import_module(f"freedompay_card_api.api.{self.module}")


# Every operation of openapi/card-api.yaml, by facade name, from the generated table.
OPERATIONS: dict[str, Operation] = {entry["name"]: Operation(entry) for entry in SPEC_OPERATIONS}


def compact_json(value: Any) -> bytes:
    """The one serialisation of a body: compact UTF-8 JSON, the bytes both sent and signed."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def build_request(
    http: httpx.Client | httpx.AsyncClient, op: Operation, body: Any, base_url: str, timeout: httpx.Timeout | None
) -> httpx.Request:
    """The HTTP request for ``body`` (a generated model): path and JSON from the generated module, the URL
    absolute and the timeout per request, so that an ``httpx`` client shared with other code (or another
    CardClient) is used but never reconfigured."""
    kwargs = op.generated._get_kwargs(body=body)
    headers = {**kwargs.get("headers", {}), "User-Agent": USER_AGENT}
    content = compact_json(kwargs["json"])
    url = base_url + kwargs["url"]
    extensions = {SIGNED_PATH: kwargs["url"]}  # the API path is what is signed, not a proxy's prefix
    if timeout is None:
        return http.build_request(kwargs["method"], url, content=content, headers=headers, extensions=extensions)
    return http.build_request(
        kwargs["method"], url, content=content, headers=headers, timeout=timeout, extensions=extensions
    )


@functools.cache
def _parser_client() -> Any:
    from freedompay_card_api.client import Client

    return Client(base_url="http://unused.invalid", raise_on_unexpected_status=False)


def _json_or_text(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (ValueError, RecursionError):
        return response.content[:2000].decode("utf-8", "replace")


def read_answer(op: Operation, response: httpx.Response, request_id: str | None) -> Any:
    """The parsed generated model of a 200 answer, or the typed error the answer means."""
    if response.status_code != 200:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        raise http_error(
            response.status_code, _json_or_text(response), operation=op.name, request_id=request_id,
            retry_after=retry_after,
        )  # fmt: skip
    try:
        if op.lazy_arrays:
            parsed = _read_lazily(op, response.text)
        else:
            parsed = op.generated._build_response(client=_parser_client(), response=response).parsed
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise UnexpectedResponseError(
            f"the answer is not the documented JSON ({type(exc).__name__})",
            operation=op.name, request_id=request_id, http_status=200, body=_json_or_text(response),
        ) from None  # fmt: skip
    if op.gift:
        if type(parsed.status) is not int or parsed.status != 0:  # not bool: False == 0
            raise gift_error(_json_or_text(response), operation=op.name)
        return parsed
    for field in ("status", "request_status"):
        value = unset(getattr(parsed, field, None))
        if value is not None and not isinstance(value, str):
            raise UnexpectedResponseError(
                f"{field} is not a string", operation=op.name, request_id=request_id, http_status=200,
                body=_json_or_text(response),
            )  # fmt: skip
    failed_request = op.raise_on_failed_request and getattr(parsed, "request_status", None) == "error"
    if getattr(parsed, "status", "ok") != "ok" or failed_request:
        raise card_api_error(_json_or_text(response), operation=op.name, request_id=request_id)
    return parsed


# ------------------------------------------------------------------------------------- lazy arrays
# A statement may hold hundreds of thousands of operations. Decoding them all into dicts, then generated
# models, then results costs several times the JSON's size; instead the top level is scanned once, each
# item of the big arrays is checked to be well-formed JSON and only its offset is kept, and items are
# decoded (and checked against the generated model) one at a time as the caller iterates.

_DECODER = json.JSONDecoder()
_WHITESPACE = re.compile(r"[ \t\n\r]*")


class LazyArray:
    """The items of one JSON array inside ``text``, decoded on access."""

    __slots__ = ("_starts", "_text")

    def __init__(self, text: str, starts: array[int]) -> None:
        self._text = text
        self._starts = starts

    def __len__(self) -> int:
        return len(self._starts)

    def item(self, index: int) -> Any:
        return _DECODER.raw_decode(self._text, self._starts[index])[0]


def _skip(text: str, index: int) -> int:
    match = _WHITESPACE.match(text, index)
    return match.end() if match else index


def _expect(text: str, index: int, chars: str) -> tuple[str, int]:
    char = text[index : index + 1]
    if not char or char not in chars:
        raise ValueError(f"expected one of {chars!r} at offset {index}")
    return char, _skip(text, index + 1)


def scan_object(text: str, lazy: frozenset[str]) -> dict[str, Any]:
    """Decode the JSON object ``text``, keeping the arrays named in ``lazy`` as ``LazyArray``."""
    _, index = _expect(text, _skip(text, 0), "{")
    out: dict[str, Any] = {}
    if text[index : index + 1] == "}":
        index = _skip(text, index + 1)
    else:
        while True:
            key, index = _DECODER.raw_decode(text, index)
            if not isinstance(key, str):
                raise ValueError("object key is not a string")
            _, index = _expect(text, _skip(text, index), ":")
            if key in lazy and text[index : index + 1] == "[":
                starts: array[int] = array("q")
                index = _skip(text, index + 1)
                if text[index : index + 1] == "]":
                    index += 1
                else:
                    while True:
                        starts.append(index)
                        _, index = _DECODER.raw_decode(text, index)  # checks the item is well-formed
                        char, index = _expect(text, _skip(text, index), ",]")
                        if char == "]":
                            break
                out[key] = LazyArray(text, starts)
            else:
                out[key], index = _DECODER.raw_decode(text, index)
            char, index = _expect(text, _skip(text, index), ",}")
            if char == "}":
                break
    if _skip(text, index) != len(text):
        raise ValueError("data after the JSON object")
    return out


def _read_lazily(op: Operation, text: str) -> Any:
    """The generated answer model with the lazy arrays set to ``LazyArray`` instead of lists."""
    fields = scan_object(text, op.lazy_arrays)
    lazies = {k: v for k, v in fields.items() if isinstance(v, LazyArray)}
    model = getattr(op.generated, op.response_model)
    parsed = model.from_dict({k: ([] if k in lazies else v) for k, v in fields.items()})
    for key, lazy in lazies.items():
        setattr(parsed, key, lazy)
    return parsed


def is_retryable_api_error(err: APIError) -> bool:
    """HTTP statuses worth another attempt: 408, 429 and the 5xx a proxy or an overloaded server sends."""
    return err.http_status in {408, 429, 500, 502, 503, 504}


def surely_not_processed(err: APIError) -> bool:
    """429, or 503 with Retry-After: the server says it turned the request away."""
    return err.http_status == 429 or (err.http_status == 503 and getattr(err, "retry_after", None) is not None)


# ------------------------------------------------------------------------------------------- reading


_UNSET: list[Any] = []  # the generated UNSET singleton, fetched on first use (importing it loads attrs)


def unset(value: Any) -> Any:
    """``None`` for the generated models' UNSET."""
    if not _UNSET:
        from freedompay_card_api.types import UNSET

        _UNSET.append(UNSET)
    return None if value is _UNSET[0] else value


def decimal(value: Any) -> Decimal | None:
    """An amount from an answer as ``Decimal`` (floats through their shortest repr); a value that is not
    a number raises ``UnexpectedResponseError``."""
    value = unset(value)
    if value is None:
        return None
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, (int, str)) and not isinstance(value, bool):
        try:
            number = Decimal(value)
        except ArithmeticError:
            number = None
        if number is not None and number.is_finite():
            return number
    raise UnexpectedResponseError(f"an amount in the answer is not a number: {str(value)[:40]!r}")


def as_datetime(value: Any) -> dt.datetime | None:
    value = unset(value)
    return value if isinstance(value, dt.datetime) else None


def monotonic() -> float:
    return time.monotonic()


async def async_sleep(seconds: float) -> None:
    import asyncio  # only async users pay for importing asyncio

    await asyncio.sleep(seconds)


def sync_sleep(seconds: float) -> None:
    time.sleep(seconds)
