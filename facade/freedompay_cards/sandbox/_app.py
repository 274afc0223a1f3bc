"""``Sandbox``: the in-memory Card API, from request bytes to answer bytes, with its inspection helpers.

A request goes through, in order: an injected fault (if any), the path (HTTP 404 if unknown), the method
(HTTP 405 unless POST), the ``X-JWS-Signature`` (``INVALID_SIGNATURE``), the JSON body and its schema from
the spec (``VALIDATION_ERROR``), the ``_world.World`` method named after the spec's operationId (HTTP 501
naming the method to add if there is none yet; ``missing_handlers()`` lists them all), the ``request_id``
(``DUPLICATE_REQUEST_ID``), and only then the operation itself: the body, as the operation's generated
request model (``from_dict``), goes to that method. Paths under ``/__sandbox__/`` are the sandbox's own, which
no Card API path uses: simulations of the cardholder's side (``ACTIONS``), signed like API calls.

Documented behaviour it follows: HTTP 200 JSON envelopes (``status``, ``request_status``, ``dt``;
Cardholder validation without ``request_status``, so it fails with ``status: error``; gift cards
``status``, ``datetime``), JWS HS512 signatures, a repeated ``request_id`` rejected and not
processed, ``process`` answers whose outcome and created ids are read with Request status.
The sandbox's own choices (the docs show none of this): the error codes (``CARD_API_CODES``); rejections
before processing (signature, validation, duplicate) answer ``status: error``, while an operation that
ran and failed answers ``status: ok, request_status: error``; a request refused by validation is not
remembered (its ``request_id`` may be used again); an asynchronous operation (bulk issue, issue, issue
plastic, create client, create transaction) is applied when a Request status poll completes it.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import random
import threading
import uuid
from collections import Counter, deque
from collections.abc import Callable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Unpack

import httpx
from attrs import define, evolve, frozen

from freedompay_card_api import models

from .. import _validate as v
from .._async._client import AsyncCardClient
from .._auth import SignatureError, verify
from .._errors import InvalidRequestError, InvalidRequestTypeError
from .._operations import OPERATIONS as SPEC_OPERATIONS
from .._options import ClientSettings
from .._schema import SchemaError, for_models, request_schema, response_schema, validate
from .._sync._client import CardClient
from ._faults import GARBAGE_BODY, Fault
from ._state import (
    Card,
    CardStatus,
    Client,
    GiftCard,
    LogEntry,
    Posting,
    RequestRecord,
    SeededClient,
    SentOTP,
    SimulatedEvent,
    Transaction,
)
from ._world import MAX_BULK_QUANTITY, MAX_SIMULATED_AMOUNT, Done, GiftRefused, Refused, SimulationError, World

if TYPE_CHECKING:
    from ._server import SandboxServer
    from ._transport import SandboxTransport

SANDBOX_BASE_URL = "https://sandbox.invalid"
JSON_HEADERS = {"Content-Type": "application/json"}
MAX_LOGGED_PATH = 256  # characters of a request's path kept in the log (junk paths can be 64 KiB long)


@frozen
class Route:
    """One path, from the spec's operation table (``_operations.py``): the facade's operation name, the
    ``World`` method serving it (named after the spec's operationId), its envelope, whether it answers
    ``process`` first (``x-deferred``), and what its ``request_id`` means (``x-request-id``)."""

    path: str
    operation: str
    handler: str
    request_model: str  # the name of its generated request model (freedompay_card_api.models)
    gift: bool = False
    deferred: bool = False
    request_id: str = "key"  # "key": this request's own id; "subject": names another request; "none"

    @property
    def has_request_id(self) -> bool:
        return self.request_id != "none"

    @property
    def model(self) -> Any:
        """The generated request model class its ``World`` method takes."""
        return getattr(models, self.request_model)

    @property
    def served_by_world(self) -> bool:
        """False for Request status (``x-request-id: subject``): the Sandbox answers it from its own
        records of requests, which ``World`` does not keep."""
        return self.request_id != "subject"

    @property
    def handler_to_add(self) -> str:
        """What to write when ``World`` lacks this route's method."""
        returns = "dict[str, Any] (the gift answer's fields)" if self.gift else "Done"
        return (
            f"facade/freedompay_cards/sandbox/_world.py: add World.{self.handler}(self, body: m.{self.request_model})"
            f" -> {returns}, serving {self.operation} ({self.path})"
        )


ROUTES: dict[str, Route] = {
    entry["path"]: Route(
        entry["path"],
        entry["name"],
        entry["operation_id"],
        entry["request_model"],
        gift=entry["envelope"] == "gift",
        deferred=entry["deferred"],
        request_id=entry["request_id"],
    )
    for entry in SPEC_OPERATIONS
}
OPERATION_PATHS: dict[str, str] = {r.operation: r.path for r in ROUTES.values()}


def missing_handlers() -> list[str]:
    """One line per operation of the spec that ``World`` does not serve yet, saying what to add."""
    return [r.handler_to_add for r in ROUTES.values() if r.served_by_world and not hasattr(World, r.handler)]


# A gift request failing validation answers the status of the field at fault (documented meanings).
GIFT_FIELD_STATUS = {"cardholder_name": -2, "phone": -3, "product_code": -4, "card_id": -7}


@frozen
class Reply:
    """An HTTP answer: status code, headers, body bytes."""

    status_code: int
    body: bytes
    headers: Mapping[str, str] = JSON_HEADERS

    def json(self) -> object:
        loaded: object = json.loads(self.body)
        return loaded


@define
class Admission:
    """A received request, with the fault (if any) it drew. Adapters pass it to ``Sandbox.process``."""

    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    fault: Fault | None
    entry: LogEntry


@define
class _Injection:
    path: str | None  # None: whatever path comes next
    fault: Fault
    remaining: int


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=_json_default).encode("utf-8")


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _loads(body: bytes) -> Any:
    return json.loads(body.decode("utf-8"), parse_float=Decimal, parse_constant=_no_constants)


SANDBOX_MERCHANT = "Sandbox Merchant"
# The served sandbox's own paths, which no Card API path starts with: action -> (Sandbox method, the
# body's required fields, its optional ones).
RESERVED_PREFIX = "/__sandbox__/"
ACTIONS: dict[str, tuple[str, frozenset[str], frozenset[str]]] = {
    "simulate/purchase": ("simulate_purchase", frozenset({"card_id", "amount"}), frozenset({"currency", "merchant"})),
    "simulate/refund": ("simulate_refund", frozenset({"card_id", "amount"}), frozenset({"currency", "merchant"})),
    "simulate/reversal": ("simulate_reversal", frozenset({"event_id"}), frozenset()),
    "populate": ("populate", frozenset(), frozenset({"clients"})),
}


def _action_error(adm: Admission, status: int, code: str, description: str) -> Reply:
    adm.entry.outcome, adm.entry.error_code = "error", code
    return Reply(status, _dumps({"status": "error", "error_code": code, "error_description": description}))


# Names of the clients ``populate`` makes (invented), in turn.
SEED_NAMES = (("Aida", "Sandboxova"), ("Nurlan", "Testov"), ("Dana", "Fakeyeva"), ("Arman", "Mockov"))


def _simulated_amount(value: object) -> Decimal:
    """A simulation's amount: positive, at most two decimals, at most a trillion (the sandbox's bound)."""
    amount = v.decimal_number("amount", value, problem="must be a positive, finite amount")
    if amount <= 0 or amount > MAX_SIMULATED_AMOUNT:
        raise InvalidRequestError("amount", f"must be positive and at most {MAX_SIMULATED_AMOUNT}, got {amount}")
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidRequestError("amount", f"has more than two decimals: {amount}")
    return amount


def _text(field: str, value: object) -> str:
    if not isinstance(value, str):
        raise InvalidRequestTypeError(field, f"expected str, got {type(value).__name__}")
    if not value.strip() or len(value) > 200:
        raise InvalidRequestError(field, "must be a non-blank string of at most 200 characters")
    return value


def _peek_request_id(body: bytes) -> str | None:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    value = data.get("request_id") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def _canonical_id(request_id: str) -> str:
    try:
        return str(uuid.UUID(request_id))
    except ValueError:
        return request_id


class Sandbox:
    """An in-memory Freedom Pay Card API for tests, demos and cassette recording.

        sandbox = Sandbox()
        card = sandbox.create_card()                     # an active card with the opening balance
        with sandbox.client(retry_policy=fp.RetryPolicy(base=0.001)) as client:
            client.cards.block(card.card_id, reason="lost")
        assert sandbox.cards[card.card_id].status == "blocked"

    It accepts requests signed for ``auth_id`` with ``secret_key``. Asynchronous operations answer
    ``process`` and become final after ``process_polls`` Request status polls (0: final at once). ``seed``
    drives every random value (PANs, CVVs, IBANs, OTPs, RRNs) and ids come from counters, so with a fixed
    ``clock`` (e.g. ``ManualClock()``) the same calls give byte-identical answers. Each new card's account
    opens with ``initial_balance`` in ``currency``.

    Reach it in-process with ``transport()``, ``client()`` and ``async_client()``, or over loopback HTTP
    with ``serve()``. Inspect it with ``cards``, ``clients``, ``transactions``, ``gift_cards``, ``limits``,
    ``requests``, ``log``, ``events``, ``times_processed()``, ``last_otp()``, ``otp_for()`` and
    ``sent_otps``; seed it with ``create_client()``, ``create_card()`` and ``populate()``; play the
    cardholder with ``simulate_purchase()``, ``simulate_refund()`` and ``simulate_reversal()``; break it
    with ``inject()``. ``log`` keeps the latest ``log_limit`` requests.
    Thread-safe: one lock guards the state.
    """

    def __init__(
        self,
        auth_id: str = "sandbox",
        secret_key: str = "sandbox-secret",
        *,
        process_polls: int = 1,
        seed: int = 0,
        clock: Callable[[], dt.datetime] | None = None,
        initial_balance: Decimal = Decimal("100000.00"),
        currency: str = "KZT",
        log_limit: int = 10_000,
    ) -> None:
        if isinstance(process_polls, bool) or not isinstance(process_polls, int) or process_polls < 0:
            raise ValueError("process_polls must be an int >= 0")
        if isinstance(log_limit, bool) or not isinstance(log_limit, int) or log_limit < 1:
            raise ValueError("log_limit must be an int >= 1")
        self.auth_id = auth_id
        self.secret_key = secret_key
        self.process_polls = process_polls
        self._clock = clock
        self._lock = threading.RLock()
        self._world = World(
            rng=random.Random(seed), now=self._now, initial_balance=Decimal(initial_balance), currency=currency
        )
        self._requests: dict[str, RequestRecord] = {}
        self._applied: Counter[str] = Counter()
        self._log: deque[LogEntry] = deque(maxlen=log_limit)  # the latest requests only: memory stays bounded
        self._faults: list[_Injection] = []
        self._transport: SandboxTransport | None = None
        self._http_clients: list[httpx.Client | httpx.AsyncClient] = []

    def __repr__(self) -> str:
        return (
            f"Sandbox(auth_id={self.auth_id!r}, secret_key=<redacted>, cards={len(self._world.cards)}, "
            f"requests={len(self._requests)})"
        )

    def _now(self) -> dt.datetime:
        now = self._clock() if self._clock is not None else dt.datetime.now(dt.UTC)
        return now if now.tzinfo is not None else now.replace(tzinfo=dt.UTC)

    # ------------------------------------------------------------------------------ inspection

    # The mappings below are snapshots taken under the lock (safe to iterate while the server runs); the
    # objects in them are the live ones (read them, or set a field to arrange a test).

    @property
    def cards(self) -> Mapping[str, Card]:
        """Payment cards by ``card_id``."""
        with self._lock:
            return MappingProxyType(dict(self._world.cards))

    @property
    def clients(self) -> Mapping[str, Client]:
        with self._lock:
            return MappingProxyType(dict(self._world.clients))

    @property
    def transactions(self) -> Mapping[str, Transaction]:
        with self._lock:
            return MappingProxyType(dict(self._world.transactions))

    @property
    def gift_cards(self) -> Mapping[int, GiftCard]:
        with self._lock:
            return MappingProxyType(dict(self._world.gift_cards))

    @property
    def limits(self) -> Mapping[tuple[str, str], tuple[dict[str, Any], ...]]:
        """The limits set, as sent, by (object type, object id): ``sandbox.limits["card", card_id]``."""
        with self._lock:
            return MappingProxyType({key: tuple(rules.values()) for key, rules in self._world.limits.items()})

    @property
    def requests(self) -> Mapping[str, RequestRecord]:
        """Every accepted ``request_id`` and its outcome (what Request status reports)."""
        with self._lock:
            return MappingProxyType(dict(self._requests))

    @property
    def postings(self) -> tuple[Posting, ...]:
        """Every money event (authorisations, captures, refunds), from which statements are built."""
        with self._lock:
            return tuple(self._world.postings)

    @property
    def log(self) -> tuple[LogEntry, ...]:
        """The latest ``log_limit`` requests received (10 000 by default), oldest first, including those
        refused or broken by a fault. A path longer than ``MAX_LOGGED_PATH`` is kept cut short."""
        with self._lock:
            return tuple(self._log)

    def times_processed(self, request_id: str | uuid.UUID) -> int:
        """How many times an operation sent with ``request_id`` was applied (0 or 1, never more)."""
        with self._lock:
            return self._applied[_canonical_id(str(request_id))]

    def last_otp(self, card_id: int) -> str:
        """The last one-time code "sent by SMS" for gift card ``card_id`` (KeyError if unknown)."""
        with self._lock:
            return self._world.gift_cards[card_id].otp

    def enter_wrong_pin(self, card_id: str, times: int = 1) -> int:
        """Pretend the holder typed a wrong PIN ``times`` times at a terminal; return the counter."""
        with self._lock:
            card = self._world.cards[card_id]
            card.wrong_pin_count += times
            return card.wrong_pin_count

    @property
    def sent_otps(self) -> tuple[SentOTP, ...]:
        """The gift-card codes "sent by SMS" (the latest 1 000), oldest first: ``.phone``, ``.card_id``,
        ``.otp``. The served sandbox also prints a line for each on its output."""
        with self._lock:
            return tuple(self._world.sent_otps)

    def otp_for(self, phone: int | str) -> str:
        """The latest code "sent by SMS" to ``phone`` (digits, with or without a leading ``+``);
        ``LookupError`` if none was."""
        wanted = str(phone).strip().removeprefix("+")
        for sent in reversed(self.sent_otps):
            if str(sent.phone) == wanted:
                return sent.otp
        raise LookupError(f"no code was sent to {wanted}")

    # ------------------------------------------------------------------------------ the cardholder's side

    def simulate_purchase(
        self, card_id: str, amount: Decimal | int | str, *, currency: str = "KZT", merchant: str = SANDBOX_MERCHANT
    ) -> SimulatedEvent:
        """The holder of ``card_id`` pays ``amount`` at ``merchant``: authorised and settled at once.

        Approved, it lowers the balance and shows in ``statement`` (a ``purchase``) and in
        ``statement_extended`` (the authorisation and the purchase), and counts against the card's limits.
        Declined (the event's ``decline_code``), nothing moves and it shows only in ``statement_extended``'s
        authorisations, as ``declined``. It is declined for a card that is closed (``CARD_CLOSED``), not
        activated (``CARD_NOT_ACTIVE``) or blocked (``CARD_BLOCKED``), in another currency than the card's
        (``CURRENCY_MISMATCH``), over a limit set with ``limits.set`` (``LIMIT_EXCEEDED``, see
        ``World.check_limits``), or over the available balance (``INSUFFICIENT_FUNDS``), checked in that
        order. ``amount``: a ``Decimal``, ``int`` or decimal string, positive, at most two decimals
        (``ValueError``/``TypeError`` otherwise); an unknown card raises ``SimulationError``."""
        value = _simulated_amount(amount)
        card_id = _text("card_id", card_id)
        with self._lock:
            return self._world.simulate_purchase(
                card_id, value, _text("currency", currency), _text("merchant", merchant)
            )

    def simulate_refund(
        self, card_id: str, amount: Decimal | int | str, *, currency: str = "KZT", merchant: str = SANDBOX_MERCHANT
    ) -> SimulatedEvent:
        """``merchant`` gives ``amount`` back to the card: the balance rises, and a ``refund`` shows in the
        statements. Declined for a closed card (``CARD_CLOSED``), one not activated (``CARD_NOT_ACTIVE``)
        or in another currency (``CURRENCY_MISMATCH``); a blocked card still receives it."""
        value = _simulated_amount(amount)
        card_id = _text("card_id", card_id)
        with self._lock:
            return self._world.simulate_refund(card_id, value, _text("currency", currency), _text("merchant", merchant))

    def simulate_reversal(self, event_id: str) -> SimulatedEvent:
        """The merchant cancels the approved purchase ``event_id``: its amount comes back, a ``reversal``
        shows in the statements, and it no longer counts against the limits. Declined (``CARD_CLOSED``)
        once the card is closed. Anything but an approved purchase not yet reversed raises
        ``SimulationError``."""
        with self._lock:
            return self._world.simulate_reversal(_text("event_id", event_id))

    @property
    def events(self) -> Mapping[str, SimulatedEvent]:
        """Every simulated purchase, refund and reversal, by ``event_id``."""
        with self._lock:
            return MappingProxyType(dict(self._world.events))

    def populate(self, clients: int = 1) -> list[SeededClient]:
        """Make ``clients`` clients (at most 1 000 at once), each with one activated card holding the
        opening balance; return their ids."""
        if isinstance(clients, bool) or not isinstance(clients, int) or not 0 <= clients <= MAX_BULK_QUANTITY:
            raise ValueError(f"clients must be an int from 0 to {MAX_BULK_QUANTITY}")
        seeded = []
        with self._lock:
            for _ in range(clients):
                number = len(self._world.clients)
                first, last = SEED_NAMES[number % len(SEED_NAMES)]
                client = self._world.new_client(1000, phone=77_000_000_001 + number, first_name=first, last_name=last)
                card = self._world.new_card(1000, client=client, status=CardStatus.ACTIVE)
                seeded.append(SeededClient(client.client_id, (card.card_id,)))
        return seeded

    def create_client(
        self,
        *,
        first_name: str = "Aida",
        last_name: str = "Sandboxova",
        phone: int = 77001234567,
        product_id: int = 1000,
    ) -> Client:
        """A client, made directly (no request, no log entry)."""
        with self._lock:
            return self._world.new_client(product_id, phone=phone, first_name=first_name, last_name=last_name)

    def create_card(
        self,
        *,
        status: CardStatus | str = CardStatus.ACTIVE,
        client_id: str | None = None,
        product_id: int = 1000,
        balance: Decimal | int | str | None = None,
        currency: str | None = None,
        pin_set: bool = False,
    ) -> Card:
        """A card, made directly (no request): active by default, with the opening balance, linked to
        ``client_id`` when given (the client must exist)."""
        with self._lock:
            client = None if client_id is None else self._world.clients[client_id]
            card = self._world.new_card(
                product_id,
                client=client,
                status=CardStatus(status),
                balance=None if balance is None else Decimal(balance),
                currency=currency,
            )
            card.pin_set = pin_set
            return card

    def settle(self) -> int:
        """Finish every operation still in ``process`` (as if enough polls came); return how many."""
        with self._lock:
            pending = [r for r in self._requests.values() if r.pending is not None]
            for record in pending:
                self._complete(record)
            return len(pending)

    # ------------------------------------------------------------------------------ faults

    def inject(self, target: str | None, fault: Fault, times: int = 1) -> None:
        """Make the next ``times`` requests to ``target`` fail with ``fault``. ``target`` is a path
        (``"/v5/card-api/card/block"``), an operation name (``"cards.block"``), or ``None`` for the next
        request whatever its path. Injections queue up and are used in order."""
        path = None if target is None else OPERATION_PATHS.get(target, target)
        if path is not None and path not in ROUTES:
            raise ValueError(f"unknown path or operation: {target!r}")
        if not isinstance(fault, Fault):
            raise TypeError("fault must be a sandbox Fault (Fault.drop_after(), Fault.http(503), ...)")
        if isinstance(times, bool) or not isinstance(times, int) or times < 1:
            raise ValueError("times must be an int >= 1")
        with self._lock:
            self._faults.append(_Injection(path, fault, times))

    def clear_faults(self) -> None:
        """Forget every fault not yet used."""
        with self._lock:
            self._faults.clear()

    @property
    def pending_faults(self) -> int:
        """How many injected failures have not struck yet."""
        with self._lock:
            return sum(i.remaining for i in self._faults)

    def _take_fault(self, path: str) -> Fault | None:
        for injection in self._faults:
            if injection.path is None or injection.path == path:
                injection.remaining -= 1
                if injection.remaining == 0:
                    self._faults.remove(injection)
                return injection.fault
        return None

    # ------------------------------------------------------------------------------ adapters' interface

    def admit(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Admission:
        """Receive a request: log it and draw its fault. Nothing is processed yet (see ``process``)."""
        route = ROUTES.get(path)
        with self._lock:
            fault = self._take_fault(path)
            entry = LogEntry(
                path=path if len(path) <= MAX_LOGGED_PATH else path[:MAX_LOGGED_PATH] + "...",
                operation=None if route is None else route.operation,
                request_id=_peek_request_id(body),
                fault=None if fault is None else fault.label,
            )
            self._log.append(entry)
        lowered = {name.lower(): value for name, value in headers.items()}
        return Admission(method.upper(), path, lowered, body, fault, entry)

    def process(self, admission: Admission) -> Reply:
        """Check and apply an admitted request; return its answer."""
        with self._lock:
            return self._respond(admission)

    def fault_reply(self, admission: Admission) -> Reply:
        """The answer of an ``http`` or ``garbage`` fault (the former without processing anything)."""
        fault = admission.fault
        if fault is None or fault.status_code == 0:
            return Reply(200, GARBAGE_BODY, {"Content-Type": "text/html"})
        status = fault.status_code
        code = "RATE_LIMITED" if status == 429 else "INTERNAL_ERROR" if status >= 500 else None
        body: dict[str, Any] = {"status": "error", "request_status": "error", "dt": self._dt()}
        if code is not None:
            body["error_code"] = code
        body["error_description"] = f"sandbox: injected HTTP {status}"
        admission.entry.outcome = f"http_{status}"
        return Reply(status, _dumps(body), {**JSON_HEADERS, **fault.retry_after_header()})

    # ------------------------------------------------------------------------------ answering

    def _dt(self) -> str:
        return self._now().isoformat(timespec="seconds")

    def _card_reply(self, route: Route, entry: LogEntry, fields: dict[str, Any]) -> Reply:
        schema = response_schema(route.path)
        properties = schema.get("properties", {})
        state = fields.pop("request_status")
        answer = {"status": fields.pop("status")}
        if "request_status" in properties:
            answer["request_status"] = state
        elif state == "error":  # an answer without request_status (Cardholder validation) fails by its status
            answer["status"] = "error"
        answer["dt"] = self._dt()
        answer.update(fields)
        for name in schema.get("required", []):  # e.g. Statement's operations, required even in an error
            kind = properties.get(name, {}).get("type")
            if name not in answer and kind in ("array", "object"):
                answer[name] = [] if kind == "array" else {}
        entry.outcome = state
        entry.error_code = answer.get("error_code")
        return Reply(200, _dumps(answer))

    def _gift_reply(self, entry: LogEntry, fields: dict[str, Any]) -> Reply:
        answer = {"datetime": self._now().strftime("%Y-%m-%d %H:%M:%S"), **fields}
        entry.outcome = answer["status"]
        return Reply(200, _dumps(answer))

    def _reject(self, route: Route, adm: Admission, code: str, description: str, gift_status: int) -> Reply:
        """A request turned away before processing."""
        if route.gift:
            return self._gift_reply(adm.entry, {"status": gift_status, "error_description": description})
        fields = {"status": "error", "request_status": "error", "error_code": code, "error_description": description}
        return self._card_reply(route, adm.entry, fields)

    def _respond(self, adm: Admission) -> Reply:
        if adm.path.startswith(RESERVED_PREFIX):
            return self._sandbox_action(adm)
        route = ROUTES.get(adm.path)
        if route is None:
            body = {"status": "error", "request_status": "error", "dt": self._dt(), "error_description": "no such path"}
            return Reply(404, _dumps(body))
        if adm.method != "POST":
            body = {"status": "error", "request_status": "error", "dt": self._dt(), "error_description": "use POST"}
            return Reply(405, _dumps(body), {**JSON_HEADERS, "Allow": "POST"})
        if (problem := self._signature_problem(adm)) is not None:
            return self._reject(route, adm, "INVALID_SIGNATURE", problem, -11)
        try:
            data = _loads(adm.body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return self._reject(route, adm, "VALIDATION_ERROR", "the body is not JSON", -1)
        schema = request_schema(route.path)
        try:
            validate(schema, data)
        except SchemaError as err:
            return self._reject(route, adm, "VALIDATION_ERROR", str(err), GIFT_FIELD_STATUS.get(err.top_field, -1))
        if not route.served_by_world:
            return self._request_status(route, adm, data)
        handler = getattr(self._world, route.handler, None)
        if handler is None:
            description = f"sandbox: {route.operation} is in the spec but not served yet: {route.handler_to_add}"
            return evolve(self._reject(route, adm, "NOT_IMPLEMENTED", description, -1), status_code=501)
        try:
            body = route.model.from_dict(for_models(schema, data))
        except (KeyError, ValueError, TypeError) as err:  # the generated models and _spec.json disagree
            description = (
                f"sandbox: {route.request_model}.from_dict failed on a valid body ({err!r}): run make generate"
            )
            return evolve(self._reject(route, adm, "INTERNAL_ERROR", description, -1), status_code=500)
        run = functools.partial(handler, body)
        if route.gift:
            return self._gift(adm, run)
        return self._card_api(route, adm, data, run)

    def _signature_problem(self, adm: Admission) -> str | None:
        """Why the request's ``X-JWS-Signature`` does not verify, or None if it does."""
        try:
            verify(
                adm.headers.get("x-jws-signature"),
                adm.body,
                path=adm.path,
                secret_key=self.secret_key,
                auth_id=self.auth_id,
            )
        except SignatureError as err:
            return str(err)
        return None

    def _sandbox_action(self, adm: Admission) -> Reply:
        """A simulation asked over HTTP (``POST /__sandbox__/simulate/purchase``, ...; see ``ACTIONS``),
        signed like an API call. Answers the event's (or the seeded clients') JSON, or an HTTP error with
        ``error_code`` and ``error_description``."""
        action = ACTIONS.get(adm.path.removeprefix(RESERVED_PREFIX))
        if action is None:
            known = ", ".join(RESERVED_PREFIX + name for name in ACTIONS)
            return _action_error(adm, 404, "NOT_FOUND", f"no such sandbox action; there are {known}")
        if adm.method != "POST":
            return evolve(
                _action_error(adm, 405, "METHOD_NOT_ALLOWED", "use POST"), headers={**JSON_HEADERS, "Allow": "POST"}
            )
        if (problem := self._signature_problem(adm)) is not None:
            return _action_error(adm, 401, "INVALID_SIGNATURE", problem)
        try:
            data = _loads(adm.body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return _action_error(adm, 400, "VALIDATION_ERROR", "the body is not JSON")
        method, required, optional = action
        if not isinstance(data, dict):
            return _action_error(adm, 400, "VALIDATION_ERROR", "the body must be a JSON object")
        missing, unknown = sorted(required - data.keys()), sorted(data.keys() - required - optional)
        if missing or unknown:
            problem = f"missing {', '.join(missing)}" if missing else f"unknown field {', '.join(unknown)}"
            return _action_error(adm, 400, "VALIDATION_ERROR", problem)
        adm.entry.processed = True
        try:
            result = getattr(self, method)(**data)
        except SimulationError as err:
            status = 404 if err.code.endswith("_NOT_FOUND") else 409
            return _action_error(adm, status, err.code, err.description)
        except (ValueError, TypeError) as err:
            return _action_error(adm, 400, "VALIDATION_ERROR", str(err))
        if isinstance(result, SimulatedEvent):
            adm.entry.outcome = "approved" if result.approved else "declined"
            adm.entry.error_code = result.decline_code
            return Reply(200, _dumps(result.to_dict()))
        adm.entry.outcome = "success"
        return Reply(200, _dumps({"clients": [c.to_dict() for c in result]}))

    def _card_api(self, route: Route, adm: Admission, data: dict[str, Any], run: Callable[[], Done]) -> Reply:
        if not route.has_request_id:  # set_pin, statements: answered at once, remembered nowhere
            adm.entry.processed = True
            try:
                done = run()
            except Refused as refused:
                return self._card_reply(route, adm.entry, self._failure(refused.code, refused.description))
            return self._card_reply(route, adm.entry, {"status": "ok", "request_status": "success", **done.answer})
        request_id = _canonical_id(data["request_id"])
        if request_id in self._requests:
            description = f"duplicate request_id {request_id}: it was already used; this request was not processed"
            return self._reject(route, adm, "DUPLICATE_REQUEST_ID", description, 0)
        record = RequestRecord(request_id=request_id, operation=route.operation, request_status="process")
        record.pending = run
        self._requests[request_id] = record
        self._applied[request_id] += 1
        adm.entry.processed = True
        if route.deferred and self.process_polls > 0:
            return self._card_reply(route, adm.entry, {"status": "ok", "request_status": "process"})
        answer = self._complete(record)
        if record.request_status == "error":
            failure = self._failure(record.error_code or "INTERNAL_ERROR", record.error_description or "")
            return self._card_reply(route, adm.entry, failure)
        return self._card_reply(route, adm.entry, {"status": "ok", "request_status": "success", **answer})

    @staticmethod
    def _failure(code: str, description: str) -> dict[str, Any]:
        return {"status": "ok", "request_status": "error", "error_code": code, "error_description": description}

    def _complete(self, record: RequestRecord) -> dict[str, Any]:
        """Run a recorded operation; keep its outcome; return its answer fields."""
        run, record.pending = record.pending, None
        if run is None:
            return {}
        try:
            done: Done = run()
        except Refused as refused:
            record.request_status = "error"
            record.error_code, record.error_description = refused.code, refused.description
            return {}
        record.request_status = "success"
        record.created = dict(done.created)
        return dict(done.answer)

    def _request_status(self, route: Route, adm: Admission, data: dict[str, Any]) -> Reply:
        request_id = _canonical_id(data["request_id"])
        record = self._requests.get(request_id)
        if record is None:
            return self._reject(route, adm, "REQUEST_NOT_FOUND", f"request_id {request_id} is unknown", 0)
        adm.entry.processed = True
        if record.pending is not None:
            record.polls += 1
            if record.polls >= self.process_polls:
                self._complete(record)
        fields: dict[str, Any] = {"status": "ok", "request_status": record.request_status}
        if record.request_status == "error":
            fields["error_code"] = record.error_code or "INTERNAL_ERROR"
            fields["error_description"] = record.error_description or ""
        fields.update(record.created)
        return self._card_reply(route, adm.entry, fields)

    def _gift(self, adm: Admission, run: Callable[[], dict[str, Any]]) -> Reply:
        adm.entry.processed = True
        try:
            fields = run()
        except GiftRefused as refused:
            return self._gift_reply(adm.entry, {"status": refused.status, "error_description": refused.description})
        return self._gift_reply(adm.entry, {"status": 0, **fields})

    # ------------------------------------------------------------------------------ ways in

    def transport(self) -> SandboxTransport:
        """An httpx transport serving this sandbox in-process, for ``httpx.Client`` and ``httpx.AsyncClient``."""
        from ._transport import SandboxTransport

        if self._transport is None:
            self._transport = SandboxTransport(self)
        return self._transport

    def _client_kwargs(self, kwargs: ClientSettings) -> ClientSettings:
        kwargs.setdefault("auth_id", self.auth_id)
        kwargs.setdefault("secret_key", self.secret_key)
        kwargs.setdefault("base_url", SANDBOX_BASE_URL)
        return kwargs

    def client(self, **kwargs: Unpack[ClientSettings]) -> CardClient:
        """A ``CardClient`` bound to this sandbox in-process. Keyword arguments go to ``CardClient``
        (``retry_policy=``, ``timeout=``, even a wrong ``secret_key=``)."""
        http = httpx.Client(transport=self.transport())
        self._http_clients.append(http)
        return CardClient(http_client=http, **self._client_kwargs(kwargs))

    def async_client(self, **kwargs: Unpack[ClientSettings]) -> AsyncCardClient:
        """An ``AsyncCardClient`` bound to this sandbox in-process (see ``client``)."""
        http = httpx.AsyncClient(transport=self.transport())
        self._http_clients.append(http)
        return AsyncCardClient(http_client=http, **self._client_kwargs(kwargs))

    def close(self) -> None:
        """Close the synchronous httpx clients ``client()`` made (async ones: ``aclose``)."""
        for http in [h for h in self._http_clients if isinstance(h, httpx.Client)]:
            http.close()
            self._http_clients.remove(http)

    async def aclose(self) -> None:
        """Close every httpx client ``client()`` and ``async_client()`` made."""
        self.close()
        for http in [h for h in self._http_clients if isinstance(h, httpx.AsyncClient)]:
            await http.aclose()
            self._http_clients.remove(http)

    def serve(
        self, host: str = "127.0.0.1", port: int = 0, *, allow_remote: bool = False, connection_timeout: float = 10.0
    ) -> SandboxServer:
        """Serve this sandbox over HTTP on ``host:port`` (0: any free port) in a background thread.
        Use as a context manager, or call ``.close()``. Only loopback hosts unless ``allow_remote``. A
        connection silent for ``connection_timeout`` seconds (idle, or a request arriving too slowly) is
        closed."""
        from ._server import SandboxServer

        return SandboxServer(self, host, port, allow_remote=allow_remote, connection_timeout=connection_timeout)
