"""The pytest plugin: its fixtures, used directly and from a user's test file (pytester)."""

from __future__ import annotations

import pytest

import freedompay_cards as fp
from freedompay_cards.sandbox import CardStatus, Sandbox

pytest_plugins = ["pytester"]


def test_the_client_fixture_talks_to_the_sandbox_fixture(
    freedompay_sandbox: Sandbox, freedompay_client: fp.CardClient
) -> None:
    card = freedompay_sandbox.create_card()

    freedompay_client.cards.block(card.card_id, reason="lost")

    assert freedompay_sandbox.cards[card.card_id].status == CardStatus.BLOCKED


async def test_the_async_client_fixture_talks_to_the_sandbox_fixture(
    freedompay_sandbox: Sandbox, freedompay_async_client: fp.AsyncCardClient
) -> None:
    result = await freedompay_async_client.cards.bulk_issue(fp.Product.INSTANT_CARD, 2, wait=True)

    assert set(result.card_ids) == set(freedompay_sandbox.cards)


def test_the_fixtures_are_registered_for_users_and_close_their_clients(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(
        """
        import pytest
        from freedompay_cards.sandbox import Fault

        kept = {}

        def test_user_code(freedompay_sandbox, freedompay_client):
            card = freedompay_sandbox.create_card()
            freedompay_sandbox.inject("cards.block", Fault.drop_after())
            result = freedompay_client.cards.block(card.card_id, reason="lost")
            assert result.reconciled and freedompay_sandbox.times_processed(result.request_id) == 1
            kept["sync"] = freedompay_client

        async def test_user_async_code(freedompay_sandbox, freedompay_async_client):
            gift = await freedompay_async_client.gift_cards.issue(1, cardholder_name="A", phone=77001234567)
            assert freedompay_sandbox.last_otp(gift.card_id)
            kept["async"] = freedompay_async_client

        def test_each_test_gets_a_fresh_sandbox(freedompay_sandbox):
            assert freedompay_sandbox.cards == {} and freedompay_sandbox.gift_cards == {}

        def test_clients_are_closed_after_their_test():
            with pytest.raises(RuntimeError, match="closed"):
                kept["sync"].cards.info("1")

        async def test_async_clients_are_closed_after_their_test():
            with pytest.raises(RuntimeError, match="closed"):
                await kept["async"].cards.info("1")
        """
    )

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(passed=5)
