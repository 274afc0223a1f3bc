"""``freedompay-cards conformance``: every operation of the spec, run against a live target in a safe
order, every answer checked against the spec's response schema, and a report in Markdown and JSON.

What it checks, per operation (the operation table ``_operations.OPERATIONS`` is the list, so an
operation added to the spec is run once a step here covers it, and reported "not planned" until then):

- reached: some call got an answer other than HTTP 404/405 (the path exists);
- accepted: no answer refused the request's content (what the error table maps to ``ValidationError``);
- answered as the spec says: every HTTP 200 answer, as raw JSON, against the operation's response
  schema: missing required fields, unknown fields (with their values' JSON types, never the values),
  values of the wrong type or outside the schema's enum/format/pattern. An error answer is held to what
  the library needs of one (its ``status``), not to the success answer's required fields;
- error codes seen: every ``error_code`` (Card API) and negative ``status`` (Gift Cards), with its
  message, and whether the library's error table knows it (an unknown code is a deviation);
- timing: the milliseconds of each HTTP exchange, from sending to the last byte of the answer.

A step expected to succeed that is refused is a deviation (its success answer could not be checked); a
probe (an unknown request_id, a closed card) expected to be refused must be refused with the error the
table predicts. The answers are captured by a transport wrapped around the client's own, so even an
answer the library cannot read is checked, and can be written as scrubbed cassettes: how an answer is
judged and kept is ``_conformance_checks``; this module holds the plan, the run and the report.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import httpx

from .. import _validate as v
from .._config import ENVIRONMENTS
from .._enums import ClientType, LimitScope, Residency
from .._errors import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    ConflictError,
    FreedomPayError,
    InvalidRequestError,
    NotFoundError,
    UnexpectedResponseError,
)
from .._operations import OPERATIONS, SPEC_HASH, SPEC_VERSION
from .._redact import scrub_text
from .._sync._client import CardClient
from .._version import __version__
from ._base import EXIT_API_ERROR, EXIT_INTERRUPTED, EXIT_OK, PROG, Streams, UsageError
from ._conformance_checks import (
    SPEC,
    Checked,
    Deviation,
    Exchange,
    Recorder,
    check_exchange,
    write_cassettes,
)
from ._target import make_client

PRODUCTION_HOST = urlsplit(ENVIRONMENTS["production"]).hostname or ""
WAIT_SECONDS = 60.0

# ------------------------------------------------------------------------------------------- the plan


class StepProblem(Exception):
    """An answer that lacks what the next steps need (an id), or a step that cannot go on."""


class Skip(Exception):
    """A step that decides, once it comes up, not to send anything (``reason``)."""


@dataclass
class Options:
    phone: str = "77001234567"
    person_id: str = "900101300123"
    country: str = "KAZ"
    product: int = 2000
    amount: str = "1.00"
    currency: str | None = None
    encrypted_pin: str | None = field(default=None, repr=False)  # secrets stay out of the repr
    card_token: str | None = None
    gift_phone: str | None = None
    gift_otp: str | None = field(default=None, repr=False)
    gift_product: int | None = None
    wait_seconds: float = WAIT_SECONDS


@dataclass
class Hooks:
    """Test seams: what a person would read from an SMS (the gift card's code) or be given by Freedom Pay
    (a card's token), asked for by gift card id and by card id."""

    gift_otp: Callable[[int], str | None] | None = None
    card_token: Callable[[str], str | None] | None = None


class Run:
    """The state a run builds up: the client, the ids made so far, and what was created."""

    def __init__(self, client: CardClient, options: Options, hooks: Hooks, io: Streams, tag: str) -> None:
        self.client = client
        self.options = options
        self.hooks = hooks
        self.io = io
        self.tag = tag
        self._count = 0
        self.ids: dict[str, Any] = {}
        self.to_close: list[str] = []
        self.created: list[dict[str, Any]] = []

    def name(self) -> str:
        """A new name for an object this run creates: ``<tag>-<n>``."""
        self._count += 1
        return f"{self.tag}-{self._count}"

    def made(self, kind: str, object_id: str | int, name: str, note: str = "") -> None:
        self.created.append({"kind": kind, "id": str(object_id), "name": name, "note": note})

    def settle(self, result: Any, *wanted: str) -> Any:
        """The final outcome of a deferred operation (polled through Request status when still in
        process, or when its answer lacks the ids ``wanted``)."""
        if result.pending or (result.succeeded and not any(getattr(result, w) for w in wanted)):
            return self.client.requests.wait(result.request_id, timeout=self.options.wait_seconds)
        return result

    @property
    def card(self) -> str:
        return str(self.ids["card_id"])


@dataclass(frozen=True)
class Step:
    operation: str
    title: str
    action: Callable[[Run], None]
    needs: tuple[str, ...] = ()
    gives: tuple[str, ...] = ()
    expect: type[APIError] | None = None  # a probe: the refusal expected
    sms: bool = False
    creates: str = ""
    condition: str = ""  # when it runs, if not always (shown in the plan)
    cleanup: bool = False  # runs even after the run was interrupted


def _create_client(run: Run) -> None:
    o = run.options
    name = run.name()
    result = run.client.clients.create(
        o.product, phone=o.phone, type=ClientType.INDIVIDUAL, resident=Residency.RESIDENT, first_name="Fpc",
        last_name="Conformance", country=o.country, person_id=o.person_id, birthdate=dt.date(1990, 1, 1),
        external_user_id=name,
    )  # fmt: skip
    final = run.settle(result, "client_id")
    if not final.client_id:
        raise StepProblem("Request status gave no client_id")
    run.ids["client_id"] = final.client_id
    run.made("client", final.client_id, name, "external_user_id; no operation deletes a client")


def _issue(run: Run) -> None:
    o = run.options
    result = run.client.cards.issue(
        o.product, first_name="Fpc", last_name="Conformance", phone=o.phone, country=o.country, person_id=o.person_id
    )
    run.ids["issue_request_id"] = result.request_id
    final = run.settle(result, "card_ids")
    if not final.card_ids:
        raise StepProblem("Request status gave no card_ids")
    run.ids["card_id"] = final.card_ids[0]
    run.to_close.append(final.card_ids[0])
    run.made("card", final.card_ids[0], run.tag, f"issued to Fpc Conformance (request_id {result.request_id})")


def _info(run: Run) -> None:
    info = run.client.cards.info(run.card)
    for key in ("card_token", "token"):
        if isinstance(info.extra.get(key), str):
            run.ids.setdefault("card_token", info.extra[key])


def _balance(run: Run) -> None:
    balance = run.client.cards.balance(run.card)
    currencies = [a.currency for a in balance.accounts if a.currency]
    if currencies:
        run.ids.setdefault("currency", currencies[0])


def _set_pin(run: Run) -> None:
    if not run.options.encrypted_pin:
        raise Skip("needs --encrypted-pin (the PIN encrypted with the key Freedom Processing issues)")
    run.client.cards.set_pin(run.card, encrypted_pin=run.options.encrypted_pin)


def _set_limits(run: Run) -> None:
    from .._models import Limit, LimitAmount

    currency = run.options.currency or run.ids.get("currency") or "KZT"
    rule = Limit("withdrawal_atm", [LimitAmount(Decimal("5000"), currency)], period="day")
    run.client.limits.set(LimitScope.CARD, run.card, [rule])


def _create_transaction(run: Run) -> None:
    currency = run.options.currency or run.ids.get("currency") or "KZT"
    order_id = run.name()
    result = run.client.transactions.create(
        run.card, run.options.amount, currency, order_id=order_id, description=f"{run.tag} conformance check"
    )
    final = run.settle(result, "transaction_id")
    if not final.transaction_id:
        raise StepProblem("Request status gave no transaction_id")
    run.ids["transaction_id"] = final.transaction_id
    run.ids["order_id"] = order_id
    run.made("transaction", final.transaction_id, order_id, f"{run.options.amount} {currency}, cleared then refunded")


def _statement_range() -> tuple[dt.datetime, dt.datetime]:
    now = dt.datetime.now(dt.UTC)
    return now - dt.timedelta(days=1), now + dt.timedelta(days=1)


def _validate_cardholder(run: Run) -> None:
    token = run.options.card_token
    if token is None and run.hooks.card_token is not None:
        token = run.hooks.card_token(run.card)
    token = token or run.ids.get("card_token")
    if not token:
        raise Skip("needs the card's token: --card-token, or a Card info answer that carries one")
    run.client.cards.validate_cardholder(token, first_name="Fpc", last_name="Conformance", phone=run.options.phone)


def _unknown_request(run: Run) -> None:
    run.client.requests.status(str(uuid.uuid4()))


def _keep_cards(run: Run, result: Any, note: str) -> None:
    """The cards a (deferred) operation made, once settled: named in the report and closed at the end."""
    final = run.settle(result, "card_ids")
    for card_id in final.card_ids:
        run.to_close.append(card_id)
        run.made("card", card_id, run.tag, note)


def _issue_plastic(run: Run) -> None:
    result = run.client.cards.issue_plastic(run.ids["client_id"], run.options.product)
    _keep_cards(run, result, f"plastic, for client {run.ids['client_id']}")


def _bulk_issue(run: Run) -> None:
    _keep_cards(run, run.client.cards.bulk_issue(run.options.product, 1), "bulk issue of 1")


def _gift_products(run: Run) -> None:
    products = run.client.gift_cards.products()
    if run.options.gift_product is not None:
        run.ids["gift_product"] = run.options.gift_product
    elif len(products):
        run.ids["gift_product"] = products[0].code


def _needs_gift_phone(run: Run) -> str:
    if not run.options.gift_phone:
        raise Skip("sends an SMS: runs only with --gift-phone")
    return run.options.gift_phone


def _gift_issue(run: Run) -> None:
    phone = _needs_gift_phone(run)
    gift = run.client.gift_cards.issue(run.ids["gift_product"], cardholder_name="Fpc Conformance", phone=phone)
    run.ids["gift_card_id"] = gift.card_id
    run.made("gift card", gift.card_id, "Fpc Conformance", f"SMS to {phone}; no operation cancels a gift card")


def _gift_otp(run: Run, card_id: int) -> str:
    if run.options.gift_otp:
        return run.options.gift_otp
    if run.hooks.gift_otp is not None:
        code = run.hooks.gift_otp(card_id)
        if code:
            return code
    io = run.io
    if io.is_terminal(io.stdin):
        io.stderr.write(f"    the SMS code sent to {run.options.gift_phone} for gift card {card_id} (empty: skip): ")
        io.stderr.flush()
        code = io.stdin.readline().strip()
        if code:
            return code
    raise Skip("needs the SMS code: --gift-otp, or type it when asked on a terminal")


def _gift_confirm(run: Run) -> None:
    _needs_gift_phone(run)
    card_id = run.ids["gift_card_id"]
    run.client.gift_cards.confirm(_gift_otp(run, card_id), card_id=card_id)


def _gift_resend(run: Run) -> None:
    _needs_gift_phone(run)
    run.client.gift_cards.resend(run.ids["gift_card_id"])


def _gift_resend_code(run: Run) -> None:
    _needs_gift_phone(run)
    run.client.gift_cards.resend_code(run.ids["gift_card_id"])


def _close_all(run: Run) -> None:
    if not run.to_close:
        raise Skip("this run made no card")
    failures: list[FreedomPayError] = []
    for card_id in run.to_close:
        try:
            run.client.cards.close(card_id, reason=f"{run.tag}: conformance run over")
        except FreedomPayError as err:
            failures.append(err)
            continue
        run.ids.setdefault("closed_card_id", card_id)
        for made in run.created:
            if made["kind"] == "card" and made["id"] == card_id:
                made["note"] = (made["note"] + "; closed").lstrip("; ")
    if failures:
        raise failures[0]


def _block_closed(run: Run) -> None:
    run.client.cards.block(run.ids["closed_card_id"], reason=f"{run.tag}: a closed card must stay closed")


def _needs_test_data(*arguments: str) -> NoReturn:
    """A step (scaffolded by scripts/new_operation.py) with arguments the run has no value for: reported
    skipped with what it needs, never a pass."""
    raise Skip(f"needs test data: {', '.join(arguments)} (give the step a value in _op's calls)")


def _op(name: str) -> Callable[[Run], None]:
    """Steps that are one call on the run's card."""
    calls: dict[str, Callable[[Run], Any]] = {
        "clients.update_phone": lambda r: r.client.clients.update_phone(
            r.ids["client_id"], r.options.phone, product=r.options.product
        ),
        "cards.link_client": lambda r: r.client.cards.link_client(r.card, r.ids["client_id"]),
        "clients.list_cards": lambda r: r.client.clients.list_cards(r.ids["client_id"]),
        "cards.unblock": lambda r: r.client.cards.unblock(r.card, reason=f"{r.tag}: conformance unblock"),
        "cards.reset_pin_counter": lambda r: r.client.cards.reset_pin_counter(r.card),
        "limits.list": lambda r: r.client.limits.list(LimitScope.CARD, r.card),
        "transactions.info": lambda r: r.client.transactions.info(transaction_id=r.ids["transaction_id"]),
        "transactions.refund": lambda r: r.client.transactions.refund(
            r.ids["transaction_id"], order_id=r.ids["order_id"], amount=r.options.amount, description=r.tag
        ),
        "cards.statement": lambda r: list(r.client.cards.statement(r.card, *_statement_range())),
        "cards.statement_extended": lambda r: r.client.cards.statement_extended(r.card, *_statement_range()),
        "cards.secret_data": lambda r: r.client.cards.secret_data(r.card),
        "cards.secret_data_v2": lambda r: r.client.cards.secret_data_v2(r.card),
        "requests.status": lambda r: r.client.requests.status(r.ids["issue_request_id"]),
        "gift_cards.status": lambda r: r.client.gift_cards.status(r.ids["gift_card_id"]),
    }
    call = calls[name]

    def action(run: Run) -> None:
        call(run)

    return action


CARD = ("card_id",)
ACTIVE = ("card_id", "active_card")  # steps that need the card activated first (the API refuses them before)


def _activate(run: Run) -> None:
    run.client.cards.activate(run.card)
    run.ids["active_card"] = run.card


def _block(run: Run) -> None:  # only a blocked card can be unblocked
    run.client.cards.block(run.card, reason=f"{run.tag}: conformance block")
    run.ids["blocked"] = run.card


def _clear(run: Run) -> None:  # a refund takes back only what was cleared
    run.client.transactions.clear(run.ids["transaction_id"], order_id=run.ids["order_id"], amount=run.options.amount)
    run.ids["cleared"] = run.ids["transaction_id"]


STEPS: tuple[Step, ...] = (
    Step("clients.create", "Create a test client", _create_client, gives=("client_id",), creates="a client"),
    Step("clients.update_phone", "Set the client's 3-D Secure phone (the same number)", _op("clients.update_phone"),
         needs=("client_id",)),
    Step("cards.issue", "Issue a card to a test cardholder", _issue, gives=("card_id", "issue_request_id"),
         creates="a card"),
    Step("cards.activate", "Activate the card", _activate, CARD, ("active_card",)),
    Step("cards.info", "Read the card", _info, CARD),
    Step("cards.balance", "Read its balances", _balance, CARD),
    Step("cards.link_client", "Link the test client to the card", _op("cards.link_client"), ("card_id", "client_id")),
    Step("clients.list_cards", "List the client's cards", _op("clients.list_cards"), ("client_id",)),
    Step("cards.block", "Block the card", _block, ACTIVE, ("blocked",)),
    Step("cards.unblock", "Unblock it", _op("cards.unblock"), (*ACTIVE, "blocked")),
    Step("cards.reset_pin_counter", "Reset its PIN counter", _op("cards.reset_pin_counter"), ACTIVE),
    Step("cards.set_pin", "Set its PIN", _set_pin, ACTIVE, condition="with --encrypted-pin"),
    Step("limits.set", "Set a daily ATM limit on it", _set_limits, ACTIVE),
    Step("limits.list", "List its limits", _op("limits.list"), ACTIVE),
    Step("transactions.create", "Authorise a small transaction", _create_transaction, ACTIVE, ("transaction_id",),
         creates="a transaction"),
    Step("transactions.info", "Read the transaction", _op("transactions.info"), ("transaction_id",)),
    Step("transactions.clear", "Clear it", _clear, ("transaction_id",), ("cleared",)),
    Step("transactions.refund", "Refund it", _op("transactions.refund"), ("transaction_id", "cleared")),
    Step("cards.statement", "Statement of the last day", _op("cards.statement"), ACTIVE),
    Step("cards.statement_extended", "Extended statement of the last day", _op("cards.statement_extended"), ACTIVE),
    Step("cards.secret_data", "Secret data (never shown)", _op("cards.secret_data"), ACTIVE),
    Step("cards.secret_data_v2", "Secret data, version 2 (never shown)", _op("cards.secret_data_v2"), ACTIVE),
    Step("cards.validate_cardholder", "Cardholder validation", _validate_cardholder, ACTIVE,
         condition="with the card's token (--card-token, or Card info's answer)"),
    Step("requests.status", "Request status of the card issue", _op("requests.status"), ("issue_request_id",)),
    Step("requests.status", "Request status of an unknown request_id (a refusal expected)", _unknown_request,
         expect=NotFoundError),
    Step("cards.issue_plastic", "Order a plastic card for the client", _issue_plastic, ("client_id",),
         creates="a card"),
    Step("cards.bulk_issue", "Issue one card in bulk", _bulk_issue, creates="a card"),
    Step("gift_cards.products", "List the gift-card products", _gift_products, gives=("gift_product",)),
    Step("gift_cards.issue", "Issue a gift card", _gift_issue, ("gift_product",), ("gift_card_id",), sms=True,
         creates="a gift card", condition="with --gift-phone"),
    Step("gift_cards.resend_code", "Send its SMS code again", _gift_resend_code, ("gift_card_id",), sms=True,
         condition="with --gift-phone"),
    Step("gift_cards.confirm", "Confirm it with the SMS code", _gift_confirm, ("gift_card_id",), sms=True,
         condition="with --gift-phone and the SMS code"),
    Step("gift_cards.resend", "Send the gift card again", _gift_resend, ("gift_card_id",), sms=True,
         condition="with --gift-phone"),
    Step("gift_cards.status", "Read the gift card", _op("gift_cards.status"), ("gift_card_id",)),
    # new-operation: scripts/new_operation.py adds a new operation's step here, before the closing steps
    Step("cards.close", "Close every card this run made", _close_all, gives=("closed_card_id",), cleanup=True),
    Step("cards.block", "Block a closed card (a refusal expected)", _block_closed, ("closed_card_id",),
         expect=ConflictError),
)  # fmt: skip


def plan(only: Iterable[str] | None = None) -> list[Step]:
    """The steps to run: all, or those of the operations in ``only`` with the steps that give what they
    need, and the closing of any card made (a run never leaves a card open)."""
    if only is None:
        return list(STEPS)
    wanted = set(only)
    chosen = {i for i, step in enumerate(STEPS) if step.operation in wanted}
    if "cards.close" in wanted:  # closing is tried on the cards the run made: make one
        chosen.add(next(i for i, step in enumerate(STEPS) if "card_id" in step.gives))
    todo = list(chosen)
    while todo:
        for key in STEPS[todo.pop()].needs:
            giver = next(i for i, step in enumerate(STEPS) if key in step.gives)
            if giver not in chosen:
                chosen.add(giver)
                todo.append(giver)
        if any(STEPS[i].creates == "a card" for i in chosen):
            closer = next(i for i, step in enumerate(STEPS) if step.operation == "cards.close")
            if closer not in chosen:
                chosen.add(closer)
                todo.append(closer)
    return [STEPS[i] for i in sorted(chosen)]


def not_planned() -> list[str]:
    """The operations of the spec that no step runs (a new operation, until a step covers it)."""
    covered = {step.operation for step in STEPS}
    return [entry["name"] for entry in OPERATIONS if entry["name"] not in covered]


# ------------------------------------------------------------------------------------------- running


@dataclass
class StepResult:
    step: Step
    state: str  # "ok", "deviates", "skipped", "not run"
    reason: str = ""
    ms: float = 0.0
    deviations: list[Deviation] = field(default_factory=list)  # what the step's outcome says
    seen: list[Deviation] = field(default_factory=list)  # and what its exchanges said, of any operation


@dataclass
class OperationReport:
    operation: str
    steps: list[StepResult] = field(default_factory=list)
    checks: list[Checked] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)

    @property
    def ran(self) -> bool:
        return bool(self.exchanges) or any(s.state in ("ok", "deviates") for s in self.steps)

    @property
    def reached(self) -> bool | None:
        answered = [c.reached for c in self.checks if c.reached is not None]
        return any(answered) if answered else None

    @property
    def accepted(self) -> bool | None:
        if not self.reached:
            return None
        return not any(c.refused_content and not (c.error and c.error.expected) for c in self.checks)

    @property
    def answered_as_spec(self) -> bool | None:
        if not self.reached:
            return None
        shape = {"missing_field", "unknown_field", "wrong_type", "wrong_value", "not_json"}
        return not any(d.kind in shape for d in self.deviations)

    @property
    def deviations(self) -> list[Deviation]:
        found: list[Deviation] = []
        reached = self.reached
        for check in self.checks:
            for deviation in check.deviations:
                if deviation.kind == "not_reached" and reached:
                    continue  # a 404 for one call (e.g. an unknown id) while another call reached the path
                if deviation not in found:
                    found.append(deviation)
        for step in self.steps:
            found += [d for d in step.deviations if d not in found]
        if any(c.refused_content and not (c.error and c.error.expected) for c in self.checks):
            refusal = next(c.error for c in self.checks if c.refused_content and c.error is not None)
            deviation = Deviation("not_accepted", str(refusal.code or ""), refusal.message or refusal.maps_to)
            if deviation not in found:
                found.insert(0, deviation)
        return found

    @property
    def state(self) -> str:
        if self.ran:  # also an operation no step names, reached on another's behalf (Request status polls)
            return "deviates" if self.deviations else "conforms"
        states = {s.state for s in self.steps}
        if not states:
            return "not planned"
        return "skipped" if "skipped" in states else "not run"

    def as_dict(self) -> dict[str, Any]:
        entry = SPEC[self.operation]
        timings = [round(e.ms, 1) for e in self.exchanges]
        return {
            "operation": self.operation,
            "path": entry["path"],
            "doc_status": entry["doc_status"],
            "summary": entry["summary"],
            "result": self.state,
            "reached": self.reached,
            "accepted": self.accepted,
            "answered_as_spec": self.answered_as_spec,
            "calls": len(self.exchanges),
            "http_statuses": sorted({e.status for e in self.exchanges if e.status is not None}),
            "ms": timings,
            "median_ms": round(statistics.median(timings), 1) if timings else None,
            "deviations": [{"kind": d.kind, "field": d.field, "detail": d.detail} for d in self.deviations],
            "errors": [c.error.as_dict() for c in self.checks if c.error is not None],
            "steps": [
                {"title": s.step.title, "state": s.state, "reason": s.reason, "ms": round(s.ms, 1)} for s in self.steps
            ],
        }


def _step_deviations(step: Step, error: BaseException | None) -> list[Deviation]:
    """What a step's outcome (success, or the exception it raised) says, against what it expected."""
    expected = step.expect
    if error is None:
        if expected is None:
            return []
        return [Deviation("not_refused", "", f"expected {expected.__name__}, the API answered success")]
    if expected is not None and isinstance(error, expected):
        return []
    if expected is not None and isinstance(error, APIError):
        return [Deviation("unexpected_error", str(error.code or ""), f"expected {expected.__name__}, got "
                          f"{type(error).__name__}: {error.message}")]  # fmt: skip
    if isinstance(error, APIError):
        return [Deviation("refused", str(error.code or ""), f"{type(error).__name__}: {error.message} (the success "
                          "answer could not be checked)")]  # fmt: skip
    if isinstance(error, UnexpectedResponseError):
        return [Deviation("unreadable_answer", "", error.message)]
    if isinstance(error, APIConnectionError):
        return [Deviation("no_answer", "", f"{type(error).__name__}: {error.message}")]
    if isinstance(error, InvalidRequestError):
        return [Deviation("not_sent", error.field, f"refused by the library before sending: {error.message}")]
    if isinstance(error, StepProblem):
        return [Deviation("incomplete_answer", "", str(error))]
    if isinstance(error, FreedomPayError):
        return [Deviation("runner_error", "", f"{type(error).__name__}: {error}")]
    return [Deviation("runner_error", "", f"{type(error).__name__}: {scrub_text(str(error))[:300]}")]


class Runner:
    """Runs the plan's steps in order, attributing every exchange to the operation of its path."""

    def __init__(self, run: Run, recorder: Recorder, progress: Callable[[str], None]) -> None:
        self.run = run
        self.recorder = recorder
        self.progress = progress
        self.reports: dict[str, OperationReport] = {}
        self.stopped: str | None = None
        self.auth_failed = False

    def report_of(self, operation: str) -> OperationReport:
        if operation not in self.reports:
            self.reports[operation] = OperationReport(operation)
        return self.reports[operation]

    def go(self, steps: list[Step]) -> None:
        for number, step in enumerate(steps, 1):
            head = f"{number:2d}/{len(steps)} {step.operation:<26} {step.title}"
            report = self.report_of(step.operation)
            cleanup = step.cleanup and not self.auth_failed  # an interrupted run still closes its cards
            if self.stopped is not None and not cleanup:
                report.steps.append(StepResult(step, "not run", "stopped: " + self.stopped))
                continue
            missing = [key for key in step.needs if key not in self.run.ids]
            if missing:
                reason = f"needs {', '.join(missing)}, which an earlier step did not give"
                report.steps.append(StepResult(step, "not run", reason))
                self.progress(f"{head} ... not run ({reason})")
                continue
            try:
                result = self._one(step)
            except KeyboardInterrupt:
                self.stopped = self.stopped or "interrupted (Ctrl-C)"
                self.progress(f"{head} ... interrupted: the cards made so far are closed before stopping")
                report.steps.append(StepResult(step, "not run", "stopped: interrupted"))
                continue
            report.steps.append(result)
            verdict = {"ok": "ok", "skipped": f"skipped ({result.reason})"}.get(
                result.state, "DEVIATES: " + "; ".join(d.text() for d in result.seen[:3])
            )
            self.progress(
                f"{head} ... {verdict} ({result.ms:.0f} ms)" if result.state != "skipped" else f"{head} ... {verdict}"
            )

    def _one(self, step: Step) -> StepResult:
        start = len(self.recorder.exchanges)
        began = time.perf_counter()
        error: BaseException | None = None
        try:
            step.action(self.run)
        except Skip as skip:
            return StepResult(step, "skipped", str(skip))
        except Exception as exc:  # every failure is reported, never raised: the report must be written
            error = exc
        ms = (time.perf_counter() - began) * 1000
        auth_failed = isinstance(error, AuthenticationError)
        deviations = _step_deviations(step, error)
        seen = list(deviations)
        for exchange in self.recorder.exchanges[start:]:
            operation = exchange.operation or step.operation
            checked = check_exchange(exchange, operation)
            if checked.error is not None and step.expect is not None and operation == step.operation:
                checked.error.expected = isinstance(error, step.expect)
            report = self.report_of(operation)
            report.exchanges.append(exchange)
            report.checks.append(checked)
            auth_failed = auth_failed or checked.auth_failed
            seen += [d for d in checked.deviations if d not in seen]
        if auth_failed:
            self.auth_failed = True
            what = f"{type(error).__name__}: {error}" if isinstance(error, FreedomPayError) else "HTTP 401/403"
            self.stopped = f"authentication failed at {step.operation} ({what})"
        return StepResult(step, "deviates" if seen else "ok", ms=ms, deviations=deviations, seen=seen)


# ------------------------------------------------------------------------------------------- the report


def build_report(runner: Runner, *, target: str, tag: str, started: dt.datetime, seconds: float) -> dict[str, Any]:
    order = {name: i for i, name in reversed(list(enumerate(step.operation for step in STEPS)))}
    operations = sorted(runner.reports.values(), key=lambda r: order.get(r.operation, len(order)))
    rows = [r.as_dict() for r in operations] + [
        {"operation": name, "path": SPEC[name]["path"], "doc_status": SPEC[name]["doc_status"],
         "summary": SPEC[name]["summary"], "result": "not planned", "reached": None, "accepted": None,
         "answered_as_spec": None, "calls": 0, "http_statuses": [], "ms": [], "median_ms": None, "deviations": [],
         "errors": [], "steps": []}
        for name in not_planned()
    ]  # fmt: skip
    counts = {state: sum(1 for r in rows if r["result"] == state) for state in
              ("conforms", "deviates", "skipped", "not run", "not planned")}  # fmt: skip
    ran = counts["conforms"] + counts["deviates"]
    conforms = counts["deviates"] == 0 and runner.stopped is None and ran > 0
    if runner.stopped is not None:
        headline = f"Stopped: {runner.stopped}."
    elif ran == 0:
        headline = "Nothing was run."
    elif conforms:
        headline = f"All {ran} operations run conform to the spec."
    else:
        headline = f"{counts['deviates']} of {ran} operations run deviate from the spec."
    others = [f"{counts[s]} {s}" for s in ("skipped", "not run", "not planned") if counts[s]]
    if others:
        headline += f" ({', '.join(others)}.)"
    codes: dict[tuple[Any, str], dict[str, Any]] = {}
    for report in operations:
        for check in report.checks:
            if check.error is None:
                continue
            key = (check.error.code, check.error.message)
            seen = codes.setdefault(key, {**check.error.as_dict(), "operations": []})
            if report.operation not in seen["operations"]:
                seen["operations"].append(report.operation)
            seen.pop("operation", None)
    return {
        "tool": f"{PROG} conformance",
        "version": __version__,
        "spec": {"version": SPEC_VERSION, "hash": SPEC_HASH},
        "target": target,
        "tag": tag,
        "started": started.isoformat(timespec="seconds"),
        "seconds": round(seconds, 2),
        "conforms": conforms,
        "headline": headline,
        "stopped": runner.stopped,
        "counts": counts,
        "deviations": [{"operation": row["operation"], **d} for row in rows for d in row["deviations"]],
        "operations": rows,
        "error_codes": list(codes.values()),
        "created": runner.run.created,
    }


def _yes_no(value: bool | None) -> str:
    return "-" if value is None else ("yes" if value else "**no**")


def _md(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown(report: dict[str, Any]) -> str:
    """The report, for a person (and for an issue or an e-mail to Freedom Pay)."""
    lines = [
        f"# Conformance report: {report['target']}",
        "",
        f"**{report['headline']}**",
        "",
        f"- Target: {report['target']}",
        f"- Spec: {report['spec']['version']} ({report['spec']['hash']}); {report['tool']} {report['version']}",
        f"- Started {report['started']}, took {report['seconds']} s; objects named `{report['tag']}-<n>`",
        "",
    ]
    if report["deviations"]:
        lines += ["## Deviations", ""]
        for d in report["deviations"]:
            lines.append(f"- `{d['operation']}`: {_md(Deviation(d['kind'], d['field'], d['detail']).text())}")
        lines.append("")
    lines += [
        "## Operations",
        "",
        "| operation | doc status | result | reached | accepted | as spec | HTTP | calls | median ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in report["operations"]:
        result = row["result"] if row["result"] == "conforms" else f"**{row['result']}**"
        lines.append(
            f"| `{row['operation']}` | {row['doc_status']} | {result} | {_yes_no(row['reached'])} | "
            f"{_yes_no(row['accepted'])} | {_yes_no(row['answered_as_spec'])} | "
            f"{', '.join(map(str, row['http_statuses'])) or '-'} | {row['calls']} | {row['median_ms'] or '-'} |"
        )
    lines.append("")
    skipped = [(row["operation"], s) for row in report["operations"] for s in row["steps"] if s["state"] in
               ("skipped", "not run")]  # fmt: skip
    if skipped:
        lines += ["## Skipped or not run", ""]
        lines += [f"- `{op}` ({s['title']}): {s['state']}: {_md(s['reason'])}" for op, s in skipped]
        lines.append("")
    if report["error_codes"]:
        lines += ["## Error codes seen", "", "| code | message | HTTP | operations | in the error table | expected |",
                  "|---|---|---|---|---|---|"]  # fmt: skip
        for e in report["error_codes"]:
            known = f"yes ({e['maps_to']})" if e["known"] else "**no**"
            lines.append(
                f"| `{e['code']}` | {_md(e['message']) or '-'} | {e['http_status']} | "
                f"{', '.join(e['operations'])} | {known} | {'yes' if e['expected'] else 'no'} |"
            )
        lines.append("")
    if report["created"]:
        lines += ["## Objects created", "", "| kind | id | name | note |", "|---|---|---|---|"]
        lines += [f"| {c['kind']} | `{c['id']}` | {_md(c['name'])} | {_md(c['note'])} |" for c in report["created"]]
        lines.append("")
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------- the command


def _options(args: argparse.Namespace) -> Options:
    """The run's test data, each value checked as the library will check it, before anything is sent: a
    bad value is a usage error, not a deviation reported against the API."""
    checks: list[tuple[str, object, Callable[[str, object], object]]] = [
        ("--phone", args.phone, v.phone), ("--person-id", args.person_id, v.identifier),
        ("--country", args.country, v.country), ("--amount", args.amount, v.amount),
        ("--currency", args.currency, v.currency), ("--encrypted-pin", args.encrypted_pin, v.text),
        ("--card-token", args.card_token, v.token), ("--gift-phone", args.gift_phone, v.phone),
        ("--gift-otp", args.gift_otp, v.text), ("--product", args.product, v.positive_int),
        ("--gift-product", args.gift_product, v.positive_int),
    ]  # fmt: skip
    for option, value, check in checks:
        if value is None:
            continue
        try:
            check(option.lstrip("-").replace("-", "_"), value)
        except InvalidRequestError as err:
            raise UsageError(f"{option}: {str(err).split(': ', 1)[-1]}") from None
    return Options(
        phone=args.phone, person_id=args.person_id, country=args.country, product=args.product, amount=args.amount,
        currency=args.currency, encrypted_pin=args.encrypted_pin, card_token=args.card_token,
        gift_phone=args.gift_phone, gift_otp=args.gift_otp, gift_product=args.gift_product,
    )  # fmt: skip


def refuse_production(base_url: str) -> None:
    host = (urlsplit(base_url).hostname or "").lower().rstrip(".")
    if host == PRODUCTION_HOST:
        raise UsageError(
            f"conformance refuses the production API ({base_url}): it creates clients, cards and transactions. "
            "Use --environment test or the --base-url of a test environment or sandbox"
        )


def _plan_text(steps: list[Step], target: str) -> Iterator[str]:
    yield f"Conformance run against {target}: {len(steps)} steps, in this order:"
    for number, step in enumerate(steps, 1):
        marks = [m for m in (step.creates and f"creates {step.creates}", step.sms and "sends an SMS",
                             step.expect and "expects a refusal", step.condition) if m]  # fmt: skip
        yield f"  {number:2d}. {step.operation:<26} {step.title}" + (f"  [{'; '.join(marks)}]" if marks else "")
    missing = not_planned()
    if missing:
        yield f"  not planned (no step covers them yet): {', '.join(missing)}"


def command(args: argparse.Namespace, io: Streams, hooks: Hooks | None = None) -> int:
    hooks = hooks or Hooks()
    if args.only:
        unknown = [name for name in args.only if name not in SPEC]
        if unknown:
            raise UsageError(f"--only: {', '.join(unknown)} not in the spec; operations: {', '.join(SPEC)}")
    options = _options(args)
    steps = plan(args.only)
    recorder = Recorder(httpx.HTTPTransport())
    http = httpx.Client(transport=recorder)
    try:
        client = make_client(args, io.environ, http_client=http)
        refuse_production(client.base_url)
        for line in _plan_text(steps, client.base_url):
            io.err(line)
        if not args.yes:
            if not io.is_terminal(io.stdin):
                raise UsageError("stdin is not a terminal: pass --yes to send without confirming the plan")
            if not io.ask(f"Send these requests to {client.base_url}?"):
                raise UsageError("nothing sent")
        started = dt.datetime.now(dt.UTC)
        tag = f"fpc-conformance-{started:%Y%m%d-%H%M%S}"
        run = Run(client, options, hooks, io, tag)
        runner = Runner(run, recorder, io.err)
        began = time.perf_counter()
        with client:
            runner.go(steps)
        report = build_report(runner, target=client.base_url, tag=tag, started=started,
                              seconds=time.perf_counter() - began)  # fmt: skip
    finally:
        http.close()
    folder = Path(args.report)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "conformance.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
        (folder / "conformance.md").write_text(markdown(report), encoding="utf-8")
        exchanges = {r.operation: r.exchanges for r in runner.reports.values()}
        written = write_cassettes(Path(args.record), exchanges) if args.record else []
    except OSError as exc:
        io.out(json.dumps(report, indent=2, ensure_ascii=False))  # the run's findings are not lost
        raise UsageError(f"cannot write the report: {exc}") from None
    if args.json:
        io.out(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        io.out(report["headline"])
        for d in report["deviations"]:
            io.out(f"  {d['operation']}: {Deviation(d['kind'], d['field'], d['detail']).text()}")
    io.err(f"report: {folder / 'conformance.md'} and {folder / 'conformance.json'}")
    if written:
        io.err(f"cassettes: {len(written)} files in {args.record}")
    if runner.stopped is not None and not runner.auth_failed:
        return EXIT_INTERRUPTED
    return EXIT_OK if report["conforms"] else EXIT_API_ERROR
