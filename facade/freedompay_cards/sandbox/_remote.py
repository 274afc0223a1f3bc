"""``remote_simulate``: ask a served sandbox (``freedompay-cards sandbox``) to play the cardholder, from
another process (the CLI's ``simulate`` commands, a test harness). The sandbox's own HTTP paths
(``/__sandbox__/...``, see ``ACTIONS``), signed like API calls."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx

from .._auth import sign
from ._app import ACTIONS, JSON_HEADERS, RESERVED_PREFIX
from ._world import SimulationError

# remote_simulate's action -> the path under RESERVED_PREFIX: each of ACTIONS, named without "simulate/"
REMOTE_ACTIONS = {name.removeprefix("simulate/"): name for name in ACTIONS}


def _plain(value: object) -> object:
    # amounts travel as decimal strings: exact, whatever their digits
    return str(value) if isinstance(value, Decimal) else value


def remote_simulate(
    base_url: str,
    auth_id: str,
    secret_key: str,
    action: str,
    *,
    timeout: float = 10.0,
    transport: httpx.BaseTransport | None = None,
    **fields: object,
) -> dict[str, Any]:
    """Run ``action`` (``purchase``, ``refund``, ``reversal`` or ``populate``) on the sandbox served at
    ``base_url`` with ``fields`` (as ``Sandbox.simulate_purchase`` and its siblings take them:
    ``card_id=``, ``amount=``, ``currency=``, ``merchant=``; ``event_id=``; ``clients=``); return its
    JSON answer (an event as ``SimulatedEvent.to_dict()``, or ``{"clients": [...]}``).

    A refusal (unknown card, bad amount, wrong credentials) raises ``SimulationError`` with the
    sandbox's ``code`` and text; a decline is an answer (``approved`` false), not an error. Network
    failures raise ``httpx`` errors."""
    if action not in REMOTE_ACTIONS:
        raise ValueError(f"action must be one of {', '.join(REMOTE_ACTIONS)}, got {action!r}")
    path = RESERVED_PREFIX + REMOTE_ACTIONS[action]
    body = json.dumps({k: _plain(v) for k, v in fields.items()}, separators=(",", ":")).encode("utf-8")
    headers = {**JSON_HEADERS, "X-JWS-Signature": sign(body, path=path, auth_id=auth_id, secret_key=secret_key)}
    with httpx.Client(timeout=timeout, transport=transport) as http:
        answer = http.post(base_url.rstrip("/") + path, content=body, headers=headers)
    try:
        data = answer.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise SimulationError(f"HTTP_{answer.status_code}", f"the sandbox answered HTTP {answer.status_code}, not JSON")
    if answer.status_code != 200:
        code = data.get("error_code")
        description = data.get("error_description")
        raise SimulationError(
            code if isinstance(code, str) else f"HTTP_{answer.status_code}",
            description if isinstance(description, str) else f"the sandbox answered HTTP {answer.status_code}",
        )
    return data
