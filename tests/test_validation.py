"""Bad input raises before anything is sent, naming the argument."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import freedompay_cards as fp
from tests.conftest import MockAPI

CARD = "card-1"
TOKEN = "828cf71d-a447-4a67-a149-c1df8bc197ca"
UTC = dt.UTC


def _client_kw(**override: Any) -> dict[str, Any]:
    kw: dict[str, Any] = {"phone": 77001234567, "type": 1, "resident": 1, "first_name": "A", "last_name": "B"}
    return {**kw, **override}


BAD_CALLS: list[tuple[str, Any, type, str]] = [
    ("empty card_id", lambda c: c.cards.block("", reason="x"), ValueError, "card_id"),
    ("limit scope", lambda c: c.limits.list("wallet", CARD), ValueError, "scope"),
    ("limit scope type", lambda c: c.limits.list(1, CARD), TypeError, "scope"),
    ("limit target", lambda c: c.limits.list("card", " "), ValueError, "target_id"),
    ("no limits", lambda c: c.limits.set("card", CARD, []), ValueError, "limits"),
    ("one limit not a list", lambda c: c.limits.set("card", CARD, fp.Limit("pay")), TypeError, "limits"),
    ("limit as dict", lambda c: c.limits.set("card", CARD, [{"transaction_type": "pay"}]), TypeError, "limits[0]"),
    ("blank transaction type", lambda c: c.limits.set("card", CARD, [fp.Limit(" ")]), ValueError, "transaction_type"),
    (
        "limit amount as dict",
        lambda c: c.limits.set("card", CARD, [fp.Limit("pay", [{"value": 1}])]),
        TypeError,
        "limits[0].amounts[0]",
    ),
    (
        "negative limit",
        lambda c: c.limits.set("card", CARD, [fp.Limit("pay", [fp.LimitAmount(-1, "KZT")])]),
        ValueError,
        "limits[0].amounts[0].value",
    ),
    (
        "float limit",
        lambda c: c.limits.set("card", CARD, [fp.Limit("pay", [fp.LimitAmount(10.5, "KZT")])]),
        TypeError,
        "value",
    ),
    (
        "limit bad currency",
        lambda c: c.limits.set("card", CARD, [fp.Limit("pay", [fp.LimitAmount(1, "tenge")])]),
        ValueError,
        "limits[0].amounts[0].currency",
    ),
    (
        "card_token not uuid",
        lambda c: c.cards.validate_cardholder("card-1", first_name="A", last_name="B", phone="7001234567"),
        ValueError,
        "card_token",
    ),
    (
        "cardholder phone letters",
        lambda c: c.cards.validate_cardholder(TOKEN, first_name="A", last_name="B", phone="700-123"),
        ValueError,
        "phone",
    ),
    (
        "cardholder blank name",
        lambda c: c.cards.validate_cardholder(TOKEN, first_name=" ", last_name="B", phone="7001234567"),
        ValueError,
        "first_name",
    ),
    ("blank card_id", lambda c: c.cards.activate("   "), ValueError, "card_id"),
    ("card_id not str", lambda c: c.cards.info(123), TypeError, "card_id"),
    ("empty reason", lambda c: c.cards.close(CARD, reason=""), ValueError, "reason"),
    ("request_id not uuid", lambda c: c.cards.block(CARD, reason="x", request_id="order-1"), ValueError, "request_id"),
    ("request_id int", lambda c: c.cards.reset_pin_counter(CARD, request_id=5), TypeError, "request_id"),
    ("unknown product", lambda c: c.cards.bulk_issue(4000, 1), ValueError, "product"),
    ("product str", lambda c: c.cards.bulk_issue("2000", 1), TypeError, "product"),
    ("zero quantity", lambda c: c.cards.bulk_issue(2000, 0), ValueError, "quantity"),
    ("phone letters", lambda c: c.clients.update_phone("cl", "7700abc", product=2000), ValueError, "phone"),
    ("phone short", lambda c: c.clients.update_phone("cl", "12345", product=2000), ValueError, "phone"),
    ("phone float", lambda c: c.clients.update_phone("cl", 7.7, product=2000), TypeError, "phone"),
    ("country alpha-2", lambda c: c.clients.create(1000, **_client_kw(country="KZ")), ValueError, "country"),
    ("language alpha-3", lambda c: c.clients.create(1000, **_client_kw(language="rus")), ValueError, "language"),
    ("bad email", lambda c: c.clients.create(1000, **_client_kw(email="nope")), ValueError, "email"),
    (
        "future birthdate",
        lambda c: c.clients.create(1000, **_client_kw(birthdate=dt.date(2999, 1, 1))),
        ValueError,
        "birthdate",
    ),
    ("birthdate str", lambda c: c.clients.create(1000, **_client_kw(birthdate="1990-01-01")), TypeError, "birthdate"),
    ("client type", lambda c: c.clients.create(1000, **_client_kw(type=4)), ValueError, "type"),
    ("residency", lambda c: c.clients.create(1000, **_client_kw(resident=3)), ValueError, "resident"),
    ("document not pdf", lambda c: c.clients.create(1000, **_client_kw(document=b"GIF89a")), ValueError, "document"),
    (
        "document too big",
        lambda c: c.clients.create(1000, **_client_kw(document=b"%PDF-" + b"0" * (2 * 1024 * 1024))),
        ValueError,
        "document",
    ),
    (
        "document missing file",
        lambda c: c.clients.create(1000, **_client_kw(document=Path("/nonexistent.pdf"))),
        ValueError,
        "document",
    ),
    ("document str", lambda c: c.clients.create(1000, **_client_kw(document="JVBERi0=")), TypeError, "document"),
    (
        "address dict",
        lambda c: c.clients.create(1000, **_client_kw(address1={"country": "KAZ"})),
        TypeError,
        "address1",
    ),
    ("identified half", lambda c: c.clients.create(1000, **_client_kw(identified_by="x")), ValueError, "identified_at"),
    (
        "naive idn date",
        lambda c: c.clients.create(1000, **_client_kw(identified_by="x", identified_at=dt.datetime(2025, 1, 1))),
        ValueError,
        "identified_at",
    ),
    ("float amount", lambda c: c.transactions.create(CARD, 10.5, "KZT", order_id="o"), TypeError, "amount"),
    (
        "negative amount",
        lambda c: c.transactions.create(CARD, Decimal("-1"), "KZT", order_id="o"),
        ValueError,
        "amount",
    ),
    ("zero amount", lambda c: c.transactions.refund("t", order_id="o", amount=0), ValueError, "amount"),
    ("nan amount", lambda c: c.transactions.clear("t", order_id="o", amount=Decimal("NaN")), ValueError, "amount"),
    (
        "inexact amount",
        lambda c: c.transactions.create(CARD, Decimal("12345678901234567.89"), "KZT", order_id="o"),
        ValueError,
        "amount",
    ),
    ("bad currency", lambda c: c.transactions.create(CARD, 1, "tenge", order_id="o"), ValueError, "currency"),
    ("empty order", lambda c: c.transactions.refund("t", order_id=" "), ValueError, "order_id"),
    ("info without ids", lambda c: c.transactions.info(), ValueError, "transaction_id"),
    (
        "reversed range",
        lambda c: c.cards.statement_extended(CARD, dt.date(2025, 2, 2), dt.date(2025, 2, 1)),
        ValueError,
        "end",
    ),
    (
        "naive datetime",
        lambda c: c.cards.statement_extended(CARD, dt.datetime(2025, 1, 1), dt.date(2025, 2, 1)),
        ValueError,
        "start",
    ),
    (
        "statement reversed",
        lambda c: c.cards.statement(CARD, dt.date(2025, 2, 2), dt.date(2025, 2, 1)),
        ValueError,
        "end",
    ),
    ("window without range", lambda c: c.cards.statement(CARD, window=dt.timedelta(days=1)), ValueError, "window"),
    (
        "zero window",
        lambda c: c.cards.statement(CARD, dt.date(2025, 1, 1), dt.date(2025, 1, 2), window=dt.timedelta(0)),
        ValueError,
        "window",
    ),
    ("plain pin no encryptor", lambda c: c.cards.set_pin(CARD, pin="1234"), ValueError, "pin"),
    ("pin letters", lambda c: c.cards.set_pin(CARD, pin="12ab"), ValueError, "pin"),
    ("both pins", lambda c: c.cards.set_pin(CARD, pin="1234", encrypted_pin="x"), ValueError, "pin"),
    ("gift id zero", lambda c: c.gift_cards.status(0), ValueError, "card_id"),
    ("gift id str", lambda c: c.gift_cards.resend("5"), TypeError, "card_id"),
    ("gift id bool", lambda c: c.gift_cards.resend_code(True), TypeError, "card_id"),
    ("gift empty otp", lambda c: c.gift_cards.confirm(""), ValueError, "otp"),
    (
        "gift empty name",
        lambda c: c.gift_cards.issue(1, cardholder_name="", phone=77001234567),
        ValueError,
        "cardholder_name",
    ),
    ("negative retries", lambda c: c.cards.activate(CARD, max_retries=-1), ValueError, "max_retries"),
    (
        "wait timeout",
        lambda c: c.requests.wait("828cf71d-a447-4a67-a149-c1df8bc197ca", timeout=0),
        ValueError,
        "timeout",
    ),
    ("status bad id", lambda c: c.requests.status("nope"), ValueError, "request_id"),
]


@pytest.mark.parametrize(("label", "call", "kind", "field"), BAD_CALLS, ids=[b[0] for b in BAD_CALLS])
def test_bad_input_raises_before_anything_is_sent(
    client: fp.CardClient, api: MockAPI, label: str, call: Any, kind: type, field: str
) -> None:
    with pytest.raises(kind) as info:
        call(client)
    assert field in str(info.value)
    assert api.requests == []


async def test_async_client_validates_before_sending_too(async_client: fp.AsyncCardClient, api: MockAPI) -> None:
    with pytest.raises(fp.InvalidRequestError, match="card_id"):
        await async_client.cards.block("", reason="x")
    with pytest.raises(fp.InvalidRequestError, match="end"):
        async_client.cards.statement(CARD, dt.date(2025, 2, 2), dt.date(2025, 2, 1))
    assert api.requests == []


def test_pdf_path_is_read_and_encoded(client: fp.CardClient, api: MockAPI, tmp_path: Path) -> None:
    pdf = tmp_path / "passport.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    client.clients.create(2000, **_client_kw(document=pdf))
    assert api.bodies[0]["client"]["document"] == "JVBERi0xLjcK"


def test_validated_values_are_normalised(client: fp.CardClient, api: MockAPI) -> None:
    client.clients.create(2000, **_client_kw(phone="+77001234567", country="kaz", language="RU"))
    sent = api.bodies[0]["client"]
    assert (sent["phone"], sent["country"], sent["language"]) == (77001234567, "KAZ", "ru")


def test_a_request_id_is_read_once_and_its_uuid_reused_only_for_that_id() -> None:
    """``request_id`` keeps the UUID it made or read, and ``request_uuid`` gives that very object back for
    that text (the request model is built without a second parse); any other text (another thread's id, an
    id made earlier) is parsed, never mistaken for the last one."""
    import threading
    import uuid

    from freedompay_cards import _validate as v

    made = uuid.uuid4()
    text = v.request_id(None, lambda: made)
    assert text == str(made) and v.request_uuid(text) is made
    upper = v.request_id(str(made).upper(), uuid.uuid4)  # the caller's text, canonical form
    assert upper == str(made) and v.request_uuid(upper) == made
    other = str(uuid.uuid4())
    assert v.request_uuid(other) == uuid.UUID(other) and v.request_uuid(text) == made

    class Tagged(uuid.UUID):
        def __str__(self) -> str:
            return "tagged:" + super().__str__()

    tagged = Tagged(str(made))
    assert v.request_id(tagged, uuid.uuid4) == str(made)
    assert type(v.request_uuid(str(made))) is uuid.UUID  # a plain UUID goes into the request model

    seen: list[bool] = []

    def one(id_: uuid.UUID) -> None:
        for _ in range(2000):
            mine = v.request_id(None, lambda: id_)
            seen.append(v.request_uuid(mine) == id_)

    threads = [threading.Thread(target=one, args=(uuid.uuid4(),)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(seen) == 8000 and all(seen)
