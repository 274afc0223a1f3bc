"""The sandbox's own behaviour, seen through the public client: states, de-duplication, signatures,
process -> success, money, statements and gift cards. The sandbox's state is the evidence."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest

import freedompay_cards as fp
from freedompay_cards.sandbox import CardStatus, ManualClock, Sandbox
from freedompay_cards.sandbox._world import luhn_valid
from tests.spec_tools import PATHS

FAST = fp.RetryPolicy(max_retries=2, base=0.001, cap=0.01)
UTC = dt.UTC


def rid() -> str:
    return str(uuid.uuid4())


def signed_post(sandbox: Sandbox, path: str, body: bytes, *, secret: str | None = None) -> httpx.Response:
    """A raw POST through the in-process transport, signed for ``sandbox`` (or with ``secret``)."""
    signature = fp.sign(body, path=path, auth_id=sandbox.auth_id, secret_key=secret or sandbox.secret_key)
    with httpx.Client(transport=sandbox.transport(), base_url="https://sandbox.invalid") as http:
        return http.post(path, content=body, headers={"X-JWS-Signature": signature})


# ------------------------------------------------------------------------------------------ card states


def test_issue_with_wait_returns_card_and_client_then_activate_makes_it_active(
    sandbox: Sandbox, cards_client: fp.CardClient
) -> None:
    issued = cards_client.cards.issue(
        fp.Product.INSTANT_CARD, first_name="Aida", last_name="Nur", phone=77001234567, country="KAZ",
        person_id="900101300123", wait=True,
    )  # fmt: skip
    assert issued.succeeded and len(issued.card_ids) == 1 and issued.client_id in sandbox.clients
    card_id = issued.card_ids[0]
    assert sandbox.cards[card_id].status == CardStatus.ISSUED
    assert sandbox.cards[card_id].client_id == issued.client_id

    cards_client.cards.activate(card_id)

    assert sandbox.cards[card_id].status == CardStatus.ACTIVE


def test_block_then_unblock_restores_card(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    card = sandbox.create_card()

    cards_client.cards.block(card.card_id, reason="lost")
    assert (card.status, card.block_reason) == (CardStatus.BLOCKED, "lost")

    cards_client.cards.unblock(card.card_id, reason="found")
    assert (card.status, card.block_reason) == (CardStatus.ACTIVE, None)


@pytest.mark.parametrize(
    ("status", "operation"),
    [
        ("active", "activate"),
        ("blocked", "activate"),
        ("issued", "block"),
        ("blocked", "block"),
        ("active", "unblock"),
        ("issued", "unblock"),
    ],
)
def test_transition_from_the_wrong_state_is_a_conflict_and_changes_nothing(
    sandbox: Sandbox, cards_client: fp.CardClient, status: str, operation: str
) -> None:
    card = sandbox.create_card(status=status)
    call: Callable[..., Any] = getattr(cards_client.cards, operation)
    kwargs = {} if operation == "activate" else {"reason": "test"}

    with pytest.raises(fp.ConflictError) as caught:
        call(card.card_id, **kwargs)

    assert caught.value.code == "INVALID_CARD_STATE"
    assert card.status == status


CLOSED_CARD_CALLS: dict[str, Callable[[fp.CardClient, str], Any]] = {
    "activate": lambda c, card: c.cards.activate(card),
    "block": lambda c, card: c.cards.block(card, reason="x"),
    "unblock": lambda c, card: c.cards.unblock(card, reason="x"),
    "close": lambda c, card: c.cards.close(card, reason="x"),
    "set_pin": lambda c, card: c.cards.set_pin(card, encrypted_pin="ZW5jcnlwdGVk"),
    "reset_pin_counter": lambda c, card: c.cards.reset_pin_counter(card),
    "secret_data": lambda c, card: c.cards.secret_data(card),
    "secret_data_v2": lambda c, card: c.cards.secret_data_v2(card),
    "transactions.create": lambda c, card: c.transactions.create(card, 10, "KZT", order_id="o-1", wait=True),
}


@pytest.mark.parametrize("operation", sorted(CLOSED_CARD_CALLS))
def test_closed_card_refuses_every_operation_with_conflict(
    sandbox: Sandbox, cards_client: fp.CardClient, operation: str
) -> None:
    card = sandbox.create_card()
    cards_client.cards.close(card.card_id, reason="customer left")

    with pytest.raises(fp.ConflictError) as caught:
        CLOSED_CARD_CALLS[operation](cards_client, card.card_id)

    assert caught.value.code == "CARD_CLOSED"
    assert card.status == CardStatus.CLOSED and card.close_reason == "customer left"


def test_closed_card_can_still_be_read(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    card = sandbox.create_card()
    cards_client.cards.close(card.card_id, reason="x")

    assert cards_client.cards.info(card.card_id).card_status == "closed"


def test_linking_a_closed_card_is_refused(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    card, client = sandbox.create_card(status="closed"), sandbox.create_client()

    with pytest.raises(fp.ConflictError, match="closed"):
        cards_client.cards.link_client(card.card_id, client.client_id)
    assert card.client_id is None


def test_unknown_card_and_unknown_client_are_not_found(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    card = sandbox.create_card()
    with pytest.raises(fp.NotFoundError) as unknown_card:
        cards_client.cards.block("404404", reason="lost")
    with pytest.raises(fp.NotFoundError) as unknown_client:
        cards_client.cards.link_client(card.card_id, "404404")

    assert unknown_card.value.code == "CARD_NOT_FOUND"
    assert unknown_client.value.code == "CLIENT_NOT_FOUND"


# ------------------------------------------------------------------------------------------ cardholder validation


def test_cardholder_validation_scores_the_name_and_phone_against_the_card_s_client(
    sandbox: Sandbox, cards_client: fp.CardClient
) -> None:
    holder = sandbox.create_client(first_name="Aida", last_name="Sadykova", phone=77001234567)
    card = sandbox.create_card(client_id=holder.client_id)

    def score(first: str, last: str, phone: str) -> tuple[str, Decimal | None, int | None]:
        result = cards_client.cards.validate_cardholder(card.token, first_name=first, last_name=last, phone=phone)
        return result.score, result.percentage, result.fishy

    assert score("aida", " SADYKOVA", "7001234567") == ("100.00%", Decimal("100.00"), 0)  # 10 digits match 11
    assert score("Dana", "Sadykova", "77001234567") == ("70.00%", Decimal("70.00"), 0)
    assert score("Aida", "Sadykova", "7009999999") == ("70.00%", Decimal("70.00"), 0)
    assert score("Dana", "Nurlanova", "7001234567") == ("30.00%", Decimal("30.00"), 1)
    assert sandbox.cards[card.card_id].client_id == holder.client_id  # a read: nothing changed


def test_cardholder_validation_answers_without_request_status(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    card = sandbox.create_card()  # no client: nothing to match
    raw = cards_client.with_raw_response.cards.validate_cardholder(
        card.token, first_name="A", last_name="B", phone="7001234567"
    )
    answer = raw.http_response.json()
    assert sorted(answer) == ["dt", "fishy", "score", "status"]
    assert (answer["status"], answer["score"], answer["fishy"]) == ("ok", "0.00%", 1)


def test_cardholder_validation_of_an_unknown_token_fails_by_its_status(
    sandbox: Sandbox, cards_client: fp.CardClient
) -> None:
    token = str(uuid.uuid4())
    with pytest.raises(fp.NotFoundError) as unknown:
        cards_client.cards.validate_cardholder(token, first_name="A", last_name="B", phone="7001234567")
    assert unknown.value.code == "CARD_NOT_FOUND"
    assert unknown.value.body["status"] == "error" and "request_status" not in unknown.value.body


# ------------------------------------------------------------------------------------------ limits


def test_limits_are_kept_per_object_and_listed_back(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    card, other = sandbox.create_card(), sandbox.create_card()
    atm = fp.Limit("withdrawal_atm", [fp.LimitAmount(Decimal("5000"), "USD")], period="month")
    online = fp.Limit("pay_online_non3ds", [fp.LimitAmount(0, "KZT")])
    assert cards_client.limits.set(fp.LimitScope.CARD, card.card_id, [atm, online]).succeeded
    cards_client.limits.set("card", other.card_id, [fp.Limit("pay", [fp.LimitAmount(1, "KZT")], period="day")])

    listed = cards_client.limits.list(fp.LimitScope.CARD, card.card_id)
    assert list(listed) == [atm, online] and listed.request_status is fp.RequestStatus.SUCCESS
    assert [x.transaction_type for x in cards_client.limits.list("card", other.card_id)] == ["pay"]
    assert sandbox.limits["card", card.card_id][0]["amount"] == [{"type": "max", "value": "5000", "currency": "USD"}]


def test_setting_a_limit_again_replaces_only_that_limit(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    holder = sandbox.create_client()
    monthly = fp.Limit("pay", [fp.LimitAmount(100, "KZT")], period="month")
    daily = fp.Limit("pay", [fp.LimitAmount(10, "KZT")], period="day")
    cards_client.limits.set(fp.LimitScope.CLIENT, holder.client_id, [monthly, daily])
    raised = fp.Limit("pay", [fp.LimitAmount(200, "KZT")], period="month")
    cards_client.limits.set(fp.LimitScope.CLIENT, holder.client_id, [raised])

    assert list(cards_client.limits.list(fp.LimitScope.CLIENT, holder.client_id)) == [raised, daily]


def test_limits_of_an_account_are_named_by_its_iban_and_unknown_objects_are_not_found(
    sandbox: Sandbox, cards_client: fp.CardClient
) -> None:
    card = sandbox.create_card()
    assert list(cards_client.limits.list(fp.LimitScope.ACCOUNT, card.account.iban)) == []
    cards_client.limits.set(fp.LimitScope.ACCOUNT, card.account.iban, [fp.Limit("withdrawal")])
    assert [x.transaction_type for x in cards_client.limits.list("account", card.account.iban)] == ["withdrawal"]

    for scope, target, code in [
        (fp.LimitScope.ACCOUNT, "KZ000000", "ACCOUNT_NOT_FOUND"),
        (fp.LimitScope.CARD, "404404", "CARD_NOT_FOUND"),
        (fp.LimitScope.CLIENT, "404404", "CLIENT_NOT_FOUND"),
    ]:
        with pytest.raises(fp.NotFoundError) as unknown:
            cards_client.limits.set(scope, target, [fp.Limit("pay")])
        assert unknown.value.code == code
    assert set(sandbox.limits) == {("account", card.account.iban)}


def test_limits_on_a_closed_card_are_refused_but_still_listed(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    card = sandbox.create_card()
    cards_client.limits.set(fp.LimitScope.CARD, card.card_id, [fp.Limit("pay")])
    cards_client.cards.close(card.card_id, reason="x")

    with pytest.raises(fp.ConflictError):
        cards_client.limits.set(fp.LimitScope.CARD, card.card_id, [fp.Limit("withdrawal")])
    assert [x.transaction_type for x in cards_client.limits.list(fp.LimitScope.CARD, card.card_id)] == ["pay"]


def test_set_pin_marks_the_pin_set(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    card = sandbox.create_card()
    assert not card.pin_set

    cards_client.cards.set_pin(card.card_id)

    assert card.pin_set


def test_reset_pin_counter_clears_wrong_pin_attempts(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    card = sandbox.create_card()
    assert sandbox.enter_wrong_pin(card.card_id, times=3) == 3

    cards_client.cards.reset_pin_counter(card.card_id)

    assert card.wrong_pin_count == 0


def test_clients_are_created_updated_and_linked_to_bulk_issued_cards(
    sandbox: Sandbox, cards_client: fp.CardClient
) -> None:
    created = cards_client.clients.create(
        fp.Product.ELECTRON_CARD, phone=77001112233, type=fp.ClientType.INDIVIDUAL, resident=fp.Residency.RESIDENT,
        first_name="Aida", last_name="Nur", wait=True,
    )  # fmt: skip
    client_id = created.client_id
    assert client_id is not None and sandbox.clients[client_id].phone == 77001112233

    cards_client.clients.update_phone(client_id, 77009998877, product=fp.Product.ELECTRON_CARD)
    bulk = cards_client.cards.bulk_issue(fp.Product.ELECTRON_CARD, 2, wait=True)
    assert all(sandbox.cards[c].client_id is None for c in bulk.card_ids)
    cards_client.cards.link_client(bulk.card_ids[1], client_id)
    plastic = cards_client.cards.issue_plastic(client_id, fp.Product.ELECTRON_CARD, wait=True)

    assert sandbox.clients[client_id].phone == 77009998877
    listed = cards_client.clients.list_cards(client_id)
    assert [c.card_id for c in listed] == [bulk.card_ids[1], plastic.card_ids[0]]
    assert listed[0].card_status == "issued" and listed[0].card_mask == sandbox.cards[bulk.card_ids[1]].card_mask


def test_balance_and_secret_data_describe_the_card(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    card = sandbox.create_card(balance=Decimal("2500.50"))

    balance = cards_client.cards.balance(card.card_id)
    secret = cards_client.cards.secret_data(card.card_id)
    secret_v2 = cards_client.cards.secret_data_v2(card.card_id)

    (account,) = balance.accounts
    assert (account.amount, account.blocked_amount, account.currency) == (Decimal("2500.5"), 0, "KZT")
    assert account.iban == card.account.iban and account.iban is not None and account.iban.startswith("KZ")
    assert secret.pan is not None and luhn_valid(secret.pan.reveal())
    assert secret.cvv is not None and len(secret.cvv.reveal()) == 3 and secret.cvv.reveal().isdigit()
    assert secret.expiry is not None and len(secret.expiry.reveal()) == 5 and secret.expiry.reveal()[2] == "/"
    assert secret_v2.pan == secret.pan


# ------------------------------------------------------------------------------------------ request ids


def test_a_repeated_request_id_is_rejected_and_not_processed(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    card = sandbox.create_card()
    request_id = rid()
    cards_client.cards.block(card.card_id, reason="lost", request_id=request_id)

    # another client: the first one refuses, before sending, a request_id it sent with another request
    with pytest.raises(fp.ConflictError) as caught, sandbox.client(max_retries=0) as other:
        other.cards.unblock(card.card_id, reason="found", request_id=request_id)

    assert caught.value.code == "DUPLICATE_REQUEST_ID"
    assert card.status == CardStatus.BLOCKED
    assert sandbox.times_processed(request_id) == 1
    assert [e.processed for e in sandbox.log] == [True, False]


def test_request_status_reports_the_outcome_of_a_failed_request(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    request_id = rid()
    with pytest.raises(fp.NotFoundError):
        cards_client.cards.block("404404", reason="lost", request_id=request_id)

    status = cards_client.requests.status(request_id)

    assert (status.request_status, status.error_code) == ("error", "CARD_NOT_FOUND")
    assert sandbox.requests[request_id].error_code == "CARD_NOT_FOUND"


def test_unknown_request_id_is_not_found(cards_client: fp.CardClient) -> None:
    with pytest.raises(fp.NotFoundError) as caught:
        cards_client.requests.status(rid())
    assert caught.value.code == "REQUEST_NOT_FOUND"


# ------------------------------------------------------------------------------------------ signatures, bodies


def test_a_wrong_secret_is_an_authentication_error_and_nothing_happens(sandbox: Sandbox) -> None:
    card = sandbox.create_card()
    request_id = rid()
    with (
        sandbox.client(secret_key="not-the-secret", retry_policy=FAST) as client,
        pytest.raises(fp.AuthenticationError) as caught,
    ):
        client.cards.block(card.card_id, reason="lost", request_id=request_id)

    assert caught.value.code == "INVALID_SIGNATURE"
    assert card.status == CardStatus.ACTIVE and sandbox.times_processed(request_id) == 0


@pytest.mark.parametrize(
    ("path", "field"),
    [(PATHS["requests.status"], "error_code"), (PATHS["gift_cards.status"], "status")],
)
def test_a_missing_signature_is_refused_in_the_path_s_envelope(sandbox: Sandbox, path: str, field: str) -> None:
    with httpx.Client(transport=sandbox.transport(), base_url="https://sandbox.invalid") as http:
        answer = http.post(path, content=b'{"card_id":1}').json()

    assert answer[field] == {"error_code": "INVALID_SIGNATURE", "status": -11}[field]


def test_a_body_that_is_not_json_is_a_validation_error(sandbox: Sandbox) -> None:
    answer = signed_post(sandbox, PATHS["cards.block"], b"card_id=1").json()
    nested = signed_post(sandbox, PATHS["cards.block"], b"[" * 100_000 + b"]" * 100_000).json()
    constant = signed_post(sandbox, PATHS["cards.block"], b'{"card_id":NaN}').json()
    gift = signed_post(sandbox, PATHS["gift_cards.issue"], b"\xff\xfe").json()

    assert (answer["status"], answer["error_code"]) == ("error", "VALIDATION_ERROR")
    assert nested["error_code"] == constant["error_code"] == "VALIDATION_ERROR"
    assert gift["status"] == -1


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (PATHS["cards.block"], {"request_id": "1", "card_id": "1", "description": "x"}, "request_id"),
        (PATHS["cards.block"], {"request_id": str(uuid.uuid4()), "card_id": "1"}, "description"),
        (PATHS["cards.block"], {"request_id": str(uuid.uuid4()), "card_id": "", "description": "x"}, "card_id"),
        (PATHS["cards.info"], {"request_id": str(uuid.uuid4()), "card_id": "1", "pan": "x"}, "pan"),
        (PATHS["cards.bulk_issue"], {"request_id": str(uuid.uuid4()), "product_id": 1, "quantity": 1}, "product_id"),
        (PATHS["cards.bulk_issue"], {"request_id": str(uuid.uuid4()), "product_id": 1000, "quantity": 0}, "quantity"),
        (PATHS["cards.statement"], {"card_id": "1", "start_date": "2025-01-01"}, "start_date"),
        (PATHS["clients.update_phone"], {"request_id": str(uuid.uuid4()), "client_id": "1", "product_id": 1000,
                                        "client": {"phone": "7700"}}, "client.phone"),
        (PATHS["transactions.create"], {"request_id": str(uuid.uuid4()), "order_id": "o", "card_id": "1",
                                             "amount": 0, "currency": "KZT"}, "amount"),
        (PATHS["transactions.create"], {"request_id": str(uuid.uuid4()), "order_id": "o", "card_id": "1",
                                             "amount": 1, "currency": "kzt"}, "currency"),
    ],
)  # fmt: skip
def test_a_body_breaking_the_schema_is_a_validation_error_naming_the_field(
    sandbox: Sandbox, path: str, body: dict[str, Any], field: str
) -> None:
    answer = signed_post(sandbox, path, fp._core.compact_json(body)).json()

    assert (answer["status"], answer["request_status"], answer["error_code"]) == ("error", "error", "VALIDATION_ERROR")
    assert answer["error_description"].startswith(f"{field}:")
    assert sandbox.requests == {}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"cardholder_name": "", "phone": 77001234567, "product_code": 1}, -2),
        ({"cardholder_name": "A", "phone": 0, "product_code": 1}, -3),
        ({"cardholder_name": "A", "phone": 123, "product_code": 1}, -3),
        ({"cardholder_name": "A", "phone": 77001234567, "product_code": "1"}, -4),
        ({"cardholder_name": "A", "phone": 77001234567, "product_code": 99}, -4),
        ({"cardholder_name": "A", "phone": 77001234567, "product_code": 1, "card_id": 0}, -7),
        ({"cardholder_name": "A", "phone": 77001234567, "product_code": 1, "extra": 1}, -1),
    ],
)
def test_a_bad_gift_request_answers_the_status_of_the_field_at_fault(
    sandbox: Sandbox, body: dict[str, Any], status: int
) -> None:
    answer = signed_post(sandbox, PATHS["gift_cards.issue"], fp._core.compact_json(body)).json()

    assert answer["status"] == status
    assert sandbox.gift_cards == {}


# ------------------------------------------------------------------------------------------ process -> success


def test_an_asynchronous_operation_is_in_process_until_enough_polls() -> None:
    sandbox = Sandbox(process_polls=2)
    with sandbox.client(retry_policy=FAST) as client:
        started = client.cards.bulk_issue(fp.Product.INSTANT_CARD, 3)
        assert started.pending and sandbox.cards == {}

        first = client.requests.status(started.request_id or "")
        second = client.requests.status(started.request_id or "")

    assert first.pending and first.card_ids == ()
    assert second.succeeded and len(second.card_ids) == 3 and set(second.card_ids) == set(sandbox.cards)


def test_wait_polls_until_success_and_returns_the_created_ids(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    started = cards_client.clients.create(2000, phone=77001234567, type=1, resident=1, first_name="A", last_name="B")
    assert started.pending

    done = cards_client.requests.wait(started.request_id or "", interval=0.001, max_interval=0.001)

    assert done.succeeded and done.client_id in sandbox.clients


def test_process_polls_zero_answers_success_at_once() -> None:
    sandbox = Sandbox(process_polls=0)
    with sandbox.client(retry_policy=FAST) as client:
        started = client.cards.bulk_issue(fp.Product.INSTANT_CARD, 1)
        assert started.succeeded and len(sandbox.cards) == 1
        assert client.requests.status(started.request_id or "").card_ids == tuple(sandbox.cards)


def test_settle_finishes_every_pending_operation(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    cards_client.cards.bulk_issue(fp.Product.INSTANT_CARD, 2)
    cards_client.cards.bulk_issue(fp.Product.INSTANT_CARD, 1)

    assert sandbox.settle() == 2
    assert len(sandbox.cards) == 3 and all(r.request_status == "success" for r in sandbox.requests.values())


# ------------------------------------------------------------------------------------------ money


def test_partial_clearing_then_partial_refund_moves_the_money(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    card = sandbox.create_card(balance=1000)
    created = cards_client.transactions.create(card.card_id, 300, "KZT", order_id="order-1", wait=True)
    tx_id = created.transaction_id or ""
    assert created.fin_document_id is not None
    assert (card.balance, card.account.blocked_amount, card.available) == (1000, 300, 700)

    cards_client.transactions.clear(tx_id, order_id="order-1", amount="100")
    assert (card.balance, card.account.blocked_amount) == (900, 200)
    with pytest.raises(fp.ValidationError) as too_much:
        cards_client.transactions.clear(tx_id, order_id="order-1", amount="200.01")
    assert too_much.value.code == "AMOUNT_EXCEEDS_AVAILABLE"
    cards_client.transactions.clear(tx_id, order_id="order-1")  # the rest: 200
    assert (card.balance, card.account.blocked_amount) == (700, 0)

    cards_client.transactions.refund(tx_id, order_id="order-1", amount=Decimal("50.25"))
    assert card.balance == Decimal("750.25")
    tx = sandbox.transactions[tx_id]
    assert (tx.cleared, tx.refunded, tx.status) == (300, Decimal("50.25"), "cleared")


def test_a_refund_never_exceeds_what_was_captured(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    card = sandbox.create_card(balance=1000)
    tx_id = cards_client.transactions.create(card.card_id, 300, "KZT", order_id="o", wait=True).transaction_id or ""
    cards_client.transactions.clear(tx_id, order_id="o", amount=100)
    cards_client.transactions.refund(tx_id, order_id="o", amount=60)

    with pytest.raises(fp.ValidationError) as caught:
        cards_client.transactions.refund(tx_id, order_id="o", amount="40.01")
    cards_client.transactions.refund(tx_id, order_id="o")  # the remaining 40
    with pytest.raises(fp.ValidationError):
        cards_client.transactions.refund(tx_id, order_id="o")

    assert caught.value.code == "AMOUNT_EXCEEDS_AVAILABLE"
    assert sandbox.transactions[tx_id].refunded == 100 and card.balance == 1000


def test_an_authorisation_needs_enough_available_funds(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    card = sandbox.create_card(balance=100)
    with pytest.raises(fp.InsufficientFundsError) as caught:
        cards_client.transactions.create(card.card_id, "100.01", "KZT", order_id="o-2", wait=True)

    assert caught.value.code == "INSUFFICIENT_FUNDS"
    assert card.account.blocked_amount == 0
    info = cards_client.transactions.info(order_id="o-2")
    assert (info.details["status"], info.error_code) == ("declined", "INSUFFICIENT_FUNDS")


def test_an_authorisation_needs_an_active_card(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    card = sandbox.create_card(status="blocked")
    with pytest.raises(fp.ConflictError, match="must be active"):
        cards_client.transactions.create(card.card_id, 1, "KZT", order_id="o-3", wait=True)


def test_transaction_info_finds_a_transaction_by_id_or_order(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    card = sandbox.create_card()
    tx_id = cards_client.transactions.create(card.card_id, 10, "KZT", order_id="o-4", wait=True).transaction_id

    by_id = cards_client.transactions.info(transaction_id=tx_id)
    by_order = cards_client.transactions.info(order_id="o-4")
    with pytest.raises(fp.NotFoundError):
        cards_client.transactions.info(order_id="o-unknown")

    assert by_id.details == by_order.details
    assert by_id.details["transaction_id"] == tx_id and by_id.error_code is None


# ------------------------------------------------------------------------------------------ statements


def test_statements_honour_the_date_range() -> None:
    clock = ManualClock(dt.datetime(2025, 3, 1, 12, tzinfo=UTC))
    sandbox = Sandbox(clock=clock, process_polls=0)
    card = sandbox.create_card()
    with sandbox.client(retry_policy=FAST) as client:
        for day, amount in ((1, 10), (5, 20), (10, 30)):
            clock.now = dt.datetime(2025, 3, day, 12, tzinfo=UTC)
            tx_id = client.transactions.create(card.card_id, amount, "KZT", order_id=f"o{day}", wait=True)
            client.transactions.clear(tx_id.transaction_id or "", order_id=f"o{day}")

        middle = list(client.cards.statement(card.card_id, dt.date(2025, 3, 4), dt.date(2025, 3, 6)))
        everything = list(client.cards.statement(card.card_id))
        extended = client.cards.statement_extended(card.card_id, dt.date(2025, 3, 5), dt.date(2025, 3, 10))

    assert [(op.type, op.amount, op.datetime.day) for op in middle] == [("purchase", 20, 5)]
    assert [op.amount for op in everything] == [10, 20, 30]
    assert [a.amount for a in extended.authorizations] == [20, 30]
    assert [a.amount for a in extended.operations] == [20, 30]
    assert extended.accounts[0].debit == 2 and extended.card_id == card.card_id
    assert all(op.rrn.isdigit() and len(op.rrn) == 12 and op.currency == "KZT" for op in everything)


# ------------------------------------------------------------------------------------------ gift cards


def test_gift_card_flow_issue_wrong_code_confirm_and_confirm_again(
    sandbox: Sandbox, cards_client: fp.CardClient
) -> None:
    products = cards_client.gift_cards.products()
    gift = cards_client.gift_cards.issue(products[0].code, cardholder_name="Aida Nur", phone=77001234567)
    otp = sandbox.last_otp(gift.card_id)
    assert len(otp) == 6 and otp.isdigit()
    wrong = "000000" if otp != "000000" else "111111"

    with pytest.raises(fp.InvalidOTPError):
        cards_client.gift_cards.confirm(wrong, card_id=gift.card_id)
    state = cards_client.gift_cards.confirm(otp, card_id=gift.card_id)
    with pytest.raises(fp.ConflictError):
        cards_client.gift_cards.confirm(otp, card_id=gift.card_id)

    assert state.card_status == fp.GiftCardStatus.ACTIVATED
    assert (state.currency, state.balance) == (products[0].currency, products[0].balance)
    assert state.card_mask is not None and state.card_mask.count("*") == 8
    assert cards_client.gift_cards.status(gift.card_id).card_status == fp.GiftCardStatus.ACTIVATED


def test_resend_code_sends_a_new_code_and_the_old_one_stops_working(
    sandbox: Sandbox, cards_client: fp.CardClient
) -> None:
    gift = cards_client.gift_cards.issue(2, cardholder_name="A", phone=77001234567)
    first = sandbox.last_otp(gift.card_id)

    cards_client.gift_cards.resend_code(gift.card_id)
    cards_client.gift_cards.resend(gift.card_id)

    second = sandbox.last_otp(gift.card_id)
    assert second != first
    assert (sandbox.gift_cards[gift.card_id].code_resends, sandbox.gift_cards[gift.card_id].resends) == (1, 1)
    with pytest.raises(fp.InvalidOTPError):
        cards_client.gift_cards.confirm(first, card_id=gift.card_id)
    assert cards_client.gift_cards.confirm(second).card_status == fp.GiftCardStatus.ACTIVATED


def test_an_unknown_gift_card_is_not_found(cards_client: fp.CardClient) -> None:
    with pytest.raises(fp.NotFoundError) as caught:
        cards_client.gift_cards.status(999)
    assert caught.value.code == -7


# ------------------------------------------------------------------------------------------ determinism


def _script(sandbox: Sandbox) -> list[bytes]:
    ids = iter(uuid.UUID(int=n) for n in range(1, 100))
    seen: list[bytes] = []
    http = httpx.Client(transport=sandbox.transport(), event_hooks={"response": [lambda r: seen.append(r.read())]})
    with http, fp.CardClient(
        sandbox.auth_id, sandbox.secret_key, base_url="https://sandbox.invalid", http_client=http,
        retry_policy=FAST, request_id_factory=lambda: next(ids),
    ) as client:  # fmt: skip
        issued = client.cards.issue(1000, first_name="A", last_name="B", phone=77001234567, country="KAZ",
                                    person_id="1", wait=True)  # fmt: skip
        card_id = issued.card_ids[0]
        client.cards.activate(card_id)
        client.cards.secret_data(card_id)
        client.transactions.create(card_id, 5, "KZT", order_id="o", wait=True)
        client.cards.statement_extended(card_id, dt.date(2025, 1, 1), dt.date(2025, 1, 2))
        gift = client.gift_cards.issue(1, cardholder_name="A", phone=77001234567)
        client.gift_cards.confirm(sandbox.last_otp(gift.card_id), card_id=gift.card_id)
    return seen


def test_same_seed_and_clock_give_byte_identical_answers() -> None:
    def make(seed: int) -> Sandbox:
        return Sandbox(seed=seed, clock=ManualClock(step=dt.timedelta(seconds=1)))

    first, again, other = _script(make(7)), _script(make(7)), _script(make(8))

    assert first == again and len(first) == 9
    assert first != other
