"""Checks of the caller's input, before anything is sent. Each raises ``InvalidRequestError`` (a
``ValueError``) or ``InvalidRequestTypeError`` (also a ``TypeError``) naming the argument.

Limits that the spec states are read from it, not restated here: every ``maxLength``, ``maximum`` and
``pattern`` of a request property comes from ``_spec.json`` (generated from
``openapi/card-api.yaml``), looked up by the property's name (``spec_limit``). Where the bound is ours and
not the docs', the spec says so with ``x-doc-deviation``.

Characters: no text field takes a lone surrogate (UTF-8 cannot encode it, so it could never be sent),
NUL or another control character other than tab, newline and carriage return, or a bidirectional-text
control (it makes a log line or a back-office screen show something else than what was sent). Ids
(``identifier``) take no control character at all, and no invisible formatting character either. The
message names the field and the code point, never the raw character.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
import os
import re
import stat
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Any, Literal, TypeVar, overload

from ._errors import InvalidRequestError, InvalidRequestTypeError
from ._lazy import lazy_pattern
from ._schema import EMAIL

E = TypeVar("E", bound=Enum)  # a generated enum: IntEnum or str-valued

MAX_RETRIES = 100  # more would keep a call retrying for hours; per client and per call
MIN_SECONDS = 0.001  # a poll interval below a millisecond is a busy loop against the API
MAX_SECONDS = 86400.0  # a day; past that a sleep or a socket timeout overflows
MAX_WINDOWS = 10_000  # statement windows per call (a day's windows over 27 years)
_INT64 = 2**63  # ids and codes the API stores as integers

_BIDI = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# What text and ids refuse, as regular-expression classes (compiled on first use: they cost ~1 ms).
NOT_IN_TEXT = rf"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff]"
NOT_IN_ID = (
    rf"[\x00-\x1f\x7f-\x9f\u00ad\u180e\u200b-\u200d\u2028\u2029\u2060-\u2064\u206a-\u206f\ufeff\ufff9-\ufffb"
    rf"{_BIDI}\ud800-\udfff]"
)
_PHONE = lazy_pattern(r"\+?[1-9][0-9]{6,14}")  # E.164: a country code never starts with 0
_AMOUNT = lazy_pattern(r"[0-9]+(?:\.[0-9]+)?")  # ASCII digits only: no sign, space, underscore or exponent
_AMOUNT_FORMS = "a Decimal, an int, or a string of ASCII digits with an optional decimal point such as '10.50'"
_INEXACT = "cannot be sent exactly: amounts travel as plain JSON numbers (about 15 significant digits, no exponent)"
_PIN = lazy_pattern(r"[0-9]{4,12}")


def describe_char(char: str) -> str:
    """``U+202E (a bidirectional-text control)``: a character named without showing it."""
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        kind = "a lone surrogate, which UTF-8 cannot encode"
    elif _compiled(f"[{_BIDI}]").fullmatch(char):
        kind = "a bidirectional-text control"
    elif code < 0x20 or 0x7F <= code <= 0x9F:
        kind = "a control character"
    elif unicodedata.category(char) == "Nd":
        kind = "a digit that is not ASCII"
    else:
        kind = "an invisible formatting character"
    return f"U+{code:04X} ({kind})"


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def refused_char(value: str, pattern: str) -> re.Match[str] | None:
    """The first character of ``value`` that ``pattern`` (``NOT_IN_ID``, ``NOT_IN_TEXT``) refuses, or None:
    at once for printable ASCII text (none of the refused characters is one), without compiling it."""
    if value.isascii() and value.isprintable():
        return None
    return _compiled(pattern).search(value)


def _shown(value: object) -> str:
    """A short, safe rendering of a wrong value (never a huge int, never more than 40 characters)."""
    text = repr(value) if not isinstance(value, int) or -(10**40) < value < 10**40 else "a number that large"
    return text if len(text) <= 40 else text[:37] + "..."


def _type_error(field: str, expected: str, value: object) -> InvalidRequestTypeError:
    return InvalidRequestTypeError(field, f"expected {expected}, got {type(value).__name__}")


# ------------------------------------------------------------------------------------------- the spec


def _request_properties() -> dict[str, list[dict[str, Any]]]:
    """Every property of every request schema of the spec (nested objects and array items included), by
    name: the distinct sets of its own keywords (``_spec.json``'s index, made by ``scripts/generate.py``)."""
    from ._schema import spec as _spec

    found: dict[str, list[dict[str, Any]]] = _spec()["request_properties"]
    return found


@functools.cache
def spec_limit(name: str, keyword: str, kind: str | None = None) -> Any:
    """The spec's ``keyword`` (``maxLength``, ``maximum``, ``pattern``) for the request property ``name``
    (of JSON type ``kind``, when given), or None when the spec states none. Where several request
    schemas have the property, the strictest bound wins; a pattern must be the same everywhere."""
    values = {
        prop[keyword]
        for prop in _request_properties().get(name, [])
        if keyword in prop and (kind is None or prop.get("type") == kind)
    }
    if not values:
        return None
    if keyword == "pattern":
        if len(values) > 1:
            raise LookupError(f"the spec gives {name} several patterns: {sorted(values)}")
        return values.pop()
    return min(values)


@functools.cache
def spec_pattern(name: str) -> re.Pattern[str]:
    """The spec's pattern for ``name``, with JSON Schema's meaning: ASCII classes, ``$`` at the very end."""
    pattern = spec_limit(name, "pattern")
    if pattern is None:
        raise LookupError(f"the spec gives {name} no pattern")
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"  # Python's $ also matches before a final newline
    return re.compile(pattern, re.ASCII)


def _max_length(field: str, value: str, spec_name: str) -> None:
    limit = spec_limit(spec_name, "maxLength", "string")
    if limit is not None and len(value) > limit:
        raise InvalidRequestError(field, f"is {len(value)} characters long; at most {limit} are accepted")


# ------------------------------------------------------------------------------------------- text


def _spec_name(field: str, spec_name: str | None) -> str:
    return spec_name or field.rsplit(".", 1)[-1]


@functools.lru_cache(maxsize=512)  # bounded: a field's name may carry an index (limits[7].period)
def _length_limit(field: str, spec_name: str | None) -> int | None:
    limit: int | None = spec_limit(_spec_name(field, spec_name), "maxLength", "string")
    return limit


def _checked_text(field: str, value: object, spec_name: str | None, forbidden: str, why: str) -> str:
    # the usual text, printable ASCII and not blank (none of the refused characters is one): its length is
    # the only thing left to check; anything else takes the checks below, which name what is wrong
    if type(value) is str and value.isascii() and value.isprintable() and value and not value.isspace():
        limit = _length_limit(field, spec_name)
        if limit is None or len(value) <= limit:
            return value
    if not isinstance(value, str):
        raise _type_error(field, "str", value)
    _max_length(field, value, _spec_name(field, spec_name))
    if not value.strip():
        raise InvalidRequestError(field, "must not be empty or blank")
    bad = refused_char(value, forbidden)
    if bad:
        raise InvalidRequestError(field, f"contains {describe_char(bad.group())} at position {bad.start()}{why}")
    return value


def text(field: str, value: object, *, spec_name: str | None = None) -> str:
    """Free text (a reason, a name, an address line): a non-blank string within the spec's
    ``maxLength`` for ``spec_name`` (default: the field's last dotted part), without NUL, other controls
    than tab/newline/carriage return, bidi controls or lone surrogates."""
    return _checked_text(field, value, spec_name, NOT_IN_TEXT, "")


def identifier(field: str, value: object, *, spec_name: str | None = None) -> str:
    """An id (card_id, client_id, transaction_id, order_id...): like ``text``, and without any control or
    invisible formatting character (newlines, zero-width spaces and every other character of Unicode
    category Cf, the TAG block included); the digits in it are ASCII (a ``٣`` looks like no ``3``)."""
    checked = _checked_text(field, value, spec_name, NOT_IN_ID, "; ids take none")
    if not checked.isascii():  # the common case costs one check; the rest is for the rare non-ASCII id
        for position, char in enumerate(checked):
            kind = unicodedata.category(char)
            if kind == "Cf" or (kind == "Nd" and not char.isascii()):
                problem = f"contains {describe_char(char)} at position {position}; ids take none"
                raise InvalidRequestError(field, problem)
    return checked


# The last request_id ``request_id`` returned, with its UUID: the method that asked for it builds its request
# model from that UUID (``request_uuid``) instead of parsing the text again. One tuple, replaced whole: a
# thread that finds another thread's id there parses its own.
_LAST: tuple[str, uuid.UUID] | None = None


def request_id(value: object, factory: Callable[[], uuid.UUID | str]) -> str:
    """The caller's request_id (a UUID, canonical form) or a fresh one from ``factory``."""
    global _LAST
    if value is None:
        value = factory()
    if isinstance(value, uuid.UUID) and type(value) is not uuid.UUID:
        value = uuid.UUID(int=value.int)  # a subclass (its own __str__, perhaps): a plain UUID of its value
    if type(value) is not uuid.UUID:
        if not isinstance(value, str):
            raise _type_error("request_id", "a UUID string", value)
        try:
            if len(value) > 45:  # the longest form: urn:uuid:{...}
                raise ValueError
            value = uuid.UUID(value)
        except ValueError:
            raise InvalidRequestError(
                "request_id", "must be a UUID, e.g. 828cf71d-a447-4a67-a149-c1df8bc197ca"
            ) from None
    text = str(value)
    _LAST = (text, value)
    return text


def request_uuid(text: str) -> uuid.UUID:
    """The UUID of ``text``, a request_id ``request_id`` returned: the one it made (no second parse) when
    it is the last it returned in any thread, else parsed."""
    last = _LAST
    return last[1] if last is not None and last[0] == text else uuid.UUID(text)


def token(field: str, value: object) -> uuid.UUID:
    """A card token: a UUID, given as ``uuid.UUID`` or its text."""
    if isinstance(value, uuid.UUID):
        return value
    if not isinstance(value, str):
        raise _type_error(field, "a UUID string", value)
    try:
        return uuid.UUID(value)
    except ValueError:
        raise InvalidRequestError(field, "must be a UUID, e.g. 828cf71d-a447-4a67-a149-c1df8bc197ca") from None


# ------------------------------------------------------------------------------------------- numbers


def flag(field: str, value: object) -> bool:
    """A real ``bool``: ``wait="no"`` must not read as true."""
    if not isinstance(value, bool):
        raise _type_error(field, "bool (True or False)", value)
    return value


def seconds(field: str, value: object, *, minimum: float = MIN_SECONDS, maximum: float = MAX_SECONDS) -> float:
    """A number of seconds from ``minimum`` to ``maximum`` (by default a millisecond to a day)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _type_error(field, "a number of seconds", value)
    if not value > 0:  # NaN too
        raise InvalidRequestError(field, f"must be a positive number of seconds, got {_shown(value)}")
    if not minimum <= value <= maximum:
        raise InvalidRequestError(field, f"must be from {minimum:g} to {maximum:g} seconds, got {_shown(value)}")
    return float(value)


def max_retries(field: str, value: object) -> int:
    """A retry count from 0 to ``MAX_RETRIES``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise _type_error(field, "int", value)
    if not 0 <= value <= MAX_RETRIES:
        raise InvalidRequestError(field, f"must be an int from 0 to {MAX_RETRIES}, got {_shown(value)}")
    return value


def gift_card_id(field: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _type_error(field, "int", value)
    if not 0 < value < _INT64:
        raise InvalidRequestError(field, "must be a positive integer below 2**63")
    return value


def positive_int(field: str, value: object) -> int:
    return gift_card_id(field, value)


def count(field: str, value: object, *, spec_name: str | None = None) -> int:
    """A positive integer within the spec's ``maximum`` for the property."""
    number = positive_int(field, value)
    limit = spec_limit(_spec_name(field, spec_name), "maximum", "integer")
    if limit is not None and number > limit:
        raise InvalidRequestError(field, f"is {_shown(number)}; at most {limit} are accepted per request")
    return number


def amount(field: str, value: object) -> float:
    """A positive amount given as ``Decimal``, ``int`` or a plain decimal string, returned as the JSON
    number that represents it exactly and in plain notation (never ``1e+20``). Floats are refused: they
    cannot say 0.1; so are strings with signs, spaces, underscores, exponents or non-ASCII digits."""
    number = decimal_number(field, value, problem="must be a positive, finite amount")
    if number <= 0:
        raise InvalidRequestError(field, "must be a positive, finite amount")
    as_float = float(number)
    shown = repr(as_float)  # what json.dumps writes
    if "e" in shown or "n" in shown or Decimal(shown) != number:  # numeric comparison: 10.10 == 10.1
        raise InvalidRequestError(field, f"{_shown(value)} {_INEXACT}")
    return as_float


def decimal_number(field: str, value: object, *, problem: str = "must be a finite number") -> Decimal:
    """A finite decimal number given as ``Decimal``, ``int`` or a plain decimal string (floats are refused:
    they cannot say 0.1); ``problem`` is the message for one that is not finite."""
    if isinstance(value, (bool, float)) or not isinstance(value, (Decimal, int, str)):
        raise _type_error(field, "Decimal, int or a decimal string", value)
    if isinstance(value, str) and (len(value) > 100 or not _AMOUNT.fullmatch(value)):
        raise InvalidRequestError(field, f"must be {_AMOUNT_FORMS}, got {_shown(value)}")
    if isinstance(value, int) and value.bit_length() > 64:
        raise InvalidRequestError(field, f"{_shown(value)} {_INEXACT}")
    try:
        number = Decimal(value)
    except InvalidOperation:  # unreachable for the forms let through above; kept as a guard
        raise InvalidRequestError(field, f"must be {_AMOUNT_FORMS}, got {_shown(value)}") from None
    if not number.is_finite():
        raise InvalidRequestError(field, problem)
    return number


def limit_amount_text(field: str, value: Decimal) -> str:
    """A limit's amount as the decimal string the API takes (no exponent, no sign): zero or more."""
    if value < 0:
        raise InvalidRequestError(field, "must be zero or more")
    return format(abs(value), "f")


def phone(field: str, value: object) -> int:
    """A phone number in international format, ASCII digits only (a leading + is dropped), as an integer."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise _type_error(field, "digits as str or int", value)
    problem = "must be 7 to 15 ASCII digits in international format (no leading 0), e.g. 77001234567"
    if isinstance(value, int):
        if not 10**6 <= value < 10**15:
            raise InvalidRequestError(field, problem)
        return value
    if not _PHONE.fullmatch(value):
        raise InvalidRequestError(field, problem)
    return int(value.lstrip("+"))


def pin(field: str, value: object) -> str:
    """A plain PIN: 4 to 12 ASCII digits."""
    if not isinstance(value, str):
        raise _type_error(field, "str", value)
    if not _PIN.fullmatch(value):
        raise InvalidRequestError(field, "must be 4 to 12 ASCII digits")
    return value


# ------------------------------------------------------------------------------------------- structures


def phone_text(field: str, value: object) -> str:
    """A phone number sent as a string of digits, as written (a leading + is dropped; leading zeros and a
    missing country code are kept: Cardholder validation's example has 10 digits)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise _type_error(field, "digits as str or int", value)
    digits = str(value).removeprefix("+")
    if not (digits.isascii() and digits.isdigit() and 6 <= len(digits) <= 15):
        raise InvalidRequestError(field, "must be 6 to 15 digits, e.g. 7001234567")
    return digits


def extra_fields(field: str, value: object, documented: frozenset[str]) -> dict[str, object]:
    """Extra JSON fields for an object the docs say is open: string keys that do not shadow a documented
    field (those have their own, checked, arguments) and values that are JSON, encodable as UTF-8."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _type_error(field, "a dict", value)
    for key, item in value.items():
        if not isinstance(key, str) or not key.strip():
            raise InvalidRequestError(field, "keys must be non-empty strings")
        bad = _compiled(NOT_IN_ID).search(key)
        if bad:
            raise InvalidRequestError(field, f"a key contains {describe_char(bad.group())}")
        if key in documented:
            raise InvalidRequestError(field, f"{key!r} is a documented field: pass it as its own argument")
        try:
            json.dumps(item, allow_nan=False, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidRequestError(field, f"{key!r}: the value holds a lone surrogate") from None
        except (TypeError, ValueError, RecursionError):
            raise InvalidRequestError(field, f"{key!r}: the value is not JSON ({type(item).__name__})") from None
    return value


def _code(field: str, value: object, spec_name: str, example: str, *, lower: bool = False) -> str:
    if not isinstance(value, str):
        raise _type_error(field, "str", value)
    normal = value.lower() if lower else value.upper()
    if len(value) > 8 or not value.isascii() or not spec_pattern(spec_name).search(normal):
        raise InvalidRequestError(field, f"must be {example}")
    return normal


def country(field: str, value: object) -> str:
    """An ISO 3166-1 alpha-3 code, upper-cased (the spec's pattern)."""
    return _code(field, value, "country", "an ISO 3166-1 alpha-3 country code, e.g. KAZ")


def currency(field: str, value: object) -> str:
    return _code(field, value, "currency", "an ISO 4217 currency code, e.g. KZT")


def language(field: str, value: object) -> str:
    return _code(field, value, "language", "an ISO 639-1 alpha-2 language code, e.g. ru", lower=True)


def email(field: str, value: object) -> str:
    address = identifier(field, value)
    if not EMAIL.fullmatch(address):
        raise InvalidRequestError(field, "is not an e-mail address")
    return address


# ------------------------------------------------------------------------------------------- dates


def birthdate(field: str, value: object) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise _type_error(field, "datetime.date", value)
    if value > dt.date.today():
        raise InvalidRequestError(field, "is in the future")
    return value


def moment(field: str, value: object, *, end_of_day: bool = False) -> dt.datetime:
    """A time-zone aware datetime; a ``date`` means the start (or, for an end, the last microsecond) of that
    day, UTC."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidRequestError(field, "must be time-zone aware (e.g. datetime(..., tzinfo=timezone.utc))")
        return value
    if isinstance(value, dt.date):
        clock = dt.time(23, 59, 59, 999999) if end_of_day else dt.time(0, 0, 0)
        return dt.datetime.combine(value, clock, tzinfo=dt.UTC)
    raise _type_error(field, "datetime.datetime or datetime.date", value)


@overload
def date_range(
    start: object, end: object, *, open_ended: Literal[False] = False
) -> tuple[dt.datetime, dt.datetime]: ...
@overload
def date_range(
    start: object, end: object, *, open_ended: Literal[True]
) -> tuple[dt.datetime | None, dt.datetime | None]: ...
def date_range(
    start: object, end: object, *, open_ended: bool = False
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """``start`` and ``end`` as moments (an ``end`` date is that whole day), end not before start. With
    ``open_ended``, a ``None`` bound is left open (``None``) instead of refused."""
    first = None if open_ended and start is None else moment("start", start)
    last = None if open_ended and end is None else moment("end", end, end_of_day=True)
    if first is not None and last is not None and first > last:
        raise InvalidRequestError("end", "is before start")
    return first, last


def statement_windows(
    first: dt.datetime | None, last: dt.datetime | None, window: object
) -> Iterator[tuple[dt.datetime | None, dt.datetime | None]]:
    """The ranges a statement is fetched in: the whole range, or consecutive windows of at most ``window``
    that meet without a gap or an overlap. Checked now (at most ``MAX_WINDOWS`` windows); the windows
    themselves are made one at a time, as they are fetched."""
    if window is None:
        return iter([(first, last)])
    if not isinstance(window, dt.timedelta):
        raise _type_error("window", "datetime.timedelta", window)
    if window <= dt.timedelta(0):
        raise InvalidRequestError("window", "must be a positive timedelta")
    if first is None or last is None:
        raise InvalidRequestError("window", "needs both start and end")
    windows = (last - first) // window + 1
    if windows > MAX_WINDOWS:
        raise InvalidRequestError(
            "window", f"would split the range into {windows} windows; at most {MAX_WINDOWS} are fetched per call"
        )
    return _windows(first, last, window)


def _windows(first: dt.datetime, last: dt.datetime, window: dt.timedelta) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    tick = dt.timedelta(microseconds=1)
    cursor = first
    while last - cursor >= window:  # no addition past ``last``: it could overflow datetime.max
        yield cursor, cursor + window - tick
        cursor += window
    yield cursor, last


def enum_member(field: str, value: object, wire: type[E]) -> E:
    """``value`` (a member of the facade's enum, or its plain value) as the generated model's enum ``wire``:
    the spec's list decides, so a value the docs add is accepted once the spec has it and ``make generate``
    ran, before anyone edits ``_enums.py``."""
    kind = str if issubclass(wire, str) else int
    if isinstance(value, bool) or not isinstance(value, kind):
        raise _type_error(field, f"{kind.__name__} (one of {wire.__name__}'s values)", value)
    try:
        return wire(value)
    except ValueError:
        allowed = ", ".join(f"{m.value} ({m.name})" for m in wire)
        raise InvalidRequestError(field, f"must be one of {allowed}") from None


# ------------------------------------------------------------------------------------------- documents


def max_document_bytes() -> int:
    """The largest PDF whose Base64 fits the spec's ``maxLength`` of ``document`` (2 MiB and a byte)."""
    return int(spec_limit("document", "maxLength", "string")) // 4 * 3


def _read_document(field: str, path: Path, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of a regular file: never a device, a FIFO or a whole huge file."""
    try:  # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise InvalidRequestError(field, f"cannot read {path}: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise InvalidRequestError(field, f"{path} is not a regular file")
        if info.st_size > limit:
            raise InvalidRequestError(field, f"is {info.st_size} bytes; the API takes at most {limit} (2 MB)")
        try:
            return file.read(limit + 1)
        except OSError as exc:
            raise InvalidRequestError(field, f"cannot read {path}: {exc.strerror}") from None


def document(field: str, value: object) -> str:
    """A PDF (bytes or a path) of at most 2 MiB, as Base64; its size is checked before it is encoded."""
    limit = max_document_bytes()
    if isinstance(value, Path):
        value = _read_document(field, value, limit)
    if not isinstance(value, (bytes, bytearray)):
        raise _type_error(field, "PDF bytes or a pathlib.Path", value)
    if len(value) > limit:
        raise InvalidRequestError(field, f"is over {limit} bytes; the API takes at most {limit} (2 MB)")
    if not bytes(value[:5]) == b"%PDF-":
        raise InvalidRequestError(field, "must be a PDF document")
    return base64.b64encode(bytes(value)).decode("ascii")
