"""The sandbox against the spec: it serves every path, accepts what the request schemas accept, and every
answer it gives (successes, refusals, duplicates) validates against the path's response schema. Every
``World`` handler takes exactly its operation's generated request model, so mypy checks each field it
reads against the spec."""

from __future__ import annotations

import re
import typing
import uuid
from collections.abc import Callable
from typing import Any

import attrs
import httpx
import jsonschema
import pytest

import freedompay_cards as fp
from freedompay_card_api import models
from freedompay_cards._core import OPERATIONS, compact_json
from freedompay_cards._schema import SchemaError, validate
from freedompay_cards._schema import request_schema as sandbox_request_schema
from freedompay_cards._schema import spec as sandbox_spec
from freedompay_cards.sandbox import ROUTES, Route, Sandbox
from freedompay_cards.sandbox._app import missing_handlers
from freedompay_cards.sandbox._world import Done
from freedompay_cards.sandbox._world import World as SandboxWorld
from tests.spec_tools import PATHS, example, merged_object, operations, request_schema, response_schema, spec

DT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
GIFT_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
SPEC_PATHS = [path for path, _, _ in operations()]


def rid() -> str:
    return str(uuid.uuid4())


class World:
    """A sandbox holding one of everything, and a signed raw POST to it."""

    def __init__(self) -> None:
        self.sandbox = Sandbox(process_polls=2)
        sb = self.sandbox
        self.client = sb.create_client()
        self.issued = sb.create_card(status="issued")
        self.active = sb.create_card(client_id=self.client.client_id)
        self.blocked = sb.create_card(status="blocked")
        self.closed = sb.create_card(status="closed")
        self.http = httpx.Client(transport=sb.transport(), base_url="https://sandbox.invalid")
        self.tx_request = rid()
        self.post(PATHS["transactions.create"], {
            "request_id": self.tx_request, "order_id": "o-1", "card_id": self.active.card_id, "amount": 500,
            "currency": "KZT",
        })  # fmt: skip
        self.tx_id = sb.requests[self.tx_request].created["transaction_id"] if sb.settle() else ""
        self.gift = self.post(
            PATHS["gift_cards.issue"], {"cardholder_name": "A", "phone": 77001234567, "product_code": 1}
        )
        self.gift_id: int = self.gift["card_id"]
        self.pending_bulk = self.failed_request = self.cleared_tx_id = ""  # set by prepare()

    def post(self, path: str, body: Any, *, raw: bytes | None = None, secret: str | None = None) -> Any:
        content = compact_json(body) if raw is None else raw
        signature = fp.sign(content, path=path, auth_id="sandbox", secret_key=secret or self.sandbox.secret_key)
        response = self.http.post(path, content=content, headers={"X-JWS-Signature": signature})
        assert response.status_code == 200, (
            f"{path} answered HTTP {response.status_code}: {response.text[:300]}"  # 501 names the handler to add
        )
        return response.json()


def card(w: World, path_card: str, **extra: Any) -> dict[str, Any]:
    return {"request_id": rid(), "card_id": path_card, **extra}


# Per path: bodies for answers of every kind (success first, then the path's own refusals). A path of the
# spec missing here is still checked with the spec's example bodies, then fails saying what to add.
BODIES: dict[str, Callable[[World], list[Any]]] = {
    PATHS["cards.bulk_issue"]: lambda w: [{"request_id": rid(), "product_id": 1000, "quantity": 2}],
    PATHS["cards.issue"]: lambda w: [
        {
            "request_id": rid(),
            "product_id": 2000,
            "cardholder": {
                "first_name": "A",
                "last_name": "B",
                "phone": 77001234567,
                "country": "KAZ",
                "person_id": "1",
                "birthdate": "1990-05-17",
                "email": "a@example.com",
                "nickname": "open object",
            },
        }
    ],
    PATHS["cards.issue_plastic"]: lambda w: [
        {"request_id": rid(), "client_id": w.client.client_id, "product_id": 3000},
        {"request_id": rid(), "client_id": "404", "product_id": 3000},
    ],
    PATHS["cards.activate"]: lambda w: [card(w, w.issued.card_id), card(w, w.active.card_id)],
    PATHS["cards.block"]: lambda w: [
        card(w, w.active.card_id, description="lost"),
        card(w, "404", description="lost"),
    ],
    PATHS["cards.unblock"]: lambda w: [
        card(w, w.blocked.card_id, description="found"),
        card(w, w.closed.card_id, description="x"),
    ],
    PATHS["cards.set_pin"]: lambda w: [{"card_id": w.active.card_id, "pin": "ZW5j"}, {"card_id": "404"}],
    PATHS["cards.reset_pin_counter"]: lambda w: [card(w, w.active.card_id), card(w, w.closed.card_id)],
    PATHS["cards.close"]: lambda w: [
        card(w, w.active.card_id, description="x"),
        card(w, w.closed.card_id, description="x"),
    ],
    PATHS["cards.link_client"]: lambda w: [
        {"request_id": rid(), "client_id": w.client.client_id, "card_id": w.issued.card_id},
        {"request_id": rid(), "client_id": "404", "card_id": w.issued.card_id},
    ],
    PATHS["cards.info"]: lambda w: [card(w, w.active.card_id), card(w, w.closed.card_id), card(w, "404")],
    PATHS["cards.balance"]: lambda w: [card(w, w.active.card_id), card(w, "404")],
    PATHS["cards.secret_data"]: lambda w: [card(w, w.active.card_id), card(w, w.closed.card_id)],
    PATHS["cards.secret_data_v2"]: lambda w: [card(w, w.active.card_id), card(w, "404")],
    PATHS["cards.statement"]: lambda w: [
        {"card_id": w.active.card_id},
        {"card_id": w.active.card_id, "start_date": "2000-01-01T00:00:00Z", "end_date": "2100-01-01T00:00:00+05:00"},
        {"card_id": w.active.card_id, "start_date": "2100-01-01T00:00:00Z", "end_date": "2000-01-01T00:00:00Z"},
        {"card_id": "404"},
    ],
    PATHS["cards.statement_extended"]: lambda w: [
        {"card_id": w.active.card_id, "start_date": "2000-01-01T00:00:00Z", "end_date": "2100-01-01T00:00:00Z"},
        {"card_id": "404", "start_date": "2000-01-01T00:00:00Z", "end_date": "2100-01-01T00:00:00Z"},
    ],
    PATHS["cards.validate_cardholder"]: lambda w: [
        {
            "request_id": rid(),
            "card_token": w.active.token,
            "user_phone": "7001234567",
            "first_name": "Aida",
            "last_name": "Sandboxova",
        },
        {"request_id": rid(), "card_token": w.closed.token, "user_phone": "0", "first_name": "A", "last_name": "B"},
        {"request_id": rid(), "card_token": rid(), "user_phone": "7001234567", "first_name": "A", "last_name": "B"},
    ],
    PATHS["clients.create"]: lambda w: [
        {
            "request_id": rid(),
            "product_id": 2000,  # product 1000 requires more (x-required-when): tests/test_client_product_rules.py
            "client": {
                "phone": 77001234567,
                "type": 1,
                "resident": 1,
                "first_name": "A",
                "last_name": "B",
                "identification_info": {"idn_date": "2025-01-01T00:00:00+06:00", "identified_by": "branch"},
                "address1": {"country": "KAZ", "address_line1": "Almaty"},
            },
        }
    ],
    PATHS["clients.update_phone"]: lambda w: [
        {"request_id": rid(), "client_id": w.client.client_id, "product_id": 1000, "client": {"phone": 77009998877}},
        {"request_id": rid(), "client_id": "404", "product_id": 1000, "client": {"phone": 77009998877}},
    ],
    PATHS["clients.list_cards"]: lambda w: [
        {"request_id": rid(), "client_id": w.client.client_id},
        {"request_id": rid(), "client_id": "404"},
    ],
    PATHS["requests.status"]: lambda w: [
        {"request_id": w.tx_request},
        {"request_id": rid()},
        {"request_id": w.pending_bulk},
        {"request_id": w.pending_bulk},
        {"request_id": w.failed_request},
    ],
    PATHS["transactions.create"]: lambda w: [
        {
            "request_id": rid(),
            "order_id": "o-2",
            "card_id": w.active.card_id,
            "amount": 1.5,
            "currency": "KZT",
            "description": "coffee",
        },
    ],
    PATHS["transactions.clear"]: lambda w: [
        {"request_id": rid(), "order_id": "o-1", "transaction_id": w.tx_id, "amount": 100},
        {"request_id": rid(), "order_id": "o-1", "transaction_id": w.tx_id, "amount": 1000},
        {"request_id": rid(), "order_id": "o-1", "transaction_id": "404"},
    ],
    PATHS["transactions.refund"]: lambda w: [
        {"request_id": rid(), "order_id": "o-1", "transaction_id": w.cleared_tx_id, "amount": 10},
        {"request_id": rid(), "order_id": "o-1", "transaction_id": w.cleared_tx_id, "amount": 1000},
        {"request_id": rid(), "order_id": "o-x", "transaction_id": w.cleared_tx_id},
    ],
    PATHS["transactions.info"]: lambda w: [
        {"request_id": rid(), "transaction_id": w.tx_id},
        {"request_id": rid(), "order_id": "o-1"},
        {"request_id": rid()},
        {"request_id": rid(), "order_id": "404"},
    ],
    PATHS["limits.set"]: lambda w: [
        {
            "request_id": rid(),
            "object": {"type": "card", "value": w.active.card_id},
            "limits": [
                {
                    "transaction_type": "withdrawal_atm",
                    "period": "month",
                    "amount": [{"type": "max", "value": "5000", "currency": "USD"}],
                },
                {"transaction_type": "pay", "region": "abroad"},
            ],
        },
        {
            "request_id": rid(),
            "object": {"type": "card", "value": w.closed.card_id},
            "limits": [{"transaction_type": "pay"}],
        },
        {"request_id": rid(), "object": {"type": "account", "value": "KZ0"}, "limits": [{"transaction_type": "pay"}]},
        {"request_id": rid(), "object": {"type": "client", "value": w.client.client_id}, "limits": []},
    ],
    PATHS["limits.list"]: lambda w: [
        {"request_id": rid(), "object": {"type": "client", "value": w.client.client_id}},
        {"request_id": rid(), "object": {"type": "client", "value": "404"}},
    ],
    PATHS["gift_cards.products"]: lambda w: [{}],
    PATHS["gift_cards.issue"]: lambda w: [
        {"cardholder_name": "A", "phone": 77001234567, "product_code": 3},
        {"cardholder_name": "A", "phone": 77001234567, "product_code": 9},
    ],
    PATHS["gift_cards.confirm"]: lambda w: [
        {"otp": w.sandbox.last_otp(w.gift_id), "card_id": w.gift_id},
        {"otp": "x", "card_id": w.gift_id},
        {"otp": "x"},
    ],
    PATHS["gift_cards.resend"]: lambda w: [{"card_id": w.gift_id}, {"card_id": 404}],
    PATHS["gift_cards.resend_code"]: lambda w: [{"card_id": w.gift_id}, {"card_id": 404}],
    PATHS["gift_cards.status"]: lambda w: [{"card_id": w.gift_id}, {"card_id": 404}],
}


def prepare(w: World, path: str) -> None:
    """What some paths need beyond ``World``: a pending request, a failed one, a cleared transaction."""
    w.failed_request = rid()
    w.post(PATHS["cards.block"], card(w, "404", description="x") | {"request_id": w.failed_request})
    create = {"request_id": rid(), "order_id": "o-1", "card_id": w.active.card_id, "amount": 50, "currency": "KZT"}
    w.post(PATHS["transactions.create"], create)
    w.sandbox.settle()
    w.cleared_tx_id = w.sandbox.requests[create["request_id"]].created["transaction_id"]
    w.post(PATHS["transactions.clear"], {"request_id": rid(), "order_id": "o-1", "transaction_id": w.cleared_tx_id})
    bulk = {"request_id": rid(), "product_id": 1000, "quantity": 1}
    w.pending_bulk = bulk["request_id"]
    w.post(PATHS["cards.bulk_issue"], bulk)


def response_validator(path: str) -> jsonschema.protocols.Validator:
    op = next(op for p, _, op in operations() if p == path)
    root = {**response_schema(op), "components": spec()["components"]}
    cls = jsonschema.Draft202012Validator
    return cls(root, format_checker=cls.FORMAT_CHECKER)


def response_schema_of(path: str) -> dict[str, Any]:
    return response_schema(next(op for p, _, op in operations() if p == path))


def bare_refusal_validator() -> jsonschema.protocols.Validator:
    """A Card API refusal of an answer without request_status: its status, dt and error fields."""
    schema = {
        "type": "object",
        "required": ["status", "dt", "error_code"],
        "properties": {"status": {"const": "error"}, "dt": {"type": "string"}, "error_code": {"type": "string"}},
    }
    return jsonschema.Draft202012Validator(schema)


def envelope_validator(name: str) -> jsonschema.protocols.Validator:
    root = {"$ref": f"#/components/schemas/{name}", "components": spec()["components"]}
    cls = jsonschema.Draft202012Validator
    return cls(root, format_checker=cls.FORMAT_CHECKER)


def bodies_to_add(path: str) -> str:
    operation = ROUTES[path].operation
    return (
        f"tests/test_sandbox_spec.py: add BODIES[{path!r}] = lambda w: [a body {operation} accepts, then "
        "bodies it refuses] (the spec's examples were used meanwhile)"
    )


@pytest.mark.parametrize("path", SPEC_PATHS)
def test_every_answer_on_every_path_validates_against_the_response_schema(path: str) -> None:
    w = World()
    prepare(w, path)
    if path not in BODIES:
        op = next(op for p, _, op in operations() if p == path)
        examples = [example(request_schema(op), all_fields=all_fields) for all_fields in (False, True)]
        validator = response_validator(path)
        for body in examples:
            answer = w.post(path, body)
            assert [e.message for e in validator.iter_errors(answer)] == [], (answer, path)
        pytest.fail(bodies_to_add(path))
    bodies = BODIES[path](w)
    answers = [w.post(path, body) for body in bodies]
    if path == PATHS["requests.status"]:  # the pending bulk issue: process, then success
        assert [a["request_status"] for a in answers[2:4]] == ["process", "success"]
    if "request_id" in bodies[0] and path != PATHS["requests.status"]:
        answers.append(w.post(path, bodies[0]))  # duplicate
    answers.append(w.post(path, {"unexpected": True}))  # validation error
    answers.append(w.post(path, {}, raw=b"not json"))
    answers.append(w.post(path, bodies[0], secret="wrong"))  # signature error

    validator = response_validator(path)
    gift_refusal = envelope_validator("GiftEnvelope")
    for answer in answers:
        # A refusal is read by its status alone (the pages show only the successful answer): a gift refusal
        # carries the gift envelope, not the card fields Confirm's page requires, and an answer without
        # request_status (Cardholder validation) fails with status "error" and its error fields, no score.
        check = validator
        if path.startswith("/v5/cards/") and answer["status"] != 0:
            check = gift_refusal
        elif (
            answer["status"] == "error"
            and "request_status" not in merged_object(response_schema_of(path))["properties"]
        ):
            check = bare_refusal_validator()
        errors = [e.message for e in check.iter_errors(answer)]
        assert errors == [], (answer, errors)
        if path.startswith("/v5/cards/"):
            assert GIFT_DATETIME.match(answer["datetime"]) and isinstance(answer["status"], int)
        else:
            assert DT.match(answer["dt"]), answer
    gift = path.startswith("/v5/cards/")
    assert (answers[0]["status"] == 0) if gift else (answers[0]["status"], answers[0].get("request_status")) in {
        ("ok", "success"), ("ok", "process"), ("ok", None)
    }  # fmt: skip
    refusals = [a for a in answers if (a["status"] != 0 if gift else "error" in (a["status"], a.get("request_status")))]
    assert len(refusals) >= 3
    assert all(isinstance(a.get("error_code"), str) for a in refusals if not gift)
    if not gift and "request_id" in bodies[0] and path != PATHS["requests.status"]:
        assert answers[len(bodies)]["error_code"] == "DUPLICATE_REQUEST_ID"


def test_the_sandbox_serves_exactly_the_spec_s_paths_under_the_facade_s_names() -> None:
    operation_ids = {path: operation_id for path, operation_id, _ in operations()}

    generated = [set(sandbox_spec()["paths"]), set(ROUTES)]
    stale = set(operation_ids).union(*generated) - set(operation_ids).intersection(*generated)
    assert not stale, f"{sorted(stale)}: the generated files are older than the spec: run make generate"
    removed = sorted(set(BODIES) - set(operation_ids))
    assert not removed, f"tests/test_sandbox_spec.py: remove BODIES[...] for {removed}, no longer in the spec"
    assert {r.operation for r in ROUTES.values()} == set(OPERATIONS)
    for route in ROUTES.values():
        assert OPERATIONS[route.operation].module.rsplit(".", 1)[1] == operation_ids[route.path]
        assert OPERATIONS[route.operation].gift is route.gift
        assert OPERATIONS[route.operation].has_request_id is route.has_request_id


@pytest.mark.parametrize("path", SPEC_PATHS)
def test_the_spec_s_own_examples_pass_the_sandbox_validator(path: str) -> None:
    op = next(op for p, _, op in operations() if p == path)
    for all_fields in (False, True):
        validate(sandbox_request_schema(path), example(request_schema(op), all_fields=all_fields))


@pytest.mark.parametrize(
    ("schema", "value", "message"),
    [
        ({"type": "integer"}, True, "must be an integer"),
        ({"type": "integer"}, 1.5, "must be an integer"),
        ({"type": "number", "exclusiveMinimum": 0}, 0, "greater than 0"),
        ({"type": "integer", "minimum": 1}, 0, "at least 1"),
        ({"type": "string", "format": "date"}, "2025-02-30", "YYYY-MM-DD"),
        ({"type": "string", "format": "date-time"}, "2025-01-01T00:00:00", "offset"),
        ({"type": "string", "format": "uuid"}, "828cf71da4474a67a149c1df8bc197ca", "UUID"),
        ({"type": "string", "maxLength": 3}, "abcd", "longer than 3"),
        ({"type": "string", "pattern": "^[A-Z]{3}$"}, "KZ", "must match"),
        ({"enum": [1000, 2000]}, 3000, "one of 1000, 2000"),
        ({"type": "object", "required": ["a"]}, {}, "a: is required"),
        ({"type": "object", "properties": {"a": {"type": "object", "additionalProperties": False}}},
         {"a": {"b": 1}}, "a.b: is not a field"),
        ({"type": "array", "items": {"type": "string"}}, ["x", 1], "[1]: must be a string"),
    ],
)  # fmt: skip
def test_the_validator_names_the_field_and_the_problem(schema: dict[str, Any], value: Any, message: str) -> None:
    with pytest.raises(SchemaError, match=re.escape(message)):
        validate(schema, value)


@pytest.mark.parametrize("value", ["2025-01-01T00:00:00Z", "2025-01-01T00:00:00.123+05:00", "2025-01-01t00:00:00z"])
def test_the_validator_accepts_rfc3339_date_times(value: str) -> None:
    validate({"type": "string", "format": "date-time"}, value)


def _world_paths() -> list[str]:
    return [path for path, route in ROUTES.items() if route.served_by_world]


def test_every_operation_of_the_spec_has_its_world_handler() -> None:
    assert missing_handlers() == [], "\n".join(missing_handlers())


@pytest.mark.parametrize("path", [p for p in SPEC_PATHS if p in _world_paths()])
def test_each_handler_takes_exactly_its_operation_s_generated_request_model(path: str) -> None:
    """What makes mypy check the sandbox against the spec: a field renamed in the spec is renamed in the
    generated model, and a handler still reading the old name stops type-checking."""
    route = ROUTES[path]
    handler = getattr(SandboxWorld, route.handler, None)
    if handler is None:
        pytest.fail(route.handler_to_add)
    hints = typing.get_type_hints(handler)
    expected = getattr(models, route.request_model)
    assert hints.get("body") is expected, (
        f"facade/freedompay_cards/sandbox/_world.py: World.{route.handler} must take body: m.{route.request_model}"
        f" (it takes {hints.get('body')})"
    )
    returns = dict[str, Any] if route.gift else Done
    assert hints.get("return") == returns, f"World.{route.handler} must return {returns}"


def test_a_missing_handler_is_named_with_its_file_signature_and_return_type(monkeypatch: pytest.MonkeyPatch) -> None:
    freeze = Route("/v5/card-api/card/freeze", "cards.freeze", "freeze_card", "FreezeCardRequest")
    gift = Route("/v5/cards/freeze", "gift_cards.freeze", "freeze_gift_card", "GiftCardRequest", gift=True)
    monkeypatch.setitem(ROUTES, freeze.path, freeze)
    monkeypatch.setitem(ROUTES, gift.path, gift)

    assert [line for line in missing_handlers() if "freeze" in line] == [
        "facade/freedompay_cards/sandbox/_world.py: add World.freeze_card(self, body: m.FreezeCardRequest) -> Done,"
        " serving cards.freeze (/v5/card-api/card/freeze)",
        "facade/freedompay_cards/sandbox/_world.py: add World.freeze_gift_card(self, body: m.GiftCardRequest)"
        " -> dict[str, Any] (the gift answer's fields), serving gift_cards.freeze (/v5/cards/freeze)",
    ]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (PATHS["cards.block"], {"request_id": "828cf71d-a447-4a67-a149-c1df8bc197ca", "card_id": "1",
                                     "description": "lost"}),
        (PATHS["gift_cards.resend"], {"card_id": 1}),
        (PATHS["cards.statement"], {"card_id": "1"}),
    ],
)  # fmt: skip
def test_a_request_for_a_missing_handler_is_answered_501_naming_it(
    monkeypatch: pytest.MonkeyPatch, path: str, body: dict[str, Any]
) -> None:
    route = ROUTES[path]
    monkeypatch.delattr(SandboxWorld, route.handler)
    w = World()
    content = compact_json(body)
    signature = fp.sign(content, path=path, auth_id="sandbox", secret_key=w.sandbox.secret_key)
    response = w.http.post(path, content=content, headers={"X-JWS-Signature": signature})

    assert response.status_code == 501
    answer = response.json()
    assert f"add World.{route.handler}(self, body: m.{route.request_model})" in answer["error_description"]
    assert [e.message for e in response_validator(path).iter_errors(answer)] == []
    assert w.sandbox.log[-1].processed is False
    if "request_id" in body:  # not remembered: the same request_id works once the handler exists
        assert body["request_id"] not in w.sandbox.requests


def test_a_lower_case_z_date_time_reaches_the_handler_as_an_aware_datetime() -> None:
    w = World()
    body = {"card_id": w.active.card_id, "start_date": "2000-01-01t00:00:00z", "end_date": "2100-01-01T00:00:00z"}
    answer = w.post(PATHS["cards.statement"], body)
    assert (answer["status"], answer["request_status"]) == ("ok", "success")


def test_a_generated_model_out_of_step_with_the_spec_is_a_500_saying_to_regenerate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = PATHS["cards.block"]
    monkeypatch.setitem(ROUTES, path, attrs.evolve(ROUTES[path], request_model="CreateTransactionRequest"))
    w = World()
    body = compact_json({"request_id": rid(), "card_id": w.active.card_id, "description": "lost"})
    signature = fp.sign(body, path=path, auth_id="sandbox", secret_key=w.sandbox.secret_key)
    response = w.http.post(path, content=body, headers={"X-JWS-Signature": signature})

    assert response.status_code == 500
    assert "CreateTransactionRequest.from_dict failed" in response.json()["error_description"]
    assert "make generate" in response.json()["error_description"]
    assert w.sandbox.cards[w.active.card_id].status == "active"
