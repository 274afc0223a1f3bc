"""The sandbox against the spec: it serves every path, accepts what the request schemas accept, and every
answer it gives (successes, refusals, duplicates) validates against the path's response schema."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import jsonschema
import pytest

import freedompay_cards as fp
from freedompay_cards._core import OPERATIONS, compact_json
from freedompay_cards._schema import SchemaError, validate
from freedompay_cards._schema import request_schema as sandbox_request_schema
from freedompay_cards._schema import spec as sandbox_spec
from freedompay_cards.sandbox import ROUTES, Sandbox
from tests.spec_tools import example, operations, request_schema, response_schema, spec

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
        self.post("/v5/card-api/transaction/create", {
            "request_id": self.tx_request, "order_id": "o-1", "card_id": self.active.card_id, "amount": 500,
            "currency": "KZT",
        })  # fmt: skip
        self.tx_id = sb.requests[self.tx_request].created["transaction_id"] if sb.settle() else ""
        self.gift = self.post("/v5/cards/issue_card", {"cardholder_name": "A", "phone": 77001234567, "product_code": 1})
        self.gift_id: int = self.gift["card_id"]
        self.pending_bulk = self.failed_request = self.cleared_tx_id = ""  # set by prepare()

    def post(self, path: str, body: Any, *, raw: bytes | None = None, secret: str | None = None) -> Any:
        content = compact_json(body) if raw is None else raw
        signature = fp.sign(content, path=path, auth_id="sandbox", secret_key=secret or self.sandbox.secret_key)
        response = self.http.post(path, content=content, headers={"X-JWS-Signature": signature})
        assert response.status_code == 200
        return response.json()


def card(w: World, path_card: str, **extra: Any) -> dict[str, Any]:
    return {"request_id": rid(), "card_id": path_card, **extra}


# Per path: bodies for answers of every kind (success first, then the path's own refusals).
BODIES: dict[str, Callable[[World], list[Any]]] = {
    "/v5/card-api/card/bulk_issue": lambda w: [{"request_id": rid(), "product_id": 1000, "quantity": 2}],
    "/v5/card-api/card/issue": lambda w: [
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
    "/v5/card-api/card/issue_plastic": lambda w: [
        {"request_id": rid(), "client_id": w.client.client_id, "product_id": 3000},
        {"request_id": rid(), "client_id": "404", "product_id": 3000},
    ],
    "/v5/card-api/card/activate": lambda w: [card(w, w.issued.card_id), card(w, w.active.card_id)],
    "/v5/card-api/card/block": lambda w: [
        card(w, w.active.card_id, description="lost"),
        card(w, "404", description="lost"),
    ],
    "/v5/card-api/card/unblock": lambda w: [
        card(w, w.blocked.card_id, description="found"),
        card(w, w.closed.card_id, description="x"),
    ],
    "/v5/card-api/card/set_pin": lambda w: [{"card_id": w.active.card_id, "pin": "ZW5j"}, {"card_id": "404"}],
    "/v5/card-api/card/reset_counter_pin": lambda w: [card(w, w.active.card_id), card(w, w.closed.card_id)],
    "/v5/card-api/card/close": lambda w: [
        card(w, w.active.card_id, description="x"),
        card(w, w.closed.card_id, description="x"),
    ],
    "/v5/card-api/card/link": lambda w: [
        {"request_id": rid(), "client_id": w.client.client_id, "card_id": w.issued.card_id},
        {"request_id": rid(), "client_id": "404", "card_id": w.issued.card_id},
    ],
    "/v5/card-api/card/info": lambda w: [card(w, w.active.card_id), card(w, w.closed.card_id), card(w, "404")],
    "/v5/card-api/card/balance": lambda w: [card(w, w.active.card_id), card(w, "404")],
    "/v5/card-api/card/secret_data": lambda w: [card(w, w.active.card_id), card(w, w.closed.card_id)],
    "/v5/card-api/card/secret_data_v2": lambda w: [card(w, w.active.card_id), card(w, "404")],
    "/v5/card-api/card/statement": lambda w: [
        {"card_id": w.active.card_id},
        {"card_id": w.active.card_id, "start_date": "2000-01-01T00:00:00Z", "end_date": "2100-01-01T00:00:00+05:00"},
        {"card_id": w.active.card_id, "start_date": "2100-01-01T00:00:00Z", "end_date": "2000-01-01T00:00:00Z"},
        {"card_id": "404"},
    ],
    "/v5/card-api/card/statement_extended": lambda w: [
        {"card_id": w.active.card_id, "start_date": "2000-01-01T00:00:00Z", "end_date": "2100-01-01T00:00:00Z"},
        {"card_id": "404", "start_date": "2000-01-01T00:00:00Z", "end_date": "2100-01-01T00:00:00Z"},
    ],
    "/v5/card-api/client/add": lambda w: [
        {
            "request_id": rid(),
            "product_id": 1000,
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
    "/v5/card-api/client/update": lambda w: [
        {"request_id": rid(), "client_id": w.client.client_id, "product_id": 1000, "client": {"phone": 77009998877}},
        {"request_id": rid(), "client_id": "404", "product_id": 1000, "client": {"phone": 77009998877}},
    ],
    "/v5/card-api/client/cards": lambda w: [
        {"request_id": rid(), "client_id": w.client.client_id},
        {"request_id": rid(), "client_id": "404"},
    ],
    "/v5/card-api/request/status": lambda w: [
        {"request_id": w.tx_request},
        {"request_id": rid()},
        {"request_id": w.pending_bulk},
        {"request_id": w.pending_bulk},
        {"request_id": w.failed_request},
    ],
    "/v5/card-api/transaction/create": lambda w: [
        {
            "request_id": rid(),
            "order_id": "o-2",
            "card_id": w.active.card_id,
            "amount": 1.5,
            "currency": "KZT",
            "description": "coffee",
        },
    ],
    "/v5/card-api/transaction/clearing": lambda w: [
        {"request_id": rid(), "order_id": "o-1", "transaction_id": w.tx_id, "amount": 100},
        {"request_id": rid(), "order_id": "o-1", "transaction_id": w.tx_id, "amount": 1000},
        {"request_id": rid(), "order_id": "o-1", "transaction_id": "404"},
    ],
    "/v5/card-api/transaction/refund": lambda w: [
        {"request_id": rid(), "order_id": "o-1", "transaction_id": w.cleared_tx_id, "amount": 10},
        {"request_id": rid(), "order_id": "o-1", "transaction_id": w.cleared_tx_id, "amount": 1000},
        {"request_id": rid(), "order_id": "o-x", "transaction_id": w.cleared_tx_id},
    ],
    "/v5/card-api/transaction/info": lambda w: [
        {"request_id": rid(), "transaction_id": w.tx_id},
        {"request_id": rid(), "order_id": "o-1"},
        {"request_id": rid()},
        {"request_id": rid(), "order_id": "404"},
    ],
    "/v5/cards/product_list": lambda w: [{}],
    "/v5/cards/issue_card": lambda w: [
        {"cardholder_name": "A", "phone": 77001234567, "product_code": 3},
        {"cardholder_name": "A", "phone": 77001234567, "product_code": 9},
    ],
    "/v5/cards/activate_card": lambda w: [
        {"otp": w.sandbox.last_otp(w.gift_id), "card_id": w.gift_id},
        {"otp": "x", "card_id": w.gift_id},
        {"otp": "x"},
    ],
    "/v5/cards/resend": lambda w: [{"card_id": w.gift_id}, {"card_id": 404}],
    "/v5/cards/resend_code": lambda w: [{"card_id": w.gift_id}, {"card_id": 404}],
    "/v5/cards/status": lambda w: [{"card_id": w.gift_id}, {"card_id": 404}],
}


def prepare(w: World, path: str) -> None:
    """What some paths need beyond ``World``: a pending request, a failed one, a cleared transaction."""
    w.failed_request = rid()
    w.post("/v5/card-api/card/block", card(w, "404", description="x") | {"request_id": w.failed_request})
    create = {"request_id": rid(), "order_id": "o-1", "card_id": w.active.card_id, "amount": 50, "currency": "KZT"}
    w.post("/v5/card-api/transaction/create", create)
    w.sandbox.settle()
    w.cleared_tx_id = w.sandbox.requests[create["request_id"]].created["transaction_id"]
    w.post(
        "/v5/card-api/transaction/clearing", {"request_id": rid(), "order_id": "o-1", "transaction_id": w.cleared_tx_id}
    )
    bulk = {"request_id": rid(), "product_id": 1000, "quantity": 1}
    w.pending_bulk = bulk["request_id"]
    w.post("/v5/card-api/card/bulk_issue", bulk)


def response_validator(path: str) -> jsonschema.protocols.Validator:
    op = next(op for p, _, op in operations() if p == path)
    root = {**response_schema(op), "components": spec()["components"]}
    cls = jsonschema.Draft202012Validator
    return cls(root, format_checker=cls.FORMAT_CHECKER)


@pytest.mark.parametrize("path", SPEC_PATHS)
def test_every_answer_on_every_path_validates_against_the_response_schema(path: str) -> None:
    w = World()
    prepare(w, path)
    bodies = BODIES[path](w)
    answers = [w.post(path, body) for body in bodies]
    if path == "/v5/card-api/request/status":  # the pending bulk issue: process, then success
        assert [a["request_status"] for a in answers[2:4]] == ["process", "success"]
    if "request_id" in bodies[0] and path != "/v5/card-api/request/status":
        answers.append(w.post(path, bodies[0]))  # duplicate
    answers.append(w.post(path, {"unexpected": True}))  # validation error
    answers.append(w.post(path, {}, raw=b"not json"))
    answers.append(w.post(path, bodies[0], secret="wrong"))  # signature error

    validator = response_validator(path)
    for answer in answers:
        errors = [e.message for e in validator.iter_errors(answer)]
        assert errors == [], (answer, errors)
        if path.startswith("/v5/cards/"):
            assert GIFT_DATETIME.match(answer["datetime"]) and isinstance(answer["status"], int)
        else:
            assert DT.match(answer["dt"]), answer
    gift = path.startswith("/v5/cards/")
    assert (answers[0]["status"] == 0) if gift else (answers[0]["status"], answers[0]["request_status"]) in {
        ("ok", "success"), ("ok", "process")
    }  # fmt: skip
    refusals = [a for a in answers if (a["status"] != 0 if gift else a["request_status"] == "error")]
    assert len(refusals) >= 3
    assert all(isinstance(a.get("error_code"), str) for a in refusals if not gift)
    if not gift and "request_id" in bodies[0] and path != "/v5/card-api/request/status":
        assert answers[len(bodies)]["error_code"] == "DUPLICATE_REQUEST_ID"


def test_the_sandbox_serves_exactly_the_spec_s_paths_under_the_facade_s_names() -> None:
    operation_ids = {path: operation_id for path, operation_id, _ in operations()}

    assert set(ROUTES) == set(operation_ids) == set(BODIES) == set(sandbox_spec()["paths"])
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
