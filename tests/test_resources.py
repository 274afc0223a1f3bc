"""Every resource method, sync and async: the exact request it sends and the typed result it returns."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

import freedompay_cards as fp
from tests.conftest import DT, MockAPI, ok
from tests.spec_tools import PATHS

RID1 = "00000000-0000-0000-0000-000000000001"
CARD = "card-777"
PDF = b"%PDF-1.4 test document"
UTC = dt.UTC

ACCOUNT = {
    "iban": "KZ00FREE0000000001",
    "currency": "KZT",
    "amount": 1500.5,
    "blocked_amount": 200,
    "debit": 1,
    "credit": 2,
}
STATEMENT_OP = {
    "type": "purchase",
    "amount": 99.9,
    "commission": 0,
    "currency": "KZT",
    "mcc": 5411,
    "datetime": "2025-02-01T10:00:00+05:00",
    "rrn": "123456789012",
    "merchant": {"name": "Shop"},
}
AUTH = {
    "datetime": "2025-02-01 10:00:00",
    "type": "purchase",
    "amount": 10,
    "commission": 0.1,
    "currency": "KZT",
    "additional_parameters": [{"name": "terminal", "value": "T1"}],
}


# name, call, path, expected body, answer, check on the result
CASES: list[tuple[str, Callable[[Any], Any], str, dict[str, Any], dict[str, Any], Callable[[Any], Any]]] = [
    (
        "cards.bulk_issue",
        lambda c: c.cards.bulk_issue(fp.Product.INSTANT_CARD, 5),
        PATHS["cards.bulk_issue"],
        {"request_id": RID1, "product_id": 2000, "quantity": 5},
        {"status": "ok", "request_status": "process", "dt": DT},
        lambda r: r.pending and r.request_id == RID1 and r.card_ids == (),
    ),
    (
        "cards.issue",
        lambda c: c.cards.issue(
            1000,
            first_name="Aida",
            last_name="Sadykova",
            phone="+77001234567",
            country="kaz",
            person_id="900101300123",
            middle_name="N",
            birthdate=dt.date(1990, 1, 1),
            email="a@b.kz",
            extra_cardholder_fields={"gender": "F"},
        ),
        PATHS["cards.issue"],
        {
            "request_id": RID1,
            "product_id": 1000,
            "cardholder": {
                "gender": "F",
                "first_name": "Aida",
                "last_name": "Sadykova",
                "phone": 77001234567,
                "country": "KAZ",
                "person_id": "900101300123",
                "middle_name": "N",
                "birthdate": "1990-01-01",
                "email": "a@b.kz",
            },
        },
        {"status": "ok", "request_status": "process", "dt": DT},
        lambda r: r.pending,
    ),
    (
        "cards.issue_plastic",
        lambda c: c.cards.issue_plastic("client-1", fp.Product.ELECTRON_CARD),
        PATHS["cards.issue_plastic"],
        {"request_id": RID1, "client_id": "client-1", "product_id": 3000},
        ok(),
        lambda r: r.succeeded,
    ),
    (
        "cards.activate",
        lambda c: c.cards.activate(CARD),
        PATHS["cards.activate"],
        {"request_id": RID1, "card_id": CARD},
        ok(),
        lambda r: (
            r.succeeded and r.dt == dt.datetime(2025, 1, 1, 0, 1, 1, tzinfo=dt.timezone(dt.timedelta(minutes=30)))
        ),
    ),
    (
        "cards.block",
        lambda c: c.cards.block(CARD, reason="lost"),
        PATHS["cards.block"],
        {"request_id": RID1, "card_id": CARD, "description": "lost"},
        ok(),
        lambda r: r.succeeded and r.request_id == RID1,
    ),
    (
        "cards.unblock",
        lambda c: c.cards.unblock(CARD, reason="found", request_id="828CF71D-A447-4A67-A149-C1DF8BC197CA"),
        PATHS["cards.unblock"],
        {"request_id": "828cf71d-a447-4a67-a149-c1df8bc197ca", "card_id": CARD, "description": "found"},
        ok(),
        lambda r: r.request_id == "828cf71d-a447-4a67-a149-c1df8bc197ca",
    ),
    (
        "cards.set_pin",
        lambda c: c.cards.set_pin(CARD, encrypted_pin="ZW5jcnlwdGVk"),
        PATHS["cards.set_pin"],
        {"card_id": CARD, "pin": "ZW5jcnlwdGVk"},
        ok(),
        lambda r: r.succeeded and r.request_id is None,
    ),
    (
        "cards.reset_pin_counter",
        lambda c: c.cards.reset_pin_counter(CARD),
        PATHS["cards.reset_pin_counter"],
        {"request_id": RID1, "card_id": CARD},
        ok(),
        lambda r: r.succeeded,
    ),
    (
        "cards.close",
        lambda c: c.cards.close(CARD, reason="customer request"),
        PATHS["cards.close"],
        {"request_id": RID1, "card_id": CARD, "description": "customer request"},
        ok(),
        lambda r: r.succeeded,
    ),
    (
        "cards.link_client",
        lambda c: c.cards.link_client(CARD, "client-9"),
        PATHS["cards.link_client"],
        {"request_id": RID1, "client_id": "client-9", "card_id": CARD},
        ok(),
        lambda r: r.succeeded,
    ),
    (
        "cards.info",
        lambda c: c.cards.info(CARD),
        PATHS["cards.info"],
        {"request_id": RID1, "card_id": CARD},
        ok(
            card_id=CARD,
            card_mask="4000********0002",
            card_status="active",
            expiry="12/29",
            client_id="cl",
            product_id=2000,
            tier="gold",
        ),
        lambda r: (
            (r.card_mask, r.card_status, r.product_id, r.expiry.reveal(), r.extra)
            == ("4000********0002", "active", 2000, "12/29", {"tier": "gold"})
        ),
    ),
    (
        "cards.balance",
        lambda c: c.cards.balance(CARD),
        PATHS["cards.balance"],
        {"request_id": RID1, "card_id": CARD},
        ok(card_id=CARD, accounts=[ACCOUNT]),
        lambda r: r.accounts[0].amount == Decimal("1500.5") and r.accounts[0].available == Decimal("1300.5"),
    ),
    (
        "cards.secret_data",
        lambda c: c.cards.secret_data(CARD),
        PATHS["cards.secret_data"],
        {"request_id": RID1, "card_id": CARD},
        ok(card_id=CARD, pan="4000000000000002", expiry="12/29", cvv="123", cardholder_name="AIDA S", token="t"),
        lambda r: (
            (r.pan.reveal(), r.cvv.reveal(), r.expiry.reveal(), r.fields["token"].reveal())
            == ("4000000000000002", "123", "12/29", "t")
        ),
    ),
    (
        "cards.secret_data_v2",
        lambda c: c.cards.secret_data_v2(CARD),
        PATHS["cards.secret_data_v2"],
        {"request_id": RID1, "card_id": CARD},
        ok(card_id=CARD, pan="4000000000000002"),
        lambda r: r.pan.reveal() == "4000000000000002" and r.cvv is None,
    ),
    (
        "cards.statement",
        lambda c: c.cards.statement(CARD, dt.date(2025, 2, 1), dt.datetime(2025, 2, 28, 12, tzinfo=UTC)),
        PATHS["cards.statement"],
        {"card_id": CARD, "start_date": "2025-02-01T00:00:00+00:00", "end_date": "2025-02-28T12:00:00+00:00"},
        ok(operations=[STATEMENT_OP, {**STATEMENT_OP, "amount": 1}]),
        lambda ops: (
            [o.amount for o in ops] == [Decimal("99.9"), Decimal(1)]
            and ops[0].mcc == 5411
            and ops[0].merchant == {"name": "Shop"}
        ),
    ),
    (
        "cards.statement_extended",
        lambda c: c.cards.statement_extended(CARD, dt.date(2025, 2, 1), dt.date(2025, 2, 2)),
        PATHS["cards.statement_extended"],
        {"card_id": CARD, "start_date": "2025-02-01T00:00:00+00:00", "end_date": "2025-02-02T23:59:59.999999+00:00"},
        {
            "status": "ok",
            "client_id": "cl",
            "card": {"card_id": CARD, "card_mask": "4000********0002"},
            "balances": {"accounts": [ACCOUNT]},
            "authorizations": [AUTH],
            "operations": [AUTH, AUTH],
        },
        lambda r: (
            (r.card_mask, len(r.accounts), len(r.authorizations), len(r.operations), r.authorizations[0].commission)
            == ("4000********0002", 1, 1, 2, Decimal("0.1"))
            and r.operations[1].additional_parameters == ({"name": "terminal", "value": "T1"},)
        ),
    ),
    (
        "cards.validate_cardholder",
        lambda c: c.cards.validate_cardholder(
            "00000000-0000-4000-8000-00000000000A", first_name="Aida", last_name="Sadykova", phone="7001234567"
        ),
        PATHS["cards.validate_cardholder"],
        {
            "request_id": RID1,
            "card_token": "00000000-0000-4000-8000-00000000000a",
            "user_phone": "7001234567",
            "first_name": "Aida",
            "last_name": "Sadykova",
        },
        {"status": "ok", "score": "44.37%", "fishy": 1, "dt": DT, "reason": "name"},
        lambda r: (
            (r.request_id, r.score, r.percentage, r.fishy, r.extra)
            == (RID1, "44.37%", Decimal("44.37"), 1, {"reason": "name"})
            and r.dt == dt.datetime(2025, 1, 1, 0, 1, 1, tzinfo=dt.timezone(dt.timedelta(minutes=30)))
        ),
    ),
    (
        "clients.create",
        lambda c: c.clients.create(
            fp.Product.FREEDOM_WALLET_CARD,
            phone=77001234567,
            type=fp.ClientType.INDIVIDUAL,
            resident=fp.Residency.RESIDENT,
            first_name="Aida",
            last_name="Sadykova",
            country="KAZ",
            person_id="900101300123",
            language="RU",
            document=PDF,
            address1=fp.Address("KAZ", "050000", "Almaty", "Abaya 1", "10"),
            address2=fp.Address("KAZ", "010000", "Astana", "Mangilik El 5", "2"),
            identified_at=dt.datetime(2025, 1, 1, tzinfo=UTC),
            identified_by="branch 7",
            branch_id="b1",
        ),
        PATHS["clients.create"],
        {
            "request_id": RID1,
            "product_id": 1000,
            "client": {
                "phone": 77001234567,
                "type": 1,
                "resident": 1,
                "first_name": "Aida",
                "last_name": "Sadykova",
                "country": "KAZ",
                "person_id": "900101300123",
                "language": "ru",
                "document": "JVBERi0xLjQgdGVzdCBkb2N1bWVudA==",
                "address1": {
                    "country": "KAZ",
                    "postal_code": "050000",
                    "address_line1": "Almaty",
                    "address_line2": "Abaya 1",
                    "address_line3": "10",
                },
                "address2": {
                    "country": "KAZ",
                    "postal_code": "010000",
                    "address_line1": "Astana",
                    "address_line2": "Mangilik El 5",
                    "address_line3": "2",
                },
                "identification_info": {"idn_date": "2025-01-01T00:00:00+00:00", "identified_by": "branch 7"},
            },
            "branch_id": "b1",
        },
        {"status": "ok", "request_status": "process", "dt": DT},
        lambda r: r.pending,
    ),
    (
        "clients.update_phone",
        lambda c: c.clients.update_phone("cl-1", "77017654321", product=2000),
        PATHS["clients.update_phone"],
        {"request_id": RID1, "client_id": "cl-1", "product_id": 2000, "client": {"phone": 77017654321}},
        ok(),
        lambda r: r.succeeded,
    ),
    (
        "clients.list_cards",
        lambda c: c.clients.list_cards("cl-1"),
        PATHS["clients.list_cards"],
        {"request_id": RID1, "client_id": "cl-1"},
        ok(cards=[{"card_id": "a", "card_mask": "4000********0002", "card_status": "active"}, {"card_id": "b"}]),
        lambda r: [c.card_id for c in r] == ["a", "b"] and r[0].card_status == "active",
    ),
    (
        "requests.status",
        lambda c: c.requests.status(RID1),
        PATHS["requests.status"],
        {"request_id": RID1},
        ok(cards=[{"card_id": "c1"}, {"card_id": "c2"}], client_id="cl", transaction_id="t1", fin_document_id="f1"),
        lambda r: (r.card_ids, r.client_id, r.transaction_id, r.fin_document_id) == (("c1", "c2"), "cl", "t1", "f1"),
    ),
    (
        "transactions.create",
        lambda c: c.transactions.create(CARD, Decimal("1500.50"), "kzt", order_id="order-1", description="coffee"),
        PATHS["transactions.create"],
        {
            "request_id": RID1,
            "order_id": "order-1",
            "card_id": CARD,
            "amount": 1500.5,
            "currency": "KZT",
            "description": "coffee",
        },
        {"status": "ok", "request_status": "process", "dt": DT},
        lambda r: r.pending,
    ),
    (
        "transactions.clear",
        lambda c: c.transactions.clear("t1", order_id="order-1", amount=100),
        PATHS["transactions.clear"],
        {"request_id": RID1, "order_id": "order-1", "transaction_id": "t1", "amount": 100.0},
        ok(),
        lambda r: r.succeeded,
    ),
    (
        "transactions.refund",
        lambda c: c.transactions.refund("t1", order_id="order-1"),
        PATHS["transactions.refund"],
        {"request_id": RID1, "order_id": "order-1", "transaction_id": "t1"},
        ok(),
        lambda r: r.succeeded,
    ),
    (
        "transactions.info",
        lambda c: c.transactions.info(transaction_id="t1"),
        PATHS["transactions.info"],
        {"request_id": RID1, "transaction_id": "t1"},
        ok(
            transaction={
                "transaction_id": "t1",
                "amount": 5,
                "status": "new",
                "error_code": "",
                "error_description": "",
            },
            additional=[{"key": "device_os_type", "value": "ios"}, {"key": "attempts", "value": 2}],
        ),
        lambda r: (
            (r.details["amount"], r.error_code, r.status, r.additional, r.extra)
            == (5, "", "new", {"device_os_type": "ios", "attempts": 2}, {})
        ),
    ),
    (
        "transactions.request_status",
        lambda c: c.transactions.request_status(RID1),
        PATHS["requests.status"],
        {"request_id": RID1},
        ok(transaction_id="t1", fin_document_id="f1"),
        lambda r: (r.transaction_id, r.fin_document_id) == ("t1", "f1"),
    ),
    (
        "limits.set",
        lambda c: c.limits.set(
            fp.LimitScope.CARD,
            CARD,
            [
                fp.Limit("withdrawal_atm", [fp.LimitAmount(Decimal("5000.00"), "usd")], period="month"),
                fp.Limit("pay_online_non3ds", (fp.LimitAmount(0, "KZT", kind="max"),), region="abroad"),
                fp.Limit("pay"),
            ],
        ),
        PATHS["limits.set"],
        {
            "request_id": RID1,
            "object": {"type": "card", "value": CARD},
            "limits": [
                {
                    "transaction_type": "withdrawal_atm",
                    "period": "month",
                    "amount": [{"type": "max", "value": "5000.00", "currency": "USD"}],
                },
                {
                    "transaction_type": "pay_online_non3ds",
                    "region": "abroad",
                    "amount": [{"type": "max", "value": "0", "currency": "KZT"}],
                },
                {"transaction_type": "pay"},
            ],
        },
        ok(),
        lambda r: r.succeeded and r.request_id == RID1,
    ),
    (
        "limits.list",
        lambda c: c.limits.list("account", "KZ00FREE0000000001"),
        PATHS["limits.list"],
        {"request_id": RID1, "object": {"type": "account", "value": "KZ00FREE0000000001"}},
        ok(
            limits=[
                {
                    "transaction_type": "withdrawal",
                    "period": "day",
                    "amount": [{"type": "max", "value": "100.50", "currency": "KZT", "used": "20", "available": 80.5}],
                    "counter": 2,
                },
                {"transaction_type": "pay", "amount": [{"value": 7, "currency": "USD"}]},
            ],
            object={"type": "account", "value": "KZ00FREE0000000001"},
        ),
        lambda r: (
            [(x.transaction_type, x.period, x.region) for x in r] == [("withdrawal", "day", None), ("pay", None, None)]
            and r[0].amounts == (fp.LimitAmount(Decimal("100.50"), "KZT"),)
            and r[0].amounts[0].extra == {"used": "20", "available": Decimal("80.5")}
            and r[0].extra == {"counter": 2}
            and r[1].amounts[0].value == Decimal(7)
            and r.extra == {"object": {"type": "account", "value": "KZ00FREE0000000001"}}
            and r.request_id == RID1
        ),
    ),
    (
        "gift_cards.products",
        lambda c: c.gift_cards.products(),
        PATHS["gift_cards.products"],
        {},
        {
            "datetime": "2025-01-01 00:01:01",
            "status": 0,
            "product_list": [
                {
                    "code": 7,
                    "name": "Подарок",
                    "name_en": "Gift",
                    "currency": "USD",
                    "balance": 50.0,
                    "image": "https://x/y.png",
                }
            ],
        },
        lambda r: (r[0].code, r[0].balance, r[0].name) == (7, Decimal("50.0"), "Подарок"),
    ),
    (
        "gift_cards.issue",
        lambda c: c.gift_cards.issue(7, cardholder_name="Aida", phone="77001234567"),
        PATHS["gift_cards.issue"],
        {"cardholder_name": "Aida", "phone": 77001234567, "product_code": 7},
        {"datetime": "2025-01-01 00:01:01", "status": 0, "card_id": 4242},
        lambda r: r.card_id == 4242,
    ),
    (
        "gift_cards.confirm",
        lambda c: c.gift_cards.confirm("123456", card_id=4242),
        PATHS["gift_cards.confirm"],
        {"otp": "123456", "card_id": 4242},
        {
            "datetime": "2025-01-01 00:01:01",
            "status": 0,
            "card_status": 2,
            "card_currency": "USD",
            "card_balance": 50,
            "card_mask": "1234********5678",
        },
        lambda r: (r.card_status, r.balance, r.card_mask) == (fp.GiftCardStatus.ACTIVATED, 50, "1234********5678"),
    ),
    (
        "gift_cards.resend",
        lambda c: c.gift_cards.resend(4242),
        PATHS["gift_cards.resend"],
        {"card_id": 4242},
        {"datetime": "2025-01-01 00:01:01", "status": 0},
        lambda r: r.status == 0,
    ),
    (
        "gift_cards.resend_code",
        lambda c: c.gift_cards.resend_code(4242),
        PATHS["gift_cards.resend_code"],
        {"card_id": 4242},
        {"datetime": "2025-01-01 00:01:01", "status": 0},
        lambda r: r.status == 0,
    ),
    (
        "gift_cards.status",
        lambda c: c.gift_cards.status(4242),
        PATHS["gift_cards.status"],
        {"card_id": 4242},
        {"datetime": "2025-01-01 00:01:01", "status": 0, "card_status": 9},
        lambda r: r.card_status == 9,  # a status value the docs do not list survives
    ),
]
IDS = [c[0] for c in CASES]


def test_every_operation_of_the_spec_has_a_case() -> None:
    from pathlib import Path

    from freedompay_cards._core import OPERATIONS

    here = Path(__file__).parent
    # an operation may instead have a module of its own, as `make new-operation` writes it
    own = {name for name, op in OPERATIONS.items() if (here / f"test_op_{op.operation_id}.py").is_file()}
    missing = sorted(set(OPERATIONS) - set(IDS) - own)
    assert not missing, (
        f"tests/test_resources.py: add a CASES entry (call, path, exact body, answer, check) for {missing}, "
        "or a tests/test_op_<operationId>.py module (make new-operation writes one)"
    )
    stale = sorted(set(IDS) - set(OPERATIONS) - {"transactions.request_status"})
    assert not stale, f"tests/test_resources.py: remove the CASES entries for {stale} (not in the spec)"


@pytest.mark.parametrize(("name", "call", "path", "body", "answer", "check"), CASES, ids=IDS)
def test_sync_method_sends_exact_body_and_returns_typed_result(
    client: fp.CardClient, api: MockAPI, name: str, call: Any, path: str, body: dict, answer: dict, check: Any
) -> None:
    api.on(path, answer)
    result = call(client)
    if isinstance(result, fp.Listing):
        result = list(result)
    assert api.paths == [path]
    assert api.bodies == [body]
    assert list(api.bodies[0]) == list(body)  # key order too: the bytes are what is signed
    assert check(result)


@pytest.mark.parametrize(("name", "call", "path", "body", "answer", "check"), CASES, ids=IDS)
async def test_async_method_sends_exact_body_and_returns_typed_result(
    async_client: fp.AsyncCardClient,
    api: MockAPI,
    name: str,
    call: Any,
    path: str,
    body: dict,
    answer: dict,
    check: Any,
) -> None:
    api.on(path, answer)
    result = call(async_client)
    if inspect.isasyncgen(result):
        result = [item async for item in result]
    else:
        result = await result
    assert api.paths == [path]
    assert api.bodies == [body]
    assert check(result)


def test_wait_true_polls_request_status_until_success_and_returns_created_ids(
    client: fp.CardClient, api: MockAPI
) -> None:
    api.on(PATHS["cards.issue"], {"status": "ok", "request_status": "process", "dt": DT})
    api.on(
        PATHS["requests.status"],
        {"status": "ok", "request_status": "process", "dt": DT},
        ok(cards=[{"card_id": "new-card"}]),
    )
    result = client.cards.issue(
        2000, first_name="A", last_name="B", phone=77001234567, country="KAZ", person_id="1", wait=True
    )
    assert result.card_ids == ("new-card",)
    assert result.request_id == RID1
    assert api.paths == [PATHS["cards.issue"]] + [PATHS["requests.status"]] * 2
    assert all(b == {"request_id": RID1} for b in api.bodies[1:])


def test_wait_true_on_immediate_success_still_reads_created_ids(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["clients.create"], ok())
    api.on(PATHS["requests.status"], ok(client_id="client-42"))
    result = client.clients.create(
        2000, phone=77001234567, type=1, resident=2, first_name="A", last_name="B", wait=True
    )
    assert result.client_id == "client-42"


def test_requests_wait_raises_the_mapped_error_when_the_request_failed(client: fp.CardClient, api: MockAPI) -> None:
    api.on(
        PATHS["requests.status"],
        {
            "status": "ok",
            "request_status": "error",
            "dt": DT,
            "error_code": "INSUFFICIENT_FUNDS",
            "error_description": "no money",
        },
    )
    with pytest.raises(fp.InsufficientFundsError) as info:
        client.requests.wait(RID1, timeout=1)
    assert info.value.request_id == RID1
    assert "no money" in str(info.value) and RID1 in str(info.value)


def test_requests_wait_gives_up_after_timeout_with_outcome_unknown(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["requests.status"], {"status": "ok", "request_status": "process", "dt": DT})
    with pytest.raises(fp.APITimeoutError) as info:
        client.requests.wait(RID1, timeout=0.05, interval=0.01, max_interval=0.02)
    assert info.value.outcome_unknown and info.value.request_id == RID1
    assert info.value.attempts == len(api.requests) >= 2


async def test_async_requests_wait_polls_until_success(async_client: fp.AsyncCardClient, api: MockAPI) -> None:
    api.on(
        PATHS["requests.status"],
        {"status": "ok", "request_status": "process", "dt": DT},
        {"status": "ok", "request_status": "process", "dt": DT},
        ok(transaction_id="t-9"),
    )
    result = await async_client.requests.wait(RID1, interval=0.001, max_interval=0.002)
    assert result.transaction_id == "t-9" and len(api.requests) == 3


def test_statement_windows_split_a_long_range_into_consecutive_calls(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["cards.statement"], ok(operations=[STATEMENT_OP]))
    ops = client.cards.statement(CARD, dt.date(2025, 1, 1), dt.date(2025, 3, 15), window=dt.timedelta(days=31))
    assert api.requests == []  # lazy: nothing is sent until iteration
    assert len(list(ops)) == 3
    ranges = [(b["start_date"], b["end_date"]) for b in api.bodies]
    assert ranges == [
        ("2025-01-01T00:00:00+00:00", "2025-01-31T23:59:59.999999+00:00"),
        ("2025-02-01T00:00:00+00:00", "2025-03-03T23:59:59.999999+00:00"),
        ("2025-03-04T00:00:00+00:00", "2025-03-15T23:59:59.999999+00:00"),
    ]


def test_statement_without_range_sends_only_the_card(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["cards.statement"], ok(operations=[]))
    assert list(client.cards.statement(CARD)) == []
    assert api.bodies == [{"card_id": CARD}]


def test_set_pin_with_plain_pin_uses_the_encryptor(api: MockAPI, client: fp.CardClient) -> None:
    client.cards.pin_encryptor = lambda pin: "enc(" + pin[::-1] + ")"
    client.cards.set_pin(CARD, pin="1234")
    assert api.bodies == [{"card_id": CARD, "pin": "enc(4321)"}]


def test_set_pin_without_pin_lets_the_processor_generate_one(api: MockAPI, client: fp.CardClient) -> None:
    client.cards.set_pin(CARD)
    assert api.bodies == [{"card_id": CARD}]


def test_unknown_fields_survive_in_extra(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["cards.activate"], ok(new_field=[1, 2]))
    result = client.cards.activate(CARD)
    assert result.request_status is fp.RequestStatus.SUCCESS and result.extra == {"new_field": [1, 2]}


def test_gift_confirm_answer_missing_a_field_the_page_requires_is_unexpected(
    client: fp.CardClient, api: MockAPI
) -> None:
    answer = {
        "datetime": "2025-01-01 00:01:01",
        "status": 0,
        "card_status": 2,
        "card_currency": "USD",
        "card_balance": 5,
    }
    api.on(PATHS["gift_cards.confirm"], answer)
    with pytest.raises(fp.UnexpectedResponseError, match="card_mask"):
        client.gift_cards.confirm("123456", card_id=4242)
    api.on(PATHS["gift_cards.status"], answer)  # Status (inferred) requires nothing beyond the envelope
    assert client.gift_cards.status(4242).card_mask is None


@pytest.mark.parametrize(
    ("score", "percentage"),
    [("44.37%", Decimal("44.37")), (" 100 % ", Decimal(100)), ("0.00%", Decimal("0.00")), ("high", None), ("", None)],
)
def test_a_cardholder_score_is_kept_as_sent_and_read_as_a_percentage(
    client: fp.CardClient, api: MockAPI, score: str, percentage: Decimal | None
) -> None:
    api.on(PATHS["cards.validate_cardholder"], {"status": "ok", "score": score, "dt": DT})
    result = client.cards.validate_cardholder(
        "828cf71d-a447-4a67-a149-c1df8bc197ca", first_name="A", last_name="B", phone=7001234567
    )
    assert (result.score, result.percentage, result.fishy) == (score, percentage, None)
    assert api.bodies[0]["user_phone"] == "7001234567"  # a string on the wire, as the page shows


def test_a_refused_cardholder_validation_raises_without_a_request_status(client: fp.CardClient, api: MockAPI) -> None:
    api.on(
        PATHS["cards.validate_cardholder"],
        {"status": "error", "error_code": "CARD_NOT_FOUND", "error_description": "no such token"},
    )
    with pytest.raises(fp.NotFoundError) as info:
        client.cards.validate_cardholder(
            "828cf71d-a447-4a67-a149-c1df8bc197ca", first_name="A", last_name="B", phone="7001234567"
        )
    assert info.value.request_id == RID1 and info.value.code == "CARD_NOT_FOUND"


def test_a_cardholder_answer_without_its_score_is_unexpected(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["cards.validate_cardholder"], {"status": "ok", "dt": DT})
    with pytest.raises(fp.UnexpectedResponseError, match="score"):
        client.cards.validate_cardholder(
            "828cf71d-a447-4a67-a149-c1df8bc197ca", first_name="A", last_name="B", phone="7001234567"
        )


def test_a_listed_limit_of_another_shape_is_unexpected(client: fp.CardClient, api: MockAPI) -> None:
    api.on(PATHS["limits.list"], ok(limits=[{"max": 5}]))
    with pytest.raises(fp.UnexpectedResponseError, match="transaction_type"):
        client.limits.list(fp.LimitScope.CLIENT, "cl-1")


def test_listed_limits_can_be_set_again_as_they_are(client: fp.CardClient, api: MockAPI) -> None:
    listed = {"transaction_type": "pay", "period": "day", "amount": [{"type": "max", "value": "10", "currency": "KZT"}]}
    api.on(PATHS["limits.list"], ok(limits=[listed]))
    limits = client.limits.list("card", CARD)
    client.limits.set("card", CARD, limits)
    assert api.bodies[1]["limits"] == [listed]
