"""``freedompay-cards simulate purchase|refund|reversal``: play the cardholder or the merchant on a sandbox
served by ``freedompay-cards sandbox``, through its reserved path (``freedompay_cards.sandbox.remote_simulate``),
never on the real API: a target whose reserved path answers 404 is not a sandbox, and is refused."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

import httpx

from .. import _validate as v
from .._errors import InvalidRequestError
from .._sync._client import CardClient
from ._base import EXIT_API_ERROR, EXIT_NO_ANSWER, EXIT_OK, PROG, Streams, UsageError
from ._output import show, to_data
from ._target import target_settings

NOT_A_SANDBOX = ("HTTP_404", "NOT_FOUND")  # no JSON error of a sandbox's own: the reserved path is not there


def _fields(args: argparse.Namespace, action: str) -> dict[str, Any]:
    """What the sandbox is asked, each value checked as the library checks it, before anything is sent."""
    if action == "reversal":
        return {"event_id": args.event_id}
    try:
        v.identifier("card_id", args.card_id)
        v.amount("amount", args.amount)
        v.currency("currency", args.currency)
        v.text("merchant", args.merchant)
    except InvalidRequestError as err:
        raise UsageError(str(err)) from None
    return {"card_id": args.card_id, "amount": args.amount, "currency": args.currency, "merchant": args.merchant}


def command(args: argparse.Namespace, io: Streams) -> int:
    from ..sandbox import SimulationError, remote_simulate  # the sandbox only when simulate runs

    settings = target_settings(args, io.environ)
    if "base_url" not in settings:
        raise UsageError(
            "simulate plays the cardholder on a sandbox only: give --base-url (or FREEDOMPAY_BASE_URL) the URL "
            f"`{PROG} sandbox` prints, not an environment of Freedom Pay"
        )
    with CardClient(**settings) as client:  # the URL checked as the client checks it
        base_url = client.base_url
    action = args.run.removeprefix("simulate.")
    fields = _fields(args, action)
    what = f"simulate {action}"
    try:
        answer = remote_simulate(base_url, str(settings["auth_id"]), str(settings["secret_key"]), action, **fields)
    except SimulationError as err:
        if err.code in NOT_A_SANDBOX:
            raise UsageError(
                f"{base_url} is not a sandbox: its reserved path {what.replace(' ', '/')} answers 404 "
                f"({err.description}). simulate never plays on the real API; start a sandbox with `{PROG} sandbox`"
            ) from None
        return _refused(io, args.json, what, err.code, err.description, EXIT_API_ERROR)
    except httpx.HTTPError as err:
        return _refused(io, args.json, what, "NO_ANSWER", f"no answer from {base_url}: {err}", EXIT_NO_ANSWER)
    if not isinstance(answer.get("event_id"), str) or not isinstance(answer.get("approved"), bool):
        raise UsageError(f"{base_url} is not a sandbox: its reserved path answered something that is not an event")
    data = to_data(answer)
    show(data, args.json, io, said(data))
    return EXIT_OK


def _refused(io: Streams, as_json: bool, what: str, code: str, message: str, exit_code: int) -> int:
    io.err(f"{PROG}: {what} refused: {code}: {message}")
    if as_json:
        show({"error": {"type": "SimulationError", "code": code, "message": message}}, True, io)
    return exit_code


def said(data: Mapping[str, Any]) -> str:
    """An event in words: ``card 10000001: purchase of 60 KZT at Coffee declined (LIMIT_EXCEEDED: ...)``."""
    what = f"{data.get('kind', 'event')} of {data.get('amount')} {data.get('currency')}"
    if data.get("merchant"):
        what += f" at {data['merchant']}"
    if data.get("reverses"):
        what += f", reversing {data['reverses']}"
    if data.get("approved"):
        outcome = "approved"
    else:
        reason = ": ".join(str(data[k]) for k in ("decline_code", "decline_reason") if data.get(k))
        outcome = f"declined ({reason or 'no reason given'}); no money moved"
    balance = f"; balance {data['balance_after']} {data.get('currency')}" if data.get("balance_after") else ""
    return f"card {data.get('card_id')}: {what} {outcome}{balance} (event {data.get('event_id')})"
