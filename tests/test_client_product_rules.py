"""Create client for product 1000 (Freedom Wallet Card): the Dictionaries page requires more of the client
(country, national id, document, both addresses with their fields). The spec declares it in
``x-required-when`` on CreateClientRequest; the facade refuses such a call before sending, naming every
field missing, and the sandbox refuses it the same way, both from that one declaration (issue 19)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest

import freedompay_cards as fp
from freedompay_cards._core import compact_json
from freedompay_cards._schema import SchemaError, request_schema, validate
from freedompay_cards.sandbox import Sandbox
from tests.conftest import MockAPI
from tests.spec_tools import PATHS, spec

PATH = PATHS["clients.create"]
PDF = b"%PDF-1.4 test document"
BASE: dict[str, Any] = {"phone": 77001234567, "type": 1, "resident": 1, "first_name": "Aida", "last_name": "Nur"}
ADDRESS1 = fp.Address("KAZ", "050000", "Almaty", "Abaya 1", "10")
ADDRESS2 = fp.Address("KAZ", "010000", "Astana", "Mangilik El 5", "2")
WALLET: dict[str, Any] = {
    **BASE, "country": "KAZ", "person_id": "900101300123", "document": PDF, "address1": ADDRESS1, "address2": ADDRESS2,
}  # fmt: skip
MISSING_CLIENT = ["client.country", "client.person_id", "client.document", "client.address1", "client.address2"]


def _missing(message: str) -> list[str]:
    return message.split("(missing: ", 1)[1].rstrip(")").split(", ")


def test_product_1000_without_its_fields_is_refused_before_sending(client: fp.CardClient, api: MockAPI) -> None:
    with pytest.raises(fp.InvalidRequestError) as caught:
        client.clients.create(fp.Product.FREEDOM_WALLET_CARD, **BASE)
    assert isinstance(caught.value, ValueError)
    assert "required when product_id is 1000" in str(caught.value)
    assert _missing(str(caught.value)) == MISSING_CLIENT
    assert api.requests == []


async def test_async_refuses_the_same_call_the_same_way(async_client: Any, api: MockAPI) -> None:
    with pytest.raises(fp.InvalidRequestError) as caught:
        await async_client.clients.create(1000, **{**WALLET, "person_id": None, "address2": None})
    assert _missing(str(caught.value)) == ["client.person_id", "client.address2"]
    assert api.requests == []


def test_incomplete_addresses_name_each_missing_line(client: fp.CardClient, api: MockAPI) -> None:
    with pytest.raises(fp.InvalidRequestError) as caught:
        client.clients.create(1000, **{**WALLET, "address1": fp.Address("KAZ"), "address2": fp.Address("KAZ", "1")})
    assert caught.value.field == "client.address1.postal_code"
    assert _missing(str(caught.value)) == [
        *(f"client.address1.{name}" for name in ("postal_code", "address_line1", "address_line2", "address_line3")),
        *(f"client.address2.{name}" for name in ("address_line1", "address_line2", "address_line3")),
    ]
    assert api.requests == []


def test_product_1000_with_every_field_is_sent(client: fp.CardClient, api: MockAPI) -> None:
    client.clients.create(1000, **WALLET)
    (sent,) = api.bodies
    assert sent["product_id"] == 1000 and set(sent["client"]["address2"]) == {
        "country", "postal_code", "address_line1", "address_line2", "address_line3",
    }  # fmt: skip


@pytest.mark.parametrize("product", [fp.Product.INSTANT_CARD, fp.Product.ELECTRON_CARD])
def test_other_products_need_only_the_page_s_required_fields(
    client: fp.CardClient, api: MockAPI, product: fp.Product
) -> None:
    client.clients.create(product, **BASE)
    assert api.bodies[0]["client"] == BASE


# ------------------------------------------------------------------------------ the sandbox


def _post(sandbox: Sandbox, body: dict[str, Any]) -> dict[str, Any]:
    """A signed POST straight to the sandbox (no facade check in between)."""
    content = compact_json(body)
    signature = fp.sign(content, path=PATH, auth_id="sandbox", secret_key=sandbox.secret_key)
    with httpx.Client(transport=sandbox.transport(), base_url="https://sandbox.invalid") as http:
        answer: dict[str, Any] = http.post(PATH, content=content, headers={"X-JWS-Signature": signature}).json()
    return answer


def _body(product_id: int, **client: Any) -> dict[str, Any]:
    return {"request_id": str(uuid.uuid4()), "product_id": product_id, "client": {**BASE, **client}}


def _wire_address(address: fp.Address) -> dict[str, str]:
    return {"country": address.country, "postal_code": address.postal_code or "", "address_line1": address.city or "",
            "address_line2": address.street or "", "address_line3": address.premises or ""}  # fmt: skip


def test_the_sandbox_refuses_product_1000_without_its_fields() -> None:
    sandbox = Sandbox()
    answer = _post(sandbox, _body(1000, country="KAZ"))
    assert (answer["status"], answer["request_status"]) == ("error", "error")
    text = json.dumps(answer)
    assert "required when product_id is 1000" in text
    assert all(name in text for name in MISSING_CLIENT[1:]) and "client.country" not in text.split("missing")[1]
    assert not sandbox.clients


def test_the_sandbox_takes_product_1000_with_every_field_and_other_products_without() -> None:
    sandbox = Sandbox()
    complete = _body(
        1000, country="KAZ", person_id="9001", document="JVBERi0=",
        address1=_wire_address(ADDRESS1), address2=_wire_address(ADDRESS2),
    )  # fmt: skip
    for body in (complete, _body(2000), _body(3000)):
        answer = _post(sandbox, body)
        assert answer["status"] == "ok", answer


# ------------------------------------------------------------------------------ one declaration, derived


def test_the_rule_the_facade_applies_is_the_spec_s_declaration() -> None:
    declared = spec()["components"]["schemas"]["CreateClientRequest"]["x-required-when"]
    assert all(rule["why"].strip() for rule in declared)
    assert request_schema(PATH)["x-required-when"] == [
        {"when": rule["when"], "required": rule["required"]} for rule in declared
    ]


def test_the_validator_applies_whatever_rule_a_schema_declares() -> None:
    schema = {
        "type": "object",
        "properties": {"kind": {"type": "string"}, "box": {"type": "object"}},
        "x-required-when": [{"when": {"kind": ["big"]}, "required": {"box": ["width", "depth"]}}],
    }
    validate(schema, {"kind": "small", "box": {}})
    validate(schema, {"kind": "big"})  # no box, nothing to hold its fields: `required` says whether box must be
    with pytest.raises(SchemaError, match=r"box\.width: is required when kind is \"big\" \(missing: box\.width, "):
        validate(schema, {"kind": "big", "box": {}})
    validate(schema, {"kind": "big", "box": {}}, required=False)  # a lenient read skips required-ness, this too


def test_the_rule_holds_on_every_call_not_only_the_first(client: fp.CardClient, api: MockAPI) -> None:
    # the facade's check of a schema is generated code from its second use on: the rule must survive that
    for _ in range(3):
        with pytest.raises(fp.InvalidRequestError, match=r"client\.person_id"):
            client.clients.create(1000, **BASE)
    assert not api.requests
