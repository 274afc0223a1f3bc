"""How ``freedompay-cards`` shows a result or an error.

Text (the default): for an operation that changes something, first a sentence saying what happened
(``card 10000001 blocked (request_id ...)``); then a key/value block of the result's fields that have a
value, and a table for each list of objects (``limits list``: one row per limit, its amounts as
``max 700 KZT``). Nothing is ever shown as a Python repr.

JSON (``--json``): the result object, its empty fields (null, "", [], {}) left out: the field names of
the library's result classes, amounts as decimal strings (exact), times in ISO 8601, enums as their
values, secrets masked (``cards secret-data --reveal`` alone shows them). A failure prints
``{"error": {...}}`` with the error's type, message, operation, request_id, code, http_status and
whether the outcome is unknown.

Every line goes out through ``Streams``, which escapes what could mislead a terminal (``_base``).
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from .._errors import APIConnectionError, APIError, ConfigurationError, FreedomPayError, InvalidRequestError
from .._redact import Secret
from ._base import EXIT_API_ERROR, EXIT_NO_ANSWER, EXIT_USAGE, PROG, Streams

# ------------------------------------------------------------------------------------------- errors


def exit_code(err: FreedomPayError) -> int:
    if isinstance(err, APIConnectionError):
        return EXIT_NO_ANSWER
    if isinstance(err, InvalidRequestError | ConfigurationError):
        return EXIT_USAGE
    return EXIT_API_ERROR


def error_data(err: FreedomPayError) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": type(err).__name__,
        "message": err.message,
        "operation": err.operation,
        "request_id": err.request_id,
        "code": getattr(err, "code", None),
        "http_status": getattr(err, "http_status", None),
        "outcome_unknown": err.outcome_unknown,
        "attempts": err.attempts,
    }
    if isinstance(err, InvalidRequestError):
        data["field"] = err.field
    if isinstance(err, ConfigurationError):
        data["argument"] = err.argument
    return data


def report_error(err: FreedomPayError, as_json: bool, io: Streams) -> int:
    """Print ``err`` (stderr; with ``--json`` also as JSON on stdout) and return its exit code."""
    code = exit_code(err)
    io.err(f"{PROG}: {type(err).__name__}: {err}")
    if isinstance(err, APIError) and err.code is not None:
        io.err(f"  code:       {err.code}")
    if err.request_id:
        io.err(f"  request_id: {err.request_id}")
    if isinstance(err, APIConnectionError):
        if err.outcome_unknown and err.request_id:
            io.err(
                "  the outcome is unknown: the request may have been applied. Check before repeating it:\n"
                f"    {PROG} requests status {err.request_id}"
            )
        elif not err.outcome_unknown:
            io.err("  nothing was applied")
    if as_json:
        show({"error": to_data(error_data(err))}, True, io)
    return code


# ------------------------------------------------------------------------------------------- output


def to_data(value: Any, *, reveal: bool = False) -> Any:
    """A result as plain JSON values: attrs classes as objects of their fields, ``Decimal`` as a string,
    times in ISO 8601, enums as their values, ``Secret`` masked (revealed only with ``reveal``)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, str | int):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Secret):
        return value.reveal() if reveal else str(value)
    if attrs.has(type(value)):
        data = {f.name: to_data(getattr(value, f.name), reveal=reveal) for f in attrs.fields(type(value))}
        if isinstance(data.get("fields"), dict):  # SecretCardData: every answer field, mapped ones included
            data["fields"] = {k: v for k, v in data["fields"].items() if k not in data}
        return data
    if isinstance(value, Mapping):
        return {str(k): to_data(v, reveal=reveal) for k, v in value.items()}
    if isinstance(value, Sequence | list | tuple):
        return [to_data(item, reveal=reveal) for item in value]
    return str(value)


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | dict) and not value)


def pruned(data: Any) -> Any:
    """``data`` without its empty fields (null, "", [], {}), at every depth; ``false`` and ``0`` stay."""
    if isinstance(data, Mapping):
        kept = {key: pruned(value) for key, value in data.items()}
        return {key: value for key, value in kept.items() if not _empty(value)}
    if isinstance(data, list):
        return [pruned(item) for item in data]
    return data


def show(data: Any, as_json: bool, io: Streams, sentence: str | None = None) -> None:
    """``data`` as JSON (empty fields left out), or as text after ``sentence``."""
    if as_json:
        io.out(json.dumps(pruned(data), ensure_ascii=False, indent=2))
        return
    if sentence:
        io.out(sentence)
    io.out(render_text(data))


def _flat(data: Mapping[str, Any], prefix: str = "", *, terse: bool = False) -> dict[str, Any]:
    """Nested objects flattened into dotted keys; empty objects dropped (``terse``: nulls and empty lists
    too)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flat(value, f"{name}.", terse=terse))
        elif not (terse and value in (None, [])):
            out[name] = value
    return out


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value) if value else "-"
    if isinstance(value, Mapping):  # an object inside a cell: its fields that have a value, never a repr
        shown = [f"{k}={_cell(v)}" for k, v in _flat(value, terse=True).items() if v != ""]
        return " ".join(shown) or "-"
    return str(value)


def amount_text(amount: Mapping[str, Any]) -> str:
    """One amount of a limit as an operator reads it: ``max 700 KZT``."""
    words = [amount.get("kind"), amount.get("value"), amount.get("currency")]
    return " ".join(str(w) for w in words if w not in (None, ""))


def limit_rows(data: Mapping[str, Any]) -> dict[str, Any]:
    """``limits list`` for a person: one row per limit, its amounts as ``max 700 KZT``."""
    rows = []
    for limit in data.get("limits", []):
        amounts = ", ".join(amount_text(amount) for amount in limit.get("amounts", []))
        row = {"transaction_type": limit.get("transaction_type"), "amount": amounts}
        row.update((key, limit.get(key)) for key in ("period", "region"))
        rows.append({**row, **{f"extra.{k}": v for k, v in limit.get("extra", {}).items()}})
    return {**{k: v for k, v in data.items() if k != "limits"}, "limits": rows}


def table(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Rows of objects as aligned columns (every key any row has, in first-seen order)."""
    flat = [_flat(row) for row in rows]
    columns: list[str] = []
    for row in flat:
        columns += [k for k in row if k not in columns]
    cells = [[_cell(row.get(c)) for c in columns] for row in flat]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return lines


def render_text(data: Any) -> str:
    """A key/value block for an object's fields (those with a value), a table for each list of objects."""
    if not isinstance(data, Mapping):
        return _cell(data)
    scalars: dict[str, Any] = {}
    tables: list[tuple[str, list[Mapping[str, Any]]]] = []
    for key, value in _flat(data, terse=True).items():
        if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            tables.append((key, value))
        else:
            scalars[key] = value
    width = max((len(k) for k in scalars), default=0)
    lines = [f"{k.ljust(width)}  {_cell(v)}" for k, v in scalars.items()]
    for key, rows in tables:
        lines += ["", f"{key} ({len(rows)}):", *("  " + line for line in table(rows))]
    return "\n".join(lines)
