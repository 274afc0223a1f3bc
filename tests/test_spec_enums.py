"""Request enums are checked against the spec's lists (the generated enums), not a hand-kept copy: a value
the docs add works once the spec has it and `make generate` ran, before anyone edits ``_enums.py``."""

from __future__ import annotations

import enum
import json

import httpx
import pytest

import freedompay_cards as fp
from freedompay_card_api import models
from freedompay_cards import _validate as v
from tests.conftest import AUTH_ID, SECRET

RID = "828cf71d-a447-4a67-a149-c1df8bc197ca"


class ProductIdWithANewValue(enum.IntEnum):  # what the generated ProductId is once the docs add product 4000
    FREEDOM_WALLET_CARD = 1000
    INSTANT_CARD = 2000
    ELECTRON_CARD = 3000
    NEW_PRODUCT = 4000


def _client(sent: list[dict[str, object]]) -> fp.CardClient:
    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(
            200, json={"status": "ok", "request_id": RID, "request_status": "process", "dt": "2025-01-01T00:00:00Z"}
        )

    transport = httpx.MockTransport(handler)
    return fp.CardClient(
        auth_id=AUTH_ID,
        secret_key=SECRET,
        base_url="https://api.test",
        http_client=httpx.Client(transport=transport),
        max_retries=0,
    )


def test_a_value_the_spec_adds_is_accepted_without_a_facade_edit() -> None:
    assert v.enum_member("product", 4000, ProductIdWithANewValue) is ProductIdWithANewValue.NEW_PRODUCT
    assert 4000 not in {p.value for p in fp.Product}  # the hand-kept enum did not need to know it
    with pytest.raises(fp.InvalidRequestError, match="must be one of 1000"):
        v.enum_member("product", 4000, models.ProductId)  # today's spec has no product 4000


class ProductIdWithoutInstant(enum.IntEnum):  # the generated ProductId had the docs dropped product 2000
    FREEDOM_WALLET_CARD = 1000
    ELECTRON_CARD = 3000


def test_the_facade_asks_the_generated_enum_not_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(models, "ProductId", ProductIdWithoutInstant)
    sent: list[dict[str, object]] = []
    with _client(sent) as client, pytest.raises(fp.InvalidRequestError, match=r"must be one of 1000 .*, 3000"):
        client.cards.issue_plastic("cl1", fp.Product.INSTANT_CARD)  # still a member of fp.Product
    assert sent == []


@pytest.mark.parametrize(
    ("call", "field", "error"),
    [
        (lambda c: c.cards.issue_plastic("cl1", 4000), "product", fp.InvalidRequestError),  # not in the spec today
        (lambda c: c.cards.issue_plastic("cl1", "2000"), "product", TypeError),
        (lambda c: c.limits.list("bogus", "c1"), "scope", fp.InvalidRequestError),
        (lambda c: c.limits.list(7, "c1"), "scope", TypeError),
    ],
)
def test_values_outside_the_spec_are_refused_before_sending(call, field: str, error: type[Exception]) -> None:  # type: ignore[no-untyped-def]
    sent: list[dict[str, object]] = []
    with _client(sent) as client, pytest.raises(error, match=field):
        call(client)
    assert sent == []


def test_members_and_plain_values_send_the_same_bytes() -> None:
    sent: list[dict[str, object]] = []
    with _client(sent) as client:
        client.cards.issue_plastic("cl1", fp.Product.INSTANT_CARD, request_id=RID)
        client.cards.issue_plastic("cl1", 2000, request_id=RID)
        client.limits.list(fp.LimitScope.CARD, "c1")
        client.limits.list(fp.LimitScope.CARD.value, "c1")
    assert sent[0] == sent[1]
    assert sent[2]["object"] == sent[3]["object"]
