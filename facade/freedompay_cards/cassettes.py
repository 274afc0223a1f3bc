"""Scrubbing for recorded HTTP exchanges (vcrpy / pytest-recording cassettes), so that no secret is ever
written to disk: the ``X-JWS-Signature`` header, PINs, one-time codes, PANs, CVVs and expiry dates.

    # conftest.py of your own tests
    import pytest
    from freedompay_cards.cassettes import vcr_config as freedompay_vcr_config

    @pytest.fixture(scope="module")
    def vcr_config():
        return freedompay_vcr_config()

vcrpy applies ``before_record_request`` to live requests before matching them too, so scrubbed values
(a PIN, an OTP) still match on replay whatever the live value was. Requests match on method, path and
body: the host differs between the sandbox, the test environment and replay. Every recorded URI and
``Host`` header is written with one fixed origin (``RECORDED_BASE_URL``), so re-recording from a sandbox
on another loopback port changes no byte. This module works on vcrpy's objects by duck typing and does
not import vcrpy.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ._operations import OPERATIONS
from ._redact import (
    DESCEND,
    REDACTED,
    SECRET_FIELDS,
    SECRET_HEADERS,
    is_secret_field,
    is_secret_name,
    replace_cards,
    scrub_labelled,
    scrub_raw_text,
    walk,
)

# Fixed fakes written instead of secrets: every field _redact counts as secret, with a fake of its shape
# where one helps a replayed test. FAKE_PAN fails the Luhn check on purpose.
FAKE_PAN = "4000000000000001"
_SHAPED = {"pan": FAKE_PAN, "card_number": FAKE_PAN, "cvv": "000", "cvv2": "000", "cvc": "000", "cvc2": "000",
           "expiry": "00/00", "expiry_date": "00/00", "card_expiry": "00/00", "exp_date": "00/00",
           "exp_month": "00", "exp_year": "00", "pin": "<pin>", "otp": "<otp>"}  # fmt: skip
FAKES: dict[str, str] = {name: _SHAPED.get(name, REDACTED) for name in SECRET_FIELDS}
VOLATILE_RESPONSE_HEADERS = ("date", "server")
# The User-Agent names the Python and httpx versions: recorded, it would make cassettes differ by machine.
VOLATILE_REQUEST_HEADERS = ("user-agent",)


def scrub_text(text: str) -> str:
    """Free text with card numbers (grouped or not) replaced by ``FAKE_PAN`` and labelled secrets
    (``cvv 653``, ``код 5678``) blanked: what ``_redact`` finds, with fakes of the same shape."""
    return scrub_labelled(replace_cards(text, lambda _: FAKE_PAN))


def _fake(key: str, value: Any) -> Any:
    name = key.lower()
    if name in FAKES:
        return FAKES[name]
    return REDACTED if is_secret_field(key, value) else DESCEND


def scrub_value(value: Any) -> Any:
    """A JSON value with every secret field replaced by its fake, a field whose name holds a secret's
    label (``card_cvv``, ``expire_date``) or named by one with a secret's shape (``"sms_code": "5678"``)
    blanked, and every string scrubbed by ``scrub_text``. Walked without recursion, at any depth."""
    return walk(value, field=_fake, text=scrub_text, max_depth=None)


@functools.cache
def _secret_answer_paths() -> tuple[frozenset[str], frozenset[str]]:
    """(the API paths whose answers are secret data, the fields such an answer keeps: the Card API
    envelope's and ``card_id``), from the spec's operation table and schemas."""
    from ._core import secret_answer_keeps

    return frozenset(op["path"] for op in OPERATIONS if op["secret_answer"]), secret_answer_keeps()


def _secret_answer(value: Any) -> Any:
    """A secret-data answer: every field beyond the envelope and ``card_id`` replaced, whatever its name
    (the names are guesses; the facade's ``SecretCardData`` treats them all as secret too)."""
    if not isinstance(value, dict):
        return value
    keep = _secret_answer_paths()[1]
    return {k: v if k in keep else FAKES.get(k.lower(), REDACTED) for k, v in value.items()}


def scrub_body(body: bytes | str | None, *, secret_answer: bool = False) -> bytes | str | None:
    """A JSON body scrubbed and re-serialised compactly (the bytes our client sends); any other body with
    secret fields blanked and card numbers replaced, as free text. ``secret_answer``: the body answers a
    secret-data operation (every field beyond the envelope is replaced)."""
    if not body:
        return body
    raw = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        parsed = json.loads(raw)
        cleaned = json.dumps(
            scrub_value(_secret_answer(parsed) if secret_answer else parsed), separators=(",", ":"), ensure_ascii=False
        )
    except (ValueError, RecursionError):
        cleaned = scrub_value(scrub_raw_text(raw))
    return cleaned.encode("utf-8") if isinstance(body, bytes) else cleaned


def scrub_header(name: str, value: str) -> str:
    """A header's value as a cassette keeps it: a secret header's (the signature, echoed or not) or one
    whose name holds a secret's label replaced; in any other, card numbers and labelled secrets."""
    if name.lower() in SECRET_HEADERS or is_secret_name(name):
        return REDACTED
    return scrub_text(value)


# What the last request scrubbed asked for (vcrpy, and conformance's cassettes, scrub a request and then
# its answer, in one thread): whether that answer is secret data, known only from the request's path.
_LAST_REQUEST = threading.local()


def _asks_secret_data(uri: object) -> bool:
    path = urlsplit(uri).path if isinstance(uri, str) else ""
    return any(path.endswith(secret) for secret in _secret_answer_paths()[0])


def scrub_request(request: Any) -> Any:
    """vcrpy ``before_record_request``: drop the signature headers (and the volatile User-Agent), scrub
    the JSON body."""
    for name in list(request.headers):
        if name.lower() in SECRET_HEADERS or name.lower() in VOLATILE_REQUEST_HEADERS:
            del request.headers[name]
        elif isinstance(request.headers[name], str):
            request.headers[name] = scrub_header(name, request.headers[name])
    request.body = scrub_body(request.body)
    _LAST_REQUEST.secret_answer = _asks_secret_data(getattr(request, "uri", None))
    return request


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    """vcrpy ``before_record_response``: scrub the JSON body (every field beyond the envelope, for the
    answer to a secret-data request scrubbed just before), scrub header values, fix Content-Length, drop
    volatile headers."""
    secret_answer = getattr(_LAST_REQUEST, "secret_answer", False)
    _LAST_REQUEST.secret_answer = False
    body = response.get("body", {})
    headers = response.get("headers", {})
    if "string" in body:
        body["string"] = scrub_body(body["string"], secret_answer=secret_answer)
    for name in list(headers):
        if name.lower() in VOLATILE_RESPONSE_HEADERS and "string" in body:
            del headers[name]
        elif name.lower() == "content-length" and isinstance(body.get("string"), (bytes, str)):
            size = len(body["string"].encode() if isinstance(body["string"], str) else body["string"])
            headers[name] = [str(size)]
        else:
            values = headers[name]
            headers[name] = (
                [scrub_header(name, v) if isinstance(v, str) else v for v in values]
                if isinstance(values, list)
                else values
            )
    return response


RECORDED_BASE_URL = "https://test-api.freedompay.kz"


def fix_origin(request: Any, base_url: str = RECORDED_BASE_URL) -> Any:
    """vcrpy ``before_record_request``: the URI's ``scheme://host:port`` and the ``Host`` header replaced
    by ``base_url``'s (the path, and so a proxy's path prefix, is kept)."""
    origin = urlsplit(base_url)
    parts = urlsplit(request.uri)
    request.uri = urlunsplit((origin.scheme, origin.netloc, parts.path, parts.query, parts.fragment))
    for name in list(request.headers):
        if name.lower() == "host":
            request.headers[name] = origin.netloc
    return request


def vcr_config() -> dict[str, Any]:
    """A vcrpy configuration that records nothing secret and replays across hosts."""
    return {
        "match_on": ["method", "path", "body"],
        "before_record_request": [scrub_request, fix_origin],
        "before_record_response": scrub_response,
        "decode_compressed_response": True,
    }


def find_secrets(text: str) -> list[str]:
    """What in ``text`` looks like a secret: signature-shaped strings and Luhn-valid card numbers."""
    found = re.findall(r"eyJ[A-Za-z0-9_-]{20,}\.\.[A-Za-z0-9_-]{40,}", text)
    cards: list[str] = []

    def keep(number: str) -> str:
        cards.append(number)
        return number

    replace_cards(text, keep)
    return found + cards
