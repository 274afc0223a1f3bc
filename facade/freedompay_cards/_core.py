"""What the sync and async clients share: the operation table, request preparation and answer reading.

A facade call is: validate the arguments (``_validate``), build the generated request model, let the
generated module make the URL and JSON (``_get_kwargs``), serialise that once to the bytes every attempt
will send, then read the answer with the generated parser (``_build_response``) and this module's
error mapping. Only the sending (and the waiting between attempts) differs between sync and async; that
lives in ``_async/`` and its generated twin ``_sync/``.
"""

from __future__ import annotations

import codecs
import datetime as dt
import functools
import importlib
import json
import sys
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable
from decimal import Decimal
from types import ModuleType
from typing import Any

import httpx

from ._auth import SIGNED_PATH
from ._errors import (
    FreedomPayError,
    InvalidRequestError,
    UnexpectedResponseError,
    card_api_error,
    gift_error,
    http_error,
)
from ._lazy import lazy_pattern
from ._operations import OPERATIONS as SPEC_OPERATIONS
from ._redact import REDACTED, scrub_text
from ._retry import parse_retry_after, status_verdict
from ._schema import SchemaError, checker, model_from, request_schema, response_schema, validate


class Operation:
    """One operation of the spec, as the facade uses it: an entry of the generated ``_operations.py``.

    ``name``: facade name (``cards.block``), in logs and errors; ``module``: the generated module,
    relative to ``freedompay_card_api.api``; ``gift``: Gift Cards envelope (integer status);
    ``mutating``: applies something, so never sent twice without reconciliation (``x-mutating``);
    ``deferred``: the outcome arrives through Request status (``x-deferred``); ``request_id``: ``key``
    (the operation's own idempotency key), ``subject`` (names another request: Request status) or
    ``none``; ``lazy_arrays``: answer arrays decoded item by item (``x-lazy-arrays``); ``outcome_ids``:
    the Request status fields its success carries (``x-outcome-ids``); ``secret_answer``: its answer is
    secret data (every field beyond the envelope and ``card_id`` is ``x-secret``); ``signing``: the
    label ``_auth.SIGNERS`` maps to the signer of its requests (``x-signing``).
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
        self.outcome_ids: tuple[str, ...] = entry["outcome_ids"]
        self.secret_answer: bool = entry["secret_answer"]
        self.doc_status: str | None = entry["doc_status"]
        self.signing: str = entry["signing"]
        self.deprecated: bool = entry["deprecated"]  # the spec's `deprecated: true` (Apidog status deprecated)

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


PACKAGE = __name__.rpartition(".")[0]  # freedompay_cards


def warn_deprecated(op: Operation) -> None:
    """A ``DeprecationWarning`` for a call of an operation the vendor's docs mark deprecated, pointing at the
    caller's own line (the first frame outside this package)."""
    level, frame = 2, sys._getframe(1)  # 2: the frame that called this function
    while frame is not None and frame.f_globals.get("__name__", "").startswith(PACKAGE):
        level, frame = level + 1, frame.f_back  # type: ignore[assignment]
    warnings.warn(
        f"{op.name} is deprecated in Freedom Pay's docs ({op.path}); it may stop working: see the CHANGELOG",
        DeprecationWarning,
        stacklevel=level,
    )


# Every operation of openapi/card-api.yaml, by facade name, from the generated table.
OPERATIONS: dict[str, Operation] = {entry["name"]: Operation(entry) for entry in SPEC_OPERATIONS}


def compact_json(value: Any) -> bytes:
    """The one serialisation of a body: compact UTF-8 JSON, the bytes both sent and signed."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def request_payload(op: Operation, body: Any, extra_body: dict[str, object]) -> tuple[str, dict[str, Any]]:
    """The API path and the JSON object to send: the operation table's path (generated from the spec,
    as the generated operation module's is: tests/test_generated.py keeps the two equal) and the generated
    model's ``to_dict()`` (what that module's ``_get_kwargs`` sends), checked against the spec's request
    schema (its limits, patterns and enums are the spec's, not re-typed here), plus the caller's
    ``extra_body`` fields, which may add fields but never replace one the method set. The operation module
    itself is not imported: it would load the generated HTTP client classes, which the facade never uses."""
    payload: dict[str, Any] = body.to_dict()
    try:
        validate(request_schema(op.path), payload)
    except SchemaError as err:
        raise InvalidRequestError(err.field or "body", err.problem) from None
    for name, value in extra_body.items():
        if name in payload:
            raise InvalidRequestError("extra_body", f"{name!r} is set by the method and cannot be replaced")
        payload[name] = value
    return op.path, payload


_URLS: dict[str, httpx.URL] = {}  # absolute URL -> parsed, once: parsing a URL is a good part of a request's cost


def _url(absolute: str) -> httpx.URL:
    url = _URLS.get(absolute)
    if url is None:
        if len(_URLS) > 1024:  # base URLs are few; a bound all the same
            _URLS.clear()
        url = _URLS[absolute] = httpx.URL(absolute)
    return url


def build_request(
    http: httpx.Client | httpx.AsyncClient, path: str, payload: dict[str, Any], base_url: str, headers: dict[str, str]
) -> httpx.Request:
    """The HTTP request: the URL absolute, so that an ``httpx`` client shared with other code (or another
    CardClient) is used but never reconfigured; the body serialised once, the bytes every attempt sends."""
    try:
        content = compact_json(payload)
    except (TypeError, ValueError, UnicodeEncodeError, RecursionError) as exc:
        raise InvalidRequestError("extra_body", f"is not JSON that can be sent ({type(exc).__name__})") from None
    extensions = {SIGNED_PATH: path}  # the API path is what is signed, not a proxy's prefix
    return http.build_request("POST", _url(base_url + path), content=content, headers=headers, extensions=extensions)


class SentRequests:
    """The request_ids a client (and its ``with_options`` copies) sent, each with a fingerprint of the
    request it named, the last ``LIMIT`` of them: a request_id reused for another request (another
    operation, another body) is refused before anything is sent, so that Request status can never
    report one request's outcome as another's. Re-sending the same request with its request_id (what
    a caller does after an outcome-unknown error) is allowed."""

    __slots__ = ("_seen",)
    LIMIT = 4096

    def __init__(self) -> None:
        self._seen: OrderedDict[str, int] = OrderedDict()

    def claim(self, op: Operation, request_id: str | None, content: bytes) -> None:
        if request_id is None:
            return
        fingerprint = hash((op.path, content))  # the bytes hold the request_id: the body decides alone
        # No lock: setdefault is one atomic step under the GIL (two threads claiming one request_id with
        # different requests: exactly one wins); an extra eviction by a racing thread costs nothing.
        seen = self._seen
        if seen.setdefault(request_id, fingerprint) == fingerprint:
            if len(seen) > self.LIMIT:
                seen.popitem(last=False)
            return
        raise InvalidRequestError(
            "request_id",
            f"{request_id} was already sent by this client with another request; a request_id names one "
            "request (re-send that same request with it, or make a new one: check request_id_factory)",
        )


def outcome_misfit(op: Operation, raw: dict[str, Any], request_id: str | None) -> UnexpectedResponseError | None:
    """The error for a success that Request status reports for ``op``'s request_id without the ids a
    success of ``op`` carries (``x-outcome-ids``): the request_id names another operation's request, so
    this answer is not ``op``'s outcome. None when it fits."""
    missing = [name for name in op.outcome_ids if raw.get(name) in (None, "", [])]
    if raw.get("request_status") != "success" or not missing:
        return None
    error = UnexpectedResponseError(
        f"Request status reports a success for this request_id without {', '.join(missing)}, which a success "
        f"of {op.name} carries: the request_id was used for another request, and this call's outcome is not "
        "known (check by your own reference, e.g. the order_id, before sending again with a new request_id)",
        operation=op.name, request_id=request_id, http_status=200, body=raw,
    )  # fmt: skip
    error.outcome_unknown = True
    return error


class AttemptFailure(Exception):
    """Internal: one attempt's failure, the error a caller would see, and what it says of the request:
    ``maybe_applied`` (it may have been applied) and ``retryable`` (another attempt is worth it)."""

    def __init__(self, error: FreedomPayError, *, maybe_applied: bool, retryable: bool) -> None:
        super().__init__(str(error))
        self.error = error
        self.maybe_applied = maybe_applied
        self.retryable = retryable


def _body_for_error(body: bytes, truncated: bool = False) -> Any:
    """An answer's body as an error keeps it: the JSON value, or (not JSON) its start as text."""
    try:
        return json.loads(body) if not truncated else _text(body)
    except (ValueError, RecursionError):
        return _text(body)


def _text(body: bytes) -> str:
    return body[:2000].decode("utf-8", "replace")


def _unexpected(op: Operation, request_id: str | None, problem: str, body: Any, *, retryable: bool) -> AttemptFailure:
    error = UnexpectedResponseError(
        f"the answer is not the documented JSON: {problem}",
        operation=op.name, request_id=request_id, http_status=200, body=body,
    )  # fmt: skip
    return AttemptFailure(error, maybe_applied=True, retryable=retryable)


_CARD_STATES = {"ok": "ok", "error": "error"}
_REQUEST_STATES = {"success": "success", "process": "process", "error": "error"}


def _known(value: Any, known: dict[str, str]) -> str | None:
    """A documented state, read leniently (``"SUCCESS"``, ``" ok "``): None when it is not one."""
    return known.get(value.strip().lower()) if isinstance(value, str) else None


def read_answer(
    op: Operation, response: httpx.Response, body: bytes, request_id: str | None, *, truncated: bool = False
) -> tuple[Any, dict[str, Any]]:
    """The generated model and the raw JSON object of a documented answer; otherwise ``AttemptFailure``
    carrying the typed error the answer means and what it says of the request.

    Read leniently, where leniency cannot mislead: an error answer needs only its ``status`` (the rest of
    the envelope is not required of it), and documented states are matched ignoring case and blanks. An
    undocumented ``status`` or ``request_status``, a missing required field, a value of the wrong type or
    an answer that is not JSON at all is an ``UnexpectedResponseError``, as ambiguous as a lost answer.
    """
    status_code = response.status_code
    if status_code != 200:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        maybe_applied, retryable = status_verdict(status_code, retry_after)
        if 300 <= status_code < 400:
            location = scrub_text(response.headers.get("Location", "(none)"))[:300]
            error: FreedomPayError = UnexpectedResponseError(
                f"the API answered HTTP {status_code}, a redirect to {location}: signed requests are never "
                "followed", operation=op.name, request_id=request_id, http_status=status_code,
            )  # fmt: skip
        else:
            error = http_error(
                status_code, _body_for_error(body, truncated), operation=op.name, request_id=request_id,
                retry_after=retry_after,
            )  # fmt: skip
        raise AttemptFailure(error, maybe_applied=maybe_applied, retryable=retryable)
    try:
        raw = scan_object(body, op.lazy_arrays) if op.lazy_arrays else _DECODER.decode(body.decode("utf-8"))
    except (ValueError, RecursionError):
        raise _unexpected(op, request_id, "not JSON", _text(body), retryable=True) from None
    if not isinstance(raw, dict):
        raise _unexpected(op, request_id, "not a JSON object", _text(body), retryable=True)
    if op.gift:
        status = raw.get("status")
        if type(status) is not int:  # not bool: False == 0
            raise _unexpected(op, request_id, "status is not an integer", raw, retryable=False)
        if status != 0:
            raise AttemptFailure(gift_error(raw, operation=op.name), maybe_applied=False, retryable=False)
    else:
        status = _known(raw.get("status"), _CARD_STATES)
        if status is None:
            raise _unexpected(
                op, request_id, f"status {_shown(raw.get('status'))}", redact_lazy(raw, op), retryable=False
            )
        raw["status"] = status
        if "request_status" in raw:
            state = _known(raw["request_status"], _REQUEST_STATES)
            if state is None and status == "ok":
                problem = f"request_status {_shown(raw['request_status'])} is not a documented state"
                raise _unexpected(op, request_id, problem, redact_lazy(raw, op), retryable=False)
            raw["request_status"] = state or raw["request_status"]
        if status == "error" or (op.raise_on_failed_request and raw.get("request_status") == "error"):
            error = card_api_error(redact_lazy(raw, op), operation=op.name, request_id=request_id)
            raise AttemptFailure(error, maybe_applied=False, retryable=False)
    schema = response_schema(op.path)
    try:
        validate(schema, raw)
    except SchemaError as err:
        raise _unexpected(op, request_id, str(err), redact_lazy(raw, op), retryable=False) from None
    lazy = op.lazy_arrays  # only an answer with big arrays has lazily read ones (LazyArray)
    try:
        data = {k: ([] if isinstance(v, LazyArray) else v) for k, v in raw.items()} if lazy else raw
        parsed = model_from(_model(op), schema, data)
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise _unexpected(op, request_id, type(exc).__name__, redact_lazy(raw, op), retryable=False) from None
    if lazy:
        for name, value in raw.items():
            if isinstance(value, LazyArray):
                value.schema = schema["properties"][name].get("items", {})
                setattr(parsed, name, value)
    return parsed, raw


def _shown(value: Any) -> str:
    return "missing" if value is None else repr(value)[:40]


def redact_lazy(raw: dict[str, Any], op: Operation | None = None) -> dict[str, Any]:
    """``raw`` as an error body keeps it: lazy arrays summarised; of a secret-data answer (``op``), only
    what ``secret_answer_keeps`` names, every other field replaced whatever its name."""
    if op is not None and op.secret_answer:
        keep = secret_answer_keeps()
        return {k: (v if k in keep else REDACTED) for k, v in raw.items()}
    return {k: (f"<{len(v)} items>" if isinstance(v, LazyArray) else v) for k, v in raw.items()}


@functools.cache
def secret_answer_keeps() -> frozenset[str]:
    """What of a secret-data answer is not secret: the fields of the bare Card API envelope, read from the
    spec through an operation answered by it, and ``card_id``."""
    path = next(op.path for op in OPERATIONS.values() if op.response_model == "CardApiEnvelope")
    return frozenset(response_schema(path)["properties"]) | {"card_id"}


@functools.cache
def _models() -> ModuleType:
    return importlib.import_module("freedompay_card_api.models")


def _model(op: Operation) -> Any:
    return getattr(_models(), op.response_model)


# ------------------------------------------------------------------------------------- lazy arrays
# A statement may hold hundreds of thousands of operations. Decoding them all into dicts, then generated
# models, then results costs several times the JSON's size; instead the whole answer is checked to be
# well-formed JSON at once, the items of the big arrays are kept as slices of the answer's bytes (msgspec
# finds their bounds in C, without building them), and items are decoded (and checked against the spec)
# one at a time as the caller iterates. What msgspec refuses goes to the standard library's decoder
# (``scan_text``), which decides as it always did: msgspec only ever speeds up an answer json accepts.


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


# Numbers with a fraction are read as Decimal: an amount of 10.10 arrives as Decimal("10.10"), exactly.
_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_no_constant)
_WHITESPACE = lazy_pattern(r"[ \t\n\r]*")


@functools.cache
def _msgspec() -> Any:
    """msgspec's decoders, imported on the first lazily read answer (only statements pay for it)."""
    import msgspec

    class Decoders:
        error = msgspec.MsgspecError
        top = msgspec.json.Decoder(dict[str, msgspec.Raw])
        items = msgspec.json.Decoder(list[msgspec.Raw])
        item = msgspec.json.Decoder(float_hook=Decimal)  # the same values as _DECODER gives

    return Decoders


class LazyArray:
    """The items of one JSON array of an answer (each a slice of its bytes, or its text), decoded on access
    and checked against ``schema`` (the array's ``items`` schema, set once the answer is read)."""

    __slots__ = ("_items", "_valid", "schema")
    is_lazy_array = True  # what the schema validator accepts as an array without reading it

    def __init__(self, items: list[Any]) -> None:
        self._items = items
        self.schema: dict[str, Any] = {}
        self._valid: tuple[dict[str, Any], Callable[[Any], bool]] | None = None

    def __len__(self) -> int:
        return len(self._items)

    def item(self, index: int) -> Any:
        """Item ``index`` as JSON; ``SchemaError`` when it is not as the spec says."""
        raw = self._items[index]
        if type(raw) is str:
            value = _DECODER.decode(raw)
        else:
            decoders = _msgspec()
            try:
                value = decoders.item.decode(raw)
            except decoders.error:  # an escape msgspec refuses (a lone surrogate): json decides
                value = _DECODER.decode(bytes(raw).decode("utf-8"))
        checked = self._valid
        if checked is None or checked[0] is not self.schema:
            checked = self._valid = (self.schema, checker(self.schema, many=True))
        if not checked[1](value):
            validate(self.schema, value, f"[{index}]")  # raises, naming the field
        return value


def _check_utf8(data: bytes) -> None:
    """``UnicodeDecodeError`` (a ``ValueError``) unless ``data`` is UTF-8; never holds a decoded copy whole."""
    if data.isascii():
        return
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    for start in range(0, len(data), 1 << 20):
        decoder.decode(view[start : start + (1 << 20)])
    decoder.decode(b"", final=True)


def scan_object(body: bytes | str, lazy: frozenset[str]) -> dict[str, Any]:
    """Decode the JSON object ``body``, keeping the arrays named in ``lazy`` as ``LazyArray``; ``ValueError``
    when it is not one."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    _check_utf8(data)
    decoders = _msgspec()
    try:
        fields = decoders.top.decode(data)
        out: dict[str, Any] = {}
        for key, value in fields.items():
            if key in lazy and bytes(memoryview(value)[:1]) == b"[":
                out[key] = LazyArray(decoders.items.decode(value))
            else:
                out[key] = _DECODER.decode(bytes(value).decode("utf-8"))
    except decoders.error:
        return scan_text(data.decode("utf-8"), lazy)  # json decides: it accepts, or says what is wrong
    return out


def _skip(text: str, index: int) -> int:
    match = _WHITESPACE.match(text, index)
    return match.end() if match else index


def _expect(text: str, index: int, chars: str) -> tuple[str, int]:
    char = text[index : index + 1]
    if not char or char not in chars:
        raise ValueError(f"expected one of {chars!r} at offset {index}")
    return char, _skip(text, index + 1)


def scan_text(text: str, lazy: frozenset[str]) -> dict[str, Any]:
    """``scan_object`` by the standard library's decoder alone: the arrays in ``lazy`` keep their items'
    text."""
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
                items: list[str] = []
                index = _skip(text, index + 1)
                if text[index : index + 1] == "]":
                    index += 1
                else:
                    while True:
                        start = index
                        _, index = _DECODER.raw_decode(text, index)  # checks the item is well-formed
                        items.append(text[start:index])
                        char, index = _expect(text, _skip(text, index), ",]")
                        if char == "]":
                            break
                out[key] = LazyArray(items)
            else:
                out[key], index = _DECODER.raw_decode(text, index)
            char, index = _expect(text, _skip(text, index), ",}")
            if char == "}":
                break
    if _skip(text, index) != len(text):
        raise ValueError("data after the JSON object")
    return out


# ------------------------------------------------------------------------------------------- reading


_UNSET: Any = None  # the generated UNSET singleton, fetched on first use (importing it loads attrs)


def unset(value: Any) -> Any:
    """``None`` for the generated models' UNSET."""
    global _UNSET
    if _UNSET is None:
        from freedompay_card_api.types import UNSET

        _UNSET = UNSET
    return None if value is _UNSET else value


def decimal(value: Any) -> Decimal | None:
    """An amount from an answer as ``Decimal`` (floats through their shortest repr); a value that is not
    a number raises ``UnexpectedResponseError``."""
    kind = type(value)
    if kind is Decimal and value.is_finite():  # the usual amount: as the decoder made it
        return value  # type: ignore[no-any-return]
    if kind is int:
        return Decimal(value)
    value = unset(value)
    if value is None:
        return None
    if isinstance(value, Decimal):
        if value.is_finite():
            return value
    elif isinstance(value, float):
        value = repr(value)
    if isinstance(value, int | str) and not isinstance(value, bool):
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
