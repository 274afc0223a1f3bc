"""Injected faults through the in-process transport: the client retries, reconciles through Request status,
and nothing is ever applied twice (``times_processed`` is the evidence)."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest

import freedompay_cards as fp
from freedompay_cards.sandbox import CardStatus, Fault, Sandbox
from tests.spec_tools import PATHS

FAST = fp.RetryPolicy(max_retries=2, base=0.001, cap=0.01)


def block_and_check(sandbox: Sandbox, client: fp.CardClient) -> fp.OperationResult:
    card = sandbox.create_card()
    request_id = str(uuid.uuid4())
    result = client.cards.block(card.card_id, reason="lost", request_id=request_id)
    assert card.status == CardStatus.BLOCKED
    assert sandbox.times_processed(request_id) == 1
    assert result.request_id == request_id and result.succeeded
    return result


def faults_seen(sandbox: Sandbox) -> list[tuple[str, str | None, bool]]:
    return [(e.path.rsplit("/", 1)[-1], e.fault, e.processed) for e in sandbox.log]


def test_drop_before_is_not_applied_and_the_retry_applies_it_once(
    sandbox: Sandbox, cards_client: fp.CardClient
) -> None:
    sandbox.inject("cards.block", Fault.drop_before())

    result = block_and_check(sandbox, cards_client)

    assert not result.reconciled
    assert faults_seen(sandbox) == [("block", "drop_before", False), ("block", None, True)]


def test_drop_after_is_applied_and_reconciled_without_a_second_send(
    sandbox: Sandbox, cards_client: fp.CardClient
) -> None:
    sandbox.inject("cards.block", Fault.drop_after())

    result = block_and_check(sandbox, cards_client)

    assert result.reconciled
    assert faults_seen(sandbox) == [("block", "drop_after", True), ("status", None, True)]


def test_timeout_after_is_applied_and_reconciled(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    sandbox.inject(PATHS["cards.block"], Fault.timeout_after())

    assert block_and_check(sandbox, cards_client).reconciled


def test_garbage_200_is_applied_and_reconciled(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    sandbox.inject("cards.block", Fault.garbage())

    assert block_and_check(sandbox, cards_client).reconciled


def test_http_503_with_retry_after_is_not_applied_and_simply_resent(
    sandbox: Sandbox, cards_client: fp.CardClient
) -> None:
    sandbox.inject("cards.block", Fault.http(503, retry_after=0))

    result = block_and_check(sandbox, cards_client)

    assert not result.reconciled
    assert faults_seen(sandbox) == [("block", "http_503", False), ("block", None, True)]


def test_http_503_without_retry_after_is_checked_through_request_status_first(
    sandbox: Sandbox, cards_client: fp.CardClient
) -> None:
    sandbox.inject("cards.block", Fault.http(503))

    block_and_check(sandbox, cards_client)

    assert faults_seen(sandbox) == [("block", "http_503", False), ("status", None, False), ("block", None, True)]


def test_http_429_every_time_ends_in_rate_limit_error_with_retry_after(sandbox: Sandbox) -> None:
    card = sandbox.create_card()
    sandbox.inject("cards.block", Fault.http(429, retry_after="0"), times=3)

    with sandbox.client(retry_policy=FAST) as client, pytest.raises(fp.RateLimitError) as caught:
        client.cards.block(card.card_id, reason="lost")

    assert caught.value.attempts == 3 and caught.value.retry_after == 0
    assert card.status == CardStatus.ACTIVE and sandbox.pending_faults == 0


def test_a_short_delay_is_just_a_slow_answer(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    sandbox.inject("cards.block", Fault.delay(0.05))
    started = time.monotonic()

    result = block_and_check(sandbox, cards_client)

    assert time.monotonic() - started >= 0.05 and not result.reconciled


def test_a_delay_beyond_the_read_timeout_times_out_after_applying(sandbox: Sandbox) -> None:
    sandbox.inject("cards.block", Fault.delay(5))
    with sandbox.client(retry_policy=FAST, timeout=0.05) as client:
        started = time.monotonic()
        result = block_and_check(sandbox, client)

    assert result.reconciled and time.monotonic() - started < 2


def test_a_lost_status_check_ends_in_a_duplicate_that_proves_the_first_attempt(
    sandbox: Sandbox, cards_client: fp.CardClient
) -> None:
    sandbox.inject("cards.block", Fault.drop_after())
    sandbox.inject("requests.status", Fault.drop_before())

    result = block_and_check(sandbox, cards_client)

    assert result.reconciled
    assert faults_seen(sandbox) == [
        ("block", "drop_after", True),
        ("status", "drop_before", False),
        ("block", None, False),  # the re-send, refused as a duplicate
        ("status", None, True),
    ]


def test_drop_after_on_an_asynchronous_operation_still_returns_the_created_card(
    sandbox: Sandbox, cards_client: fp.CardClient
) -> None:
    sandbox.inject("cards.bulk_issue", Fault.drop_after())

    result = cards_client.cards.bulk_issue(fp.Product.INSTANT_CARD, 1, wait=True)

    assert result.reconciled and result.card_ids == tuple(sandbox.cards)
    assert sandbox.times_processed(result.request_id or "") == 1


def test_a_lost_answer_to_a_read_is_asked_again_under_a_new_request_id(
    sandbox: Sandbox, cards_client: fp.CardClient
) -> None:
    card = sandbox.create_card()
    sandbox.inject("cards.info", Fault.drop_after())
    sandbox.inject("cards.info", Fault.http(502))

    info = cards_client.cards.info(card.card_id)

    infos = [e for e in sandbox.log if e.operation == "cards.info"]
    assert info.card_id == card.card_id and len(infos) == 3
    assert len({e.request_id for e in infos}) == 3 and infos[-1].request_id == info.request_id
    assert [e.fault for e in infos] == ["drop_after", "http_502", None]


def test_a_gift_card_without_request_id_is_never_sent_blind_twice(
    sandbox: Sandbox, cards_client: fp.CardClient
) -> None:
    sandbox.inject("gift_cards.issue", Fault.drop_after())

    with pytest.raises(fp.APIConnectionError) as caught:
        cards_client.gift_cards.issue(1, cardholder_name="A", phone=77001234567)

    assert caught.value.outcome_unknown and caught.value.attempts == 1
    assert len(sandbox.gift_cards) == 1


def test_a_fault_for_the_next_call_strikes_whatever_the_path(sandbox: Sandbox, cards_client: fp.CardClient) -> None:
    sandbox.inject(None, Fault.drop_before())

    with pytest.raises(fp.NotFoundError):
        cards_client.requests.status(str(uuid.uuid4()))

    assert [e.fault for e in sandbox.log] == ["drop_before", None]


async def test_faults_reach_the_async_client_too(sandbox: Sandbox) -> None:
    card = sandbox.create_card()
    sandbox.inject("cards.close", Fault.drop_after())
    sandbox.inject("cards.close", Fault.delay(0.01))

    async with sandbox.async_client(retry_policy=FAST) as client:
        result = await client.cards.close(card.card_id, reason="x")
    await sandbox.aclose()

    assert result.reconciled and card.status == CardStatus.CLOSED
    assert sandbox.times_processed(result.request_id or "") == 1
    assert sandbox.pending_faults == 1  # the delay was for a second close that never had to be sent


def test_the_transport_raises_what_a_network_would(sandbox: Sandbox) -> None:
    sandbox.inject(None, Fault.drop_before())
    sandbox.inject(None, Fault.drop_after())
    sandbox.inject(None, Fault.timeout_after())
    with httpx.Client(transport=sandbox.transport(), base_url="https://sandbox.invalid") as http:
        for expected in (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadTimeout):
            with pytest.raises(expected):
                http.post(PATHS["gift_cards.products"], content=b"{}")


@pytest.mark.parametrize(
    ("target", "fault", "times", "error"),
    [
        ("cards.nothing", Fault.garbage(), 1, ValueError),
        ("/v5/nowhere", Fault.garbage(), 1, ValueError),
        ("cards.block", Fault.garbage(), 0, ValueError),
        ("cards.block", "garbage", 1, TypeError),
    ],
)
def test_inject_refuses_what_it_cannot_do(
    sandbox: Sandbox, target: str, fault: Fault, times: int, error: type[Exception]
) -> None:
    with pytest.raises(error):
        sandbox.inject(target, fault, times)


@pytest.mark.parametrize("make", [lambda: Fault.http(200), lambda: Fault.delay(-1), lambda: Fault.timeout_after(-1)])
def test_fault_constructors_refuse_nonsense(make: object) -> None:
    with pytest.raises(ValueError):
        make()  # type: ignore[operator]
