"""Contract: every request the facade sends validates against the spec's request schema, and the
request builders never send an invalid body (property-based)."""

from __future__ import annotations

import datetime as dt
import json
import string
from decimal import Decimal
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import freedompay_cards as fp
from tests.conftest import MockAPI
from tests.spec_tools import PATHS, merged_object, operations, request_schema, spec
from tests.test_resources import CASES, IDS

CHECKER = jsonschema.FormatChecker()
SCHEMA_BY_PATH = {path: request_schema(op) for path, _, op in operations()}


def assert_valid_request(path: str, body: bytes) -> None:
    schema = {"$ref": SCHEMA_BY_PATH[path]["$ref"], "components": spec()["components"]}
    validator = jsonschema.Draft202012Validator(schema, format_checker=CHECKER)
    errors = sorted(validator.iter_errors(json.loads(body)), key=str)
    assert not errors, f"{path}: {[e.message for e in errors]}"


@pytest.mark.parametrize(("name", "call", "path", "body", "answer", "check"), CASES, ids=IDS)
def test_every_request_the_facade_sends_matches_the_spec(
    client: fp.CardClient, api: MockAPI, name: str, call: Any, path: str, body: dict, answer: dict, check: Any
) -> None:
    api.on(path, answer)
    result = call(client)
    if hasattr(result, "__next__"):
        list(result)
    (request,) = api.requests
    assert_valid_request(request.url.path, request.content)


def test_request_schemas_are_closed_so_the_contract_test_can_fail() -> None:
    schema = merged_object(SCHEMA_BY_PATH[PATHS["cards.block"]])
    assert schema.get("additionalProperties") is False
    with pytest.raises(AssertionError):
        assert_valid_request(PATHS["cards.block"], b'{"request_id":"x","card_id":"","extra":1}')


# ------------------------------------------------------------------------------ property-based

names = st.text(
    alphabet=string.ascii_letters + "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя -'", min_size=1, max_size=30
).filter(lambda s: s.strip() != "")
phones = st.integers(min_value=10**9, max_value=10**15 - 1)
countries = st.sampled_from(["KAZ", "kaz", "UZB", "KGZ", "RUS"])
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000"), places=2)
dates = st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2005, 12, 31))
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(first=names, last=names, phone=phones, country=countries, born=dates, product=st.sampled_from(list(fp.Product)))
def test_valid_cardholders_always_produce_schema_valid_issue_bodies(
    client: fp.CardClient,
    api: MockAPI,
    first: str,
    last: str,
    phone: int,
    country: str,
    born: dt.date,
    product: fp.Product,
) -> None:
    api.requests.clear()
    client.cards.issue(
        product, first_name=first, last_name=last, phone=phone, country=country, person_id="1", birthdate=born
    )
    assert_valid_request(PATHS["cards.issue"], api.requests[-1].content)


@SETTINGS
@given(amount=amounts, refund=st.one_of(st.none(), amounts), currency=st.sampled_from(["KZT", "usd", "EUR"]))
def test_valid_amounts_always_produce_schema_valid_transaction_bodies(
    client: fp.CardClient, api: MockAPI, amount: Decimal, refund: Decimal | None, currency: str
) -> None:
    api.requests.clear()
    client.transactions.create("card-1", amount, currency, order_id="o-1")
    client.transactions.refund("t-1", order_id="o-1", amount=refund)
    assert_valid_request(PATHS["transactions.create"], api.requests[0].content)
    assert_valid_request(PATHS["transactions.refund"], api.requests[1].content)
    assert Decimal(str(json.loads(api.requests[0].content)["amount"])) == amount  # exactly the amount given


@SETTINGS
@given(
    card_id=st.one_of(st.just(""), st.text(alphabet=" \t\n", min_size=1), st.integers(), st.none()),
    reason=st.one_of(st.just(""), st.text(alphabet=" ", min_size=1), st.integers()),
)
def test_invalid_ids_and_reasons_always_raise_before_sending(
    client: fp.CardClient, api: MockAPI, card_id: Any, reason: Any
) -> None:
    api.requests.clear()
    with pytest.raises(fp.InvalidRequestError):
        client.cards.block(card_id, reason=reason)
    assert api.requests == []


@SETTINGS
@given(
    amount=st.one_of(
        st.floats(), st.decimals(max_value=Decimal(0)), st.integers(max_value=0), st.text(max_size=5), st.booleans()
    )
)
def test_invalid_amounts_always_raise_before_sending(client: fp.CardClient, api: MockAPI, amount: Any) -> None:
    api.requests.clear()
    try:
        valid = Decimal(amount) > 0 and Decimal(amount).is_finite() and not isinstance(amount, (bool, float))
    except Exception:
        valid = False
    if valid:  # a decimal string such as "5" is a valid amount
        return
    with pytest.raises(fp.InvalidRequestError):
        client.transactions.create("card-1", amount, "KZT", order_id="o-1")
    assert api.requests == []


@SETTINGS
@given(phone=st.one_of(st.text(max_size=20), st.integers(max_value=999_999), st.floats()))
def test_invalid_phones_always_raise_before_sending(client: fp.CardClient, api: MockAPI, phone: Any) -> None:
    api.requests.clear()
    digits = phone.lstrip("+") if isinstance(phone, str) else ""
    if (
        isinstance(phone, str)
        and digits.isascii()
        and digits.isdigit()
        and 7 <= len(digits) <= 15
        and phone.count("+") <= 1
        and (phone[0] == "+" or phone[0].isdigit())
    ):
        return  # a valid phone
    with pytest.raises(fp.InvalidRequestError):
        client.clients.update_phone("cl-1", phone, product=2000)
    assert api.requests == []
