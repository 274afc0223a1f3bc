"""The sandbox plays the cardholder and the merchant (issue 21, items 6-8): simulated purchases, refunds
and reversals move the balance, show in the statements, honour limits and card states; the same over the
served sandbox's reserved paths; seeded clients; the gift-card codes it "sends"; its messages."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import freedompay_cards as fp
from freedompay_cards.sandbox import (
    RESERVED_PREFIX,
    ROUTES,
    CardStatus,
    ManualClock,
    Sandbox,
    SimulationError,
    SimulationKind,
    remote_simulate,
)
from freedompay_cards.sandbox.__main__ import serve
from tests.processes import interruptible

FAST = fp.RetryPolicy(max_retries=2, base=0.001, cap=0.01)
DAY = dt.date.today()


def daily_limit(amount: str, *, transaction_type: str = "pay", period: str | None = "day") -> fp.Limit:
    return fp.Limit(transaction_type, [fp.LimitAmount(Decimal(amount), "KZT")], period=period)


def whole_day() -> tuple[dt.datetime, dt.datetime]:
    now = dt.datetime.now(dt.UTC)
    return now - dt.timedelta(days=1), now + dt.timedelta(days=1)


# ------------------------------------------------------------------------------------------ purchases


def test_a_purchase_lowers_the_balance_and_shows_in_both_statements(
    sandbox: Sandbox, cards_client: fp.CardClient
) -> None:
    card = sandbox.create_card(balance="1000.00")

    event = sandbox.simulate_purchase(card.card_id, "250.50", merchant="Coffee House")

    assert event.approved and event.decline_code is None and event.kind == SimulationKind.PURCHASE
    assert event.balance_after == Decimal("749.50") == card.balance
    assert cards_client.cards.balance(card.card_id).accounts[0].amount == Decimal("749.50")
    [operation] = list(cards_client.cards.statement(card.card_id))
    assert (operation.type, operation.amount, operation.merchant["name"]) == (
        "purchase",
        Decimal("250.50"),
        "Coffee House",
    )
    extended = cards_client.cards.statement_extended(card.card_id, *whole_day())
    assert [a.type for a in extended.authorizations] == ["authorization"]
    assert [o.type for o in extended.operations] == ["purchase"]


def test_a_limit_of_50_a_day_declines_a_60_purchase_and_moves_nothing(
    sandbox: Sandbox, cards_client: fp.CardClient
) -> None:
    card = sandbox.create_card(balance="1000")
    cards_client.limits.set(fp.LimitScope.CARD, card.card_id, [daily_limit("50")])

    event = sandbox.simulate_purchase(card.card_id, 60)

    assert not event.approved and event.decline_code == "LIMIT_EXCEEDED"
    assert "60.00 KZT is over the card's limit of 50.00 KZT a day" in (event.decline_reason or "")
    assert card.balance == Decimal("1000") == event.balance_after
    assert list(cards_client.cards.statement(card.card_id)) == []
    [declined] = cards_client.cards.statement_extended(card.card_id, *whole_day()).authorizations
    assert declined.type == "declined"
    assert declined.additional_parameters == ({"key": "decline_code", "value": "LIMIT_EXCEEDED"},)


def test_a_daily_limit_counts_what_was_spent_that_day_and_a_new_day_starts_afresh() -> None:
    clock = ManualClock(dt.datetime(2025, 3, 1, 9, tzinfo=dt.UTC))
    sandbox = Sandbox(clock=clock)
    card = sandbox.create_card()
    with sandbox.client(retry_policy=FAST) as client:
        client.limits.set("card", card.card_id, [daily_limit("50")])

    assert sandbox.simulate_purchase(card.card_id, 30).approved
    second = sandbox.simulate_purchase(card.card_id, 30)
    assert second.decline_code == "LIMIT_EXCEEDED" and "(30.00 already spent)" in (second.decline_reason or "")
    assert sandbox.simulate_purchase(card.card_id, 20).approved  # exactly up to the limit
    clock.advance(days=1)
    assert sandbox.simulate_purchase(card.card_id, 50).approved


def test_limits_of_the_client_count_all_its_cards_and_other_currencies_or_types_do_not_apply(
    sandbox: Sandbox, cards_client: fp.CardClient
) -> None:
    holder = sandbox.create_client()
    first, second = (sandbox.create_card(client_id=holder.client_id) for _ in range(2))
    cards_client.limits.set(
        fp.LimitScope.CLIENT,
        holder.client_id,
        [
            daily_limit("100"),
            daily_limit("1", transaction_type="withdrawal_atm"),  # not a purchase
            fp.Limit("pay", [fp.LimitAmount(Decimal("1"), "USD")], period="week"),  # another currency
        ],
    )

    assert sandbox.simulate_purchase(first.card_id, 70).approved
    assert sandbox.simulate_purchase(second.card_id, 40).decline_code == "LIMIT_EXCEEDED"
    assert sandbox.simulate_purchase(second.card_id, 30).approved


def test_a_limit_without_period_bounds_each_purchase_alone(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    card = sandbox.create_card()
    cards_client.limits.set(fp.LimitScope.ACCOUNT, card.account.iban, [daily_limit("50", period=None)])

    assert [sandbox.simulate_purchase(card.card_id, 40).approved for _ in range(3)] == [True, True, True]
    assert "per transaction" in (sandbox.simulate_purchase(card.card_id, 51).decline_reason or "")


def test_a_transaction_created_over_a_daily_limit_is_refused_with_limit_exceeded(
    sandbox: Sandbox, cards_client: fp.CardClient
) -> None:
    card = sandbox.create_card()
    cards_client.limits.set(fp.LimitScope.CARD, card.card_id, [daily_limit("50")])

    with pytest.raises(fp.InsufficientFundsError) as caught:
        cards_client.transactions.create(card.card_id, 60, "KZT", order_id="ORDER-60", wait=True)

    assert caught.value.code == "LIMIT_EXCEEDED" and card.account.blocked_amount == 0
    cards_client.transactions.create(card.card_id, 50, "KZT", order_id="ORDER-50", wait=True)
    assert sandbox.simulate_purchase(card.card_id, 1).decline_code == "LIMIT_EXCEEDED"  # the hold counts


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (CardStatus.BLOCKED, "CARD_BLOCKED"),
        (CardStatus.CLOSED, "CARD_CLOSED"),
        (CardStatus.ISSUED, "CARD_NOT_ACTIVE"),
    ],
)
def test_a_card_that_is_not_active_declines_a_purchase(sandbox: Sandbox, status: CardStatus, code: str) -> None:
    card = sandbox.create_card(status=status, balance="500")

    event = sandbox.simulate_purchase(card.card_id, "10")

    assert (event.approved, event.decline_code, card.balance) == (False, code, Decimal("500"))


def test_a_card_blocked_through_the_api_declines_and_unblocked_approves(
    sandbox: Sandbox, cards_client: fp.CardClient
) -> None:
    card = sandbox.create_card()
    cards_client.cards.block(card.card_id, reason="lost")
    assert sandbox.simulate_purchase(card.card_id, 10).decline_code == "CARD_BLOCKED"
    cards_client.cards.unblock(card.card_id, reason="found")
    assert sandbox.simulate_purchase(card.card_id, 10).approved


def test_funds_and_currency_decline_a_purchase(sandbox: Sandbox) -> None:
    card = sandbox.create_card(balance="20")

    assert sandbox.simulate_purchase(card.card_id, "20.01").decline_code == "INSUFFICIENT_FUNDS"
    assert sandbox.simulate_purchase(card.card_id, 5, currency="USD").decline_code == "CURRENCY_MISMATCH"
    assert sandbox.simulate_purchase(card.card_id, 20).balance_after == 0


# ------------------------------------------------------------------------------------------ refunds, reversals


def test_a_reversal_restores_the_balance_and_the_limit(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    card = sandbox.create_card(balance="100")
    cards_client.limits.set(fp.LimitScope.CARD, card.card_id, [daily_limit("50")])
    purchase = sandbox.simulate_purchase(card.card_id, 50)

    reversal = sandbox.simulate_reversal(purchase.event_id)

    assert reversal.approved and reversal.reverses == purchase.event_id and card.balance == Decimal("100")
    assert [o.type for o in cards_client.cards.statement(card.card_id)] == ["purchase", "reversal"]
    assert sandbox.simulate_purchase(card.card_id, 50).approved  # the reversed 50 no longer counts


def test_a_merchant_refund_raises_the_balance_even_on_a_blocked_card(
    sandbox: Sandbox, cards_client: fp.CardClient
) -> None:
    card = sandbox.create_card(balance="100", status=CardStatus.BLOCKED)

    refund = sandbox.simulate_refund(card.card_id, "15.25", merchant="Shoe Shop")

    assert refund.approved and refund.kind == SimulationKind.REFUND and card.balance == Decimal("115.25")
    [operation] = list(cards_client.cards.statement(card.card_id))
    assert (operation.type, operation.amount) == ("refund", Decimal("15.25"))
    extended = cards_client.cards.statement_extended(card.card_id, *whole_day())
    assert (extended.accounts[0].debit, extended.accounts[0].credit) == (0, 1)


def test_only_an_approved_purchase_can_be_reversed_and_only_once(sandbox: Sandbox) -> None:
    card = sandbox.create_card(balance="10")
    purchase = sandbox.simulate_purchase(card.card_id, 5)
    declined = sandbox.simulate_purchase(card.card_id, 50)
    refund = sandbox.simulate_refund(card.card_id, 1)
    sandbox.simulate_reversal(purchase.event_id)

    for event_id, code in [
        (purchase.event_id, "NOT_REVERSIBLE"),
        (declined.event_id, "NOT_REVERSIBLE"),
        (refund.event_id, "NOT_REVERSIBLE"),
        ("99999999", "EVENT_NOT_FOUND"),
    ]:
        with pytest.raises(SimulationError) as caught:
            sandbox.simulate_reversal(event_id)
        assert caught.value.code == code
    assert card.balance == Decimal("11")


@pytest.mark.parametrize(
    ("amount", "error"),
    [
        (0, ValueError),
        (-5, ValueError),
        ("1.001", ValueError),
        ("abc", ValueError),
        ("NaN", ValueError),
        (10**13, ValueError),
        (1.5, TypeError),
        (None, TypeError),
        (True, TypeError),
    ],
)
def test_a_bad_amount_is_refused_before_anything_moves(sandbox: Sandbox, amount: object, error: type) -> None:
    card = sandbox.create_card()
    with pytest.raises(error, match="amount"):
        sandbox.simulate_purchase(card.card_id, amount)  # type: ignore[arg-type]
    assert sandbox.events == {} and card.balance == Decimal("100000.00")


def test_an_unknown_card_is_an_error_not_a_decline(sandbox: Sandbox) -> None:
    with pytest.raises(SimulationError, match="card 123 not found") as caught:
        sandbox.simulate_purchase("123", 1)
    assert caught.value.code == "CARD_NOT_FOUND" and isinstance(caught.value, ValueError)


# ------------------------------------------------------------------------------------------ over HTTP


def test_the_reserved_paths_are_no_api_path() -> None:
    assert not [path for path in ROUTES if path.startswith(RESERVED_PREFIX)]


def test_simulations_over_the_served_sandbox(sandbox: Sandbox) -> None:
    card = sandbox.create_card(balance="100")
    with sandbox.serve() as server:
        call = {"base_url": server.url, "auth_id": sandbox.auth_id, "secret_key": sandbox.secret_key}
        bought = remote_simulate(**call, action="purchase", card_id=card.card_id, amount=Decimal("60.10"))
        reversed_ = remote_simulate(**call, action="reversal", event_id=bought["event_id"])
        refunded = remote_simulate(**call, action="refund", card_id=card.card_id, amount="5", merchant="M")
        declined = remote_simulate(**call, action="purchase", card_id=card.card_id, amount=1000)
        seeded = remote_simulate(**call, action="populate", clients=2)
        with pytest.raises(SimulationError) as unknown:
            remote_simulate(**call, action="purchase", card_id="404", amount=1)
        with pytest.raises(SimulationError) as bad_amount:
            remote_simulate(**call, action="purchase", card_id=card.card_id, amount="0.001")
        with pytest.raises(SimulationError) as forged:
            remote_simulate(**{**call, "secret_key": "wrong"}, action="purchase", card_id=card.card_id, amount=1)

    assert (bought["approved"], bought["amount"], bought["balance_after"]) == (True, "60.10", "39.90")
    assert (reversed_["kind"], reversed_["reverses"], reversed_["balance_after"]) == (
        "reversal",
        bought["event_id"],
        "100.00",
    )
    assert (refunded["merchant"], refunded["balance_after"]) == ("M", "105.00")
    assert (declined["approved"], declined["decline_code"]) == (False, "INSUFFICIENT_FUNDS")
    assert len(seeded["clients"]) == 2 and all(len(c["card_ids"]) == 1 for c in seeded["clients"])
    assert (unknown.value.code, bad_amount.value.code, forged.value.code) == (
        "CARD_NOT_FOUND",
        "VALIDATION_ERROR",
        "INVALID_SIGNATURE",
    )
    assert card.balance == Decimal("105.00")


def test_a_reserved_path_refuses_unknown_actions_and_fields(sandbox: Sandbox) -> None:
    card = sandbox.create_card()
    with sandbox.serve() as server:
        call = {"base_url": server.url, "auth_id": sandbox.auth_id, "secret_key": sandbox.secret_key}
        with pytest.raises(SimulationError, match="unknown field colour"):
            remote_simulate(**call, action="purchase", card_id=card.card_id, amount=1, colour="red")
        with pytest.raises(SimulationError, match="missing amount"):
            remote_simulate(**call, action="purchase", card_id=card.card_id)
    with pytest.raises(ValueError, match="action must be one of"):
        remote_simulate("http://127.0.0.1:9", "a", "s", "steal")
    assert sandbox.events == {}


# ------------------------------------------------------------------------------------------ seeds, codes


def test_populate_makes_clients_each_with_an_active_card(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    seeded = sandbox.populate(3)

    assert len(seeded) == 3 and len({c.client_id for c in seeded}) == 3
    for client in seeded:
        [card_id] = client.card_ids
        assert sandbox.cards[card_id].status == CardStatus.ACTIVE
        assert [c.card_id for c in cards_client.clients.list_cards(client.client_id)] == [card_id]
        assert sandbox.simulate_purchase(card_id, 1).approved
    with pytest.raises(ValueError, match="clients"):
        sandbox.populate(-1)


def test_the_gift_card_codes_sent_are_readable(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    gift = cards_client.gift_cards.issue(1, cardholder_name="A", phone=77001234567)
    cards_client.gift_cards.resend_code(gift.card_id)

    assert [(s.number, s.phone, s.card_id) for s in sandbox.sent_otps] == [
        (1, 77001234567, gift.card_id),
        (2, 77001234567, gift.card_id),
    ]
    code = sandbox.otp_for("+77001234567")
    assert code == sandbox.last_otp(gift.card_id) and code not in repr(sandbox.sent_otps)
    assert cards_client.gift_cards.confirm(code, card_id=gift.card_id).card_status == fp.GiftCardStatus.ACTIVATED
    with pytest.raises(LookupError):
        sandbox.otp_for(77000000000)


def test_the_served_sandbox_prints_its_seeded_clients_and_each_code_it_sends() -> None:
    args = "argparse.Namespace(host='127.0.0.1', port=0, auth_id='sandbox', secret_key='sandbox-secret', " + (
        "process_polls=0, seed=0, allow_remote=False, populate=2)"
    )
    script = f"import argparse, sys; from freedompay_cards.sandbox.__main__ import serve; sys.exit(serve({args}))"
    process = interruptible(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split(" on ")[1].strip()
        banner = [process.stdout.readline() for _ in range(4)]
        with fp.CardClient(auth_id="sandbox", secret_key="sandbox-secret", base_url=url, retry_policy=FAST) as client:
            gift = client.gift_cards.issue(1, cardholder_name="A", phone=77001234567)
        process.send_signal(signal.SIGTERM)
        rest, _ = process.communicate(timeout=20)
    finally:
        process.kill()
        process.wait()

    assert [line.split()[0] for line in banner[2:]] == ["client", "client"]
    assert "card 10000001 (active)" in banner[2] and "card 10000002 (active)" in banner[3]
    sms = [line for line in rest.splitlines() if line.startswith("sms to")]
    assert len(sms) == 1 and sms[0].startswith(f"sms to 77001234567: gift card {gift.card_id} code ")
    assert process.returncode == 0


def test_serve_refuses_a_populate_it_cannot_make() -> None:
    from io import StringIO

    err = StringIO()
    args = argparse.Namespace(
        host="127.0.0.1",
        port=0,
        auth_id="a",
        secret_key="s",
        process_polls=0,
        seed=0,
        allow_remote=False,
        populate=10**6,
    )

    assert serve(args, out=StringIO(), err=err) == 2 and "clients" in err.getvalue()


# ------------------------------------------------------------------------------------------ messages


def test_a_refund_before_clearing_says_to_clear_first(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    card = sandbox.create_card()
    created = cards_client.transactions.create(card.card_id, 100, "KZT", order_id="O-1", wait=True)
    assert created.transaction_id is not None

    with pytest.raises(fp.ValidationError, match="has nothing cleared yet: clear it first"):
        cards_client.transactions.refund(created.transaction_id, order_id="O-1")
    cards_client.transactions.clear(created.transaction_id, order_id="O-1", amount=40)
    with pytest.raises(fp.ValidationError, match=r"amount 70\.00 exceeds the 40\.00 still refundable"):
        cards_client.transactions.refund(created.transaction_id, order_id="O-1", amount=70)
    with pytest.raises(fp.ValidationError, match=r"amount 61\.00 exceeds the 60\.00 not yet cleared"):
        cards_client.transactions.clear(created.transaction_id, order_id="O-1", amount=61)


def test_amounts_in_messages_are_decimals_not_floats(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    card = sandbox.create_card(balance="100")
    with pytest.raises(fp.InsufficientFundsError, match=r"available 100\.00 is less than 1000000\.00"):
        cards_client.transactions.create(card.card_id, 1_000_000, "KZT", order_id="O-2", wait=True)


def test_a_wrong_state_message_uses_the_right_article(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    card = sandbox.create_card()
    with pytest.raises(fp.ConflictError, match="only a blocked card can be unblocked"):
        cards_client.cards.unblock(card.card_id, reason="x")
    with pytest.raises(fp.ConflictError, match="only an issued card can be activated"):
        cards_client.cards.activate(card.card_id)


# ------------------------------------------------------------------------------------------ the docs page


def test_the_sandbox_page_names_every_code_the_sandbox_uses() -> None:
    root = Path(__file__).parent.parent
    sources = "".join(
        (root / "facade/freedompay_cards/sandbox" / name).read_text(encoding="utf-8")
        for name in ("_world.py", "_app.py")
    )
    used = set(re.findall(r'(?:Refused|SimulationError)\(\s*"([A-Z_]+)"', sources))
    used |= set(re.findall(r'_reject\(\s*\w+,\s*\w+,\s*"([A-Z_]+)"', sources))
    page = (root / "docs/reference/sandbox.md").read_text(encoding="utf-8")

    assert {"CARD_BLOCKED", "LIMIT_EXCEEDED", "INVALID_SIGNATURE", "EVENT_NOT_FOUND"} <= used  # the scan works
    assert sorted(code for code in used if f"`{code}`" not in page) == []
    assert "`order_id` must match" in page and "issued ──activate──▶ active" in page
