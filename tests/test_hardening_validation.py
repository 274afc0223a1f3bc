"""Bad input is an InvalidRequestError (or its TypeError twin) before anything is sent (issue 12,
section 4), through the public clients, sync and async; limits come from the spec."""

from __future__ import annotations

import datetime as dt
import inspect
import json
import os
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import freedompay_cards as fp
from freedompay_cards import _validate as v
from tests.conftest import MockAPI
from tests.spec_tools import resolve, spec

RID = "828cf71d-a447-4a67-a149-c1df8bc197ca"
CARD = "card-1"
SCHEMAS = spec()["components"]["schemas"]
ISSUE: dict[str, Any] = {
    "first_name": "Aida", "last_name": "Sadykova", "phone": 77001234567, "country": "KAZ", "person_id": "900101300123",
}  # fmt: skip
CLIENT: dict[str, Any] = {"phone": 77001234567, "type": 1, "resident": 1, "first_name": "A", "last_name": "B"}


def _addr(**fields: Any) -> fp.Address:
    return fp.Address(country="KAZ", **fields)


def _max(schema: str) -> int:
    return int(SCHEMAS[schema]["maxLength"])


Call = Callable[[Any], Any]
# (label, call, class, field, text the message holds)
BAD: list[tuple[str, Call, type[Exception], str, str]] = [
    # lone surrogates, in every kind of text field
    ("surrogate reason", lambda c: c.cards.block(CARD, reason="lost \ud800"), fp.InvalidRequestError, "reason", "U+D800"),
    ("surrogate card_id", lambda c: c.cards.activate("c\udfff"), fp.InvalidRequestError, "card_id", "U+DFFF"),
    ("surrogate name", lambda c: c.cards.issue(2000, **{**ISSUE, "first_name": "\ud83d"}), fp.InvalidRequestError, "first_name", "U+D83D"),
    ("surrogate person_id", lambda c: c.cards.issue(2000, **{**ISSUE, "person_id": "9\ud800"}), fp.InvalidRequestError, "person_id", "U+D800"),
    ("surrogate email", lambda c: c.clients.create(1000, **CLIENT, email="a\ud800@b.kz"), fp.InvalidRequestError, "email", "U+D800"),
    ("surrogate address", lambda c: c.clients.create(1000, **CLIENT, address1=_addr(city="\udc00")), fp.InvalidRequestError, "address1.address_line1", "U+DC00"),
    ("surrogate identified_by", lambda c: c.clients.create(1000, **CLIENT, identified_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC), identified_by="\ud800"), fp.InvalidRequestError, "identified_by", "U+D800"),
    ("surrogate branch", lambda c: c.clients.create(1000, **CLIENT, branch_id="\ud800"), fp.InvalidRequestError, "branch_id", "U+D800"),
    ("surrogate description", lambda c: c.transactions.create(CARD, 1, "KZT", order_id="o", description="\ud800"), fp.InvalidRequestError, "description", "U+D800"),
    ("surrogate gift name", lambda c: c.gift_cards.issue(1, cardholder_name="\ud800", phone=77001234567), fp.InvalidRequestError, "cardholder_name", "U+D800"),
    ("surrogate otp", lambda c: c.gift_cards.confirm("12\ud800"), fp.InvalidRequestError, "otp", "U+D800"),
    ("surrogate encrypted pin", lambda c: c.cards.set_pin(CARD, encrypted_pin="\ud800"), fp.InvalidRequestError, "encrypted_pin", "U+D800"),
    ("surrogate extra value", lambda c: c.cards.issue(2000, **ISSUE, extra_cardholder_fields={"note": ["\udc00"]}), fp.InvalidRequestError, "extra_cardholder_fields", "surrogate"),
    ("surrogate extra key", lambda c: c.cards.issue(2000, **ISSUE, extra_cardholder_fields={"\ud800": 1}), fp.InvalidRequestError, "extra_cardholder_fields", "U+D800"),
    ("surrogate country", lambda c: c.clients.create(1000, **CLIENT, country="K\ud800Z"), fp.InvalidRequestError, "country", "alpha-3"),
    ("surrogate request_id", lambda c: c.cards.activate(CARD, request_id="\ud800"), fp.InvalidRequestError, "request_id", "UUID"),
    # controls and bidi controls in ids: refused, named by code point
    ("NUL card_id", lambda c: c.cards.block("c\x00", reason="x"), fp.InvalidRequestError, "card_id", "U+0000"),
    ("LF order_id", lambda c: c.transactions.refund("t", order_id="o\n1"), fp.InvalidRequestError, "order_id", "U+000A"),
    ("CR transaction_id", lambda c: c.transactions.clear("t\r", order_id="o"), fp.InvalidRequestError, "transaction_id", "U+000D"),
    ("tab client_id", lambda c: c.clients.list_cards("cl\t"), fp.InvalidRequestError, "client_id", "U+0009"),
    ("C1 client_id", lambda c: c.cards.link_client(CARD, "cl\x85"), fp.InvalidRequestError, "client_id", "U+0085"),
    ("DEL card_id", lambda c: c.cards.info("c\x7f"), fp.InvalidRequestError, "card_id", "U+007F"),
    ("RLO card_id", lambda c: c.cards.balance("c\u202e1"), fp.InvalidRequestError, "card_id", "U+202E"),
    ("LRI order_id", lambda c: c.transactions.info(order_id="\u2066o"), fp.InvalidRequestError, "order_id", "U+2066"),
    ("LRM transaction_id", lambda c: c.transactions.info(transaction_id="t\u200e"), fp.InvalidRequestError, "transaction_id", "U+200E"),
    ("RLM card_id", lambda c: c.cards.secret_data("\u200fc"), fp.InvalidRequestError, "card_id", "U+200F"),
    ("zero width card_id", lambda c: c.cards.close("c\u200b", reason="x"), fp.InvalidRequestError, "card_id", "U+200B"),
    ("PDI in statement card", lambda c: c.cards.statement("c\u2069"), fp.InvalidRequestError, "card_id", "U+2069"),
    # in free text: NUL and bidi controls refused
    ("NUL reason", lambda c: c.cards.unblock(CARD, reason="lost\x00"), fp.InvalidRequestError, "reason", "U+0000"),
    ("RLO reason", lambda c: c.cards.block(CARD, reason="\u202elost"), fp.InvalidRequestError, "reason", "U+202E"),
    ("FSI last name", lambda c: c.clients.create(1000, **{**CLIENT, "last_name": "B\u2068"}), fp.InvalidRequestError, "last_name", "U+2068"),
    ("ESC refund text", lambda c: c.transactions.refund("t", order_id="o", description="\x1b[31m"), fp.InvalidRequestError, "description", "U+001B"),
    # lengths: from the spec
    ("50 MB card_id", lambda c: c.cards.info("x" * 50_000_000), fp.InvalidRequestError, "card_id", f"at most {_max('CardId')}"),
    ("long client_id", lambda c: c.clients.list_cards("x" * (_max("ClientId") + 1)), fp.InvalidRequestError, "client_id", "at most"),
    ("long order_id", lambda c: c.transactions.refund("t", order_id="o" * (_max("OrderId") + 1)), fp.InvalidRequestError, "order_id", "at most"),
    ("long transaction_id", lambda c: c.transactions.clear("t" * (_max("TransactionId") + 1), order_id="o"), fp.InvalidRequestError, "transaction_id", "at most"),
    ("long reason", lambda c: c.cards.block(CARD, reason="r" * (_max("Reason") + 1)), fp.InvalidRequestError, "reason", "at most"),
    ("long name", lambda c: c.cards.issue(2000, **{**ISSUE, "last_name": "n" * (_max("PersonName") + 1)}), fp.InvalidRequestError, "last_name", "at most"),
    ("long email", lambda c: c.clients.create(1000, **CLIENT, email="a" * 250 + "@b.kz"), fp.InvalidRequestError, "email", "at most"),
    ("long otp", lambda c: c.gift_cards.confirm("1" * 10_000), fp.InvalidRequestError, "otp", "at most"),
    ("long request_id", lambda c: c.requests.status("8" * 1_000_000), fp.InvalidRequestError, "request_id", "UUID"),
    # amounts: plain ASCII decimals only, sent exactly, never in exponent form
    ("amount spaces", lambda c: c.transactions.create(CARD, " 10.5 ", "KZT", order_id="o"), fp.InvalidRequestError, "amount", "ASCII digits"),
    ("amount underscore", lambda c: c.transactions.create(CARD, "1_000", "KZT", order_id="o"), fp.InvalidRequestError, "amount", "ASCII digits"),
    ("amount arabic-indic", lambda c: c.transactions.create(CARD, "١٢٣", "KZT", order_id="o"), fp.InvalidRequestError, "amount", "ASCII digits"),
    ("amount fullwidth", lambda c: c.transactions.refund("t", order_id="o", amount="１０"), fp.InvalidRequestError, "amount", "ASCII digits"),
    ("amount exponent", lambda c: c.transactions.create(CARD, "1e3", "KZT", order_id="o"), fp.InvalidRequestError, "amount", "ASCII digits"),
    ("amount sign", lambda c: c.transactions.create(CARD, "+10", "KZT", order_id="o"), fp.InvalidRequestError, "amount", "ASCII digits"),
    ("amount nan text", lambda c: c.transactions.clear("t", order_id="o", amount="NaN"), fp.InvalidRequestError, "amount", "ASCII digits"),
    ("amount inf text", lambda c: c.transactions.clear("t", order_id="o", amount="Infinity"), fp.InvalidRequestError, "amount", "ASCII digits"),
    ("amount trailing point", lambda c: c.transactions.create(CARD, "10.", "KZT", order_id="o"), fp.InvalidRequestError, "amount", "ASCII digits"),
    ("amount 10**20", lambda c: c.transactions.create(CARD, 10**20, "KZT", order_id="o"), fp.InvalidRequestError, "amount", "no exponent"),
    ("amount 10**16", lambda c: c.transactions.create(CARD, 10**16, "KZT", order_id="o"), fp.InvalidRequestError, "amount", "no exponent"),
    ("amount tiny", lambda c: c.transactions.create(CARD, Decimal("0.00001"), "KZT", order_id="o"), fp.InvalidRequestError, "amount", "no exponent"),
    ("amount huge int", lambda c: c.transactions.create(CARD, 10**5000, "KZT", order_id="o"), fp.InvalidRequestError, "amount", "no exponent"),
    ("amount decimal inf", lambda c: c.transactions.create(CARD, Decimal("Infinity"), "KZT", order_id="o"), fp.InvalidRequestError, "amount", "finite"),
    ("amount bytes", lambda c: c.transactions.create(CARD, b"10", "KZT", order_id="o"), fp.InvalidRequestTypeError, "amount", "got bytes"),
    # counts, flags, durations
    ("quantity 10**12", lambda c: c.cards.bulk_issue(2000, 10**12), fp.InvalidRequestError, "quantity", "at most 10000"),
    ("wait str bulk", lambda c: c.cards.bulk_issue(2000, 1, wait="no"), fp.InvalidRequestTypeError, "wait", "bool"),
    ("wait str issue", lambda c: c.cards.issue(2000, **ISSUE, wait="no"), fp.InvalidRequestTypeError, "wait", "bool"),
    ("wait int plastic", lambda c: c.cards.issue_plastic("cl", 2000, wait=1), fp.InvalidRequestTypeError, "wait", "bool"),
    ("wait none client", lambda c: c.clients.create(1000, **CLIENT, wait=None), fp.InvalidRequestTypeError, "wait", "bool"),
    ("wait str transaction", lambda c: c.transactions.create(CARD, 1, "KZT", order_id="o", wait="false"), fp.InvalidRequestTypeError, "wait", "bool"),
    ("wait_timeout huge", lambda c: c.cards.bulk_issue(2000, 1, wait=True, wait_timeout=1e308), fp.InvalidRequestError, "wait_timeout", "86400"),
    ("wait_timeout nan", lambda c: c.cards.bulk_issue(2000, 1, wait=True, wait_timeout=float("nan")), fp.InvalidRequestError, "wait_timeout", "positive"),
    ("wait timeout huge", lambda c: c.requests.wait(RID, timeout=1e308), fp.InvalidRequestError, "timeout", "86400"),
    ("wait timeout huge int", lambda c: c.requests.wait(RID, timeout=10**400), fp.InvalidRequestError, "timeout", "86400"),
    ("interval huge", lambda c: c.requests.wait(RID, interval=1e308, max_interval=1e308), fp.InvalidRequestError, "interval", "86400"),
    ("interval tiny", lambda c: c.requests.wait(RID, interval=1e-300), fp.InvalidRequestError, "interval", "0.001"),
    ("max_interval huge", lambda c: c.requests.wait(RID, max_interval=float("inf")), fp.InvalidRequestError, "max_interval", "86400"),
    ("window microsecond", lambda c: c.cards.statement(CARD, dt.date(2024, 1, 1), dt.date(2025, 1, 1), window=dt.timedelta(microseconds=1)), fp.InvalidRequestError, "window", "at most 10000"),
    ("window str", lambda c: c.cards.statement(CARD, dt.date(2024, 1, 1), dt.date(2025, 1, 1), window="1d"), fp.InvalidRequestTypeError, "window", "timedelta"),
    # PINs, phones, integer ids
    ("pin arabic-indic", lambda c: c.cards.set_pin(CARD, pin="١٢٣٤"), fp.InvalidRequestError, "pin", "ASCII digits"),
    ("pin int", lambda c: c.cards.set_pin(CARD, pin=1234), fp.InvalidRequestTypeError, "pin", "expected str"),
    ("phone arabic-indic", lambda c: c.clients.update_phone("cl", "٧٧٠٠١٢٣٤٥٦٧", product=2000), fp.InvalidRequestError, "phone", "ASCII"),
    ("phone fullwidth", lambda c: c.gift_cards.issue(1, cardholder_name="A", phone="+７７００１２３４５６７"), fp.InvalidRequestError, "phone", "ASCII"),
    ("phone huge int", lambda c: c.clients.update_phone("cl", 10**5000, product=2000), fp.InvalidRequestError, "phone", "15"),
    ("gift id too big", lambda c: c.gift_cards.status(2**63), fp.InvalidRequestError, "card_id", "2**63"),
    ("product code too big", lambda c: c.gift_cards.issue(10**30, cardholder_name="A", phone=77001234567), fp.InvalidRequestError, "product_code", "2**63"),
]  # fmt: skip


@pytest.fixture(params=["sync", "async"])
def any_client(request: pytest.FixtureRequest) -> Any:
    return request.getfixturevalue("client" if request.param == "sync" else "async_client")


async def _run(call: Call, client: Any) -> Any:
    result = call(client)
    return await result if inspect.isawaitable(result) else result


@pytest.mark.parametrize(("label", "call", "kind", "field", "text"), BAD, ids=[b[0] for b in BAD])
async def test_bad_input_is_refused_before_anything_is_sent(
    any_client: Any, api: MockAPI, label: str, call: Call, kind: type[Exception], field: str, text: str
) -> None:
    with pytest.raises(kind) as info:
        await _run(call, any_client)
    err = info.value
    assert isinstance(err, fp.InvalidRequestError) and err.field == field
    assert str(err).startswith(f"{field}: ") and text in str(err)
    assert not any(0xD800 <= ord(ch) <= 0xDFFF or ch in "\x00\u202e\u2066\u200e" for ch in str(err))  # never echoed
    assert api.requests == []


@pytest.mark.parametrize("max_retries", [-1, True, 1.5, 10**9], ids=["negative", "bool", "float", "huge"])
def test_per_call_max_retries_is_an_invalid_request(client: fp.CardClient, api: MockAPI, max_retries: Any) -> None:
    with pytest.raises(fp.InvalidRequestError, match="max_retries"):
        client.cards.activate(CARD, max_retries=max_retries)
    assert api.requests == []


# ------------------------------------------------------------------------------ documents


def _create_with(client: fp.CardClient, document: Any) -> Any:
    return client.clients.create(2000, **CLIENT, document=document)  # 1000 would also need addresses


def test_document_from_a_device_is_refused_without_reading_it(client: fp.CardClient, api: MockAPI) -> None:
    with pytest.raises(fp.InvalidRequestError, match="document: /dev/zero is not a regular file"):
        _create_with(client, Path("/dev/zero"))
    assert api.requests == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_document_from_a_fifo_is_refused_without_waiting_for_a_writer(
    client: fp.CardClient, api: MockAPI, tmp_path: Path
) -> None:
    fifo = tmp_path / "document.pdf"
    os.mkfifo(fifo)
    with pytest.raises(fp.InvalidRequestError, match="not a regular file"):
        _create_with(client, fifo)
    assert api.requests == []


def test_a_huge_document_file_is_refused_by_its_size(client: fp.CardClient, api: MockAPI, tmp_path: Path) -> None:
    big = tmp_path / "big.pdf"
    with big.open("wb") as file:  # sparse: 4 GiB on paper, nothing on disk
        file.write(b"%PDF-")
        file.truncate(4 * 1024**3)
    with pytest.raises(fp.InvalidRequestError, match=r"document: is 4294967296 bytes; the API takes at most 2097153"):
        _create_with(client, big)
    assert api.requests == []


def test_the_document_limit_comes_from_the_spec(client: fp.CardClient, api: MockAPI) -> None:
    base64_chars = SCHEMAS["NewClient"]["properties"]["document"]["maxLength"]
    limit = base64_chars // 4 * 3
    assert v.max_document_bytes() == limit >= 2 * 1024 * 1024
    with pytest.raises(fp.InvalidRequestError, match="document: is over"):
        _create_with(client, b"%PDF-" + b"0" * (limit - 4))
    _create_with(client, b"%PDF-" + b"0" * (limit - 5))
    assert len(api.bodies[0]["client"]["document"]) <= base64_chars


# ------------------------------------------------------------------------------ what passes


def test_ordinary_free_text_passes(client: fp.CardClient, api: MockAPI) -> None:
    client.cards.block(CARD, reason="Утерян клиентом\nзвонок в 14:05\t— «срочно» 🙂")
    client.cards.issue(2000, **{**ISSUE, "last_name": "O'Brien-Дәулетова"})
    assert api.bodies[0]["description"].startswith("Утерян") and len(api.requests) == 2


@pytest.mark.parametrize(
    ("schema", "call"),
    [
        ("CardId", lambda c, s: c.cards.activate(s)),
        ("ClientId", lambda c, s: c.clients.list_cards(s)),
        ("OrderId", lambda c, s: c.transactions.refund("t", order_id=s)),
        ("TransactionId", lambda c, s: c.transactions.clear(s, order_id="o")),
        ("Reason", lambda c, s: c.cards.block(CARD, reason=s)),
        ("PersonName", lambda c, s: c.cards.issue(2000, **{**ISSUE, "last_name": s})),
    ],
)
def test_lengths_up_to_the_spec_s_bound_are_sent(client: fp.CardClient, api: MockAPI, schema: str, call: Any) -> None:
    limit = _max(schema)
    call(client, "x" * limit)
    assert len(api.requests) == 1
    with pytest.raises(fp.InvalidRequestError, match=f"at most {limit} are accepted"):
        call(client, "x" * (limit + 1))
    assert len(api.requests) == 1


AMOUNT_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@AMOUNT_SETTINGS
@given(
    amount=st.one_of(
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999999999.99"), places=2),
        st.integers(min_value=1, max_value=10**15),
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2).map(str),
    )
)
def test_accepted_amounts_are_sent_exactly_in_plain_notation(client: fp.CardClient, api: MockAPI, amount: Any) -> None:
    api.requests.clear()
    client.transactions.create(CARD, amount, "KZT", order_id="o")
    raw = api.requests[0].content.decode()
    token = raw.split('"amount":', 1)[1].split(",", 1)[0]
    assert "e" not in token.lower()
    assert json.loads(raw, parse_float=Decimal)["amount"] == Decimal(amount)


def test_window_count_is_bounded_and_windows_are_made_lazily() -> None:
    first = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    last = first + dt.timedelta(hours=v.MAX_WINDOWS) - dt.timedelta(microseconds=1)
    windows = v.statement_windows(first, last, dt.timedelta(hours=1))
    assert not isinstance(windows, (list, tuple))  # an iterator: nothing made up front
    assert next(windows) == (first, first + dt.timedelta(hours=1, microseconds=-1))
    assert sum(1 for _ in windows) == v.MAX_WINDOWS - 1
    with pytest.raises(fp.InvalidRequestError, match="10001 windows"):
        v.statement_windows(first, last + dt.timedelta(microseconds=1), dt.timedelta(hours=1))


def test_windows_near_the_end_of_time_do_not_overflow() -> None:
    last = dt.datetime.max.replace(tzinfo=dt.UTC)
    first = last - dt.timedelta(days=40)
    assert list(v.statement_windows(first, last, dt.timedelta(days=3650))) == [(first, last)]
    assert len(list(v.statement_windows(first, last, dt.timedelta(days=30)))) == 2


# ------------------------------------------------------------------------------ the spec


def _request_string_properties() -> list[tuple[str, str, dict[str, Any]]]:
    """(schema, property, resolved property) for every string property of every request schema."""
    found = []
    for name, schema in SCHEMAS.items():
        if not name.endswith("Request") and name not in ("Cardholder", "NewClient", "Address", "IdentificationInfo"):
            continue
        for prop, sub in schema.get("properties", {}).items():
            merged = {**resolve(sub), **{k: val for k, val in sub.items() if k != "$ref"}}
            if merged.get("type") == "string":
                found.append((name, prop, merged))
    return found


def test_every_request_string_is_bounded_by_the_spec() -> None:
    unbounded = [
        f"{schema}.{prop}"
        for schema, prop, sub in _request_string_properties()
        if not ({"maxLength", "pattern", "enum"} & sub.keys() or sub.get("format") in ("uuid", "date", "date-time"))
    ]
    assert unbounded == []


def test_every_bound_of_ours_says_so_in_the_spec() -> None:
    ours = [
        f"{schema}.{prop}"
        for schema, prop, sub in _request_string_properties()
        if "maxLength" in sub and prop != "document" and "x-doc-deviation" not in sub
    ]
    assert ours == []
    quantity = SCHEMAS["BulkIssueRequest"]["properties"]["quantity"]
    assert quantity["maximum"] == 10000 and "x-doc-deviation" in quantity


def test_the_validators_read_the_spec_s_limits() -> None:
    assert v.spec_limit("card_id", "maxLength", "string") == _max("CardId")
    assert v.spec_limit("description", "maxLength", "string") == _max("Reason")
    assert v.spec_limit("quantity", "maximum", "integer") == 10000
    assert v.spec_pattern("country").pattern == SCHEMAS["CountryAlpha3"]["pattern"][:-1] + r"\Z"
    assert v.spec_pattern("language").search("ru") and not v.spec_pattern("language").search("ru\n")
    assert v.spec_limit("no_such_field", "maxLength") is None
