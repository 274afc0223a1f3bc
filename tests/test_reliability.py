"""Retries that never apply an operation twice, over real loopback sockets against the sandbox server.

Each scenario injects one failure and asserts from the sandbox's own records: how many times the
operation was applied, that every attempt carried the same request_id, what the caller got, and how
many attempts were made.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

import freedompay_cards as fp
from freedompay_cards.sandbox import Fault, Sandbox
from tests.spec_tools import PATHS

FAST = fp.RetryPolicy(max_retries=2, base=0.001, cap=0.01)
CARD_PATHS = {
    "cards.block": PATHS["cards.block"],
    "cards.close": PATHS["cards.close"],
    "cards.activate": PATHS["cards.activate"],
    "cards.info": PATHS["cards.info"],
    "transactions.refund": PATHS["transactions.refund"],
    "transactions.create": PATHS["transactions.create"],
    "gift_cards.issue": PATHS["gift_cards.issue"],
}
STATUS_PATH = PATHS["requests.status"]


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox(process_polls=0, seed=7)


@pytest.fixture
def server(sandbox: Sandbox) -> Iterator[Any]:
    with sandbox.serve(host="127.0.0.1", port=0) as running:
        yield running


@pytest.fixture
def client(sandbox: Sandbox, server: Any) -> Iterator[fp.CardClient]:
    with fp.CardClient(sandbox.auth_id, sandbox.secret_key, base_url=server.url, timeout=0.5, retry_policy=FAST) as c:
        yield c


def attempts_at(sandbox: Sandbox, operation: str) -> list[Any]:
    return [entry for entry in sandbox.log if entry.path == CARD_PATHS[operation]]


def status_queries(sandbox: Sandbox) -> list[Any]:
    return [entry for entry in sandbox.log if entry.path == STATUS_PATH]


def test_connection_dropped_after_processing_is_reconciled_not_resent(sandbox: Sandbox, client: fp.CardClient) -> None:
    card = sandbox.create_card()
    sandbox.inject("cards.block", Fault.drop_after())
    result = client.cards.block(card.card_id, reason="lost")
    assert result.succeeded and result.reconciled
    assert sandbox.times_processed(result.request_id) == 1
    assert sandbox.cards[card.card_id].status == "blocked"
    (attempt,) = attempts_at(sandbox, "cards.block")  # the re-send was never needed
    assert attempt.request_id == result.request_id
    assert [q.request_id for q in status_queries(sandbox)] == [result.request_id]


def test_read_timeout_after_processing_is_reconciled(sandbox: Sandbox, server: Any) -> None:
    card = sandbox.create_card()
    sandbox.inject("cards.close", Fault.timeout_after(hold=1.0))
    with fp.CardClient(sandbox.auth_id, sandbox.secret_key, base_url=server.url, timeout=0.2, retry_policy=FAST) as c:
        result = c.cards.close(card.card_id, reason="customer request")
    assert result.succeeded and result.reconciled
    assert sandbox.times_processed(result.request_id) == 1
    assert sandbox.cards[card.card_id].status == "closed"
    assert len(attempts_at(sandbox, "cards.close")) == 1


def test_503_twice_then_success(sandbox: Sandbox, client: fp.CardClient) -> None:
    card = sandbox.create_card(status="issued")
    sandbox.inject("cards.activate", Fault.http(503), times=2)
    result = client.cards.activate(card.card_id)
    attempts = attempts_at(sandbox, "cards.activate")
    assert result.succeeded and not result.reconciled
    assert len(attempts) == 3 and {a.request_id for a in attempts} == {result.request_id}
    assert sandbox.times_processed(result.request_id) == 1
    # a 503 without Retry-After may hide a processed request: Request status was asked before each re-send
    assert len(status_queries(sandbox)) == 2


def test_429_with_retry_after_waits_and_needs_no_reconciliation(sandbox: Sandbox, client: fp.CardClient) -> None:
    card = sandbox.create_card()
    sandbox.inject("cards.block", Fault.http(429, retry_after=1))
    started = time.monotonic()
    result = client.cards.block(card.card_id, reason="lost")
    assert time.monotonic() - started >= 1.0  # Retry-After honoured, not the 0.01 s backoff
    assert result.succeeded and len(attempts_at(sandbox, "cards.block")) == 2
    assert status_queries(sandbox) == []  # 429 means the request was turned away
    assert sandbox.times_processed(result.request_id) == 1


def test_garbage_200_after_processing_is_reconciled(sandbox: Sandbox, client: fp.CardClient) -> None:
    card = sandbox.create_card()
    created = client.transactions.create(card.card_id, Decimal("50.00"), "KZT", order_id="o-1", wait=True)
    client.transactions.clear(created.transaction_id, order_id="o-1")
    sandbox.inject("transactions.refund", Fault.garbage())
    result = client.transactions.refund(created.transaction_id, order_id="o-1", amount=Decimal("20.00"))
    assert result.succeeded and result.reconciled
    assert sandbox.times_processed(result.request_id) == 1
    assert sandbox.transactions[created.transaction_id].refunded == Decimal("20.00")


def test_an_api_error_answer_is_not_retried(sandbox: Sandbox, client: fp.CardClient) -> None:
    card = sandbox.create_card(status="closed")
    with pytest.raises(fp.ConflictError) as info:
        client.cards.block(card.card_id, reason="lost")
    assert info.value.attempts == 1 and len(attempts_at(sandbox, "cards.block")) == 1
    assert info.value.code == "CARD_CLOSED" and info.value.request_id


def test_duplicate_rejection_of_our_own_resend_is_reconciled_never_surfaced(
    sandbox: Sandbox, client: fp.CardClient
) -> None:
    card = sandbox.create_card()
    sandbox.inject("cards.block", Fault.drop_after())  # applied, answer lost
    sandbox.inject(STATUS_PATH, Fault.drop_before())  # and the first status query fails too
    result = client.cards.block(card.card_id, reason="lost")
    attempts = attempts_at(sandbox, "cards.block")
    assert result.succeeded and result.reconciled
    assert len(attempts) == 2 and attempts[1].error_code == "DUPLICATE_REQUEST_ID"  # the re-send proved it arrived
    assert sandbox.times_processed(result.request_id) == 1


def test_operation_without_request_id_is_resent_only_when_it_surely_never_arrived(
    sandbox: Sandbox, client: fp.CardClient
) -> None:
    product = client.gift_cards.products()[0].code
    sandbox.inject("gift_cards.issue", Fault.http(429))  # turned away: surely not applied
    issued = client.gift_cards.issue(product, cardholder_name="Aida", phone="77001234567")
    assert len(attempts_at(sandbox, "gift_cards.issue")) == 2 and issued.card_id in sandbox.gift_cards

    # over a real socket a connection closed mid-request may or may not have been applied: no blind re-send
    for fault in (Fault.drop_before(), Fault.drop_after()):
        sandbox.inject("gift_cards.issue", fault)
        with pytest.raises(fp.APIConnectionError) as info:
            client.gift_cards.issue(product, cardholder_name="Aida", phone="77001234567")
        assert info.value.outcome_unknown and info.value.attempts == 1 and info.value.request_id is None
    assert len(attempts_at(sandbox, "gift_cards.issue")) == 4
    assert len(sandbox.gift_cards) == 2  # the first issue, and the one drop_after applied


def test_connection_refused_is_retried_even_without_request_id(sandbox: Sandbox) -> None:
    import socket

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with (
        fp.CardClient(sandbox.auth_id, sandbox.secret_key, base_url=url, retry_policy=FAST) as c,
        pytest.raises(fp.APIConnectionError) as info,
    ):
        c.gift_cards.issue(1, cardholder_name="Aida", phone="77001234567")
    assert info.value.attempts == 3 and not info.value.outcome_unknown


def test_when_every_attempt_fails_the_error_says_so(sandbox: Sandbox, client: fp.CardClient) -> None:
    card = sandbox.create_card()
    sandbox.inject("cards.block", Fault.http(503), times=3)
    with pytest.raises(fp.ServerError) as info:
        client.cards.block(card.card_id, reason="lost")
    err = info.value
    assert err.attempts == 3 and err.outcome_unknown and err.request_id
    assert "attempts=3" in str(err) and "outcome unknown" in str(err) and err.request_id in str(err)
    assert {a.request_id for a in attempts_at(sandbox, "cards.block")} == {err.request_id}
    assert sandbox.cards[card.card_id].status == "active"
    with pytest.raises(fp.NotFoundError):  # asked later, the API confirms nothing was applied
        client.requests.status(err.request_id)


def test_max_retries_zero_disables_retries(sandbox: Sandbox, client: fp.CardClient) -> None:
    card = sandbox.create_card()
    sandbox.inject("cards.block", Fault.http(503))
    with pytest.raises(fp.ServerError):
        client.cards.block(card.card_id, reason="lost", max_retries=0)
    assert len(attempts_at(sandbox, "cards.block")) == 1


def test_a_read_resent_after_a_lost_answer_gets_a_fresh_request_id(sandbox: Sandbox, client: fp.CardClient) -> None:
    card = sandbox.create_card()
    sandbox.inject("cards.info", Fault.drop_after())
    info = client.cards.info(card.card_id)
    attempts = attempts_at(sandbox, "cards.info")
    assert info.card_id == card.card_id
    assert [a.error_code for a in attempts] == [None, None]  # never re-sent under a request_id already seen
    assert attempts[0].request_id != attempts[1].request_id == info.request_id


async def test_async_client_reconciles_the_same_way(sandbox: Sandbox, server: Any) -> None:
    card = sandbox.create_card()
    sandbox.inject("cards.block", Fault.drop_after())
    async with fp.AsyncCardClient(sandbox.auth_id, sandbox.secret_key, base_url=server.url, retry_policy=FAST) as c:
        result = await c.cards.block(card.card_id, reason="lost")
    assert result.succeeded and result.reconciled and sandbox.times_processed(result.request_id) == 1
    assert len(attempts_at(sandbox, "cards.block")) == 1


async def test_async_cancellation_during_backoff_leaves_nothing_half_done(sandbox: Sandbox, server: Any) -> None:
    import asyncio

    card = sandbox.create_card()
    sandbox.inject("cards.block", Fault.http(503, retry_after=30))
    async with fp.AsyncCardClient(sandbox.auth_id, sandbox.secret_key, base_url=server.url) as c:
        task = asyncio.create_task(c.cards.block(card.card_id, reason="lost"))
        for _ in range(500):  # until the first attempt has been answered 503 (5 s at most)
            if attempts_at(sandbox, "cards.block"):
                break
            await asyncio.sleep(0.01)  # polling another thread's record: no event to wait on
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert sandbox.cards[card.card_id].status == "active"  # the 503 applied nothing, and nothing followed
        assert len(attempts_at(sandbox, "cards.block")) == 1
        result = await c.cards.block(card.card_id, reason="lost")  # the client is still usable
        assert result.succeeded


FAULTS = [
    Fault.drop_before,
    Fault.drop_after,
    lambda: Fault.timeout_after(hold=0.4),
    lambda: Fault.http(503),
    lambda: Fault.http(502),
    Fault.garbage,
]


def test_soak_500_transactions_with_20_percent_faults_lose_and_double_nothing(sandbox: Sandbox, server: Any) -> None:
    rng = random.Random(20261123)
    card = sandbox.create_card(balance=Decimal("100000.00"))
    started = time.monotonic()
    outcomes: dict[str, fp.OperationResult] = {}
    faulted = 0
    with fp.CardClient(
        sandbox.auth_id, sandbox.secret_key, base_url=server.url, timeout=0.25,
        retry_policy=fp.RetryPolicy(max_retries=3, base=0.001, cap=0.005),
    ) as client:  # fmt: skip
        for n in range(500):
            if rng.random() < 0.2:
                faulted += 1
                sandbox.inject("transactions.create", rng.choice(FAULTS)())
            result = client.transactions.create(card.card_id, Decimal("1.25"), "KZT", order_id=f"soak-{n}")
            outcomes[result.request_id] = result
            assert time.monotonic() - started < 120, "soak took too long"
    assert 80 <= faulted <= 120
    assert len(outcomes) == 500 and all(r.request_status in ("success", "process") for r in outcomes.values())
    assert all(sandbox.times_processed(rid) == 1 for rid in outcomes)  # zero doubled
    applied = [t for t in sandbox.transactions.values() if t.card_id == card.card_id]
    assert len(applied) == 500  # zero lost
    assert sum((t.amount for t in applied), Decimal(0)) == Decimal("625.00")
