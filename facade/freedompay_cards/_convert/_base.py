"""What the converters share: ``extra`` (``leftover``), envelope states, times, lazily read arrays."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from .._core import LazyArray, unset
from .._errors import UnexpectedResponseError
from .._models._base import LazyResults, answer_paths
from .._redact import DESCEND, Secret, is_secret_field, scrub_text, walk
from .._request_status import RequestStatus

T = TypeVar("T")


def guarded(key: str, value: Any) -> Any:
    """A value kept in ``extra`` (an answer field no attribute maps), as safe to show as the rest of a
    result: a field named or labelled as a secret (``cvv``; ``sms_code`` with a code's shape) becomes a
    ``Secret``, and so does text holding a card number or a labelled secret, shown masked; objects and
    lists are walked without recursion, and what lies deeper than ``MAX_DEPTH`` levels is ``<too deep>``
    (an answer nested without bound is read, never a ``RecursionError``)."""
    if is_secret_field(key, value):
        return Secret(str(value))
    if isinstance(value, str):
        return _guarded_text(value)
    if isinstance(value, dict | list):
        return walk(value, field=_guarded_field, text=_guarded_text, key=_same)
    return value


def _guarded_field(key: str, value: Any) -> Any:
    return Secret(str(value)) if is_secret_field(key, value) else DESCEND


def _guarded_text(value: str) -> Any:
    shown = scrub_text(value)
    return value if shown == value else Secret(value, shown)


def _same(key: str) -> str:
    return key


def leftover(raw: dict[str, Any], result: type) -> dict[str, Any]:
    """The fields of ``raw`` that ``result`` does not map, by answer path (``card.card_status`` for a
    field of a nested object whose other fields are mapped)."""
    return _leftover(raw, answer_paths(result), "")


def _leftover(raw: dict[str, Any], paths: frozenset[str], prefix: str) -> dict[str, Any]:
    if not prefix and paths.issuperset(raw):  # the usual answer: every field mapped
        return {}
    out: dict[str, Any] = {}
    for key, value in raw.items():
        path = prefix + key
        if path in paths:
            continue
        if isinstance(value, dict) and any(p.startswith(path + ".") for p in paths):
            out.update(_leftover(value, paths, path + "."))
        else:
            out[path] = guarded(key, value)
    return out


def _object(raw: Any) -> dict[str, Any]:
    return raw if isinstance(raw, dict) else {}


def _request_status(parsed: Any) -> RequestStatus:
    state = unset(parsed.request_status)
    if state is None:
        raise UnexpectedResponseError("the answer has no request_status")
    return _STATES[state]  # read_answer let only documented states through


def _optional_status(parsed: Any) -> RequestStatus | None:
    state = unset(getattr(parsed, "request_status", None))
    return None if state is None else _STATES[state]


_STATES: dict[str, RequestStatus] = {state.value: state for state in RequestStatus}


def _required(value: Decimal | None, name: str) -> Decimal:
    if value is None:
        raise UnexpectedResponseError(f"the answer has no {name}")
    return value


def timestamp(value: Any, name: str) -> _dt.datetime | None:
    """A time the API writes as text (gift cards: ``YYYY-MM-DD hh:mm:ss`` without a zone, kept naive;
    authorizations: as written, ISO 8601)."""
    if type(value) is str:
        try:  # the usual ISO 8601 text, read as it is
            return _dt.datetime.fromisoformat(value)
        except ValueError:
            pass
    else:
        value = unset(value)
        if value is None or isinstance(value, _dt.datetime):
            return value
    if isinstance(value, str):
        try:
            return _dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            pass
    raise UnexpectedResponseError(f"{name} is not a date and time: {str(value)[:40]!r}")


def _items(raw_items: Any, convert: Callable[[dict[str, Any]], T], name: str) -> Sequence[T]:
    """Results for an answer's array of objects (checked against the spec, as the whole answer, or item by
    item as a ``LazyArray`` is read): lazily from a ``LazyArray``, else at once."""
    if isinstance(raw_items, LazyArray):
        return LazyResults(raw_items, convert, name)
    return tuple(convert(_object(r)) for r in raw_items) if isinstance(raw_items, list) else ()


def aware_datetime(value: str) -> _dt.datetime:
    """A ``date-time`` the spec checked (RFC 3339, which allows a lower-case "z")."""
    return _dt.datetime.fromisoformat(value[:-1] + "Z" if value.endswith("z") else value)
