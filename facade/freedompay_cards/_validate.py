"""Checks of the caller's input, before anything is sent. Each raises ``InvalidRequestError`` (a
``ValueError``) or ``InvalidRequestTypeError`` (also a ``TypeError``) naming the argument."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import uuid
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from enum import IntEnum
from pathlib import Path
from typing import TypeVar

from ._errors import InvalidRequestError, InvalidRequestTypeError

E = TypeVar("E", bound=IntEnum)

MAX_DOCUMENT_BYTES = 2 * 1024 * 1024  # "at most 2 MB" (Dictionaries page); taken as 2 MiB of PDF
_ALPHA3 = re.compile(r"[A-Za-z]{3}")
_ALPHA2 = re.compile(r"[A-Za-z]{2}")
_PHONE = re.compile(r"\+?[1-9][0-9]{6,14}")  # E.164: a country code never starts with 0
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _type_error(field: str, expected: str, value: object) -> InvalidRequestTypeError:
    return InvalidRequestTypeError(field, f"expected {expected}, got {type(value).__name__}")


def text(field: str, value: object) -> str:
    """A non-empty, non-blank string."""
    if not isinstance(value, str):
        raise _type_error(field, "str", value)
    if not value.strip():
        raise InvalidRequestError(field, "must not be empty or blank")
    return value


def request_id(value: object, factory: Callable[[], uuid.UUID | str]) -> str:
    """The caller's request_id (a UUID, canonical form) or a fresh one from ``factory``."""
    if value is None:
        value = factory()
    if isinstance(value, uuid.UUID):
        return str(value)
    if not isinstance(value, str):
        raise _type_error("request_id", "a UUID string", value)
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise InvalidRequestError("request_id", "must be a UUID, e.g. 828cf71d-a447-4a67-a149-c1df8bc197ca") from None


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


def seconds(field: str, value: object) -> float:
    """A positive, finite number of seconds."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _type_error(field, "a number of seconds", value)
    if not 0 < value < float("inf"):
        raise InvalidRequestError(field, "must be a positive, finite number of seconds")
    return float(value)


def gift_card_id(field: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _type_error(field, "int", value)
    if value <= 0:
        raise InvalidRequestError(field, "must be a positive integer")
    return value


def positive_int(field: str, value: object) -> int:
    return gift_card_id(field, value)


def amount(field: str, value: object) -> float:
    """A positive amount given as ``Decimal``, ``int`` or a decimal string, returned as the JSON number
    that represents it exactly. Floats are refused: they cannot say 0.1."""
    number = decimal_number(field, value, problem="must be a positive, finite amount")
    if number <= 0:
        raise InvalidRequestError(field, "must be a positive, finite amount")
    as_float = float(number)
    if Decimal(repr(as_float)) != number:  # numeric comparison: 10.10 == 10.1
        raise InvalidRequestError(field, f"{value} cannot be sent exactly as a JSON number")
    return as_float


def decimal_number(field: str, value: object, *, problem: str = "must be a finite number") -> Decimal:
    """A finite decimal number given as ``Decimal``, ``int`` or a decimal string (floats are refused: they
    cannot say 0.1); ``problem`` is the message for one that is not finite."""
    if isinstance(value, (bool, float)) or not isinstance(value, (Decimal, int, str)):
        raise _type_error(field, "Decimal, int or a decimal string", value)
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise InvalidRequestError(field, f"not a decimal number: {value!r}") from None
    if not number.is_finite():
        raise InvalidRequestError(field, problem)
    return number


def limit_amount_text(field: str, value: Decimal) -> str:
    """A limit's amount as the decimal string the API takes (no exponent, no sign): zero or more."""
    if value < 0:
        raise InvalidRequestError(field, "must be zero or more")
    return format(abs(value), "f")


def phone(field: str, value: object) -> int:
    """A phone number in international format, digits only (a leading + is dropped), as an integer."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise _type_error(field, "digits as str or int", value)
    digits = str(value)
    if not _PHONE.fullmatch(digits):
        raise InvalidRequestError(
            field, "must be 7 to 15 digits in international format (no leading 0), e.g. 77001234567"
        )
    return int(digits.lstrip("+"))


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
    field (those have their own, checked, arguments) and values that are JSON."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _type_error(field, "a dict", value)
    for key, item in value.items():
        if not isinstance(key, str) or not key.strip():
            raise InvalidRequestError(field, "keys must be non-empty strings")
        if key in documented:
            raise InvalidRequestError(field, f"{key!r} is a documented field: pass it as its own argument")
        try:
            json.dumps(item, allow_nan=False)
        except (TypeError, ValueError):
            raise InvalidRequestError(field, f"{key!r}: the value is not JSON ({type(item).__name__})") from None
    return value


def country(field: str, value: object) -> str:
    """An ISO 3166-1 alpha-3 code, upper-cased."""
    if not isinstance(value, str):
        raise _type_error(field, "str", value)
    if not _ALPHA3.fullmatch(value):
        raise InvalidRequestError(field, "must be an ISO 3166-1 alpha-3 country code, e.g. KAZ")
    return value.upper()


def currency(field: str, value: object) -> str:
    if not isinstance(value, str):
        raise _type_error(field, "str", value)
    if not _ALPHA3.fullmatch(value):
        raise InvalidRequestError(field, "must be an ISO 4217 currency code, e.g. KZT")
    return value.upper()


def language(field: str, value: object) -> str:
    if not isinstance(value, str):
        raise _type_error(field, "str", value)
    if not _ALPHA2.fullmatch(value):
        raise InvalidRequestError(field, "must be an ISO 639-1 alpha-2 language code, e.g. ru")
    return value.lower()


def email(field: str, value: object) -> str:
    if not isinstance(value, str):
        raise _type_error(field, "str", value)
    if not _EMAIL.fullmatch(value):
        raise InvalidRequestError(field, "is not an e-mail address")
    return value


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


def date_range(start: object, end: object) -> tuple[dt.datetime, dt.datetime]:
    first = moment("start", start)
    last = moment("end", end, end_of_day=True)
    if first > last:
        raise InvalidRequestError("end", "is before start")
    return first, last


def enum_member(field: str, value: object, enum: type[E]) -> E:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _type_error(field, f"{enum.__name__} or int", value)
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(f"{m.value} ({m.name})" for m in enum)
        raise InvalidRequestError(field, f"must be one of {allowed}") from None


def document(field: str, value: object) -> str:
    """A PDF (bytes or a path) of at most 2 MiB, as Base64."""
    if isinstance(value, Path):
        path = value
        try:
            value = path.read_bytes()
        except OSError as exc:
            raise InvalidRequestError(field, f"cannot read {path}: {exc.strerror}") from None
    if not isinstance(value, (bytes, bytearray)):
        raise _type_error(field, "PDF bytes or a pathlib.Path", value)
    if len(value) > MAX_DOCUMENT_BYTES:
        raise InvalidRequestError(field, f"is {len(value)} bytes; the API takes at most {MAX_DOCUMENT_BYTES} (2 MB)")
    if not bytes(value[:5]) == b"%PDF-":
        raise InvalidRequestError(field, "must be a PDF document")
    return base64.b64encode(bytes(value)).decode("ascii")
