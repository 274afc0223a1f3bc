"""What ``freedompay-cards conformance`` (``_conformance``) judges an answer by, and how it keeps them.

- ``Recorder``: a transport wrapped around the client's own that keeps every HTTP exchange as it went
  over the wire, so that even an answer the library cannot read is judged (and can be recorded).
- ``shape_problems``: every way a raw JSON answer differs from a response schema of the spec.
- ``check_exchange``: what one exchange says of its operation: reached, a refusal of our body, an
  authentication failure, the error code seen and whether the error table knows it, the shape problems.
- ``cassette``: exchanges written as a vcrpy cassette (YAML, without a YAML library), scrubbed by
  ``freedompay_cards.cassettes`` as ``make record-live`` scrubs them.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from .. import cassettes
from .._core import _CARD_STATES, _REQUEST_STATES, _known
from .._errors import (
    CARD_API_CODES,
    GIFT_STATUS_ERRORS,
    APIError,
    AuthenticationError,
    ValidationError,
    card_api_error,
    gift_error,
    http_error,
)
from .._operations import OPERATIONS
from .._redact import scrub_text
from .._schema import SchemaError, response_schema, spec, validate

SPEC = {entry["name"]: entry for entry in OPERATIONS}
OPERATION_OF_PATH = {entry["path"]: entry["name"] for entry in OPERATIONS}
MAX_ANSWER_BYTES = 16 * 1024 * 1024


# ------------------------------------------------------------------------------------------- recording


@dataclass
class Exchange:
    """One HTTP exchange as it went over the wire (the answer's body decoded, as the library reads it)."""

    method: str
    url: str
    path: str
    # the signature header and the bodies (a PAN, a CVV) stay out of the repr (a failed assert, a log line)
    request_headers: list[tuple[str, str]] = field(repr=False)
    request_body: bytes = field(repr=False)
    status: int | None = None
    reason: str = ""
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    response_body: bytes | None = field(default=None, repr=False)
    ms: float = 0.0
    failure: str | None = None  # the transport error when no answer came

    @property
    def operation(self) -> str | None:
        return OPERATION_OF_PATH.get(self.path)


class Recorder(httpx.BaseTransport):
    """A transport that sends through ``inner`` and keeps every exchange (``exchanges``)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.exchanges: list[Exchange] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        exchange = Exchange(
            request.method,
            str(request.url),
            request.url.path,
            [(k.lower(), v) for k, v in request.headers.multi_items()],
            request.read(),
        )
        self.exchanges.append(exchange)
        started = time.perf_counter()
        try:
            response = self.inner.handle_request(request)
            try:
                raw = bytearray()
                for chunk in response.iter_raw():
                    raw += chunk
                    if len(raw) > MAX_ANSWER_BYTES:
                        raise httpx.ReadError(f"the answer is larger than {MAX_ANSWER_BYTES} bytes", request=request)
            finally:
                response.close()
            answer = httpx.Response(response.status_code, headers=response.headers, content=bytes(raw), request=request)
        except httpx.HTTPError as exc:
            exchange.ms = (time.perf_counter() - started) * 1000
            exchange.failure = f"{type(exc).__name__}: {scrub_text(str(exc))[:200]}"
            raise
        exchange.ms = (time.perf_counter() - started) * 1000
        exchange.status = answer.status_code
        exchange.reason = answer.reason_phrase
        exchange.response_headers = [(k.lower(), v) for k, v in answer.headers.multi_items()]
        exchange.response_body = answer.content
        return answer

    def close(self) -> None:
        self.inner.close()


# ------------------------------------------------------------------------------------------- findings


@dataclass(frozen=True)
class Deviation:
    """A way an operation differs from the spec. ``field`` is a dotted path into the answer
    (``accounts[].iban``), an error code, or "" when the whole call is meant."""

    kind: str
    field: str
    detail: str

    def text(self) -> str:
        what = {
            "missing_field": "required field missing",
            "unknown_field": "unknown field",
            "wrong_type": "wrong type",
            "wrong_value": "value outside the schema",
            "unknown_error_code": "unknown error code",
            "not_reached": "path not reached",
            "not_accepted": "request body refused",
            "not_json": "answer is not a JSON object",
            "refused": "refused",
            "unreadable_answer": "answer the library cannot read",
            "no_answer": "no answer",
            "not_sent": "not sent",
            "incomplete_answer": "incomplete answer",
            "not_refused": "probe not refused",
            "unexpected_error": "unexpected error",
            "runner_error": "runner error",
        }.get(self.kind, self.kind)
        where = f" `{self.field}`" if self.field else ""
        return f"{what}{where}: {self.detail}" if self.detail else f"{what}{where}"


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float | Decimal):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else type(value).__name__


def _fits(kind: str, value: Any) -> bool:
    actual = json_type(value)
    return actual == kind or (kind == "number" and actual == "integer")


_SCALAR_KEYWORDS = (
    "enum", "format", "pattern", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
)  # fmt: skip


def _error_fields() -> frozenset[str]:
    """The fields an error answer carries (``error_code``, ``error_description``): the ``error_*`` fields of
    the spec's answers, expected in an error answer even where the operation's own answer lists none."""
    return frozenset(
        name for entry in spec()["paths"].values() for name in entry["response"].get("properties", {})
        if name.startswith("error_")
    )  # fmt: skip


def _field_name(name: object) -> str:
    """A field name as an answer gave it, safe to print and to quote in Markdown: card numbers masked,
    control characters and backticks escaped, at most 80 characters."""
    text = "".join(ch if ch.isprintable() and ch != "`" else f"\\u{ord(ch):04x}" for ch in scrub_text(str(name)))
    return text if len(text) <= 80 else text[:77] + "..."


def _states_error(body: dict[str, Any]) -> bool:
    """A Card API answer in an error state, read as the library reads states (" ERROR " counts)."""
    states = (_known(body.get("status"), _CARD_STATES), _known(body.get("request_status"), _REQUEST_STATES))
    return "error" in states


def shape_problems(schema: Mapping[str, Any], value: Any, *, error_answer: bool = False) -> list[Deviation]:
    """Every way ``value`` (a raw JSON answer) differs from ``schema``: missing required fields, unknown
    fields (in objects whose schema lists properties, unless it says ``additionalProperties: true`` out
    loud: the spec leaves it unsaid on every answer), wrong types, values outside enum/format/pattern.
    Array items share one path (``accounts[].iban``); each problem is named once. An error answer is only
    required to have ``status``, and may carry the error fields of the spec's envelopes."""
    error_fields = _error_fields() if error_answer else frozenset()
    found: dict[tuple[str, str], Deviation] = {}
    todo: list[tuple[Mapping[str, Any], Any, str, bool]] = [(schema, value, "", True)]
    while todo:
        sub, item, path, top = todo.pop()
        kinds = sub.get("type")
        allowed = [kinds] if isinstance(kinds, str) else list(kinds or [])
        if allowed and not any(_fits(k, item) for k in allowed):
            key = ("wrong_type", path or "(answer)")
            found.setdefault(
                key, Deviation("wrong_type", key[1], f"expected {' or '.join(allowed)}, got {json_type(item)}")
            )
            continue
        scalar = {k: sub[k] for k in _SCALAR_KEYWORDS if k in sub}
        if scalar and not isinstance(item, dict | list):
            try:
                validate(scalar, item)
            except SchemaError as err:
                found.setdefault(("wrong_value", path), Deviation("wrong_value", path, err.problem))
        if isinstance(item, dict):
            properties: Mapping[str, Any] = sub.get("properties", {})
            required = ["status"] if error_answer and top else ([] if error_answer else sub.get("required", []))
            for name in required:
                if name not in item:
                    where = f"{path}.{name}" if path else name
                    found.setdefault(("missing_field", where), Deviation("missing_field", where, ""))
            extra = sub.get("additionalProperties")
            for name, child in item.items():
                shown = _field_name(name)
                where = f"{path}.{shown}" if path else shown
                if name in properties:
                    todo.append((properties[name], child, where, False))
                elif isinstance(extra, dict):
                    todo.append((extra, child, where, False))
                elif top and name in error_fields:
                    continue
                elif properties and extra is not True:  # ``true`` written out: declared open on purpose
                    found.setdefault(("unknown_field", where), Deviation("unknown_field", where, json_type(child)))
        elif isinstance(item, list) and isinstance(sub.get("items"), dict):
            for child in item:
                todo.append((sub["items"], child, f"{path}[]", False))
    return sorted(found.values(), key=lambda d: (d.field, d.kind))


@dataclass
class ErrorSeen:
    code: str | int | None
    message: str
    http_status: int | None
    operation: str
    known: bool
    maps_to: str
    expected: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code, "message": self.message, "http_status": self.http_status, "operation": self.operation,
            "known": self.known, "maps_to": self.maps_to, "expected": self.expected,
        }  # fmt: skip


@dataclass
class Checked:
    """What one exchange says about its operation."""

    reached: bool | None  # None: no answer came
    refused_content: bool = False
    auth_failed: bool = False
    deviations: list[Deviation] = field(default_factory=list)
    error: ErrorSeen | None = None


def _message(body: Mapping[str, Any]) -> str:
    text = body.get("error_description") or body.get("message") or ""
    return scrub_text(str(text))[:300]


def check_exchange(exchange: Exchange, operation: str) -> Checked:
    """Judge one exchange of ``operation`` (its answer read as raw JSON)."""
    if exchange.status is None:
        return Checked(None)
    entry = SPEC[operation]
    status = exchange.status
    if status in (404, 405):
        return Checked(False, deviations=[Deviation("not_reached", "", f"HTTP {status} at {entry['path']}")])
    body: Any = None
    try:
        body = json.loads((exchange.response_body or b"").decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        body = None
    checked = Checked(True, auth_failed=status in (401, 403))
    if not isinstance(body, dict):
        if status == 200:
            checked.deviations.append(Deviation("not_json", "", f"HTTP 200 with a {json_type(body)} body"))
        else:
            checked.error = ErrorSeen(None, f"HTTP {status}", status, operation, False, "APIError")
            error = http_error(status, None, operation=operation, request_id=None)
            checked.refused_content = isinstance(error, ValidationError)
        return checked
    gift = entry["envelope"] == "gift"
    mapped: APIError | None = None
    code: str | int | None = None
    if status != 200:
        mapped = http_error(status, body, operation=operation, request_id=None)
        code = body.get("error_code") if isinstance(body.get("error_code"), str) else None
    elif gift and type(body.get("status")) is int and body["status"] != 0:
        mapped = gift_error(body, operation=operation)
        code = body["status"]
    elif not gift and _states_error(body):
        mapped = card_api_error(body, operation=operation, request_id=None)
        code = body.get("error_code") if isinstance(body.get("error_code"), str | int) else None
    if mapped is not None:
        known = code in GIFT_STATUS_ERRORS if gift and isinstance(code, int) else code in CARD_API_CODES
        checked.error = ErrorSeen(code, _message(body), status, operation, known, type(mapped).__name__)
        checked.refused_content = isinstance(mapped, ValidationError)
        checked.auth_failed = checked.auth_failed or isinstance(mapped, AuthenticationError)
        if not known and (code is not None or status == 200):
            label = "(none)" if code is None else str(code)
            checked.deviations.append(
                Deviation(
                    "unknown_error_code", label, f"{_message(body) or 'no message'} (the error table does not know it)"
                )
            )
    if status == 200:
        checked.deviations += shape_problems(response_schema(entry["path"]), body, error_answer=mapped is not None)
    return checked


# ------------------------------------------------------------------------------------------- cassettes


class _RecordedRequest:
    """Duck-types the vcrpy request the ``cassettes`` scrubbers take."""

    def __init__(self, exchange: Exchange) -> None:
        self.method = exchange.method
        self.uri = exchange.url
        self.body: bytes | str | None = exchange.request_body
        self.headers: dict[str, str] = dict(exchange.request_headers)


_PLAIN_KEY = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


_SHORT = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}
_NOT_PLAIN = re.compile(r'[^\x20-\x7e]|["\\]')


def _yaml_escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar in ASCII: a character outside the BMP as one ``\\U`` escape (JSON's
    surrogate pair is two lone surrogates to YAML, which vcrpy's loader refuses)."""
    return '"' + _NOT_PLAIN.sub(_yaml_escape, text) + '"'


def _key(name: str) -> str:
    return name if _PLAIN_KEY.match(name) else _quoted(name)


def _scalar(value: str | bytes | None) -> str:
    if value is None:
        return "null"
    return _quoted(value.decode("utf-8", "replace") if isinstance(value, bytes) else value)


def _headers(headers: Mapping[str, list[str]], indent: str) -> list[str]:
    if not headers:
        return [f"{indent}headers: {{}}"]
    lines = [f"{indent}headers:"]
    for name in sorted(headers):
        lines.append(f"{indent}  {_key(name)}:")
        lines += [f"{indent}  - {_scalar(v)}" for v in headers[name]]
    return lines


def cassette(exchanges: list[Exchange]) -> str:
    """Exchanges as a vcrpy cassette (YAML), scrubbed by ``freedompay_cards.cassettes`` exactly as
    ``make record-live`` scrubs them; written without a YAML library (none is needed at run time)."""
    lines = ["interactions:"]
    for exchange in exchanges:
        if exchange.status is None:
            continue  # no answer: nothing to replay
        request = cassettes.fix_origin(cassettes.scrub_request(_RecordedRequest(exchange)))
        grouped: dict[str, list[str]] = {}
        for name, value in exchange.response_headers:
            if name not in ("content-encoding", "transfer-encoding"):
                grouped.setdefault(name, []).append(value)
        response = cassettes.scrub_response(
            {"body": {"string": exchange.response_body or b""}, "headers": grouped,
             "status": {"code": exchange.status, "message": exchange.reason}}
        )  # fmt: skip
        request_headers: dict[str, list[str]] = {}
        for name, value in request.headers.items():
            request_headers.setdefault(name.lower(), []).append(value)
        lines += ["- request:", f"    body: {_scalar(request.body)}", *_headers(request_headers, "    ")]
        lines += [f"    method: {request.method}", f"    uri: {_scalar(request.uri)}", "  response:", "    body:"]
        lines += [f"      string: {_scalar(response['body']['string'])}", *_headers(response["headers"], "    ")]
        lines += ["    status:", f"      code: {exchange.status}", f"      message: {_scalar(exchange.reason)}"]
    if len(lines) == 1:
        lines[0] = "interactions: []"
    lines.append("version: 1")
    return "\n".join(lines) + "\n"


def write_cassettes(folder: Path, exchanges: Mapping[str, list[Exchange]]) -> list[Path]:
    """One cassette per operation (``<operation>.yaml``), its exchanges in the order they were made."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for operation, made in exchanges.items():
        if made:
            path = folder / f"{operation}.yaml"
            path.write_text(cassette(made), encoding="utf-8")
            written.append(path)
    return written
