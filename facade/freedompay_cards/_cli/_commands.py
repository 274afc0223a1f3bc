"""What each command of ``freedompay-cards`` does: make a client the way ``CardClient.from_env()`` does
(with ``--base-url``/``--environment`` choosing the target), make one call, and say what happened
(``_output``). Errors become the exit codes ``_base`` names.

``conformance`` and ``sandbox`` are imported only when they run; ``simulate`` talks to a served sandbox's
reserved path (``_simulate``), never to the API.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from .._core import OPERATIONS
from .._errors import FreedomPayError, InvalidRequestError
from .._sync._client import CardClient
from ._base import EXIT_INTERRUPTED, EXIT_NOT_WRITTEN, EXIT_OK, EXIT_USAGE, PROG, Streams, UsageError
from ._output import limit_rows, report_error, show, to_data
from ._target import make_client

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


def _issue(client: CardClient, args: argparse.Namespace, io: Streams) -> Any:
    return client.cards.issue(
        args.product, first_name=args.first_name, last_name=args.last_name, phone=args.phone, country=args.country,
        person_id=args.person_id, middle_name=args.middle_name, birthdate=args.birthdate, email=args.email,
        request_id=args.request_id, wait=not args.no_wait, wait_timeout=args.wait_timeout,
    )  # fmt: skip


def _set_limits(client: CardClient, args: argparse.Namespace, io: Streams) -> Any:
    from .._models import Limit, LimitAmount

    limits = []
    for kind, amount, currency, period, region in args.limit:
        try:
            limits.append(Limit(kind, [LimitAmount(amount, currency)], period=period, region=region))
        except InvalidRequestError as err:  # the amount, refused as the library refuses it
            given = ":".join(part for part in (kind, amount, currency, period, region) if part)
            raise UsageError(f"--limit {given!r}: the amount {str(err).split(': ', 1)[-1]}") from None
    return client.limits.set(args.scope, args.target_id, limits, request_id=args.request_id)


def _create_transaction(client: CardClient, args: argparse.Namespace, io: Streams) -> Any:
    return client.transactions.create(
        args.card_id, args.amount, args.currency, order_id=args.order_id, description=args.description,
        request_id=args.request_id, wait=not args.no_wait, wait_timeout=args.wait_timeout,
    )  # fmt: skip


Command = Callable[[CardClient, argparse.Namespace, Streams], Any]

COMMANDS: dict[str, Command] = {
    "requests.status": lambda c, a, io: c.requests.status(a.request_id),
    "requests.wait": lambda c, a, io: c.requests.wait(a.request_id, timeout=a.timeout),
    "cards.info": lambda c, a, io: c.cards.info(a.card_id),
    "cards.balance": lambda c, a, io: c.cards.balance(a.card_id),
    "cards.issue": _issue,
    "cards.activate": lambda c, a, io: c.cards.activate(a.card_id, request_id=a.request_id),
    "cards.block": lambda c, a, io: c.cards.block(a.card_id, reason=a.reason, request_id=a.request_id),
    "cards.unblock": lambda c, a, io: c.cards.unblock(a.card_id, reason=a.reason, request_id=a.request_id),
    "cards.close": _close,
    "cards.reset_pin_counter": lambda c, a, io: c.cards.reset_pin_counter(a.card_id, request_id=a.request_id),
    "cards.statement": _statement,
    "cards.secret_data": _secret_data,
    "clients.cards": lambda c, a, io: c.clients.list_cards(a.client_id),
    "transactions.info": _transaction_info,
    "transactions.create": _create_transaction,
    "transactions.clear": lambda c, a, io: c.transactions.clear(
        a.transaction_id, order_id=a.order_id, amount=a.amount, request_id=a.request_id
    ),
    "transactions.refund": lambda c, a, io: c.transactions.refund(
        a.transaction_id, order_id=a.order_id, amount=a.amount, description=a.description, request_id=a.request_id
    ),
    "gift_cards.products": lambda c, a, io: c.gift_cards.products(),
    "gift_cards.status": lambda c, a, io: c.gift_cards.status(a.card_id),
    "limits.list": lambda c, a, io: c.limits.list(a.scope, a.target_id),
    "limits.set": _set_limits,
}

# What the text output says first, once a command that changes something is done (``data`` is the result
# as ``to_data`` gives it; the request_id is added after the sentence).
SENTENCES: dict[str, Callable[[argparse.Namespace, dict[str, Any]], str]] = {
    "cards.issue": lambda a, d: (
        f"card {', '.join(d['card_ids'])} issued to {a.first_name} {a.last_name} (product {a.product})"
        if d.get("card_ids") else f"card issue for {a.first_name} {a.last_name} accepted, {_state(d)}"
    ),
    "cards.activate": lambda a, d: f"card {a.card_id} activated",
    "cards.block": lambda a, d: f"card {a.card_id} blocked",
    "cards.unblock": lambda a, d: f"card {a.card_id} unblocked",
    "cards.close": lambda a, d: f"card {a.card_id} closed for good",
    "cards.reset_pin_counter": lambda a, d: f"card {a.card_id}: wrong-PIN counter reset to 0",
    "limits.set": lambda a, d: f"{a.scope} {a.target_id}: " + "; ".join(map(_limit_text, a.limit)),
    "transactions.create": lambda a, d: (
        f"transaction {d['transaction_id']} authorised: {a.amount} {a.currency} on card {a.card_id} "
        f"(order {a.order_id})" if d.get("transaction_id")
        else f"transaction of {a.amount} {a.currency} on card {a.card_id} accepted, {_state(d)}"
    ),
    "transactions.clear": lambda a, d: f"transaction {a.transaction_id} cleared: {_how_much(a.amount)}",
    "transactions.refund": lambda a, d: f"transaction {a.transaction_id} refunded: {_how_much(a.amount)}",
}  # fmt: skip


def _state(data: Mapping[str, Any]) -> str:
    return f"{data.get('request_status')}: `{PROG} requests wait {data.get('request_id')}` gives its outcome"


def _how_much(amount: str | None) -> str:
    return "in full" if amount is None else amount


def _limit_text(limit: tuple[str, str, str, str | None, str | None]) -> str:
    kind, amount, currency, period, region = limit
    per = f" a {period}" if period else ""
    where = f" in {region}" if region else ""
    return f"{kind} at most {amount} {currency}{per}{where}"


def sentence(args: argparse.Namespace, data: Any) -> str | None:
    """What a command that changes something did, in words, with its request_id."""
    say = SENTENCES.get(args.run)
    if say is None or not isinstance(data, dict):
        return None
    status = data.get("request_status")
    said = say(args, data) if status == "success" or args.run in ("cards.issue", "transactions.create") else (
        f"{args.run.replace('.', ' ').replace('_', '-')} {_state(data)}"
    )  # fmt: skip
    return f"{said} (request_id {data.get('request_id')})"


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
    said: str | None = None
    try:
        if args.run == "sandbox":
            from ..sandbox.__main__ import serve

            return serve(args, io.stdout, io.stderr)
        if args.run == "conformance":
            from ._conformance import command

            return command(args, io, hooks)
        if args.run.startswith("simulate."):
            from ._simulate import command as simulate

            return simulate(args, io)
        else:
            _before_sending(args, io)
            if _changes_something(args) and args.request_id is None:
                args.request_id = str(uuid.uuid4())  # known before sending, so that an interruption can name it
            with make_client(args, io.environ) as client:
                result = COMMANDS[args.run](client, args, io)
            data = to_data(result, reveal=bool(getattr(args, "reveal", False)))
            said = sentence(args, data)
            if args.run == "limits.list" and not args.json:
                data = limit_rows(data)
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
        show(data, args.json, io, said)
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
