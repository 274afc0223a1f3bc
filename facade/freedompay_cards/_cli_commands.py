"""The commands of ``freedompay-cards`` (parsed by ``_cli``): each makes a client the way
``CardClient.from_env()`` does, makes one call and prints its result, as a key/value block or a table,
or as JSON (``--json``). Errors become the exit codes ``_cli`` documents.

JSON output is the result object: the field names of the library's result classes, amounts as decimal
strings (exact), times in ISO 8601, enums as their values, secrets masked (``cards secret-data --reveal``
alone shows them). A failure prints ``{"error": {...}}`` with the error's type, message, operation,
request_id, code, http_status and whether the outcome is unknown.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import enum
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from ._cli import (
    EXIT_API_ERROR,
    EXIT_INTERRUPTED,
    EXIT_NO_ANSWER,
    EXIT_NOT_WRITTEN,
    EXIT_OK,
    EXIT_USAGE,
    PROG,
    Streams,
)
from ._config import settings_from_env
from ._core import OPERATIONS
from ._errors import (
    APIConnectionError,
    APIError,
    ConfigurationError,
    FreedomPayError,
    InvalidRequestError,
)
from ._redact import Secret
from ._sync._client import CardClient


class UsageError(Exception):
    """A command refused before anything was sent (exit 2)."""


def make_client(args: argparse.Namespace, environ: Mapping[str, str], **kwargs: Any) -> CardClient:
    """A client from the FREEDOMPAY_* variables in ``environ``, with ``--base-url``/``--environment``
    replacing the environment's choice of target (as ``CardClient.from_env(base_url=...)`` does)."""
    if args.base_url is not None and args.environment is not None:
        raise UsageError("--base-url and --environment both name the target: give one of them")
    settings = settings_from_env(environ)
    if args.base_url is not None:
        settings.pop("environment", None)
        settings["base_url"] = args.base_url
    if args.environment is not None:
        settings.pop("base_url", None)
        settings["environment"] = args.environment
    if getattr(args, "deadline", None) is not None:
        settings["deadline"] = args.deadline
    return CardClient(**settings, **kwargs)


# ------------------------------------------------------------------------------------------- commands


def _secret_data(client: CardClient, args: argparse.Namespace, io: Streams) -> Any:
    read = client.cards.secret_data_v2 if args.v2 else client.cards.secret_data
    return read(args.card_id)


def _statement(client: CardClient, args: argparse.Namespace, io: Streams) -> Any:
    if args.extended:
        if args.start is None or args.end is None:
            raise UsageError("cards statement --extended needs both --from and --to")
        return client.cards.statement_extended(args.card_id, args.start, args.end)
    operations = list(client.cards.statement(args.card_id, args.start, args.end))
    return {"card_id": args.card_id, "count": len(operations), "operations": operations}


def _close(client: CardClient, args: argparse.Namespace, io: Streams) -> Any:
    return client.cards.close(args.card_id, reason=args.reason, request_id=args.request_id)


def _transaction_info(client: CardClient, args: argparse.Namespace, io: Streams) -> Any:
    if args.transaction_id is None and args.order_id is None:
        raise UsageError("transactions info needs --transaction-id or --order-id (or both)")
    return client.transactions.info(transaction_id=args.transaction_id, order_id=args.order_id)


Command = Callable[[CardClient, argparse.Namespace, Streams], Any]

COMMANDS: dict[str, Command] = {
    "requests.status": lambda c, a, io: c.requests.status(a.request_id),
    "requests.wait": lambda c, a, io: c.requests.wait(a.request_id, timeout=a.timeout),
    "cards.info": lambda c, a, io: c.cards.info(a.card_id),
    "cards.balance": lambda c, a, io: c.cards.balance(a.card_id),
    "cards.block": lambda c, a, io: c.cards.block(a.card_id, reason=a.reason, request_id=a.request_id),
    "cards.unblock": lambda c, a, io: c.cards.unblock(a.card_id, reason=a.reason, request_id=a.request_id),
    "cards.close": _close,
    "cards.reset_pin_counter": lambda c, a, io: c.cards.reset_pin_counter(a.card_id, request_id=a.request_id),
    "cards.statement": _statement,
    "cards.secret_data": _secret_data,
    "clients.cards": lambda c, a, io: c.clients.list_cards(a.client_id),
    "transactions.info": _transaction_info,
    "gift_cards.products": lambda c, a, io: c.gift_cards.products(),
    "gift_cards.status": lambda c, a, io: c.gift_cards.status(a.card_id),
    "limits.list": lambda c, a, io: c.limits.list(a.scope, a.target_id),
}


def _before_sending(args: argparse.Namespace, io: Streams) -> None:
    """What a command checks or asks before anything is sent."""
    if args.run == "cards.secret_data" and not args.reveal and not io.is_terminal(io.stdout):
        raise UsageError(
            "cards secret-data writes only to a terminal unless --reveal is given: masked values in a pipe or "
            "a file could be taken for the card's data (with --reveal, the real values are written there)"
        )
    if args.run == "cards.close" and not args.yes:
        if not io.is_terminal(io.stdin):
            raise UsageError("cards close cannot be undone: pass --yes to close without a terminal to confirm on")
        if not io.ask(f"Close card {args.card_id} for good? Nothing reopens a closed card."):
            raise UsageError("not closed")


def run(args: argparse.Namespace, io: Streams, hooks: Any = None) -> int:
    """Run the parsed command; return the exit code."""
    try:
        if args.run == "sandbox":
            from .sandbox.__main__ import serve

            return serve(args, io.stdout, io.stderr)
        if args.run == "conformance":
            from ._conformance import command

            return command(args, io, hooks)
        _before_sending(args, io)
        if _changes_something(args) and args.request_id is None:
            args.request_id = str(uuid.uuid4())  # known before sending, so that an interruption can name it
        with make_client(args, io.environ) as client:
            result = COMMANDS[args.run](client, args, io)
        reveal = bool(getattr(args, "reveal", False))
        data = to_data(result, reveal=reveal)
    except UsageError as err:
        io.err(f"{PROG}: error: {err}")
        if getattr(args, "json", False):
            io.out(json.dumps({"error": {"type": "UsageError", "message": str(err)}}, ensure_ascii=False, indent=2))
        return EXIT_USAGE
    except FreedomPayError as err:
        return report_error(err, args.json, io)
    except KeyboardInterrupt:
        return _interrupted(args, io)
    try:
        show(data, args.json, io)
        io.stdout.flush()
    except (OSError, ValueError, AttributeError) as exc:  # stdout full, closed or gone
        done = f" (request_id {data['request_id']})" if isinstance(data, dict) and data.get("request_id") else ""
        with contextlib.suppress(OSError, ValueError, AttributeError):
            command = args.run.replace(".", " ").replace("_", "-")
            io.err(f"{PROG}: {command} was done{done}, but its result could not be written: {exc}")
        return EXIT_NOT_WRITTEN
    return EXIT_OK


def _changes_something(args: argparse.Namespace) -> bool:
    operation = OPERATIONS.get(args.run)
    return operation is not None and operation.mutating and hasattr(args, "request_id")


def _interrupted(args: argparse.Namespace, io: Streams) -> int:
    """Ctrl-C: for an operation that changes something, say which request_id to check."""
    io.err(f"{PROG}: interrupted")
    if _changes_something(args):
        io.err(
            f"  {args.run} may have been sent: its outcome is unknown. Check before repeating it:\n"
            f"    {PROG} requests status {args.request_id}"
        )
        if args.json:
            error = {
                "type": "Interrupted",
                "operation": args.run,
                "request_id": args.request_id,
                "outcome_unknown": True,
            }
            io.out(json.dumps({"error": error}, ensure_ascii=False, indent=2))
    return EXIT_INTERRUPTED


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
        io.out(json.dumps({"error": to_data(error_data(err))}, ensure_ascii=False, indent=2))
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


def show(data: Any, as_json: bool, io: Streams) -> None:
    if as_json:
        io.out(json.dumps(data, ensure_ascii=False, indent=2))
    else:
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
    return str(value)


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
